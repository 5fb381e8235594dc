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
    rolling = [
        Result(
            "referrals",
            "R",
            "999",
            date(2019, m, 1),
            date(2020, m, 28),
            600.0 + m,
            None,
            None,
            "count",
        )
        for m in range(1, 4)
    ]
    with pytest.raises(ValueError, match="rolling"):
        chart_for_results(rolling)
    monthly = [
        Result(
            "referrals",
            "R",
            "999",
            date(2020, m, 1),
            date(2020, m, 28),
            50.0 + m,
            None,
            None,
            "count",
        )
        for m in range(1, 4)
    ]
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
    assert public.text == "Case audits of care leavers: a minority of 7 judged good or better."
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
