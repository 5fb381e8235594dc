"""Telling real change from noise: control charts and the test of two proportions.

Statistical process control (Shewhart charts, as the NHS's "Making Data Count" uses them):
- p-chart for a proportion (numerator of a denominator, e.g. 3+ placements of those looked
  after): centre p̄ = Σx / Σn, limits p̄ ± 3·√(p̄(1−p̄)/nᵢ) for each point's own nᵢ;
- u-chart for a rate (events per unit of exposure, e.g. per 10,000 children): centre
  ū = Σc / Σn, limits ū ± 3·√(ū/nᵢ), nᵢ in units (population / 10,000);
- c-chart for a count with a steady base: c̄ ± 3·√c̄;
- XmR (individuals) chart for a published value without its denominator: x̄ ± 2.66·mR̄.
Limits are clipped at 0 (and at 1 for a proportion). Signals: a point beyond a limit
(``beyond_limits``), and a run of eight or more points on one side of the centre line
(``run_of_8``: flagged on the eighth point and each one after it while the run lasts; a point
on the line breaks the run).

All functions are pure: numbers in, numbers out.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

BEYOND_LIMITS = "beyond_limits"
RUN_OF_8 = "run_of_8"


@dataclass(frozen=True)
class Point:
    label: str
    value: float
    centre: float
    lcl: float
    ucl: float
    signals: tuple[str, ...] = ()


@dataclass(frozen=True)
class ControlChart:
    kind: str
    """``p``, ``u``, ``c`` or ``xmr``."""
    centre: float
    points: tuple[Point, ...]
    scale: float = 1.0
    """Values and limits are multiplied by this (100 for percent, 10,000 for a rate)."""

    @property
    def signals(self) -> list[tuple[str, str]]:
        """(label, rule) for every signal, in order."""
        return [(p.label, s) for p in self.points for s in p.signals]

    def describe(self) -> str:
        """One sentence on what the chart shows: the signals, or common-cause variation."""
        if not self.signals:
            return (
                f"No signal: all {len(self.points)} points lie within the control limits with no "
                "run of eight on one side of the centre line (common-cause variation)."
            )
        parts = []
        for rule, words in (
            (BEYOND_LIMITS, "beyond the control limits"),
            (RUN_OF_8, "in a run of eight or more on one side of the centre line"),
        ):
            labels = [lab for lab, s in self.signals if s == rule]
            if labels:
                parts.append(f"{', '.join(labels)} {words}")
        return "Signal: " + "; ".join(parts) + "."


def _labels(labels: Sequence[str] | None, n: int) -> list[str]:
    if labels is None:
        return [str(i + 1) for i in range(n)]
    if len(labels) != n:
        raise ValueError(f"{len(labels)} labels for {n} points")
    return [str(x) for x in labels]


def _signals(
    values: Sequence[float], lcl: Sequence[float], ucl: Sequence[float], centre: float, run: int = 8
) -> list[tuple[str, ...]]:
    out: list[list[str]] = [[] for _ in values]
    for i, v in enumerate(values):
        if v > ucl[i] + 1e-12 or v < lcl[i] - 1e-12:
            out[i].append(BEYOND_LIMITS)
    side_run = 0
    last = 0
    for i, v in enumerate(values):
        side = 0 if math.isclose(v, centre, abs_tol=1e-12) else (1 if v > centre else -1)
        side_run = side_run + 1 if side != 0 and side == last else (1 if side != 0 else 0)
        last = side
        if side_run >= run:
            out[i].append(RUN_OF_8)
    return [tuple(s) for s in out]


def _chart(
    kind: str,
    labels: list[str],
    values: list[float],
    centre: float,
    half_widths: list[float],
    scale: float,
    upper_cap: float | None,
) -> ControlChart:
    lcl = [max(0.0, centre - h) for h in half_widths]
    ucl = [centre + h if upper_cap is None else min(upper_cap, centre + h) for h in half_widths]
    sig = _signals(values, lcl, ucl, centre)
    pts = tuple(
        Point(lab, v * scale, centre * scale, lo * scale, hi * scale, s)
        for lab, v, lo, hi, s in zip(labels, values, lcl, ucl, sig, strict=True)
    )
    return ControlChart(kind, centre * scale, pts, scale)


def _paired(
    chart: str, tops: Sequence[float], top: str, bottoms: Sequence[float], bottom: str
) -> None:
    """Refuse what no such chart is made of: no points, a ``top`` without its ``bottom``, or
    a ``bottom`` (a denominator or exposure) that is not positive."""
    if len(tops) != len(bottoms) or not tops:
        raise ValueError(f"a {chart} needs one {bottom} for each {top}, and some points")
    if any(n <= 0 for n in bottoms):
        raise ValueError(f"every {bottom} of a {chart} must be positive")


def p_chart(
    numerators: Sequence[float],
    denominators: Sequence[float],
    labels: Sequence[str] | None = None,
    *,
    scale: float = 100.0,
    sigma: float = 3.0,
) -> ControlChart:
    """p-chart: per-point limits from each point's denominator; values shown × ``scale``."""
    _paired("p-chart", numerators, "numerator", denominators, "denominator")
    if any(x < 0 or x > n for x, n in zip(numerators, denominators, strict=True)):
        raise ValueError("a p-chart numerator must lie between 0 and its denominator")
    p_bar = sum(numerators) / sum(denominators)
    values = [x / n for x, n in zip(numerators, denominators, strict=True)]
    half = [sigma * math.sqrt(p_bar * (1 - p_bar) / n) for n in denominators]
    return _chart("p", _labels(labels, len(values)), values, p_bar, half, scale, 1.0)


