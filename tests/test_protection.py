"""Child protection plans at a date, starting, repeat plans and long plans (both DfE variants),
on hand-made CIN census plans; the year to 31/03/2020."""

from __future__ import annotations

from builders import population, result, sources, value

YEAR_END = "2020-03-31"


def plan(child: str, start: str, end: str | None = None, previous: int | None = 0) -> dict:
    return {
        "LAchildID": child,
        "CPPstartDate": start,
        "CPPendDate": end,
        "NumberOfPreviousCPP": previous,
    }


PLANS = [
    plan("A", "2017-01-01", "2019-06-01"),  # P1: ended in the year after 2 years 5 months
    plan("A", "2019-09-01"),  # P2: A's second plan (the record shows the first)
    plan("B", "2019-05-01", YEAR_END),  # P3: ends on the date: not open on it
    plan("C", "2018-03-31"),  # P4: open exactly 2 years on the date
    plan("D", "2019-12-01", previous=1),  # P5: a plan in another council before
    plan("E", "2018-04-01"),  # P6: open a day short of 2 years
]


def test_children_on_plans_and_the_rate():
    """Open on 31/03/2020: A (P2), C, D, E = 4 (B's plan ended on the date). Mid-2019
    population 800: 4 / 800 x 10,000 = 50."""
    src = sources(cin_cp_plans=PLANS, population=[population(2019, 800)])
    assert value(src, "cp_count", YEAR_END) == 4
    assert value(src, "cp_rate", YEAR_END) == 50.0


def test_second_or_subsequent_plans():
    """Starting in 2019/20: P2, P3, P5 = 3. Second or later: P2 (earlier plan in the record)
    and P5 (NumberOfPreviousCPP = 1) = 2 of 3."""
    src = sources(cin_cp_plans=PLANS)
    assert value(src, "cp_starts", YEAR_END) == 3
    r = result(src, "cp_second_or_subsequent_pct", YEAR_END)
    assert (r.numerator, r.denominator) == (2, 3)


def test_plans_lasting_two_years_both_variants():
    """Open on the date: P2, P4, P5, P6; of those only P4 started on or before 31/03/2018:
    1 of 4 = 25%. Ended in the year: P1 (2 years 5 months) and P3 (11 months): 1 of 2 = 50%."""
    src = sources(cin_cp_plans=PLANS)
    assert value(src, "cp_open_2y_pct", YEAR_END) == 25.0
    assert value(src, "cp_ended_2y_pct", YEAR_END) == 50.0
