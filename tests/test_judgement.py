"""Drafted judgement on hand-made evidence: warning signs, benchmark gaps, RAG ratings the data
cannot contradict, bounded direction-aware plan progress, and monthly-only control charts."""

from __future__ import annotations

from datetime import date

import pytest

from selfeval.benchmarks.spc import chart_for_results
from selfeval.evaluation.benchmarking import standing_of
from selfeval.evaluation.change import Change
from selfeval.evaluation.judgement import Evidence, indicator_points, judge_area
from selfeval.evaluation.series import monthly_results
from selfeval.indicators import get
from selfeval.indicators.engine import Result
from selfeval.outputs.disclosure import withhold_figure
from selfeval.plans.progress import assess, priority_rag
from selfeval.plans.records import Action, Priority, Target

AT = date(2020, 3, 31)
BASE = date(2019, 3, 31)


def _r(ind: str, value: float | None, at: date = AT, num=None, den=None) -> Result:
    unit = get(ind).unit
    return Result(ind, ind, "999", at, at, value, num, den, unit)


# -- plan progress -------------------------------------------------------------------------------


def _progress(ind: str, baseline: float, target: float, value: float, at: date = AT):
    x = Target("P1", ind, target, AT, baseline_value=baseline)
    return assess(x, {(ind, at): _r(ind, value, at)}, at)


def test_progress_is_bounded_and_follows_the_indicator_direction():
    """Audits good or better (higher is better): baseline 50, target 70, now 58 is (58 - 50) /
    (70 - 50) = 40% of the way; now 95 is the target reached (not 225%)."""
    p = _progress("audits_good_or_better_pct", 50, 70, 58, at=date(2019, 12, 31))
    assert p.progress_pct == pytest.approx(40.0)
    assert p.words() == "moved 40% of the way"
    late = _progress("audits_good_or_better_pct", 50, 70, 58)  # at the target date
    assert late.words() == "moved 40% of the way (target date passed)"
    q = _progress("audits_good_or_better_pct", 50, 70, 95)
    assert q.status == "met" and q.words() == "target reached" and q.progress_pct == 100.0
    # 3+ placements (lower is better): baseline 5.4%, target at most 9%, now 13.9%. The old
    # formula gave (13.9 - 5.4) / (9 - 5.4) = 236% "of the way"; it moved away.
    r = _progress("stability_3plus_placements_pct", 5.4, 9.0, 13.9)
    assert r.moved_away and r.status == "not met"
    assert r.words() == "moved away from the target"
    assert "%" not in r.words()


def test_rag_cannot_say_green_when_the_data_moved_away():
    """Placement stability recorded Green while 3+ placements rose from 5.4% to 13.9%: Red."""
    t = _progress("stability_3plus_placements_pct", 5.4, 9.0, 13.9)
    pr = Priority("P8", "Improve placement stability", status="Green")
    rag, why = priority_rag(pr, [], [t], AT)
    assert rag == "Red"
    assert why[0] == "recorded Green, which the data contradict"


def test_a_target_reached_is_not_red_though_the_figure_fell_back():
    """Care leavers in suitable accommodation (higher is better): baseline 100%, target 90%,
    now 91.3%. The figure moved away from its baseline but the target is reached: with one
    action overdue the priority is Amber, not Red."""
    t = _progress("care_leavers_suitable_accom_19_21_pct", 100.0, 90.0, 91.3)
    assert t.status == "met" and t.words() == "target reached"
    late = Action("P7", "P7.1", "Open homes", "Head of service", date(2020, 3, 1), "Amber")
    rag, why = priority_rag(Priority("P7", "Homes for care leavers"), [late], [t], AT)
    assert rag == "Amber"
    assert why == ["Care leavers aged 19 to 21 in suitable accommodation: target reached",
                   "1 action overdue"]  # fmt: skip
    assert priority_rag(Priority("P7", "Homes for care leavers"), [], [t], AT)[0] == "Green"


def test_an_overdue_action_is_never_green():
    """An action due 1 March 2020, still Green and not complete at 31 March, shows Amber; its
    priority, recorded Green with its target on the way, is at best Amber."""
    late = Action("P1", "P1.1", "Recruit", "Head of service", date(2020, 3, 1), "Green")
    assert late.overdue(AT) and late.rag(AT) == "Amber"
    done = Action("P1", "P1.2", "Train", "PSW", date(2020, 3, 1), "Complete")
    assert done.rag(AT) == "Complete"
    on_way = _progress("audits_good_or_better_pct", 50, 70, 58, at=date(2019, 12, 31))
    pr = Priority("P1", "Practice improvement", status="Green")
    rag, why = priority_rag(pr, [late, done], [on_way], AT)
    assert rag == "Amber" and "1 action overdue" in why
    # With nothing recorded, an on-time plan whose targets are on the way is Green.
    fresh = Action("P1", "P1.3", "Audit", "PSW", date(2020, 6, 1), "Green")
    assert priority_rag(Priority("P1", "x"), [fresh], [on_way], AT)[0] == "Green"


