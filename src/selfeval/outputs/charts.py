"""Charts (PNG and SVG, matplotlib): a series with its control limits and benchmarks, and an
authority among its statistical neighbours.

Every chart reads in black and white (line styles, markers and hatching carry the meaning, not
colour alone), has a title and axis labels with units, and comes with a text alternative for
the page or document that embeds it. SVG output is byte-for-byte reproducible (fixed hash
salt, no date in the metadata).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from selfeval.benchmarks.spc import BEYOND_LIMITS, RUN_OF_8, ControlChart, chart_for

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

    from selfeval.benchmarks.compare import Comparison, Trend

MAX_X_LABELS = 7
"""At most this many labels on the x axis, so that month labels never overlap."""
UNIT_LABELS = {
    "percent": ("%", "Per cent (%)"),
    "rate_per_10k": ("", "Rate per 10,000 children aged 0-17"),
    "count": ("children", "Number of children"),
    "ratio": ("", "Cases per case-holding social worker (FTE)"),
    "days": ("", "Days"),
    "fte": ("", "Full-time equivalent posts"),
}

FORMATS = ("png", "svg")
RC: dict[RcKeyType, Any] = {
    "svg.hashsalt": "selfeval",
    "svg.fonttype": "none",
    "font.family": "DejaVu Sans",
    "font.size": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
}
# Benchmark lines: each has its own dash pattern and marker, so none depends on colour.
BENCHMARK_STYLES: dict[str, dict[str, Any]] = {
    "England": dict(linestyle="-.", marker="s", color="#505a5f"),
    "Region": dict(linestyle=":", marker="^", color="#1d70b8"),
    "Neighbours (median)": dict(linestyle=(0, (5, 2, 1, 2, 1, 2)), marker="D", color="#912b88"),
}


# Signal marks: a ring round each point beyond the limits, a triangle on each point of a run of 8.
SIGNAL_STYLES: dict[str, dict[str, Any]] = {
    BEYOND_LIMITS: {
        "s": 160,
        "facecolors": "none",
        "edgecolors": "black",
        "linewidths": 2,
        "marker": "o",
        "label": "Signal: beyond the limits",
    },
    RUN_OF_8: {"s": 90, "color": "black", "marker": "v", "label": "Signal: run of 8 one side"},
}


@dataclass(frozen=True)
class Chart:
    """A chart written to files, with its text alternative."""

    title: str
    alt: str
    files: tuple[Path, ...]

    def file(self, fmt: str) -> Path:
        return next(p for p in self.files if p.suffix == f".{fmt}")


def _fmt(v: float | None, unit: str) -> str:
    if v is None:
        return "not published"
    return f"{v:,.0f}" if unit in ("", "children") else f"{v:,.1f}{unit if unit == '%' else ''}"


def _save(fig: Figure, out: Path, formats: Sequence[str]) -> tuple[Path, ...]:
    out.parent.mkdir(parents=True, exist_ok=True)
    paths = []
    for fmt in formats:
        if fmt not in FORMATS:
            raise ValueError(f"charts are PNG or SVG, not {fmt!r}")
        p = out.with_suffix(f".{fmt}")
        meta = {"Date": None, "Creator": "selfeval"} if fmt == "svg" else {"Software": "selfeval"}
        fig.savefig(p, format=fmt, metadata=meta, dpi=150, bbox_inches="tight")
        paths.append(p)
    plt.close(fig)
    return tuple(paths)


def control_chart(
    chart: ControlChart,
    out: Path,
    *,
    title: str,
    y_label: str,
    unit: str = "%",
    x_label: str = "Year",
    benchmarks: Mapping[str, Sequence[float | None]] | None = None,
    formats: Sequence[str] = FORMATS,
) -> Chart:
    """The series with its centre line and control limits, signals marked, and benchmark lines
    (``{"England": [...], "Region": [...], "Neighbours": [...]}``, one value per point)."""
    labels = [p.label for p in chart.points]
    x = list(range(len(labels)))
    with plt.rc_context(RC):
        fig, ax = plt.subplots(figsize=(8, 4.5))
        own = [p.value for p in chart.points]
        ax.plot(x, own, color="black", marker="o", linewidth=2, label="This authority")
        thin: dict[str, Any] = {"color": "black", "linewidth": 0.8}
        ax.plot(x, [p.centre for p in chart.points], label="Centre line (mean)", **thin)
        limits: dict[str, Any] = {"where": "mid", "linestyle": "--", **thin}
        ax.step(x, [p.ucl for p in chart.points], label="Control limits", **limits)
        ax.step(x, [p.lcl for p in chart.points], **limits)
        for name, values in (benchmarks or {}).items():
            style = BENCHMARK_STYLES.get(name, dict(linestyle=":", marker="x", color="grey"))
            ax.plot(
                x,
                [float("nan") if v is None else v for v in values],
                linewidth=1.2,
                markersize=5,
                label=name,
                **style,
            )
        for signal, style in SIGNAL_STYLES.items():
            hits = [(i, p.value) for i, p in enumerate(chart.points) if signal in p.signals]
            if hits:
                ax.scatter([i for i, _ in hits], [v for _, v in hits], zorder=5, **style)
        step = max(1, math.ceil(len(labels) / MAX_X_LABELS))
        ax.set_xticks(x[::step], labels[::step])
        ax.set_title(title)
        ax.set_xlabel(x_label)
        ax.set_ylabel(y_label)
        ax.set_ylim(bottom=0)
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False, fontsize=8)
        files = _save(fig, out, formats)
    first, last = chart.points[0], chart.points[-1]
    bench = "; ".join(
        f"{name} {_fmt(values[-1], unit)}" for name, values in (benchmarks or {}).items() if values
    )
    alt = (
        f"{title}. Line chart of {len(chart.points)} points from {first.label} "
        f"({_fmt(first.value, unit)}) to {last.label} ({_fmt(last.value, unit)}); centre line "
        f"{_fmt(chart.centre, unit)}, control limits at {last.label} "
        f"{_fmt(last.lcl, unit)} to {_fmt(last.ucl, unit)}."
        + (f" At {last.label}: {bench}." if bench else "")
        + f" {chart.describe()}"
    )
    return Chart(title, alt, files)


def neighbours_chart(
    values: Sequence[tuple[str, float | None]],
    authority: str,
    out: Path,
    *,
    title: str,
    y_label: str,
    unit: str = "%",
    england: float | None = None,
    formats: Sequence[str] = FORMATS,
) -> Chart:
    """Bars for the authority and its neighbours (name, value), the authority hatched and dark,
    with England as a dash-dot line. Neighbours without a published value are listed, barless."""
    names = [n for n, _ in values]
    if authority not in names:
        raise ValueError(f"{authority!r} is not among the bars")
    with plt.rc_context(RC):
        fig, ax = plt.subplots(figsize=(8, 4.5))
        heights = [0.0 if v is None else v for _, v in values]
        bars = ax.bar(
            range(len(values)), heights, color="#d8d8d8", edgecolor="black", linewidth=0.6
        )
        for i, (name, v) in enumerate(values):
            if name == authority:
                bars[i].set_facecolor("#0b0c0c")
                bars[i].set_hatch("//")
                bars[i].set_edgecolor("white")
            if v is None:
                ax.annotate(
                    "not published", (i, 0), ha="center", va="bottom", rotation=90, fontsize=7
                )
        if england is not None:
            ax.axhline(
                england,
                label=f"England ({_fmt(england, unit)})",
                **{k: v for k, v in BENCHMARK_STYLES["England"].items() if k != "marker"},
            )
            ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False, fontsize=8)
        ax.set_xticks(range(len(values)), names, rotation=45, ha="right")
        for tick in ax.get_xticklabels():
            if tick.get_text() == authority:
                tick.set_fontweight("bold")
        ax.set_title(title)
        ax.set_ylabel(y_label)
        ax.set_xlabel("Authority (this authority hatched)")
        files = _save(fig, out, formats)
    ranked = sorted((v, n) for n, v in values if v is not None)
    mine = dict(values)[authority]
    pos = (
        f"{authority} is {_fmt(mine, unit)}, "
        f"{sum(1 for v, _ in ranked if v > mine)} of the others higher and "
        f"{sum(1 for v, _ in ranked if v < mine)} lower"
        if mine is not None
        else f"{authority} has no published value"
    )
    alt = (
        f"{title}. Bar chart of {len(values)} authorities: "
        + ", ".join(f"{n} {_fmt(v, unit)}" for n, v in values)
        + f". {pos}."
        + (f" England {_fmt(england, unit)}." if england is not None else "")
    )
    return Chart(title, alt, files)


def benchmark_charts(
    trend: Trend,
    comparison: Comparison,
    out_dir: Path,
    *,
    names: Mapping[str, str] | None = None,
    formats: Sequence[str] = FORMATS,
) -> list[Chart]:
    """The two charts of one indicator: its published series with control limits (an XmR
    chart, or a c-chart for a count, as published values come without their denominators)
    and England, region and neighbours' median lines; and the authority among its neighbours
    in ``comparison.year``."""
    names = names or {}
    unit, y_label = UNIT_LABELS.get(trend.unit, ("", trend.unit))
    keep = [i for i, v in enumerate(trend.values) if v is not None]
    kept = [v for v in trend.values if v is not None]
    out = []
    if len(keep) >= 2:
        spc = chart_for(trend.unit, kept, [str(trend.years[i]) for i in keep])
        out.append(
            control_chart(
                spc,
                out_dir / f"{trend.id}-series",
                title=f"{trend.title}: {names.get(trend.la, trend.la)}",
                y_label=y_label,
                unit=unit,
                benchmarks={
                    "England": [trend.england[i] for i in keep],
                    "Region": [trend.region[i] for i in keep],
                    "Neighbours (median)": [trend.neighbours_median[i] for i in keep],
                },
                formats=formats,
            )
        )
    me = names.get(comparison.la, comparison.la)
    bars = [(me, comparison.value)] + [(names.get(n, n), v) for n, v in comparison.neighbours]
    out.append(
        neighbours_chart(
            bars,
            me,
            out_dir / f"{trend.id}-neighbours",
            title=f"{trend.title}, {comparison.year}: {me} and its statistical neighbours",
            y_label=y_label,
            unit=unit,
            england=comparison.england,
            formats=formats,
        )
    )
    return out
