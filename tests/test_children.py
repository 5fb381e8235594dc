"""The children behind a figure (``selfeval.indicators.children``): the list comes from the
indicator's own definition, so its length is the figure; hand-made cases name the children."""

from __future__ import annotations

from datetime import date

import pytest

from builders import episode, population, sources
from selfeval.errors import NoData
from selfeval.indicators import NotChildLevel, catalogue, children, compute

AT = date(2019, 3, 31)


def looked_after():
    """Five children on 31 March 2019 (the cases of test_cla_count):

    A  open since June 2018                             -> counted
    B  ended on 31/03/2019 (ends on the date)           -> not counted
    C  short break, legal status V3                     -> not counted
    D  started on 31/03/2019                            -> counted
    E  moved in September 2018 (P), still open           -> counted once, by the open episode
    F  three placements in the year: S in April 2018, P in August, T in January 2019 -> counted
    """
    return sources(
        ssda903_episodes=[
            episode("A", "2018-06-01"),
            episode("B", "2018-06-01", DEC="2019-03-31", REC="E11"),
            episode("C", "2019-02-01", ls="V3", place="T1"),
            episode("D", "2019-03-31"),
            episode("E", "2018-05-01", DEC="2018-09-01", REC="X1"),
            episode("E", "2018-09-01", rne="P", place="U4"),
            episode("F", "2018-04-10", DEC="2018-08-01", REC="X1"),
            episode("F", "2018-08-01", rne="P", DEC="2019-01-15", REC="X1"),
            episode("F", "2019-01-15", rne="T", place="U4"),
        ],
        population=[population(2018, 20_000)],
    )


def test_children_looked_after_are_listed_by_the_episode_that_counts_them():
    """Looked after on 31/03/2019: A, D, E, F = 4 (B ended on the date, C is a short break).
    E is shown by its open episode (1/9/2018, P, U4); F by its T episode of January."""
    cl = children(looked_after(), "cla_count", AT)
    assert cl.result.value == 4 == len(cl.rows)
    assert cl.columns == ("child_id", "la_code", "DECOM", "RNE", "LS", "PLACE")
    assert [(r["child_id"], r["DECOM"], r["RNE"], r["PLACE"]) for r in cl.rows] == [
        ("A", date(2018, 6, 1), "S", "U1"),
        ("D", date(2019, 3, 31), "S", "U1"),
        ("E", date(2018, 9, 1), "P", "U4"),
        ("F", date(2019, 1, 15), "T", "U4"),
    ]
    assert {r["la_code"] for r in cl.rows} == {"999"}


def test_a_rate_lists_the_children_it_counts_not_the_population():
    """4 children over 20,000 (mid-2018) = 2 per 10,000; the list is the same 4 children."""
    cl = children(looked_after(), "cla_rate", AT)
    assert cl.result.value == 2.0
    assert [r["child_id"] for r in cl.rows] == ["A", "D", "E", "F"]
    assert "in_numerator" not in cl.columns


def test_a_percentage_flags_the_numerator_within_the_denominator():
    """Three or more placements in 2018/19, of those looked after on 31/03/2019 (A, D, E, F):
    F had S (April), P (August) and T (January) = 3 placements -> numerator. E had 2 (the one
    current on 1 April and P in September); A and D had 1. So 1 of 4 = 25%; F first."""
    cl = children(looked_after(), "stability_3plus_placements_pct", AT)
    assert cl.result.value == 25.0
    assert [(r["child_id"], r["in_numerator"], r["placements"]) for r in cl.rows] == [
        ("F", True, 3),
        ("A", False, None),
        ("D", False, None),
        ("E", False, None),
    ]
    assert cl.in_numerator == cl.result.numerator == 1
    assert len(cl.rows) == cl.result.denominator == 4


def plan(child: str, start: str, end: str | None = None, previous: int = 0, cat: str = "PHY"):
    return {
        "LAchildID": child,
        "CPPstartDate": start,
        "CPPendDate": end,
        "NumberOfPreviousCPP": previous,
        "InitialCategoryOfAbuse": cat,
        "LatestCategoryOfAbuse": cat,
    }


def test_plans_are_listed_one_row_per_plan_with_its_category():
    """The plans of test_protection: starting in 2019/20 are A's second plan (1/9/2019,
    neglect), B's (1/5/2019) and D's (1/12/2019, one previous plan elsewhere): 3 rows, two
    of them a second or later plan (A by the record, D by NumberOfPreviousCPP)."""
    src = sources(
        cin_cp_plans=[
            plan("A", "2017-01-01", "2019-06-01"),
            plan("A", "2019-09-01", cat="NEG"),
            plan("B", "2019-05-01", "2020-03-31", cat="EMO"),
            plan("C", "2018-03-31"),
            plan("D", "2019-12-01", previous=1, cat="SAB"),
        ]
    )
    at = date(2020, 3, 31)
    starts = children(src, "cp_starts", at)
    assert starts.result.value == 3
    assert [
        (r["child_id"], r["CPPstartDate"], r["InitialCategoryOfAbuse"]) for r in starts.rows
    ] == [
        ("A", date(2019, 9, 1), "NEG"),
        ("B", date(2019, 5, 1), "EMO"),
        ("D", date(2019, 12, 1), "SAB"),
    ]
    repeat = children(src, "cp_second_or_subsequent_pct", at)
    assert [(r["child_id"], r["in_numerator"]) for r in repeat.rows] == [
        ("A", True),
        ("D", True),
        ("B", False),
    ]


def test_an_indicator_not_counted_from_children_says_so():
    with pytest.raises(
        NotChildLevel,
        match=r"sw_turnover_pct is not counted from children's records \(it comes from "
        r"CSWW CSWWWorker\)",
    ):
        children(looked_after(), "sw_turnover_pct", AT)


def test_no_data_is_said_not_listed_as_nobody():
    with pytest.raises(NoData, match="the store has no CIN census ChildProtectionPlans table"):
        children(looked_after(), "cp_count", AT)


def test_every_catalogue_entry_says_whether_it_lists_children():
    """Workforce, audit and plan figures are not about children; every other area's are."""
    for ind in catalogue().values():
        assert (ind.child_level is None) == (ind.area in ("workforce", "quality", "plans")), ind.id


@pytest.mark.slow
def test_on_the_synthetic_authority_every_list_is_as_long_as_its_figure(synthetic_store):
    """For every child-level indicator with data at 31/03/2020 (year and quarter): the
    numerator rows number the numerator, all rows the denominator (a percentage), and for an
    average of days the rows are the children and their days sum to the numerator."""
    from selfeval.indicators import sources_from_store

    src = sources_from_store(synthetic_store)
    at = date(2020, 3, 31)
    checked = 0
    for period in ("year", "quarter"):
        results = {r.id: r for r in compute(src, [at], period=period)}
        for ind in catalogue().values():
            r = results[ind.id]
            if ind.child_level is None or r.numerator is None:
                continue
            cl = children(src, ind.id, at, period=period)
            if ind.unit == "days":
                assert len(cl.rows) == r.denominator, ind.id
                assert sum(row["days"] for row in cl.rows) == r.numerator, ind.id
            elif ind.unit == "percent":
                assert (cl.in_numerator, len(cl.rows)) == (r.numerator, r.denominator), ind.id
            else:
                assert len(cl.rows) == r.numerator, ind.id
            checked += 1
    assert checked >= 50
