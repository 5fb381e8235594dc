"""Benchmarks and charts for the reports, from :mod:`selfeval.benchmarks` and its charts.

- :class:`PublishedComparators`: England, the region and the statistical neighbours' median
  for a computed figure, from DfE's published figures imported into the store. England and
  regional counts are rounded to the nearest 10, as DfE publishes them.
- :func:`series_charts`: an indicator's month-end series over the period with its control
  limits (SPC), as PNG with a text alternative, for embedding in a report.
"""

from __future__ import annotations

import statistics
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from selfeval.benchmarks.compare import (
    area_names,
    mapped_indicators,
    neighbours,
    rank_of,
    reference_date,
)
from selfeval.benchmarks.spc import chart_for_results
from selfeval.errors import SelfevalError
from selfeval.evaluation.figures import Comparator, Comparators, Comparison, Record
from selfeval.indicators import Result, get, month_ends
from selfeval.indicators.published import has_benchmarks, published_series
from selfeval.outputs.disclosure import is_small, round_total
from selfeval.outputs.document import Image
from selfeval.store import Store


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
        self._series: dict[str, object] = {}
        self._near: list[str] | None = None

    def _published(self, ind_id: str):  # type: ignore[no-untyped-def]
        if ind_id not in self._series:
            try:
                (m,) = mapped_indicators([ind_id])
            except SelfevalError:
                self._series[ind_id] = None
            else:
                self._series[ind_id] = (m, published_series(self.store, m.published))
        return self._series[ind_id]

    def compare(self, result: Result, versus: Comparator) -> Comparison | None:
        found = self._published(result.id)
        if found is None:
            return None
        m, series = found
        year = result.period_end.year
        if reference_date(m.published, year) != result.period_end:
            return None  # DfE publishes this measure at another date of the year
        source = f"{m.published.describe()}, {year}"
        if versus == "england":
            cell = series.england.get(year)
            value = cell.value if cell else None
            level = "National"
        elif versus == "region":
            region = series.la_region.get(self.la_code) or self.region_code
            cell = series.regions.get((region, year)) if region else None
            value = cell.value if cell else None
            level = "Regional"
        else:
            if self._near is None:
                self._near = neighbours(self.store, self.la_code, self.model)
            vals = [series.authorities.get((n, year)) for n in self._near]
            present = [c.value for c in vals if c is not None and c.value is not None]
            value = statistics.median(present) if present else None
            level = "Local authority"
        if value is None:
            return None
        if result.unit == "count" and level != "Local authority":
            value = float(round_total(value, level))  # type: ignore[arg-type]
        names = {"england": "England", "region": "Region", "neighbours": "Neighbours (median)"}
        return Comparison(names[versus], float(value), source)

    def standing(self, result: Result, polarity: str) -> Standing | None:
        """The figure among England, the region and its neighbours (None where DfE publishes
        no such figure for that date, or the figure is a count)."""
        if result.value is None or result.unit == "count":
            return None
        found = self._published(result.id)
        if found is None:
            return None
        m, series = found
        year = result.period_end.year
        if reference_date(m.published, year) != result.period_end:
            return None
        if self._near is None:
            self._near = neighbours(self.store, self.la_code, self.model)
        cells = [series.authorities.get((n, year)) for n in self._near]
        near = [c.value for c in cells if c is not None and c.value is not None]
        eng = series.england.get(year)
        region = series.la_region.get(self.la_code) or self.region_code
        reg = series.regions.get((region, year)) if region else None
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
        found = self._published(result.id)
        if found is None:
            return None
        m, series = found
        year = result.period_end.year
        if reference_date(m.published, year) != result.period_end:
            return None
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


def monthly_results(record: Record, ind_id: str, since: date, at: date) -> list[Result]:
    """The indicator's monthly values from ``since`` to ``at``: children at each month end for
    a stock, events in each calendar month for a period measure; none for a yearly census or
    return (an annual measure is not a monthly series)."""
    ind = get(ind_id)
    if ind.measure == "annual":
        return []
    ends = [e for e in month_ends(since, at) if e > since]
    period = "month" if ind.measure == "period" else "year"
    return [r for r in record.results([ind_id], ends, period=period) if r.value is not None]


def series_charts(
    record: Record, ids: Sequence[str], since: date, at: date, *, min_points: int = 6
) -> list[Image]:
    """A control chart of each indicator's monthly values from ``since`` to ``at``.

    Skipped for an annual measure, for fewer than ``min_points`` months of data, and, for
    readers without child-level access, where any point rests on a count of 1 to 5.
    """
    from selfeval.outputs.charts import UNIT_LABELS, control_chart  # matplotlib: only to draw

    images = []
    with tempfile.TemporaryDirectory(prefix="selfeval-charts-") as tmp:
        for ind_id in ids:
            ind = get(ind_id)
            results = monthly_results(record, ind_id, since, at)
            if len(results) < min_points:
                continue
            if record.public and any(
                is_small(r.numerator) or (r.denominator is not None and is_small(r.denominator))
                for r in results
            ):
                continue
            spc = chart_for_results(results)
            spc = replace(
                spc,
                points=tuple(
                    replace(p, label=r.period_end.strftime("%b %Y"))
                    for p, r in zip(spc.points, results, strict=True)
                ),
            )
            unit, y_label = UNIT_LABELS.get(ind.unit, ("", ind.unit))
            what = "at each month end" if ind.measure == "stock" else "in each month"
            chart = control_chart(
                spc,
                Path(tmp) / ind_id,
                title=f"{ind.title}, {what}",
                y_label=y_label,
                unit=unit,
                x_label="Month",
                formats=("png",),
            )
            images.append(
                Image(
                    data=chart.file("png").read_bytes(),
                    mime="image/png",
                    alt=chart.alt,
                    caption=f"{ind.title}, {what}, with control limits. {_plain(spc)}",
                )
            )
    return images


def _plain(spc: object) -> str:
    """What a control chart shows, in plain words."""
    signals = spc.signals  # type: ignore[attr-defined]
    if not signals:
        return "Every month lies within normal variation."
    months = list(dict.fromkeys(label for label, _ in signals))
    return "Something changed: " + ", ".join(months) + " lie outside normal variation."
