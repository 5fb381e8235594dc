"""Judging a year's change: false discovery control, children followed across the dates, and
the words people read. Every expected figure is worked by hand in the docstring."""

from __future__ import annotations

import math
from datetime import date

import pytest

from selfeval.evaluation.change import (
    benjamini_hochberg,
    decide_all,
    discordant_z,
    judge_one,
    overlap_proportion_z,
)
from selfeval.indicators.engine import Result

START, END = date(2019, 4, 1), date(2020, 3, 31)


def _r(ind: str, value: float, num: float, den: float | None, unit: str = "percent") -> Result:
    return Result(ind, ind, "999", START, END, value, num, den, unit)


def test_false_discovery_rate_calls_fewer_changes_real_than_testing_one_at_a_time():
    """p = 0.01, 0.04, 0.03, 0.20 for four indicators, q = 0.05. Sorted: 0.01 <= 1 x 0.05/4 =
    0.0125 (yes), 0.03 <= 2 x 0.0125 = 0.025 (no), 0.04 <= 0.0375 (no), 0.20 <= 0.05 (no): the
    largest k is 1, so only the first is real. One at a time (p < 0.05) would call three."""
    p = [0.01, 0.04, 0.03, 0.20]
    assert benjamini_hochberg(p) == [True, False, False, False]
    assert sum(x < 0.05 for x in p) == 3
    # 0.01, 0.02, 0.03, 0.04: each p_(k) <= k x 0.0125, so all four are real (Bonferroni,
    # 0.05/4, would keep only the first).
    assert benjamini_hochberg([0.04, 0.01, 0.03, 0.02]) == [True] * 4
    assert benjamini_hochberg([]) == []


def test_changes_are_decided_together():
    """Two indicators with p-values 0.03 and 0.04 out of two: 0.03 <= 0.025? no; 0.04 <= 0.05:
    yes, so k = 2 and both are real; with a third at 0.9, 0.04 <= 2 x 0.05/3 = 0.033 fails and
    0.03 <= 0.0167 fails: none is real."""
    a = judge_one(
        _r("cla_count", 100, 100, None, "count"), _r("cla_count", 130, 130, None, "count")
    )
    assert a.verdict == "real" and a.p_value is not None  # before the procedure: a p-value

    def with_p(p: float):
        from dataclasses import replace

        return replace(a, p_value=p)

    assert [c.verdict for c in decide_all([with_p(0.03), with_p(0.04)])] == ["real", "real"]
    assert [c.verdict for c in decide_all([with_p(0.03), with_p(0.04), with_p(0.9)])] == [
        "normal",
        "normal",
        "normal",
    ]
    assert decide_all([with_p(0.001)])[0].words == "a real change"


def test_the_same_children_at_both_dates_are_compared_as_pairs():
    """Four children at both dates: A and B in the numerator both times, C joins it, D never:
    p1 = 2/4, p2 = 3/4. Each child's d = (y - p2)/4 - (x - p1)/4: A and B (0.25 - 0.5)/4 =
    -0.0625, C (0.25 + 0.5)/4 = 0.1875, D (-0.75 + 0.5)/4 = -0.0625. Sum of squares 3 x
    0.00390625 + 0.03515625 = 0.046875 (the paired variance: the differences 0,0,1,0 have
    variance 0.1875, over 4). z = 0.25 / sqrt(0.046875) = 1.1547. Treated as independent
    samples: 0.25 / sqrt(0.25/4 + 0.1875/4) = 0.7559."""
    before = {"A": (1, 1), "B": (1, 1), "C": (0, 1), "D": (0, 1)}
    after = {"A": (1, 1), "B": (1, 1), "C": (1, 1), "D": (0, 1)}
    diff, z, p = overlap_proportion_z(before, after)
    assert diff == pytest.approx(0.25)
    assert z == pytest.approx(0.25 / math.sqrt(0.046875))
    assert z == pytest.approx(1.1547, abs=1e-4)
    assert p == pytest.approx(math.erfc(1.1547 / math.sqrt(2)), abs=1e-4)


