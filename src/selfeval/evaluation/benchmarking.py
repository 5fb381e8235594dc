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
from datetime import date
from pathlib import Path

from selfeval.errors import SelfevalError
from selfeval.evaluation.figures import Comparator, Comparators, Comparison, Record
from selfeval.indicators import Result, get, month_ends
from selfeval.outputs.disclosure import is_small, round_total
from selfeval.outputs.document import Image
from selfeval.store import Store


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
        from selfeval.benchmarks.compare import mapped_indicators, published_series

        if ind_id not in self._series:
            try:
                (m,) = mapped_indicators([ind_id])
            except SelfevalError:
                self._series[ind_id] = None
            else:
                self._series[ind_id] = (m, published_series(self.store, m.published))
        return self._series[ind_id]

    def compare(self, result: Result, versus: Comparator) -> Comparison | None:
        from selfeval.benchmarks.compare import neighbours, reference_date

        found = self._published(result.id)
        if found is None:
            return None
        m, series = found
        year = result.period_end.year
        if reference_date(m.published, year) != result.period_end:
            return None  # DfE publishes this measure at another date of the year
        source = f"{m.published.file}.{m.published.column}, {year}"
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


def default_comparators(
    store: Store, la_code: str, region_code: str | None = None
) -> Comparators | None:
    """Published benchmarks when the store holds them, else None."""
    from selfeval.benchmarks.compare import has_benchmarks

    if not has_benchmarks(store):
        return None
    return PublishedComparators(store, la_code, region_code=region_code)


def series_charts(record: Record, ids: Sequence[str], since: date, at: date) -> list[Image]:
    """A control chart of each indicator's month-end series from ``since`` to ``at``.

    Skipped for an indicator with fewer than three month-ends of data, and, for readers
    without child-level access, where any point is a count of 1 to 5 (a chart cannot show c).
    """
    from selfeval.benchmarks.spc import chart_for
    from selfeval.outputs.charts import UNIT_LABELS, control_chart

    ends = month_ends(since, at)
    if len(ends) < 3:
        return []
    images = []
    with tempfile.TemporaryDirectory(prefix="selfeval-charts-") as tmp:
        for ind_id in ids:
            ind = get(ind_id)
            results = [r for r in record.results([ind_id], ends) if r.value is not None]
            if len(results) < 3:
                continue
            if record.public and any(
                is_small(r.numerator) or (r.denominator is not None and is_small(r.denominator))
                for r in results
            ):
                continue
            labels = [r.period_end.strftime("%b %Y") for r in results]
            has_fraction = ind.denominator is not None and all(
                r.numerator is not None and r.denominator for r in results
            )
            spc = chart_for(
                ind.unit,
                [float(r.value) for r in results],  # type: ignore[arg-type]
                labels,
                numerators=[float(r.numerator) for r in results] if has_fraction else None,  # type: ignore[arg-type]
                denominators=[float(r.denominator) for r in results] if has_fraction else None,  # type: ignore[arg-type]
            )
            unit, y_label = UNIT_LABELS.get(ind.unit, ("", ind.unit))
            chart = control_chart(
                spc,
                Path(tmp) / ind_id,
                title=f"{ind.title}, month by month",
                y_label=y_label,
                unit=unit,
                x_label="Month end",
                formats=("png",),
            )
            images.append(
                Image(
                    data=chart.file("png").read_bytes(),
                    mime="image/png",
                    alt=chart.alt,
                    caption=f"{ind.title}: month-end figures with control limits",
                )
            )
    return images
