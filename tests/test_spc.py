"""Control charts and the two-proportion test, against values worked by hand."""

from __future__ import annotations

import math

import pytest

from selfeval.benchmarks.spc import (
    BEYOND_LIMITS,
    RUN_OF_8,
    c_chart,
    p_chart,
    two_percentages_test,
    two_proportion_test,
    u_chart,
    xmr_chart,
)


def test_p_chart_limits_come_from_each_points_own_denominator():
    """Numerators 5, 10, 20 of 50, 50, 100.

    p̄ = 35 / 200 = 0.175; p̄(1 − p̄) = 0.144375.
    n = 50:  σ = √(0.144375 / 50)  = √0.0028875  = 0.0537355; 3σ = 0.1612064
             UCL = 0.3362064, LCL = 0.0137936  -> 33.62 %, 1.38 %
    n = 100: σ = √(0.144375 / 100) = √0.00144375 = 0.0379967; 3σ = 0.1139901
             UCL = 0.2889901, LCL = 0.0610099  -> 28.90 %, 6.10 %
    """
    c = p_chart([5, 10, 20], [50, 50, 100], ["2018", "2019", "2020"])
    assert c.kind == "p"
    assert c.centre == pytest.approx(17.5)
    a, _, last = c.points
    assert (a.value, a.ucl, a.lcl) == pytest.approx((10.0, 33.62064, 1.37936), abs=1e-4)
    assert (last.value, last.ucl, last.lcl) == pytest.approx((20.0, 28.89901, 6.10099), abs=1e-4)
    assert c.signals == []
    assert "No signal" in c.describe()


def test_p_chart_point_beyond_the_limits():
    """Ten points of n = 100: 10, 16, 10, 16, 10, 16, 10, 16, 10 (alternating about the centre,
    so no run) then 40. p̄ = (5 × 10 + 4 × 16 + 40) / 1000 = 0.154;
    σ = √(0.154 × 0.846 / 100) = √0.00130284 = 0.0360949; UCL = 0.154 + 0.1082847 = 0.2622847.
    40 % > 26.23 %: the tenth point fires beyond_limits, and no other point does."""
    c = p_chart([10, 16] * 4 + [10, 40], [100] * 10)
    assert c.points[-1].ucl == pytest.approx(26.22847, abs=1e-4)
    assert c.signals == [("10", BEYOND_LIMITS)]
    assert "10 beyond the control limits" in c.describe()


def test_limits_are_clipped_at_zero_and_one():
    """p̄ = 2 / 20 = 0.1, n = 10: 3σ = 3 × √(0.09 / 10) = 0.2846 > 0.1, so LCL is 0."""
    c = p_chart([1, 1], [10, 10])
    assert c.points[0].lcl == 0.0
    c = p_chart([9, 10], [10, 10])
    assert c.points[0].ucl == 100.0


def test_a_run_of_eight_on_one_side_of_the_centre_line():
    """Sixteen points of n = 1000: eight at 10 % then eight at 12 %. p̄ = 11 %; the limits are
    11 % ± 3 × √(0.11 × 0.89 / 1000) = ± 2.97 %, so no point is beyond them; the 8th point
    (first run) and the 16th (second run) complete runs of eight."""
    c = p_chart([100] * 8 + [120] * 8, [1000] * 16)
    assert c.centre == pytest.approx(11.0)
    assert c.signals == [("8", RUN_OF_8), ("16", RUN_OF_8)]


def test_a_point_on_the_centre_line_breaks_a_run():
    """Seven at 9, one at 10, seven at 9, seven at 12: mean (63 + 10 + 63 + 84) / 22 = 10, so the
    10 lies on the centre line and splits fourteen points below it into two runs of seven."""
    values = [9.0] * 7 + [10.0] + [9.0] * 7 + [12.0] * 7
    c = xmr_chart(values)
    assert c.centre == pytest.approx(10.0)
    assert RUN_OF_8 not in {s for _, s in c.signals}


def test_u_chart_rate_per_10000():
    """588 looked after of 61,173 children and 540 of 61,524 (per 10,000).

    units 6.1173 and 6.1524; ū = 1128 / 12.2697 = 91.93379.
    point 1: 588 / 6.1173 = 96.12084; 3σ = 3 × √(91.93379 / 6.1173) = 11.62998
             -> limits 80.30381 to 103.56377.
    """
    c = u_chart([588, 540], [61173, 61524], ["2020", "2021"])
    assert c.centre == pytest.approx(91.93379, abs=1e-4)
    p = c.points[0]
    assert (p.value, p.lcl, p.ucl) == pytest.approx((96.12084, 80.30381, 103.56377), abs=1e-4)
    assert c.signals == []


