"""The authority's own figures beside DfE's published ones for the same year (reconciliation).

What a performance team does before any figure goes into a self-evaluation: every indicator
with a published measure, computed *as returned* (from the returns of the collection year
alone, as DfE computes its statistics), set beside DfE's published figure for the authority,
with the difference, the tolerance the publication allows and a verdict.

Return year Y (``--year Y``, the 1 April Y-1 to 31 March Y collection) gives each figure at the
date its return reports: 31 March Y for the 903 and CIN census; 30 September Y-1 for the
workforce census inside that year. The published figure is the time_period of that date's year.

Tolerance: a published figure is rounded (counts to units, percentages to what the file shows,
a whole number or one decimal); the computed figure is *within rounding* when it rounds to it.
Suppressed cells are compared with what their marker says, and the figure is *consistent with
suppression* when it fits: ``c`` (a count of 1 to 5 behind the cell) when the computed count,
numerator or denominator is 1 to 5; ``k`` and ``low`` (under 0.5%) when the computed figure is
under 0.5 and not 0; ``x`` (not available), ``z``
(not applicable) and ``u`` (low reliability) publish nothing to compare.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any, Literal, get_args

from selfeval.benchmarks.compare import Mapped, _require, mapped_indicators
from selfeval.indicators import AS_RETURNED, Sources, compute, sources_from_store
from selfeval.indicators.engine import Result
from selfeval.indicators.published import Cell, PublishedSeries, has_benchmarks, published_series
from selfeval.indicators.registry import Published
from selfeval.store import Store

Verdict = Literal[
    "matches",
    "within rounding",
    "consistent with suppression",
    "differs",
    "not published",
    "not computed",
]
VERDICTS: tuple[str, ...] = get_args(Verdict)
AGREE: frozenset[str] = frozenset({"matches", "within rounding", "consistent with suppression"})
"""Verdicts that let a figure be compared with others and drafted into a finding."""
SUPPRESSED = "consistent with suppression"
"""A published marker (c, k, low) whose meaning the computed figure fits: no number to match,
but nothing that contradicts it."""
BASIS = "as returned"
SMALL = ("c",)
UNDER_HALF = ("k", "low")
MAX_DECIMALS = 4


@dataclass(frozen=True)
class Reconciled:
    """One indicator of one authority for one return year: computed beside published."""

    id: str
    title: str
    unit: str
    la: str
    year: int
    """The return year asked for."""
    date: date
    """The date the figure is taken at (its published time_period is this date's year)."""
    basis: str
    computed: float | None
    numerator: float | None
    denominator: float | None
    published: float | None
    status: str | None
    """The published cell's suppression marker (c, x, z, k, u, low), if any."""
    difference: float | None
    """computed - published, when both are numbers."""
    tolerance: float | None
    """Half a unit of the published figure's last decimal (the rounding it may hide)."""
    verdict: str
    note: str
    """Why: the rounding, the marker's meaning, or why the figure was not computed."""
    source: str
    """The published measure: file, column and breakdown."""

    @property
    def agrees(self) -> bool:
        return self.verdict in AGREE

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["date"] = self.date.isoformat()
        return d


def figure_date(published: Published, year: int) -> date:
    """The date return year ``year`` reports a published measure at: 30 September of the
    census inside the year for the workforce, 31 March otherwise."""
    if published.file.startswith("csww"):
        return date(year - 1, 9, 30)
    return date(year, 3, 31)


def decimals(values: Sequence[float]) -> int:
    """How many decimals a published series shows: the most any of its values needs."""
    most = 0
    for v in values:
        for d in range(MAX_DECIMALS + 1):
            if abs(round(v, d) - v) < 1e-9:
                most = max(most, d)
                break
        else:
            most = MAX_DECIMALS
    return most


def verdict(
    computed: float | None,
    cell: Cell | None,
    places: int,
    *,
    numerator: float | None = None,
    denominator: float | None = None,
    reason: str | None = None,
) -> tuple[str, float | None, float | None, str]:
    """(verdict, difference, tolerance, note) for one computed figure and one published cell."""
    if computed is None and cell is not None and (cell.status or "").lower() == "z":
        return "not published", None, None, f"z: not applicable ({reason or 'not computed'})"
    if computed is None:
        return "not computed", None, None, reason or "the store cannot compute it"
    if cell is None:
        return "not published", None, None, "DfE's file has no figure for this authority and year"
    if cell.value is None:
        status = (cell.status or "x").lower()
        if status in SMALL:
            small = [v for v in (computed, numerator, denominator) if v is not None]
            ok = any(1 <= v <= 5 for v in small)
            note = "c: a count of 1 to 5 suppressed"
            return (SUPPRESSED if ok else "differs"), None, None, note
        if status in UNDER_HALF:
            ok = 0 < computed < 0.5
            return (SUPPRESSED if ok else "differs"), None, 0.5, f"{status}: under 0.5%"
        meaning = {"x": "not available", "z": "not applicable", "u": "low reliability"}
        return "not published", None, None, f"{status}: {meaning.get(status, 'suppressed')}"
    tolerance = 0.5 * 10**-places
    diff = computed - cell.value
    note = f"published to {places} decimal{'s' if places != 1 else ''}"
    if abs(diff) < 1e-9:
        return "matches", diff, tolerance, note
    if abs(diff) <= tolerance + 1e-9:
        return "within rounding", diff, tolerance, note
    return "differs", diff, tolerance, note


def as_returned_sources(store: Store, la: str, year: int) -> Sources:
    """The authority's sources on the *as returned* basis for ``year``: its own returns for
    the year and earlier, as DfE computed what it published."""
    return sources_from_store(store, la, basis=AS_RETURNED, year=year)


def reconcile(
    store: Store,
    la: str,
    year: int,
    *,
    ids: Sequence[str] | None = None,
    sources: Sources | None = None,
) -> list[Reconciled]:
    """Every mapped indicator for ``la`` and return year ``year``: computed (as returned)
    beside published, with the difference, tolerance and verdict."""
    _require(store)
    mapped = mapped_indicators(ids)
    src = sources if sources is not None else as_returned_sources(store, la, year)
    dates = {m.id: figure_date(m.published, year) for m in mapped}
    results = {}
    if la in src.la_codes():
        ends = sorted(set(dates.values()))
        for r in compute(src, ends, ids=[m.id for m in mapped], la_codes=[la]):
            if r.date == dates[r.id]:
                results[r.id] = r
    out = []
    for m in mapped:
        out.append(_row(store, m, la, year, dates[m.id], results.get(m.id)))
    return out


def _row(store: Store, m: Mapped, la: str, year: int, at: date, r: Result | None) -> Reconciled:
    s: PublishedSeries = published_series(store, m.published)
    cell = s.authorities.get((la, at.year))
    shown = [c.value for (_, y), c in s.authorities.items() if y == at.year]
    places = decimals([v for v in shown if v is not None])
    computed, num, den, reason = (
        (r.value, r.numerator, r.denominator, r.reason)
        if r is not None
        else (None, None, None, f"the store holds no returns for authority {la}")
    )
    v, diff, tol, note = verdict(
        computed, cell, places, numerator=num, denominator=den, reason=reason
    )
    return Reconciled(
        id=m.id,
        title=m.title,
        unit=m.unit,
        la=la,
        year=year,
        date=at,
        basis=BASIS,
        computed=computed,
        numerator=num,
        denominator=den,
        published=cell.value if cell else None,
        status=cell.status if cell else None,
        difference=diff,
        tolerance=tol,
        verdict=v,
        note=note,
        source=m.published.describe(),
    )


def differing(rows: Sequence[Reconciled]) -> dict[str, Reconciled]:
    """The figures that differ from DfE's beyond tolerance, by indicator id."""
    return {r.id: r for r in rows if r.verdict == "differs"}


COLUMNS: tuple[str, ...] = (
    "indicator",
    "date",
    "basis",
    "computed",
    "published",
    "difference",
    "tolerance",
    "verdict",
    "note",
)


def _show(v: float | None) -> str:
    if v is None:
        return ""
    if abs(v - round(v)) < 1e-9:
        return f"{round(v):,}"
    return f"{v:,.2f}"


def table_rows(rows: Sequence[Reconciled]) -> list[list[object]]:
    """The reconciliation as rows of ``COLUMNS`` (for a text table, CSV or a workbook)."""
    return [
        [
            r.id,
            r.date.isoformat(),
            r.basis,
            r.computed,
            r.published if r.published is not None else (r.status or ""),
            r.difference,
            r.tolerance,
            r.verdict,
            r.note,
        ]
        for r in rows
    ]


def summary(rows: Sequence[Reconciled]) -> str:
    """One line: how many figures have each verdict."""
    counts = {v: sum(1 for r in rows if r.verdict == v) for v in VERDICTS}
    return ", ".join(f"{n} {v}" for v, n in counts.items() if n)


def text_table(rows: Sequence[Reconciled]) -> str:
    """The reconciliation as a plain text table, with a closing line of counts."""
    head = ("indicator", "date", "computed", "published", "difference", "tolerance", "verdict")
    lines = ["{:<40}{:<12}{:>11}{:>11}{:>12}{:>10}  {}".format(*head)]
    for r in rows:
        pub = _show(r.published) if r.published is not None else (r.status or "—")
        diff = "" if r.difference is None else f"{r.difference:+.2f}"
        tol = "" if r.tolerance is None else f"±{r.tolerance:g}"
        lines.append(
            f"{r.id:<40}{r.date.isoformat():<12}{_show(r.computed) or '—':>11}{pub:>11}"
            f"{diff:>12}{tol:>10}  {r.verdict}"
        )
    lines.append(f"{len(rows)} figures ({BASIS}): {summary(rows)}")
    return "\n".join(lines)


def return_year(at: date) -> int | None:
    """The return year whose published figures a figure at ``at`` is compared with: Y for
    31 March Y (the end of the 903 and CIN census year); None for any other date."""
    return at.year if (at.month, at.day) == (3, 31) else None


def unreconciled(
    store: Store, la: str, dates: Sequence[date]
) -> dict[tuple[str, date], Reconciled]:
    """The authority's figures at these dates that differ from DfE's published ones beyond
    their rounding, by (indicator, date); nothing when no benchmarks are imported."""
    if not has_benchmarks(store):
        return {}
    out: dict[tuple[str, date], Reconciled] = {}
    for d in sorted(set(dates)):
        y = return_year(d)
        if y is None:
            continue
        for r in reconcile(store, la, y):
            if r.verdict == "differs":
                out[(r.id, d)] = r
    return out
