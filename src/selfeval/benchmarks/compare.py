"""An authority's figure against England, its region and its statistical neighbours.

For one measure and year: England's and the region's published values, the median and mean of
the ten neighbours' values (suppressed neighbours left out, and counted), the authority's rank
among all authorities and its quartile, and its direction of travel over 3 and 5 years.

Ranks follow the indicator's polarity: rank 1 is the best (the highest value when higher is
better, the lowest when lower is better); a neutral indicator (such as the number looked
after) is ranked from the lowest value up. Equal values share the better rank (1, 2, 2, 4).
Quartile A holds ranks up to a quarter of the authorities ranked, B to a half, C to three
quarters, D the rest, so A is the best quarter (for a neutral indicator, the lowest values).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa

from selfeval.errors import NoData, SelfevalError
from selfeval.indicators import AS_RETURNED, Sources, compute, sources_from_store
from selfeval.indicators.published import (
    Cell,
    has_benchmarks,
    published_series,
)
from selfeval.indicators.registry import Published, catalogue
from selfeval.store import Store, db

QUARTILES = "ABCD"
MODELS = ("2021", "2025")


@dataclass(frozen=True)
class Comparison:
    """One indicator of one authority in one year, against its benchmarks."""

    id: str
    title: str
    unit: str
    polarity: str
    year: int
    la: str
    value: float | None
    status: str | None
    england: float | None
    region: float | None
    region_code: str | None
    neighbours_median: float | None
    neighbours_mean: float | None
    neighbours_with_value: int
    neighbours: tuple[tuple[str, float | None], ...]
    rank: int | None
    of: int
    quartile: str | None
    direction_3y: str | None
    direction_5y: str | None
    change_3y: float | None
    change_5y: float | None
    source: str
    """``published`` (DfE's figure for the authority) or ``computed`` (the store's)."""
    published: str
    """Where the benchmarks come from: file, column and breakdown."""

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["neighbours"] = [{"la": la, "value": v} for la, v in self.neighbours]
        return d


# -- reading the store --------------------------------------------------------------------------


def neighbours(store: Store, la: str, model: str = "2021") -> list[str]:
    """The authority's ten statistical neighbours in this model, nearest first."""
    if model not in MODELS:
        raise SelfevalError(f"there is no neighbour model {model!r} (choose {', '.join(MODELS)})")
    n = db.bench_neighbours
    with store.engine.connect() as c:
        return [
            r[0]
            for r in c.execute(
                sa.select(n.c.neighbour_code)
                .where(n.c.model == model, n.c.la_code == la)
                .order_by(n.c.position)
            )
        ]


def area_names(store: Store) -> dict[str, str]:
    """Each authority's name by its DfE code, as the latest imported release gives it."""
    a = db.bench_areas
    with store.engine.connect() as c:
        return {code: name for code, name in c.execute(sa.select(a.c.la_code, a.c.la_name))}


# -- pure comparisons -----------------------------------------------------------------------------


def rank_of(values: dict[str, float], la: str, polarity: str) -> tuple[int | None, int]:
    """(rank, of): competition rank, 1 the best by polarity (neutral: 1 the lowest)."""
    if la not in values:
        return None, len(values)
    mine = values[la]
    if polarity == "higher_better":
        better = sum(1 for v in values.values() if v > mine)
    else:
        better = sum(1 for v in values.values() if v < mine)
    return better + 1, len(values)


def quartile_of(rank: int | None, of: int) -> str | None:
    """A for ranks up to a quarter of ``of``, B up to a half, C three quarters, D the rest."""
    if rank is None or of == 0:
        return None
    return QUARTILES[min(3, math.ceil(4 * rank / of) - 1)]


def direction(now: float | None, then: float | None, polarity: str) -> str | None:
    """improved / worsened / no change (neutral: up / down / no change); None if unknown."""
    if now is None or then is None:
        return None
    if math.isclose(now, then, abs_tol=1e-9):
        return "no change"
    up = now > then
    if polarity == "higher_better":
        return "improved" if up else "worsened"
    if polarity == "lower_better":
        return "worsened" if up else "improved"
    return "up" if up else "down"


