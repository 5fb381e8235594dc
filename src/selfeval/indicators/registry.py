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
from typing import TYPE_CHECKING, Literal

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
    compute: Callable[[Sources, ir.Table], ir.Table] = field(repr=False, compare=False)
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


def indicator(**meta: object) -> Callable[[Callable], Callable]:
    """Register the decorated compute function as an indicator with this metadata."""

    def wrap(fn: Callable) -> Callable:
        ind = Indicator(compute=fn, **meta)  # type: ignore[arg-type]
        if ind.id in _REGISTRY:
            raise ValueError(f"indicator {ind.id!r} is declared twice")
        if ind.area not in AREAS:
            raise ValueError(f"indicator {ind.id!r}: unknown area {ind.area!r}")
        if not ind.definition.strip():
            raise ValueError(f"indicator {ind.id!r} has no definition text")
        if ind.same_figure_as == ind.id:
            raise ValueError(f"indicator {ind.id!r} names itself as its own other source")
        if (ind.measure == "annual") != (ind.snapshot in SNAPSHOTS):
            raise ValueError(f"indicator {ind.id!r}: an annual measure needs a snapshot")
        if ind.published is not None:
            twin = next((o.id for o in _REGISTRY.values() if o.published == ind.published), None)
            if twin is not None:
                raise ValueError(
                    f"indicator {ind.id!r}: its published measure is already {twin!r}'s "
                    "(a published measure is declared once, on one indicator)"
                )
        _REGISTRY[ind.id] = ind
        return fn

    return wrap


def catalogue() -> dict[str, Indicator]:
    """Every declared indicator, by id, in the order of the areas then declaration."""
    _load_definitions()
    return dict(sorted(_REGISTRY.items(), key=lambda kv: AREAS.index(kv[1].area)))


def get(indicator_id: str) -> Indicator:
    """One indicator by id; a usage error naming it when there is none."""
    cat = catalogue()
    try:
        return cat[indicator_id]
    except KeyError:
        from selfeval.errors import UsageError

        raise UsageError(f"there is no indicator called {indicator_id!r}") from None


def _load_definitions() -> None:
    import importlib
    import pkgutil

    import selfeval.indicators.definitions as pkg

    for m in pkgutil.iter_modules(pkg.__path__):
        importlib.import_module(f"{pkg.__name__}.{m.name}")
