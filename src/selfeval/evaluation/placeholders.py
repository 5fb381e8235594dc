"""Figures in narrative: placeholders people write, rendered from the single record.

A placeholder is ``{{ FIGURE }}`` with this small grammar::

    FIGURE     := ID WHEN [ "over" PERIOD ] [ "vs" COMPARATOR ] [ "rounded" ]
    WHEN       := "at" DATE                      the figure at a date (a period measure: the
                                                 year, quarter or month ending on it)
                | "from" DATE "to" DATE          the change between two dates: "down from 15.0%
                                                 to 10.0%", "up from ...", "unchanged at ..."
    PERIOD     := "year" | "quarter" | "month"   default: year
    COMPARATOR := "england" | "region" | "neighbours"
    DATE       := YYYY-MM-DD
    ID         := an indicator id in the catalogue (``selfeval indicators list``)

``rounded`` shows a percentage without decimals. An unknown id, a malformed placeholder or a
figure the record has no data for is a :class:`FigureError` naming the section and line:
never a blank. Every figure carries its evidence (indicator, period, source tables, loads) so
that a report can cite it, and shows small counts as DfE does (``c``) when the audience has no
child-level access.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar, cast, get_args

from dateutil.relativedelta import relativedelta

from selfeval.errors import SelfevalError
from selfeval.evaluation.benchmarking import (
    BenchmarkValue,
    Comparator,
    Comparators,
    NoComparators,
    default_comparators,
)
from selfeval.indicators import Result, catalogue, compute, get, sources_from_store
from selfeval.indicators.store_sources import return_year_span
from selfeval.outputs.disclosure import (
    FLOWS,
    SUPPRESSED,
    flow_identity,
    gives_back,
    protect,
    withhold_figure,
)
from selfeval.outputs.formatting import format_number, long_date
from selfeval.store import Store

PLACEHOLDER = re.compile(r"\{\{(.*?)\}\}", re.S)
_TOKENS = re.compile(
    r"^(?P<id>[a-z][a-z0-9_]*)\s+"
    r"(?:at\s+(?P<at>\d{4}-\d{2}-\d{2})|from\s+(?P<d1>\d{4}-\d{2}-\d{2})\s+to\s+(?P<d2>\d{4}-\d{2}-\d{2}))"
    r"(?:\s+over\s+(?P<period>year|quarter|month))?"
    r"(?:\s+vs\s+(?P<vs>england|region|neighbours))?"
    r"(?P<rounded>\s+rounded)?$"
)
COMPARATORS: dict[str, Comparator] = {c: c for c in get_args(Comparator)}
"""A placeholder's ``vs`` word, as the comparator it names."""
COMPARATOR_NAMES = {
    "england": "England",
    "region": "region",
    "neighbours": "statistical neighbours",
}


class FigureError(SelfevalError):
    """A placeholder that cannot be rendered: malformed, unknown or without data."""


@dataclass(frozen=True)
class Where:
    """Where a placeholder was written: the section (file) and line."""

    section: str
    line: int

    def __str__(self) -> str:
        return f"{self.section}, line {self.line}"


@dataclass(frozen=True)
class FigureRef:
    """A parsed placeholder."""

    indicator_id: str
    dates: tuple[date, ...]
    """One date (``at``) or two (``from ... to``)."""
    period: str = "year"
    versus: Comparator | None = None
    rounded: bool = False
    where: Where | None = field(default=None, compare=False)

    @property
    def is_change(self) -> bool:
        return len(self.dates) == 2


def parse_figure(text: str, where: Where | None = None) -> FigureRef:
    """Parse the inside of one ``{{ ... }}``; check the indicator exists."""
    src = " ".join(text.split())
    m = _TOKENS.match(src)
    at = f" ({where})" if where else ""
    if not m:
        raise FigureError(
            f"figure {{{{ {src} }}}}{at} is not of the form 'ID at YYYY-MM-DD' or "
            "'ID from YYYY-MM-DD to YYYY-MM-DD' [over year|quarter|month] "
            "[vs england|region|neighbours] [rounded]"
        )
    ind_id = m["id"]
    if ind_id not in catalogue():
        raise FigureError(f"figure {{{{ {src} }}}}{at}: there is no indicator called {ind_id!r}")
    try:
        dates = tuple(
            date.fromisoformat(d) for d in ((m["at"],) if m["at"] else (m["d1"], m["d2"]))
        )
    except ValueError as e:
        raise FigureError(f"figure {{{{ {src} }}}}{at}: {e}") from None
    if len(dates) == 2 and dates[0] >= dates[1]:
        raise FigureError(f"figure {{{{ {src} }}}}{at}: the first date must be the earlier")
    return FigureRef(
        indicator_id=ind_id,
        dates=dates,
        period=m["period"] or "year",
        versus=COMPARATORS.get(m["vs"] or ""),
        rounded=bool(m["rounded"]),
        where=where,
    )