# -- judgement -----------------------------------------------------------------------------------


def test_a_warning_sign_stands_even_when_the_trend_is_flat():
    """Children on plans visited in time: 58.5% after 51.1%, within normal variation and with
    no benchmark; below 80% it is an area for development, and the grade cannot be Good."""
    a = _r("cp_visits_10wd_pct", 51.1, BASE, 48, 94)
    b = _r("cp_visits_10wd_pct", 58.5, AT, 55, 94)
    flat = Change("cp_visits_10wd_pct", a, b, "normal", "test")
    points = indicator_points(Evidence(get("cp_visits_10wd_pct"), a, b, flat, None, "58.5%"))
    assert [(p.kind, p.source) for p in points] == [("development", "warning")]
    assert points[0].text.startswith("Children on protection plans visited")
    j = judge_area("help_and_protection", points)
    assert j.grade == "Requires improvement to be good" and len(j.warnings) == 1


def test_benchmark_gap_ranks_and_grades():
    """3+ placements 13.9% against neighbours 8, 8.5, 9, 9, 9, 10, 11, 12, 12, 14 (median 9.5,
    quartiles at positions 2.25 and 6.75 of 0-9: 9 and 11.75): 46% worse than the median, in
    the worst quarter, rank 10 of 11 (only 14 is worse). Weight min(2, 0.463) + 1 = 1.463."""
    s = standing_of(
        13.9, "lower_better", [8, 8.5, 9, 9, 9, 10, 11, 12, 12, 14], england=10.0, region=9.0
    )
    assert (s.median, s.lower_quartile, s.upper_quartile) == (9.5, 9.0, 11.75)
    assert (s.rank, s.of) == (10, 11)
    assert s.quarter("lower_better") == "worst quarter"
    r = _r("stability_3plus_placements_pct", 13.9, AT, 11, 79)
    [p] = indicator_points(
        Evidence(get("stability_3plus_placements_pct"), None, r, None, s, "13.9%")
    )
    assert p.kind == "development" and p.weight == pytest.approx(1 + 4.4 / 9.5)
    assert "9.5%" in p.text and "England 10.0%" in p.text
    good = judge_area("x", [p.__class__("s", 2.0, "strength", "benchmark")])
    assert good.grade == "Good"


# -- statistics out of sight ---------------------------------------------------------------------


def test_a_rolling_series_is_never_control_charted():
    """Referrals in the 12 months to each month end overlap by 11 months: refused."""

    def referrals(first_year: int, base: float) -> list[Result]:
        """Referrals for January to March 2020, each counted from the 1st of its month in
        ``first_year`` (2019: a rolling 12 months; 2020: the month alone)."""
        return [
            Result(
                "referrals",
                "R",
                "999",
                date(first_year, m, 1),
                date(2020, m, 28),
                base + m,
                None,
                None,
                "count",
            )
            for m in range(1, 4)
        ]

    rolling = referrals(2019, 600.0)
    with pytest.raises(ValueError, match="rolling"):
        chart_for_results(rolling)
    monthly = referrals(2020, 50.0)
    assert chart_for_results(monthly).kind == "c"
    # A yearly census is not a monthly series at all.
    assert monthly_results(None, "sw_turnover_pct", BASE, AT) == []  # type: ignore[arg-type]


# -- disclosure ----------------------------------------------------------------------------------


def test_disclosure_depends_on_the_audience_and_on_what_is_counted():
    """3 children is withheld from the public, never from internal readers; a percentage of 4
    children is withheld; 3.5% social worker turnover (7 FTE leavers) is not: staff are not
    children; a rate on 4,000 children is not withheld for being a rate."""
    assert withhold_figure("public", "count", 3, None, None, area="looked_after")
    assert not withhold_figure("internal", "count", 3, None, None, area="looked_after")
    assert withhold_figure("public", "percent", 25.0, 1, 4, area="care_leavers")
    assert not withhold_figure("public", "percent", 3.5, 3, 86, area="workforce")
    assert not withhold_figure("public", "rate_per_10k", 60.0, 80, 13000, area="looked_after")
    with pytest.raises(ValueError):
        withhold_figure("councillors", "count", 3, None, None)