def compare(
    store: Store,
    m: Mapped,
    la: str,
    year: int,
    neighbour_codes: Sequence[str],
    *,
    value: float | None = None,
    history: dict[int, float | None] | None = None,
    source: str = "published",
) -> Comparison:
    """Compare the authority's value (by default DfE's published one) with the benchmarks.

    ``value`` and ``history`` (year -> value) replace the published figures for the authority
    when comparing its own computed ones; it is then ranked among the others' published values.
    """
    series = published_series(store, m.published)
    polarity = m.polarity
    own = series.la_series(la)
    status = None
    if source == "published":
        cell = own.get(year)
        value = cell.value if cell else None
        status = cell.status if cell else "x"
        history = {y: c.value for y, c in own.items()}
    history = history or {}
    values = series.la_values(year)
    if value is None:
        values.pop(la, None)
    else:
        values[la] = value
    rank, of = rank_of(values, la, polarity)
    region = series.la_region.get(la)
    nvals = [(n, series.authorities.get((n, year), Cell(None)).value) for n in neighbour_codes]
    present = [v for _, v in nvals if v is not None]
    eng = series.england.get(year)
    reg = series.regions.get((region, year)) if region else None
    then3, then5 = history.get(year - 3), history.get(year - 5)
    p = series.published
    return Comparison(
        id=m.id,
        title=m.title,
        unit=m.unit,
        polarity=polarity,
        year=year,
        la=la,
        value=value,
        status=status,
        england=eng.value if eng else None,
        region=reg.value if reg else None,
        region_code=region,
        neighbours_median=statistics.median(present) if present else None,
        neighbours_mean=statistics.fmean(present) if present else None,
        neighbours_with_value=len(present),
        neighbours=tuple(nvals),
        rank=rank,
        of=of,
        quartile=quartile_of(rank, of),
        direction_3y=direction(value, then3, polarity),
        direction_5y=direction(value, then5, polarity),
        change_3y=None if value is None or then3 is None else value - then3,
        change_5y=None if value is None or then5 is None else value - then5,
        source=source,
        published=p.describe(),
    )


# -- the catalogue's mapped indicators ------------------------------------------------------------


@dataclass(frozen=True)
class Mapped:
    id: str
    title: str
    unit: str
    polarity: str
    published: Published


def mapped_indicators(ids: Sequence[str] | None = None) -> list[Mapped]:
    """Every catalogue indicator whose declaration names a published measure."""
    out = {
        ind.id: Mapped(ind.id, ind.title, ind.unit, ind.polarity, ind.published)
        for ind in catalogue().values()
        if ind.published
    }
    if ids:
        unknown = [i for i in ids if i not in out]
        if unknown:
            raise SelfevalError(f"no published measure is mapped for {', '.join(unknown)}")
        return [out[i] for i in ids]
    return list(out.values())


def _require(store: Store) -> None:
    if not has_benchmarks(store):
        raise NoData("the store has no published benchmarks: run `selfeval benchmarks import`")


def published_comparisons(
    store: Store,
    la: str,
    year: int,
    *,
    model: str = "2021",
    ids: Sequence[str] | None = None,
) -> list[Comparison]:
    """DfE's published figure for the authority against its benchmarks, per mapped indicator."""
    _require(store)
    near = neighbours(store, la, model)
    out = []
    for m in mapped_indicators(ids):
        out.append(compare(store, m, la, year, near))
    return out


@dataclass(frozen=True)
class Trend:
    """An authority's published series for one indicator, with its benchmarks year by year."""

    id: str
    title: str
    unit: str
    la: str
    years: tuple[int, ...]
    values: tuple[float | None, ...]
    england: tuple[float | None, ...]
    region: tuple[float | None, ...]
    neighbours_median: tuple[float | None, ...]