def u_chart(
    counts: Sequence[float],
    exposures: Sequence[float],
    labels: Sequence[str] | None = None,
    *,
    per: float = 10_000.0,
    sigma: float = 3.0,
) -> ControlChart:
    """u-chart: events per ``per`` of exposure (e.g. per 10,000 children), per-point limits."""
    _paired("u-chart", counts, "count", exposures, "exposure")
    units = [n / per for n in exposures]
    u_bar = sum(counts) / sum(units)
    values = [c / n for c, n in zip(counts, units, strict=True)]
    half = [sigma * math.sqrt(u_bar / n) for n in units]
    return _chart("u", _labels(labels, len(values)), values, u_bar, half, 1.0, None)


def c_chart(
    counts: Sequence[float], labels: Sequence[str] | None = None, *, sigma: float = 3.0
) -> ControlChart:
    """c-chart: counts of events in equal opportunities (c̄ ± 3√c̄)."""
    if not counts:
        raise ValueError("a c-chart needs some points")
    c_bar = sum(counts) / len(counts)
    half = [sigma * math.sqrt(c_bar)] * len(counts)
    return _chart("c", _labels(labels, len(counts)), list(counts), c_bar, half, 1.0, None)


def xmr_chart(values: Sequence[float], labels: Sequence[str] | None = None) -> ControlChart:
    """Individuals (XmR) chart: x̄ ± 2.66 × the mean moving range, for values alone."""
    if len(values) < 2:
        raise ValueError("an XmR chart needs at least two points")
    x_bar = sum(values) / len(values)
    mr_bar = sum(abs(b - a) for a, b in itertools.pairwise(values)) / (len(values) - 1)
    half = [2.66 * mr_bar] * len(values)
    return _chart("xmr", _labels(labels, len(values)), list(values), x_bar, half, 1.0, None)


@dataclass(frozen=True)
class TwoProportionTest:
    """Then against now: is the difference between two proportions more than chance?"""

    p1: float
    p2: float
    n1: float
    n2: float
    difference: float
    """p2 − p1 (as a proportion)."""
    z: float
    p_value: float
    """Two-sided."""
    significant: bool
    alpha: float
    approximation_ok: bool
    """Whether every expected count is at least 5 (the normal approximation holds)."""

    def describe(self) -> str:
        verdict = "a real change" if self.significant else "within what chance would give"
        return (
            f"{100 * self.p1:.1f}% of {self.n1:g} then, {100 * self.p2:.1f}% of {self.n2:g} now: "
            f"z = {self.z:.2f}, p = {self.p_value:.3f}, {verdict} at the "
            f"{100 * self.alpha:g}% level"
        )