def test_no_public_output_lets_a_withheld_count_be_worked_back():
    """In care 20 at the year's start and 26 at its end, 10 started, 4 ceased. The 4 is withheld;
    shown beside 20, 26 and 10 it is 20 + 10 - 26 = 4 again, so the smallest other figure (10
    started) is withheld too, in every public output. Internal readers see everything."""
    from selfeval.outputs.disclosure import derivable, flow_identity, protect

    flow = [flow_identity("cla_end", "cla_start", "started", "ceased")]
    values = {"cla_start": 20, "cla_end": 26, "started": 10, "ceased": 4}
    naive = {k: ("c" if k == "ceased" else v) for k, v in values.items()}
    assert derivable(naive, flow) == {"ceased"}
    shown = protect(values, flow)
    assert shown == {"cla_start": 20, "cla_end": 26, "started": "c", "ceased": "c"}
    assert derivable(shown, flow) == set()
    assert protect(values, flow, "internal") == values


def test_every_public_figure_goes_through_the_same_protection():
    """The record every public output shows figures through: with 20 -> 26 in care, 10 started
    and 4 ceased, both flows are c wherever they appear; the stocks are shown."""
    from selfeval.evaluation.placeholders import FigureCache

    start, end = date(2019, 3, 31), date(2020, 3, 31)
    values = {
        ("cla_count", start): 20.0,
        ("cla_count", end): 26.0,
        ("cla_starts", end): 10.0,
        ("cla_ceased", end): 4.0,
    }

    class HandMade(FigureCache):
        def __init__(self) -> None:
            self.public = True

        def results(self, ids, dates, period="year"):
            return [_r(i, values.get((i, d)), d) for i in ids for d in dates]

    rec = HandMade()
    shown = {k: rec.show(_r(k[0], v, k[1])) for k, v in values.items()}
    assert shown == {
        ("cla_count", start): "20",
        ("cla_count", end): "26",
        ("cla_starts", end): "c",
        ("cla_ceased", end): "c",
    }
    rec.public = False
    assert rec.show(_r("cla_ceased", 4.0, end)) == "4"


def test_an_audit_share_that_gives_children_away_is_put_in_words():
    """7 audits of care leavers, 2 good: 29% of 7 gives the 2 back, so the public reads "a
    minority of 7"; internal readers read 29% of 7."""
    from selfeval.assurance.grades import Grade
    from selfeval.assurance.records import Audit
    from selfeval.evaluation.judgement import audit_points

    audits = [
        Audit(f"K{i}", date(2020, 1, 6), "A", Grade.GOOD if i < 2 else Grade.INADEQUATE)
        for i in range(7)
    ]
    [public] = audit_points(audits, "care leavers")
    assert (
        public.text
        == "Case audits of care leavers: fewer than half of the 7 judged good or better."
    )
    [inside] = audit_points(audits, "care leavers", public=False)
    assert inside.text == "Case audits of care leavers: 29% of 7 judged good or better."


def test_the_context_says_what_the_last_inspection_found_and_what_comes_next():
    """Standard inspection from 14 January 2019, judged good: a short inspection is expected in
    the six months either side of 14 January 2022 (14 July 2021 to 14 July 2022); at 31 March
    2020, more than six months after it, a focused visit is possible before then. Without any
    inspection loaded, a visible prompt."""
    from selfeval.evaluation.sef import SefOptions, _inspection_text
    from selfeval.inspections.outcomes import Inspection

    last = Inspection(
        "E09999999",
        "Synthshire",
        "West Midlands",
        date(2019, 1, 14),
        date(2019, 3, 1),
        "standard",
        {"overall": "good"},
    )
    said = _inspection_text(SefOptions("999", AT, inspections=(last,)), AT)
    assert said.startswith(
        "Ofsted's last ILACS standard inspection began on 14 January 2019 and judged overall "
        "effectiveness good. The next is expected to be a short inspection between 14 July 2021 "
        "and 14 July 2022, with a focused visit possible before then."
    )
    assert "[To write: the recommendations" in said
    assert _inspection_text(SefOptions("999", AT), AT).startswith("[To write: the last ILACS")


# -- every area draws strengths and areas for development from its evidence ---------------------