def test_c_chart_and_xmr_chart():
    """c-chart of 4, 9, 16, 11: c̄ = 10, limits 10 ± 3√10 = 0.513 to 19.487.
    XmR of 10, 12, 11, 15: x̄ = 12, moving ranges 2, 1, 4 -> mR̄ = 7/3; limits 12 ± 6.2067."""
    c = c_chart([4, 9, 16, 11])
    assert (c.points[0].lcl, c.points[0].ucl) == pytest.approx((0.51317, 19.48683), abs=1e-4)
    x = xmr_chart([10, 12, 11, 15])
    assert (x.points[0].lcl, x.points[0].ucl) == pytest.approx((5.79333, 18.20667), abs=1e-4)


def test_two_proportions_then_against_now():
    """Seen within 5 working days: 47 of 85 (55.3 %) in March, 62 of 80 (77.5 %) in September.

    pooled p = 109 / 165 = 0.660606; p(1 − p) = 0.224206
    se = √(0.224206 × (1/85 + 1/80)) = √(0.224206 × 0.0242647) = √0.00544030 = 0.0737584
    z = (0.775 − 0.552941) / 0.0737584 = 0.222059 / 0.0737584 = 3.01063
    p (two-sided) = erfc(3.01063 / √2) = 0.00261: significant at 5 %.
    """
    t = two_proportion_test(47, 85, 62, 80)
    assert t.z == pytest.approx(3.01063, abs=1e-4)
    assert t.p_value == pytest.approx(0.00261, abs=1e-5)
    assert t.significant and t.approximation_ok
    assert "a real change" in t.describe()
    same = two_percentages_test(55.3, 85, 77.5, 80)
    assert same.z == pytest.approx(t.z)


def test_two_proportions_not_significant_on_small_cohorts():
    """6 of 10 against 8 of 10: pooled 0.7; se = √(0.21 × 0.2) = 0.204939;
    z = 0.2 / 0.204939 = 0.97590; p = 0.32912: not significant."""
    t = two_proportion_test(6, 10, 8, 10)
    assert t.z == pytest.approx(0.97590, abs=1e-4)
    assert t.p_value == pytest.approx(0.32912, abs=1e-4)
    assert not t.significant
    assert not t.approximation_ok  # expected failures 10 × 0.3 = 3 < 5


def test_two_proportions_with_no_variation_and_bad_input():
    t = two_proportion_test(0, 10, 0, 20)
    assert (t.z, t.p_value, t.significant) == (0.0, 1.0, False)
    with pytest.raises(ValueError):
        two_proportion_test(11, 10, 1, 10)
    with pytest.raises(ValueError):
        p_chart([1], [0])
    assert math.isfinite(two_proportion_test(10, 10, 0, 10).z)


def test_chart_for_computed_results_picks_the_chart_by_unit():
    """Percent results with numerators and denominators make a p-chart (5 of 50, 10 of 50, 20
    of 100: the first test's chart); a count makes a c-chart; a ratio an XmR chart."""
    from datetime import date

    from selfeval.benchmarks.spc import chart_for_results
    from selfeval.indicators.engine import Result

    def r(unit, value, num=None, den=None, month=1):
        d = date(2020, month, 28)
        return Result("x", "X", "999", d, d, value, num, den, unit)

    p = chart_for_results(
        [
            r("percent", 10.0, 5, 50, 1),
            r("percent", 20.0, 10, 50, 2),
            r("percent", 20.0, 20, 100, 3),
        ]
    )
    assert p.kind == "p" and p.centre == pytest.approx(17.5)
    assert [pt.label for pt in p.points] == ["2020-01-28", "2020-02-28", "2020-03-28"]
    c = chart_for_results([r("count", 4.0, 4), r("count", 9.0, 9, month=2), r("count", None)])
    assert c.kind == "c" and len(c.points) == 2
    assert chart_for_results([r("ratio", 15.1), r("ratio", 16.0, month=2)]).kind == "xmr"