def two_proportion_test(
    x1: float, n1: float, x2: float, n2: float, *, alpha: float = 0.05
) -> TwoProportionTest:
    """Pooled two-proportion z-test of x1/n1 against x2/n2 (two-sided).

    z = (p2 − p1) / √(p(1−p)(1/n1 + 1/n2)), p = (x1 + x2) / (n1 + n2).
    """
    if n1 <= 0 or n2 <= 0:
        raise ValueError("both groups need at least one member")
    if not (0 <= x1 <= n1 and 0 <= x2 <= n2):
        raise ValueError("a count cannot be negative or exceed its group")
    p1, p2 = x1 / n1, x2 / n2
    pooled = (x1 + x2) / (n1 + n2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    if se == 0:
        z, p_value = 0.0, 1.0
    else:
        z = (p2 - p1) / se
        p_value = math.erfc(abs(z) / math.sqrt(2))
    expected = [n * pooled for n in (n1, n2)] + [n * (1 - pooled) for n in (n1, n2)]
    return TwoProportionTest(
        p1=p1,
        p2=p2,
        n1=n1,
        n2=n2,
        difference=p2 - p1,
        z=z,
        p_value=p_value,
        significant=p_value < alpha,
        alpha=alpha,
        approximation_ok=min(expected) >= 5,
    )


def two_percentages_test(
    percent1: float, n1: int, percent2: float, n2: int, *, alpha: float = 0.05
) -> TwoProportionTest:
    """The test from published percentages and their cohorts (counts = round(% × n / 100))."""
    return two_proportion_test(
        round(percent1 * n1 / 100), n1, round(percent2 * n2 / 100), n2, alpha=alpha
    )


def chart_for(
    unit: str,
    values: Sequence[float],
    labels: Sequence[str] | None = None,
    *,
    numerators: Sequence[float] | None = None,
    denominators: Sequence[float] | None = None,
) -> ControlChart:
    """The chart that fits an indicator's unit: a p-chart for a percentage and a u-chart for a
    rate per 10,000 when the numerators and denominators are known, a c-chart for a count, and
    an XmR chart for anything else (such as a published value without its denominator)."""
    if numerators is not None and denominators is not None:
        if unit == "percent":
            return p_chart(numerators, denominators, labels)
        if unit == "rate_per_10k":
            return u_chart(numerators, denominators, labels)
    if unit == "count":
        return c_chart(values, labels)
    return xmr_chart(values, labels)


class ComputedFigure(Protocol):
    """One computed figure of a series (``selfeval.indicators.Result`` is one)."""

    @property
    def id(self) -> str: ...
    @property
    def period_start(self) -> date: ...
    @property
    def period_end(self) -> date: ...
    @property
    def unit(self) -> str: ...
    @property
    def value(self) -> float | None: ...
    @property
    def numerator(self) -> float | None: ...
    @property
    def denominator(self) -> float | None: ...


def chart_for_results(results: Sequence[ComputedFigure]) -> ControlChart:
    """The control chart of one indicator's computed series (``selfeval.indicators.Result``s
    of one authority, oldest first): p-chart or u-chart from their numerators and denominators,
    c-chart for a count, XmR otherwise. Points without a value (no data) are left out."""
    rows = [r for r in results if r.value is not None]
    if not rows:
        raise ValueError("no computed values to chart")
    for r in rows:
        days = (r.period_end - r.period_start).days
        if days > 31:
            raise ValueError(
                f"{r.id} at {r.period_end} covers {days + 1} days: a control chart is of "
                "monthly values (children at each month end, or events in each month), never "
                "of rolling or yearly figures, whose overlapping periods signal where nothing "
                "happened"
            )
    units = {r.unit for r in rows}
    if len(units) != 1:
        raise ValueError("a control chart is of one indicator")
    unit = units.pop()
    labels = [r.period_end.isoformat() for r in rows]
    with_parts = all(r.numerator is not None and r.denominator for r in rows)
    return chart_for(
        unit,
        [r.value for r in rows if r.value is not None],  # all of them
        labels,
        numerators=[r.numerator for r in rows if r.numerator is not None] if with_parts else None,
        denominators=[r.denominator for r in rows if r.denominator] if with_parts else None,
    )
