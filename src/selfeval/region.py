"""The regional and national view: many authorities' indicators side by side, with outliers.

For every authority in the store (or those asked for) each indicator is computed in one pass
of the engine (DuckDB, or Spark for the nation), then set against DfE's published figures:

- **against England**: the authority's value is an outlier when it lies more than two standard
  deviations of all authorities' published values for that year from England's value (not
  for counts: England's count is the nation's total, so every authority would lie below it;
  its rate is the comparable figure);
- **against its neighbours**: when it lies outside the range of its ten statistical
  neighbours' published values for that year (again not for counts: a count says how large
  an authority is before it says anything of its practice).

A figure withheld from a reader (a count of 1 to 5 behind it) is shown with no flag: where it
lies would say what it is.

Both need the published benchmarks imported (``selfeval benchmarks import``); without them the
values are shown and no outliers are flagged.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import ibis

from selfeval.benchmarks.compare import area_names, mapped_indicators, neighbours, reference_date
from selfeval.evaluation.engagement import self_evaluation_status
from selfeval.indicators import AS_RETURNED, Result, catalogue, compute, sources_from_store
from selfeval.indicators.published import has_benchmarks, published_series
from selfeval.store import Store

OUTLIER_SD = 2.0


@dataclass(frozen=True)
class RegionCell:
    value: float | None
    reason: str | None
    england: float | None = None
    against_england: str | None = None
    """``above`` or ``below`` England by more than two standard deviations, else None."""
    against_neighbours: str | None = None
    """``above`` or ``below`` every one of its neighbours' published values, else None."""
    numerator: float | None = None
    denominator: float | None = None
    """What the value rests on, for disclosure control where the reader needs it."""


@dataclass
class RegionView:
    at: date
    ids: list[str]
    la_codes: list[str]
    names: dict[str, str]
    cells: dict[tuple[str, str], RegionCell] = field(default_factory=dict)
    self_evaluation: dict[str, str] = field(default_factory=dict)
    """Per authority: its findings accepted and rejected, or none decided yet."""

    def outliers(self) -> list[tuple[str, str, str]]:
        """(authority, indicator, what) for every flagged cell."""
        out = []
        for (la, iid), c in sorted(self.cells.items()):
            if c.against_england:
                out.append((la, iid, f"{c.against_england} England"))
            if c.against_neighbours:
                out.append((la, iid, f"{c.against_neighbours} all its neighbours"))
        return out

    def as_rows(self) -> list[dict[str, Any]]:
        return [
            {
                "la": la,
                "la_name": self.names.get(la, ""),
                "id": iid,
                "value": c.value,
                "reason": c.reason,
                "england": c.england,
                "against_england": c.against_england,
                "against_neighbours": c.against_neighbours,
                "self_evaluation": self.self_evaluation.get(la, ""),
            }
            for (la, iid), c in sorted(self.cells.items())
        ]


def _side(value: float, low: float, high: float) -> str | None:
    if value > high:
        return "above"
    if value < low:
        return "below"
    return None


def flags(
    value: float,
    england: float | None,
    all_authorities: Sequence[float],
    neighbour_values: Sequence[float],
) -> tuple[str | None, str | None]:
    """(against England, against neighbours): ``above``, ``below`` or None (see module doc)."""
    against_england = None
    if england is not None and len(all_authorities) > 2:
        sd = statistics.pstdev(all_authorities)
        against_england = _side(value, england - OUTLIER_SD * sd, england + OUTLIER_SD * sd)
    against_neighbours = (
        _side(value, min(neighbour_values), max(neighbour_values)) if neighbour_values else None
    )
    return against_england, against_neighbours


def region_view(
    store: Store,
    at: date,
    *,
    la_codes: Sequence[str] | None = None,
    ids: Sequence[str] | None = None,
    period: str = "year",
    backend: ibis.BaseBackend | None = None,
    model: str = "2021",
) -> RegionView:
    """Every asked-for authority's indicators at ``at``, flagged against England and neighbours:
    as returned (the loads of ``at``'s return year and earlier), the basis of DfE's published
    figures they are set against."""
    cat = catalogue()
    ids = list(ids) if ids else list(cat)
    las = list(la_codes) if la_codes is not None else store.la_codes()
    src = sources_from_store(store, backend=backend, basis=AS_RETURNED, year=at)
    results: list[Result] = compute(src, [at], period=period, ids=ids, la_codes=las)
    benchmarks = has_benchmarks(store)
    names = area_names(store) if benchmarks else {}
    view = RegionView(at=at, ids=ids, la_codes=las, names=names)
    mapped = {m.id: m for m in mapped_indicators()} if benchmarks else {}
    series = {}
    for iid in ids:
        m = mapped.get(iid)
        if m and reference_date(m.published, at.year) == at:
            series[iid] = published_series(store, m.published)
    near = {la: neighbours(store, la, model) for la in las} if benchmarks else {}
    for r in results:
        england, published, near_values = None, [], []
        s = series.get(r.id)
        if s is not None and r.value is not None:
            eng = s.england.get(at.year)
            england = eng.value if eng else None
            values = s.la_values(at.year)
            published = list(values.values())
            near_values = [values[n] for n in near.get(r.la_code, []) if n in values]
        against: tuple[str | None, str | None] = (None, None)
        if r.value is not None and cat[r.id].unit != "count":
            against = flags(r.value, england, published, near_values)
        view.cells[(r.la_code, r.id)] = RegionCell(
            r.value, r.reason, england, *against, r.numerator, r.denominator
        )
    view.self_evaluation = {
        la: s.describe() for la, s in self_evaluation_status(store, las).items()
    }
    return view
