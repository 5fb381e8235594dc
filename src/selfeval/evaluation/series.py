"""An indicator's monthly series over a report's period, and its control chart (SPC) as a PNG
with a text alternative, for embedding in a report."""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path

from selfeval.benchmarks.spc import ControlChart, chart_for_results
from selfeval.evaluation.placeholders import FigureCache
from selfeval.indicators import Result, get, month_ends
from selfeval.outputs.disclosure import is_small
from selfeval.outputs.document import Image


def monthly_results(record: FigureCache, ind_id: str, since: date, at: date) -> list[Result]:
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
    record: FigureCache, ids: Sequence[str], since: date, at: date, *, min_points: int = 6
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


def _plain(spc: ControlChart) -> str:
    """What a control chart shows, in plain words."""
    signals = spc.signals
    if not signals:
        return "Every month lies within normal variation."
    months = list(dict.fromkeys(label for label, _ in signals))
    return "Something changed: " + ", ".join(months) + " lie outside normal variation."
