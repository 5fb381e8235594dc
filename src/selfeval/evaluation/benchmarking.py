"""Benchmarks and charts for the reports, from :mod:`selfeval.benchmarks` and its charts.

- :class:`PublishedComparators`: England, the region and the statistical neighbours' median
  for a computed figure, from DfE's published figures imported into the store. England and
  regional counts are rounded to the nearest 10, as DfE publishes them.
- :class:`Comparators`, what a figure is compared with, and :class:`BenchmarkValue`, one
  benchmark's value (``selfeval.evaluation.placeholders`` renders ``vs england`` with them).
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from typing import Literal, Protocol

from selfeval.benchmarks.compare import (
    Mapped,
    area_names,
    mapped_indicators,
    neighbours,
    rank_of,
    reference_date,
)
from selfeval.errors import SelfevalError
from selfeval.indicators import Result
from selfeval.indicators.published import (
    Cell,
    PublishedSeries,
    has_benchmarks,
    published_series,
)
from selfeval.outputs.disclosure import round_total
from selfeval.store import Store

Comparator = Literal["england", "region", "neighbours"]


@dataclass(frozen=True)
class BenchmarkValue:
    """A benchmark's value for the same indicator and period (England's, the region's or the
    neighbours' median), with where it comes from."""

    name: str
    value: float
    source: str


class Comparators(Protocol):
    """Benchmarks for a figure: England, the region, or the statistical neighbours."""

    def compare(self, result: Result, versus: Comparator) -> BenchmarkValue | None: ...


class NoComparators:
    """No benchmarks imported: a figure asking for one is an error."""

    def compare(self, result: Result, versus: Comparator) -> BenchmarkValue | None:
        return None


@dataclass(frozen=True)
class Standing:
    """A rate or percentage among its benchmarks: England, the region, and the statistical
    neighbours' median with their middle half (lower to upper quartile) and the authority's
    rank among itself and its neighbours (1 the best by the indicator's polarity)."""

    value: float
    england: float | None
    region: float | None
    median: float | None
    lower_quartile: float | None
    upper_quartile: float | None
    rank: int | None
    of: int
    source: str
    synthetic: bool = False
    """England's figures are the demo's synthetic England, not DfE's."""

    def quarter(self, polarity: str) -> str | None:
        """Where the authority sits among its neighbours: "best quarter", "worst quarter" or
        "middle half" (for a neutral indicator: "lowest quarter", "highest quarter")."""
        if self.lower_quartile is None or self.upper_quartile is None:
            return None
        low, high = ("best", "worst") if polarity == "lower_better" else ("worst", "best")
        if polarity == "neutral":
            low, high = "lowest", "highest"
        if self.value < self.lower_quartile:
            return f"{low} quarter"
        if self.value > self.upper_quartile:
            return f"{high} quarter"
        return "middle half"


def standing_of(
    value: float,
    polarity: str,
    neighbour_values: list[float],
    *,
    england: float | None = None,
    region: float | None = None,
    source: str = "",
    synthetic: bool = False,
) -> Standing:
    """The authority's standing from its neighbours' values (pure: numbers in)."""
    vals = sorted(neighbour_values)
    median = statistics.median(vals) if vals else None
    q1 = q3 = None
    if len(vals) >= 2:
        q1, _, q3 = statistics.quantiles(vals, n=4, method="inclusive")
    ranked = {f"n{i}": v for i, v in enumerate(vals)} | {"self": value}
    rank, of = rank_of(ranked, "self", polarity) if vals else (None, 0)
    return Standing(value, england, region, median, q1, q3, rank, of, source, synthetic)