def published_trend(store: Store, la: str, indicator_id: str, *, model: str = "2021") -> Trend:
    """Every published year of one mapped indicator for the authority and its benchmarks."""
    _require(store)
    (m,) = mapped_indicators([indicator_id])
    s = published_series(store, m.published)
    near = neighbours(store, la, model)
    region = s.la_region.get(la)
    years = tuple(y for y in s.years() if (la, y) in s.authorities)

    def median(y: int) -> float | None:
        vals = [s.authorities[(n, y)].value for n in near if (n, y) in s.authorities]
        known = [v for v in vals if v is not None]
        return statistics.median(known) if known else None

    def cell(d: dict[Any, Any], key: object) -> float | None:
        c = d.get(key)
        return c.value if c else None

    return Trend(
        id=m.id,
        title=m.title,
        unit=m.unit,
        la=la,
        years=years,
        values=tuple(cell(s.authorities, (la, y)) for y in years),
        england=tuple(cell(s.england, y) for y in years),
        region=tuple(cell(s.regions, (region, y)) for y in years),
        neighbours_median=tuple(median(y) for y in years),
    )


def reference_date(published: Published, year: int) -> date:
    """The date DfE's figure for ``year`` is taken at: 30 September for the workforce census,
    31 March otherwise."""
    if published.file.startswith("csww"):
        return date(year, 9, 30)
    return date(year, 3, 31)


def benchmark_year(published: Published, at: date) -> int:
    """The year of DfE's figures that a figure at ``at`` stands beside: the latest whose
    reference date (:func:`reference_date`) is on or before ``at``. At 31 March 2024: 2024 for a
    31 March measure, 2023 for the workforce census (30 September 2023, the census a workforce
    figure at that date is taken from); at 31 January 2024, 2023 for both."""
    return at.year if reference_date(published, at.year) <= at else at.year - 1


def comparisons_at(
    store: Store,
    la: str,
    at: date,
    *,
    source: str = "computed",
    model: str = "2021",
    ids: Sequence[str] | None = None,
) -> list[Comparison]:
    """Each mapped indicator (``ids``, default every one) against its benchmarks in its
    :func:`benchmark_year` for ``at``: the store's computed figures (``source="computed"``,
    :func:`computed_comparisons`) or DfE's published ones (``"published"``), in catalogue order."""
    if source not in ("computed", "published"):
        raise SelfevalError(f"source is computed or published, not {source!r}")
    mapped = mapped_indicators(ids)
    by_year: dict[int, list[str]] = {}
    for m in mapped:
        by_year.setdefault(benchmark_year(m.published, at), []).append(m.id)
    make = computed_comparisons if source == "computed" else published_comparisons
    found = {
        c.id: c
        for year, year_ids in by_year.items()
        for c in make(store, la, year, model=model, ids=year_ids)
    }
    return [found[m.id] for m in mapped]


def computed_comparisons(
    store: Store,
    la: str,
    year: int,
    *,
    model: str = "2021",
    ids: Sequence[str] | None = None,
) -> list[Comparison]:
    """The store's own computed figures for the authority against the same benchmarks.

    Only indicators in the catalogue can be computed; each is taken at the published figure's
    reference date (and 3 and 5 years before, for the direction of travel), *as returned*: from
    the loads of that date's return year and earlier, as DfE computes what it publishes
    (docs/decisions/0019-basis.md).
    """
    _require(store)
    near = neighbours(store, la, model)
    mapped = mapped_indicators(ids)
    if not mapped:
        return []
    sources: dict[date, Sources] = {}

    def as_returned(at: date) -> Sources:
        if at not in sources:
            sources[at] = sources_from_store(store, la, basis=AS_RETURNED, year=at)
        return sources[at]

    out = []
    for m in mapped:
        ends = [reference_date(m.published, y) for y in (year, year - 3, year - 5)]
        results = [
            r for at in ends for r in compute(as_returned(at), [at], ids=[m.id], la_codes=[la])
        ]
        by_year = {r.period_end.year: r.value for r in results}
        out.append(
            compare(
                store,
                m,
                la,
                year,
                near,
                value=by_year.get(year),
                history=by_year,
                source="computed",
            )
        )
    return out
