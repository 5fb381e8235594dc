"""The indicator catalogue: one typed declaration per indicator, registered by a decorator.

An indicator's ``compute`` function takes the sources (Ibis tables of the single record) and a
table of periods (``period_start``, ``period_end``: one row per date asked for) and returns an
Ibis table with one row per authority and period: ``la_code``, ``period_end``, ``numerator``
and, for a proportion or rate, ``denominator``. Because every definition is one expression over
all periods and authorities at once, a month-end series or all of England is one query, and
the same expression runs on DuckDB or PySpark.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Literal, TypeAlias

from selfeval.schema import title as table_title

if TYPE_CHECKING:
    import ibis.expr.types as ir

    from selfeval.indicators.sources import Sources

Area = Literal[
    "need", "protection", "looked_after", "care_leavers", "workforce", "quality", "plans"
]
Unit = Literal["count", "percent", "rate_per_10k", "days", "ratio", "fte"]
Polarity = Literal["higher_better", "lower_better", "neutral"]
Measure = Literal["stock", "period", "annual"]
"""A stock is counted at the date; a period measure covers the year, quarter or month ending on
the date; an annual measure is what the latest yearly return on or before the date gives (its
``snapshot`` says which day ends that return's year)."""

AREA_WORDS: dict[str, str] = {
    "need": "Children in need",
    "protection": "Child protection",
    "looked_after": "Children looked after",
    "care_leavers": "Care leavers",
    "workforce": "Workforce",
    "quality": "Practice quality",
    "plans": "Improvement plan",
}
UNIT_WORDS: dict[str, str] = {
    "count": "number",
    "percent": "percentage",
    "rate_per_10k": "per 10,000 children",
    "days": "days",
    "ratio": "ratio",
    "fte": "full-time equivalent",
}
POLARITY_WORDS: dict[str, str] = {
    "higher_better": "higher",
    "lower_better": "lower",
    "neutral": "neither (context)",
}
"""The catalogue's codes as people read them (the web's and documents' wording)."""

SNAPSHOTS: dict[str, tuple[int, int]] = {"collection": (3, 31), "csww": (9, 30)}
"""The days that end a yearly return's year: the 903 and CIN census collection year (31 March)
and the social work workforce census (30 September). ``periods`` carries ``<name>_year``."""

AREAS: tuple[str, ...] = (
    "need",
    "protection",
    "looked_after",
    "care_leavers",
    "workforce",
    "quality",
    "plans",
)


Compute: TypeAlias = "Callable[[Sources, ir.Table], ir.Table]"
"""A definition: the sources and the periods table in, a table of figures out."""


@dataclass(frozen=True)
class Published:
    """Where DfE publishes the same measure (explore-education-statistics)."""

    file: str
    """The EES file's stem, e.g. ``cla_number_and_rate_per_10k_children``."""
    column: str
    filters: tuple[tuple[str, str], ...] = ()
    """Column = value pairs that pick the measure's rows (e.g. a breakdown)."""
    scale: float = 1.0
    """Multiply the published value by this to get ours (e.g. a proportion to a percent)."""
    per_10k_children: bool = False
    """The column is a count and the indicator its rate per 10,000 children aged 0 to 17: the
    benchmark is worked out for England, each region and each authority from the published
    count and the ONS mid-year estimate of the year before (as DfE divides, and as the
    indicator does)."""

    def describe(self) -> str:
        """Where the benchmark comes from, in a line: file, column, breakdown, derivation."""
        text = f"{self.file}.{self.column}"
        if self.filters:
            text += " (" + "; ".join(f"{k} = {v}" for k, v in self.filters) + ")"
        if self.per_10k_children:
            text += " per 10,000 children aged 0 to 17 (ONS mid-year estimate)"
        return text


@dataclass(frozen=True)
class ChildLevel:
    """How an indicator's counted rows name a child: the column holding the child's id as
    stored, and the few columns that say why the row is counted (in the return's own words).
    Indicators without one (workforce, audits) are not counted from children's records."""

    child: str
    details: tuple[str, ...] = ()


@dataclass(frozen=True)
class Indicator:
    id: str
    area: Area
    title: str
    definition: str
    numerator: str
    denominator: str | None
    unit: Unit
    polarity: Polarity
    measure: Measure
    sources: tuple[str, ...]
    dfe_reference: str
    suppression: str
    compute: Compute = field(repr=False, compare=False)
    published: Published | None = None
    snapshot: str | None = None
    """For an annual measure: which yearly return (a key of ``SNAPSHOTS``)."""
    choices: tuple[str, ...] = ()
    """Counting choices where no source settles the rule, each in a sentence (shown by info)."""
    child_level: ChildLevel | None = None
    """Where the indicator counts children (or their referrals, plans, ...): how to list them."""
    lookback_years: int | None = 0
    """How many return years before the figure's own its definition reads: 0, its own year's
    returns say all it needs (a count at 31 March, the year's referrals); 1 for re-referrals
    within 12 months; None, any earlier year (a child's first plan ever, the start of a period
    of care). The property test (tests/test_basis_property.py) holds the catalogue to it."""
    same_figure_as: str | None = None
    """Another source's indicator that gives the same figure (Annex A's referrals beside the
    CIN census's): that one wins where both have data; a reconciliation shows both."""
    from_year: int | None = None
    until_year: int | None = None
    """The return years this declaration holds for (both included; None: open). Where DfE
    changed a definition in a given year, the indicator is two declarations of one id, the
    first ``until_year=Y - 1``, the second ``from_year=Y``
    (docs/decisions/0023-return-year-versions.md)."""

    @property
    def area_words(self) -> str:
        return AREA_WORDS[self.area]

    @property
    def unit_words(self) -> str:
        return UNIT_WORDS[self.unit]

    @property
    def better_when(self) -> str:
        return POLARITY_WORDS[self.polarity]

    @property
    def source_words(self) -> str:
        """The tables it is counted from, as people name them (SSDA903 Episodes, ...)."""
        return ", ".join(table_title(s) for s in self.sources)

    def in_force(self, year: int) -> bool:
        """Whether this declaration is the definition for return year ``year``."""
        return (self.from_year or year) <= year <= (self.until_year or year)

    def value(self, numerator: float | None, denominator: float | None) -> float | None:
        """The indicator's value from its numerator and denominator."""
        if numerator is None:
            return None
        if self.denominator is None:
            return float(numerator)
        if not denominator:
            return None
        if self.unit == "percent":
            return 100.0 * numerator / denominator
        if self.unit == "rate_per_10k":
            return 10_000.0 * numerator / denominator
        return numerator / denominator


_REGISTRY: dict[str, Indicator] = {}
"""Each indicator's latest declaration, by id."""
_EARLIER: dict[str, list[Indicator]] = {}
"""Each indicator's declarations for earlier return years, where DfE changed its definition."""


def indicator(
    *,
    id: str,
    area: Area,
    title: str,
    definition: str,
    numerator: str,
    denominator: str | None,
    unit: Unit,
    polarity: Polarity,
    measure: Measure,
    sources: tuple[str, ...],
    dfe_reference: str,
    suppression: str,
    published: Published | None = None,
    snapshot: str | None = None,
    choices: tuple[str, ...] = (),
    child_level: ChildLevel | None = None,
    lookback_years: int | None = 0,
    same_figure_as: str | None = None,
    from_year: int | None = None,
    until_year: int | None = None,
) -> Callable[[Compute], Compute]:
    """Register the decorated compute function as an indicator (``Indicator``'s fields say
    what each argument is). One id may be declared again for other return years only."""

    def wrap(fn: Compute) -> Compute:
        ind = Indicator(
            id=id,
            area=area,
            title=title,
            definition=definition,
            numerator=numerator,
            denominator=denominator,
            unit=unit,
            polarity=polarity,
            measure=measure,
            sources=sources,
            dfe_reference=dfe_reference,
            suppression=suppression,
            compute=fn,
            published=published,
            snapshot=snapshot,
            choices=choices,
            child_level=child_level,
            lookback_years=lookback_years,
            same_figure_as=same_figure_as,
            from_year=from_year,
            until_year=until_year,
        )
        _check(ind)
        _register(ind)
        return fn

    return wrap


def _check(ind: Indicator) -> None:
    if ind.area not in AREAS:
        raise ValueError(f"indicator {ind.id!r}: unknown area {ind.area!r}")
    if not ind.definition.strip():
        raise ValueError(f"indicator {ind.id!r} has no definition text")
    if ind.same_figure_as == ind.id:
        raise ValueError(f"indicator {ind.id!r} names itself as its own other source")
    if (ind.measure == "annual") != (ind.snapshot in SNAPSHOTS):
        raise ValueError(f"indicator {ind.id!r}: an annual measure needs a snapshot")
    if ind.from_year and ind.until_year and ind.from_year > ind.until_year:
        raise ValueError(f"indicator {ind.id!r}: from_year is after until_year")
    if ind.published is not None:
        twin = next(
            (o.id for o in _REGISTRY.values() if o.published == ind.published and o.id != ind.id),
            None,
        )
        if twin is not None:
            raise ValueError(
                f"indicator {ind.id!r}: its published measure is already {twin!r}'s "
                "(a published measure is declared once, on one indicator)"
            )


def _register(ind: Indicator) -> None:
    """Add a declaration: a new id, or the same id for return years no other declares."""
    before = versions(ind.id)
    if not before:
        _REGISTRY[ind.id] = ind
        return
    for other in before:
        lo = max(ind.from_year or 0, other.from_year or 0)
        hi = min(ind.until_year or 9999, other.until_year or 9999)
        if lo <= hi:
            raise ValueError(
                f"indicator {ind.id!r} is declared twice for the same return years (give "
                "each declaration its from_year and until_year)"
            )
    ordered = sorted([*before, ind], key=lambda v: v.from_year or 0)
    _REGISTRY[ind.id] = ordered[-1]
    _EARLIER[ind.id] = ordered[:-1]


def versions(indicator_id: str) -> list[Indicator]:
    """Every declaration of one indicator, earliest return years first."""
    latest = _REGISTRY.get(indicator_id)
    return [*_EARLIER.get(indicator_id, []), *([latest] if latest else [])]


def return_year_of(end: date, ind: Indicator) -> int:
    """The return year whose definition a figure ending on ``end`` uses: the yearly return's
    (an annual measure's snapshot), else the year 1 April to 31 March that holds the date."""
    month, day = SNAPSHOTS.get(ind.snapshot or "collection", SNAPSHOTS["collection"])
    return end.year if (end.month, end.day) <= (month, day) else end.year + 1


def in_force(ind: Indicator, end: date) -> Indicator | None:
    """The declaration of ``ind``'s id that holds for a figure ending on ``end``."""
    year = return_year_of(end, ind)
    return next((v for v in versions(ind.id) if v.in_force(year)), None)


def catalogue(year: int | None = None) -> dict[str, Indicator]:
    """Every declared indicator, by id, in the order of the areas then declaration: its latest
    declaration, or with ``year`` the one for that return year (ids DfE had not defined then
    are left out)."""
    _load_definitions()
    # Areas, then the definitions modules by name, then declaration: the same order whichever
    # module a process imported first (an area's indicators can be declared in two modules).
    declared = {i: n for n, i in enumerate(_REGISTRY)}
    found = dict(
        sorted(
            _REGISTRY.items(),
            key=lambda kv: (AREAS.index(kv[1].area), kv[1].compute.__module__, declared[kv[0]]),
        )
    )
    if year is None:
        return found
    out = {}
    for i in found:
        v = next((v for v in versions(i) if v.in_force(year)), None)
        if v is not None:
            out[i] = v
    return out


def get(indicator_id: str) -> Indicator:
    """One indicator by id; a usage error naming it when there is none."""
    cat = catalogue()
    try:
        return cat[indicator_id]
    except KeyError:
        from selfeval.errors import UsageError

        raise UsageError(f"there is no indicator called {indicator_id!r}") from None


_LOADED: list[bool] = []


def _load_definitions() -> None:
    """Import every definitions module, once per process (listing the package's folder on
    each ``catalogue()`` cost a web page more than the rest of its lookups)."""
    if _LOADED:
        return
    import importlib
    import pkgutil

    import selfeval.indicators.definitions as pkg

    for m in pkgutil.iter_modules(pkg.__path__):
        importlib.import_module(f"{pkg.__name__}.{m.name}")
    _LOADED.append(True)