def test_a_percentage_near_100_is_a_strength_by_points_or_rank():
    """Care leavers in suitable accommodation 91.3% against neighbours 85, 86, 87, 88, 88, 88,
    88, 89, 89, 90 (median 88, upper quartile 88.75): 3.75% above the median, under the 10%
    relative gap, but in the best quarter, rank 1 of 11: a strength of weight
    min(2, 3.3 / 88) + 1. 90.0% against the same is 2 points above, rank 1 too: a strength.
    87.5%, in the middle half and 0.5 points off, is no point at all."""
    near = [85, 86, 87, 88, 88, 88, 88, 89, 89, 90]
    ind = get("care_leavers_suitable_accom_19_21_pct")
    for value, expected in ((91.3, 1), (87.5, 0)):
        s = standing_of(value, "higher_better", near, england=88.0, region=88.0)
        r = _r(ind.id, value, AT, 21, 23)
        points = indicator_points(Evidence(ind, None, r, None, s, f"{value}%"))
        assert len(points) == expected
    s = standing_of(91.3, "higher_better", near, england=88.0, region=88.0)
    assert (s.rank, s.of, s.quarter("higher_better")) == (1, 11, "best quarter")
    [p] = indicator_points(Evidence(ind, None, _r(ind.id, 91.3, AT, 21, 23), None, s, "91.3%"))
    assert p.kind == "strength" and p.weight == pytest.approx(1 + 3.3 / 88)
    # The same 91.3% where the public sees it as c (say 3 of 4 children in another case):
    # no point in the internal edition either, which shows the figure, so that both editions
    # draw the same findings.
    kept = Evidence(ind, None, _r(ind.id, 91.3, AT, 21, 23), None, s, "91.3%", withheld=True)
    assert indicator_points(kept) == []
    # 80% against England's 86% with no neighbours' figure: 7% under (less than a tenth) but
    # 6 percentage points: an area for development.
    eng = standing_of(80.0, "higher_better", [], england=86.0)
    ind = get("care_leavers_eet_19_21_pct")
    [d] = indicator_points(Evidence(ind, None, _r(ind.id, 80.0, AT, 40, 50), None, eng, "80.0%"))
    assert d.kind == "development" and "86.0% for England" in d.text


def test_what_auditors_praised_is_a_strength_even_where_most_audits_are_weak():
    """6 audits of care leavers, 1 good and 5 requiring improvement (17% good or better, an
    area for development); 3 of them say "Good direct work with the child": a strength in the
    auditors' own words, with how many said it; 2 ask for "Assessment analysis needs
    strengthening"."""
    from selfeval.assurance.grades import Grade
    from selfeval.assurance.records import Audit
    from selfeval.evaluation.judgement import audit_points

    said = ["Good direct work with the child"] * 3 + ["Plan reviewed on time"] * 3
    asked = ["Assessment analysis needs strengthening"] * 2 + [f"Thing {i}" for i in range(4)]
    audits = [
        Audit(
            f"K{i}",
            date(2020, 1, 6),
            "A",
            Grade.GOOD if i == 0 else Grade.REQUIRES_IMPROVEMENT,
            strengths=said[i],
            areas_for_development=asked[i],
        )
        for i in range(6)
    ]
    points = audit_points(audits, "care leavers", public=False)
    texts = {(p.kind, p.text) for p in points}
    assert ("development", "Case audits of care leavers: 17% of 6 judged good or better.") in texts
    assert (
        "strength",
        'Where practice was good, auditors most often praised: "Plan reviewed on time" '
        "(in 3 of 6 audits).",
    ) in texts
    assert (
        "development",
        'Auditors most often asked for: "Assessment analysis needs strengthening" '
        "(in 2 of 6 audits).",
    ) in texts


def test_leaders_are_judged_on_last_years_plan_and_feedback():
    """Of 4 priorities: 1 Green, 2 Red (one recorded Green), 1 Amber recorded Amber. A strength
    (1 Green, weight 0.5) and two areas for development (2 Red; 1 recorded better than the data
    allows). 9 compliments against 12 complaints: an area for development; 3 against 12 says
    nothing, to any reader (too few to compare in public, and every edition draws the same
    findings)."""
    from selfeval.evaluation.judgement import feedback_points, plan_points
    from selfeval.plans.records import Priority

    rated = [
        (Priority("P1", "Workforce", status="Green"), "Green", []),
        (Priority("P2", "Stability", status="Green"), "Red", ["moved away"]),
        (Priority("P3", "Visits", status="Red"), "Red", []),
        (Priority("P4", "Audits", status="Amber"), "Amber", []),
    ]
    pts = plan_points(rated)
    assert [(p.kind, p.weight, p.text) for p in pts] == [
        ("strength", 0.5, "1 of last year's 4 priorities is Green on the data: Workforce."),
        (
            "development",
            1.0,
            "2 of last year's 4 priorities are Red on the data: Stability; Visits.",
        ),
        (
            "development",
            1.0,
            "1 of last year's priorities was recorded better than the data allows: Stability.",
        ),
    ]
    # Every priority the point counts is named (the list once stopped at three of four).
    four = [(Priority(f"P{i}", f"Priority {i}"), "Red", []) for i in range(1, 5)]
    [red] = plan_points(four)
    assert red.text == (
        "4 of last year's 4 priorities are Red on the data: "
        "Priority 1; Priority 2; Priority 3; Priority 4."
    )
    [f] = feedback_points({"Compliment": 9, "Complaint": 12, "Feedback from a child": 4})
    assert (f.kind, f.text) == (
        "development",
        "Feedback received: 9 compliments against 12 complaints.",
    )
    assert feedback_points({"Compliment": 3, "Complaint": 12}) == []
    [one] = feedback_points({"Compliment": 12, "Complaint": 0})
    assert one.text == "Feedback received: 12 compliments against 0 complaints."
