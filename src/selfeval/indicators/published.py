"""The published statistics imported into the store (``selfeval benchmarks import``), read.

One measure's values by geography and year, from the current release of each year: the
benchmarks compare an authority with them, and the indicator engine takes the ONS population
(``selfeval.indicators.population``) from them as the denominator of rates.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import sqlalchemy as sa

from selfeval.errors import SelfevalError
from selfeval.indicators.registry import Published
from selfeval.store import Store, db


@dataclass(frozen=True)
class Cell:
    """One published cell: a value, or a suppression marker (c, x, z, k, u, low) and none."""

    value: float | None
    status: str | None = None


@dataclass
class PublishedSeries:
    """Every published value of one measure, by geography and year (current release only)."""

    published: Published
    england: dict[int, Cell] = field(default_factory=dict)
    regions: dict[tuple[str, int], Cell] = field(default_factory=dict)
    authorities: dict[tuple[str, int], Cell] = field(default_factory=dict)
    la_region: dict[str, str] = field(default_factory=dict)

    def years(self) -> list[int]:
        return sorted({y for _, y in self.authorities} | set(self.england))

    def la_values(self, year: int) -> dict[str, float]:
        return {
            la: c.value
            for (la, y), c in self.authorities.items()
            if y == year and c.value is not None
        }

    def la_series(self, la: str) -> dict[int, Cell]:
        return {y: c for (code, y), c in self.authorities.items() if code == la}


ONS = "ons_mid-year_population_estimates_2012_to_2024"
POPULATION = Published(ONS, "population_estimate", (("age_group", "Children aged 0 to 17 years"),))
"""ONS mid-year estimates of children aged 0 to 17, the denominator of rates per 10,000: a
published measure that belongs to no indicator (the indicators' own are declared with them,
``published=Published(...)`` in ``selfeval.indicators.definitions``)."""


def _matches(breakdown: str, filters: Sequence[tuple[str, str]]) -> bool:
    try:
        b = json.loads(breakdown)
    except ValueError:
        return False
    return all(b.get(k) == v for k, v in filters)


def published_series(store: Store, published: Published) -> PublishedSeries:
    """One measure's values from the current release of each year."""
    if published.per_10k_children:
        return _per_10k_children(store, published)
    sr, v, p = db.bench_series, db.bench_values, db.bench_periods
    with store.engine.connect() as c:
        candidates = c.execute(
            sa.select(sr.c.id, sr.c.release, sr.c.breakdown).where(
                sr.c.source == published.file, sr.c.measure == published.column
            )
        ).all()
        ids = [r.id for r in candidates if _matches(r.breakdown, published.filters)]
        kinds = {r.breakdown for r in candidates if r.id in ids}
        if len(kinds) > 1:
            raise SelfevalError(
                f"{published.file}.{published.column} with {dict(published.filters)} matches "
                f"{len(kinds)} breakdowns; name every filter column"
            )
        rows = (
            c.execute(
                sa.select(
                    v.c.year,
                    v.c.geographic_level,
                    v.c.region_code,
                    v.c.la_code,
                    v.c.value,
                    v.c.status,
                )
                .select_from(
                    v.join(sr, v.c.series_id == sr.c.id).join(
                        p,
                        (p.c.source == sr.c.source)
                        & (p.c.year == v.c.year)
                        & (p.c.release == sr.c.release),
                    )
                )
                .where(v.c.series_id.in_(ids))
            ).all()
            if ids
            else []
        )
    out = PublishedSeries(published)
    for year, level, region, la, value, status in rows:
        cell = Cell(None if value is None else value * published.scale, status)
        if level == "National":
            out.england[year] = cell
        elif level == "Regional" and region:
            out.regions[(region, year)] = cell
        elif level == "Local authority" and la:
            out.authorities[(la, year)] = cell
            if region:
                out.la_region[la] = region
    return out


def _per_10k_children(store: Store, published: Published) -> PublishedSeries:
    """A published count per 10,000 children aged 0 to 17, for every area: the count at (or in
    the year to) 31 March Y over the ONS mid-year estimate for Y - 1, as DfE divides. A
    suppressed count gives a suppressed rate; a missing estimate gives none (``x``)."""
    counts = published_series(store, replace(published, per_10k_children=False))
    people = published_series(store, POPULATION)

    def rate(cell: Cell, population: Cell | None) -> Cell:
        if cell.value is None:
            return cell
        if population is None or not population.value:
            return Cell(None, "x")
        return Cell(cell.value / population.value * 10_000 * published.scale)

    out = PublishedSeries(published, la_region=dict(counts.la_region))
    out.england = {y: rate(c, people.england.get(y - 1)) for y, c in counts.england.items()}
    out.regions = {
        (r, y): rate(c, people.regions.get((r, y - 1))) for (r, y), c in counts.regions.items()
    }
    out.authorities = {
        (la, y): rate(c, people.authorities.get((la, y - 1)))
        for (la, y), c in counts.authorities.items()
    }
    return out


def has_benchmarks(store: Store) -> bool:
    with store.engine.connect() as c:
        return c.execute(sa.select(db.bench_periods.c.source).limit(1)).first() is not None