class PublishedComparators(Comparators):
    """Benchmarks from the published figures in the store (``selfeval benchmarks import``)."""

    def __init__(
        self, store: Store, la_code: str, *, region_code: str | None = None, model: str = "2021"
    ) -> None:
        self.store = store
        self.la_code = la_code
        self.region_code = region_code
        self.model = model
        self._series: dict[str, tuple[Mapped, PublishedSeries] | None] = {}
        self._near: list[str] | None = None

    def _published(self, ind_id: str) -> tuple[Mapped, PublishedSeries] | None:
        if ind_id not in self._series:
            try:
                (m,) = mapped_indicators([ind_id])
            except SelfevalError:
                self._series[ind_id] = None
            else:
                self._series[ind_id] = (m, published_series(self.store, m.published))
        return self._series[ind_id]

    def _published_at(self, result: Result) -> tuple[Mapped, PublishedSeries, int] | None:
        """(mapping, published series, year) of the result's indicator, where DfE publishes
        it at the result's date; None where it does not."""
        found = self._published(result.id)
        if found is None:
            return None
        m, series = found
        year = result.period_end.year
        if reference_date(m.published, year) != result.period_end:
            return None  # DfE publishes this measure at another date of the year
        return m, series, year

    def _neighbours(self, series: PublishedSeries, year: int) -> list[float]:
        """The statistical neighbours' published values for the year (those given)."""
        if self._near is None:
            self._near = neighbours(self.store, self.la_code, self.model)
        cells = [series.authorities.get((n, year)) for n in self._near]
        return [c.value for c in cells if c is not None and c.value is not None]

    def _region(self, series: PublishedSeries, year: int) -> Cell | None:
        """The authority's region's published cell for the year, if any."""
        region = series.la_region.get(self.la_code) or self.region_code
        return series.regions.get((region, year)) if region else None

    def compare(self, result: Result, versus: Comparator) -> BenchmarkValue | None:
        found = self._published_at(result)
        if found is None:
            return None
        m, series, year = found
        if versus == "england":
            cell = series.england.get(year)
            value = cell.value if cell else None
            level = "National"
        elif versus == "region":
            cell = self._region(series, year)
            value = cell.value if cell else None
            level = "Regional"
        else:
            present = self._neighbours(series, year)
            value = statistics.median(present) if present else None
            level = "Local authority"
        if value is None:
            return None
        if result.unit == "count" and level != "Local authority":
            value = float(round_total(value, level))
        names = {"england": "England", "region": "Region", "neighbours": "Neighbours (median)"}
        return BenchmarkValue(names[versus], float(value), f"{m.published.describe()}, {year}")

    def standing(self, result: Result, polarity: str) -> Standing | None:
        """The figure among England, the region and its neighbours (None where DfE publishes
        no such figure for that date, or the figure is a count)."""
        if result.value is None or result.unit == "count":
            return None
        found = self._published_at(result)
        if found is None:
            return None
        m, series, year = found
        near = self._neighbours(series, year)
        eng = series.england.get(year)
        reg = self._region(series, year)
        if not near and (eng is None or eng.value is None):
            return None
        return standing_of(
            float(result.value),
            polarity,
            [float(v) for v in near],
            england=eng.value if eng else None,
            region=reg.value if reg else None,
            source=f"{m.published.describe()}, {year}",
            synthetic=self.synthetic,
        )

    def own_published(self, result: Result) -> float | None:
        """The authority's own figure as DfE published it for the result's date (the trend
        of years whose returns are not loaded)."""
        found = self._published_at(result)
        if found is None:
            return None
        _, series, year = found
        cell = series.authorities.get((self.la_code, year))
        return cell.value if cell else None

    @property
    def synthetic(self) -> bool:
        """Whether the imported benchmarks are the demo's synthetic England."""
        if not hasattr(self, "_synthetic"):
            self._synthetic = benchmarks_synthetic(self.store)
        return self._synthetic


SYNTHETIC_NOTE = (
    "England, the regions and the statistical neighbours in this document are selfeval's "
    "synthetic England, made for the demonstration: they are not DfE's published figures."
)


def benchmarks_synthetic(store: Store) -> bool:
    """Whether the store's published figures are selfeval's synthetic England (its
    authorities are named "Synthetic Authority N"), which every output must say."""
    return any(n.startswith("Synthetic Authority") for n in area_names(store).values())


def default_comparators(
    store: Store, la_code: str, region_code: str | None = None
) -> Comparators | None:
    """Published benchmarks when the store holds them, else None."""
    if not has_benchmarks(store):
        return None
    return PublishedComparators(store, la_code, region_code=region_code)