@dataclass(frozen=True)
class Evidence:
    """Where a figure comes from, as a report cites it."""

    indicator_id: str
    title: str
    definition: str
    periods: tuple[tuple[date, date], ...]
    source_tables: tuple[str, ...]
    load_ids: tuple[int, ...]
    comparison: str | None = None

    def describe_periods(self) -> str:
        return "; ".join(
            long_date(s) if s == e else f"{long_date(s)} to {long_date(e)}" for s, e in self.periods
        )


@dataclass(frozen=True)
class RenderedFigure:
    """A rendered placeholder: its text, the numbers it shows, and its evidence."""

    ref: FigureRef
    text: str
    results: tuple[Result, ...]
    evidence: Evidence
    numbers: tuple[float, ...]
    comparison: BenchmarkValue | None = None


T = TypeVar("T")


class FigureCache:
    """One authority's figures from a store, each computed once per date and period, and
    rendered for the documents (placeholders, disclosure control, evidence)."""

    def __init__(
        self,
        store: Store,
        la_code: str,
        *,
        comparators: Comparators | None = None,
        public: bool = True,
    ) -> None:
        self.store = store
        self.la_code = la_code
        self.loads = store.read_loads(la_code)
        """The authority's loads, read once for this record (which lives for one document):
        its sources, every figure's evidence and its ``state`` come from this reading, however
        the loads change meanwhile; the next record reads them anew."""
        self.sources = sources_from_store(store, la_code, loads=self.loads)
        if comparators is None:
            comparators = default_comparators(store, la_code)
        self.comparators = comparators or NoComparators()
        self.public = public
        """Whether readers lack child-level access: small counts are then shown as ``c``."""
        self._results: dict[tuple[str, str, date], Result] = {}
        self._memo: dict[Hashable, Any] = {}

    def edition(self, *, public: bool) -> FigureCache:
        """The same figures for another audience: the store, sources, comparators and every
        result computed so far are shared (a result does not depend on who reads it); only
        what is shown differs."""
        other = copy.copy(self)
        other.public = public
        return other

    def memo(self, key: Hashable, make: Callable[[], T]) -> T:
        """What ``make`` gives, made once for this record and every edition of it: for work
        that depends on the store and the authority, never on the audience (the as-returned
        comparisons, the reconciliation)."""
        if key not in self._memo:
            self._memo[key] = make()
        return cast(T, self._memo[key])

    def state(self) -> tuple[str, str, tuple[int, ...]]:
        """A key that changes whenever this authority's data does (the store, the authority
        and its loads, whose ids are never reused): what caches across records hang on. The
        loads are those this record's figures come from (``loads``)."""
        loads = tuple(r.id for r in self.loads.records)
        return (str(self.store.url), self.la_code, loads)

    def results(
        self, ids: Iterable[str], dates: Sequence[date], period: str = "year"
    ) -> list[Result]:
        """The indicators at the dates, computing only what has not been computed yet."""
        ids = list(dict.fromkeys(ids))
        need = sorted({d for d in dates for i in ids if (i, period, d) not in self._results})
        todo = [i for i in ids if any((i, period, d) not in self._results for d in dates)]
        if need and todo:
            for r in compute(self.sources, need, period=period, ids=todo, la_codes=[self.la_code]):
                self._results[(r.id, period, _asked(r))] = r
        return [self._results[(i, period, d)] for i in ids for d in dates]

    def result(self, ind_id: str, at: date, period: str = "year") -> Result:
        return self.results([ind_id], [at], period)[0]

    def load_ids(self, tables: Sequence[str], start: date, end: date) -> tuple[int, ...]:
        """The loads of these tables whose return years overlap the period."""
        ids: set[int] = set()
        for t in tables:
            for rec, _ in self.loads.table_files(t, self.la_code):
                if rec.return_year is None:
                    ids.add(rec.id)
                    continue
                s, e = return_year_span(rec.return_year)
                if s <= end and start <= e:
                    ids.add(rec.id)
        return tuple(sorted(ids))

    def evidence(self, results: Sequence[Result], comparison: BenchmarkValue | None) -> Evidence:
        ind = get(results[0].id)
        periods = tuple((r.period_start, r.period_end) for r in results)
        start = min(p[0] for p in periods)
        end = max(p[1] for p in periods)
        return Evidence(
            indicator_id=ind.id,
            title=ind.title,
            definition=ind.definition,
            periods=periods,
            source_tables=tuple(ind.sources),
            load_ids=self.load_ids(ind.sources, start, end),
            comparison=f"{comparison.name}: {comparison.source}" if comparison else None,
        )

    def figure(self, ref: FigureRef) -> RenderedFigure:
        """Render one placeholder, or raise :class:`FigureError` saying where and why."""
        results = self.results([ref.indicator_id], list(ref.dates), ref.period)
        where = f" ({ref.where})" if ref.where else ""
        for r in results:
            if r.value is None:
                raise FigureError(
                    f"figure {ref.indicator_id} at {_asked(r)}{where} has no value: "
                    f"{r.reason or 'no data'}"
                )
        comparison = None
        if ref.versus and results[-1].unit == "count":
            raise FigureError(
                f"figure {ref.indicator_id}{where}: a count is not compared with "
                f"{'England' if ref.versus == 'england' else 'the ' + ref.versus}'s total (it "
                "says nothing of the authority's size); compare the rate or percentage instead"
            )
        if ref.versus:
            comparison = self.comparators.compare(results[-1], ref.versus)
            if comparison is None:
                raise FigureError(
                    f"figure {ref.indicator_id} at {_asked(results[-1])}{where}: there is no "
                    f"{COMPARATOR_NAMES[ref.versus]} benchmark for it; import DfE's published "
                    "figures (selfeval benchmarks import)"
                )
        shown = [self.show(r, rounded=ref.rounded) for r in results]
        if ref.is_change:
            a, b = results
            if shown[0] == shown[1]:
                text = f"unchanged at {shown[1]}"
            else:
                word = "down" if (b.value or 0) < (a.value or 0) else "up"
                text = f"{word} from {shown[0]} to {shown[1]}"
        else:
            text = shown[0]
        if comparison:
            text += f" ({COMPARATOR_NAMES[ref.versus or 'england'].capitalize()}: "
            text += f"{format_number(comparison.value, results[-1].unit, ref.rounded)})"
        numbers = tuple(r.value for r in results if r.value is not None)
        if comparison:
            numbers += (comparison.value,)
        return RenderedFigure(
            ref=ref,
            text=text,
            results=tuple(results),
            evidence=self.evidence(results, comparison),
            numbers=numbers,
            comparison=comparison,
        )

    def show(self, r: Result, *, rounded: bool = False) -> str:
        """A result as people read it, with disclosure control for a public audience."""
        if self.public and self.withheld_from_public(r):
            return SUPPRESSED
        return format_number(r.value, r.unit, rounded)

    def withheld_from_public(self, r: Result) -> bool:
        """Whether a public audience sees ``r`` as c, whichever audience this record is for:
        what a finding may rest on, so that every edition draws the same findings."""
        area = get(r.id).area if r.id in catalogue() else ""
        if withhold_figure("public", r.unit, r.value, r.numerator, r.denominator, area=area):
            return True
        return self._flow_withheld(r) or self._given_back(r)

    def _given_back(self, r: Result) -> bool:
        """Whether another figure at the same date that would give this one's count back (the
        count a rate is of; the same count from another source) is withheld from the public
        by the stock-and-flow identity (:func:`outputs.disclosure.gives_back`)."""
        same = {i: ind.same_figure_as for i, ind in catalogue().items() if ind.same_figure_as}
        for other in gives_back(r.id, same):
            if other not in catalogue():
                continue
            days = (r.period_end - r.period_start).days
            period = "year" if days == 0 or days > 100 else "quarter" if days > 40 else "month"
            o = self.result(other, _asked(r), period)
            if o.value is not None and (
                withhold_figure("public", o.unit, o.value, o.numerator, o.denominator)
                or self._flow_withheld(o)
            ):
                return True
        return False

    def _flow_withheld(self, r: Result) -> bool:
        """Whether a count is withheld because, with the other figures of a stock-and-flow
        identity (in care at the year's start and end, started, ceased), it would give a
        withheld count away in some public output (:func:`outputs.disclosure.protect`)."""
        if r.unit != "count":
            return False
        asked = _asked(r)
        for stock, started, ceased in FLOWS:
            if r.id not in (stock, started, ceased):
                continue
            ends = [asked] if r.id != stock else [asked, asked + relativedelta(years=1)]
            for end in ends:
                start = end - relativedelta(years=1)
                rs = self.results([stock], [start, end]) + self.results([started, ceased], [end])
                values = [x.value for x in rs if x.value is not None]
                if len(values) < len(rs):
                    continue
                names = [
                    f"{stock}@{start}",
                    f"{stock}@{end}",
                    f"{started}@{end}",
                    f"{ceased}@{end}",
                ]
                shown = protect(
                    {n: float(v) for n, v in zip(names, values, strict=True)},
                    [flow_identity(names[1], names[0], names[2], names[3])],
                )
                if shown.get(f"{r.id}@{asked}") == SUPPRESSED:
                    return True
        return False


def _asked(r: Result) -> date:
    """The date a result was asked for (the engine's ``date``, else its period's end)."""
    return getattr(r, "date", None) or r.period_end