def test_different_children_give_the_independent_test():
    """No child at both dates: p1 = 1/2, p2 = 2/3; variance 0.25/2 + (2/9)/3 = 0.199074,
    z = (1/6) / 0.446177 = 0.37354, the unpooled two-proportion test."""
    _, z, _ = overlap_proportion_z(
        {"A": (1, 1), "B": (0, 1)}, {"C": (1, 1), "D": (1, 1), "E": (0, 1)}
    )
    assert z == pytest.approx(0.37354, abs=1e-4)


def test_a_count_at_a_date_is_judged_on_who_joined_and_who_left():
    """30 children joined and 10 left: z = (30 - 10) / sqrt(40) = 3.1623 (McNemar)."""
    z, p = discordant_z(30, 10)
    assert z == pytest.approx(3.16228, abs=1e-5)
    assert p == pytest.approx(0.001565, abs=1e-5)
    a = _r("cla_count", 100, 100, None, "count")
    b = _r("cla_count", 120, 120, None, "count")
    before = {f"c{i}": (1.0, 1.0) for i in range(100)}
    after = {f"c{i}": (1.0, 1.0) for i in range(10, 130)}  # 10 left, 30 joined
    c = judge_one(a, b, (before, after))
    assert c.p_value == pytest.approx(p)
    assert "McNemar" in c.method


def test_a_workforce_share_is_not_put_to_a_test_of_chance():
    """Sickness absence 2.4% then 1.4% of some 9,000 working days: a two-proportion test would
    treat each day as a person and call the fall real (p far below 0.001). A working day, or a
    full-time equivalent, is not an independent person: the change is not judged, so no
    strength rests on it."""
    c = judge_one(_r("sw_absence_pct", 2.4, 216, 9000), _r("sw_absence_pct", 1.4, 126, 9000))
    assert (c.verdict, c.p_value) == ("not_judged", None)
    assert "not of people" in c.method


def test_too_few_children_and_missing_look_back_are_not_judged():
    """1 of 8 then 2 of 9: pooled 3/17 = 0.176, 8 x 0.176 = 1.4 expected, under 5: too few
    children to tell. A re-referral rate whose earlier year is not loaded is not judged."""
    c = judge_one(_r("missing_pct", 12.5, 1, 8), _r("missing_pct", 22.2, 2, 9))
    assert (c.verdict, c.words) == ("too_few", "too few children to tell")
    r = judge_one(
        _r("rereferral_12m_pct", 13.7, 91, 664),
        _r("rereferral_12m_pct", 20.6, 141, 686),
        look_back=False,
    )
    assert r.verdict == "not_judged" and r.p_value is None


def test_each_listing_is_made_once_per_indicator_and_date(monkeypatch):
    """The SEF lists children at 2019 and 2020; ``report check`` makes it again, and a later
    report asks for 2020 and 2021: with the same data state the second listing is not made at
    all and the third lists 2021 only; another state (a load added) lists again."""
    from selfeval.evaluation import change

    d1, d2, d3 = date(2019, 3, 31), date(2020, 3, 31), date(2021, 3, 31)
    asked: list[list[date]] = []

    def fake(sources, ind_id, la_code, dates, period="year"):  # type: ignore[no-untyped-def]
        asked.append(list(dates))
        return {d: {f"child-{d.year}": (1.0, 1.0)} for d in dates}

    monkeypatch.setattr(change, "children_units", fake)
    monkeypatch.setattr(change, "_LISTED", {})
    state = ("sqlite:///x.db", "999", (1, 2))
    first = change.listed_units(None, "cla_count", "999", [d1, d2], state)  # type: ignore[arg-type]
    again = change.listed_units(None, "cla_count", "999", [d1, d2], state)  # type: ignore[arg-type]
    later = change.listed_units(None, "cla_count", "999", [d2, d3], state)  # type: ignore[arg-type]
    assert first == again and later is not None and later[d3] == {"child-2021": (1.0, 1.0)}
    assert asked == [[d1, d2], [d3]]
    change.listed_units(None, "cla_count", "999", [d1], ("sqlite:///x.db", "999", (1, 2, 3)))  # type: ignore[arg-type]
    assert asked == [[d1, d2], [d3], [d1]]
