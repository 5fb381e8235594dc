"""The catalogue's Annex A indicators on small hand-made lists, each figure worked out by hand.

The period is the quarter to 31 March 2024 (1 January to 31 March); Good Friday, 29 March
2024, is a bank holiday; February 2024 has 29 days.
"""

from __future__ import annotations

from datetime import date

import pytest

from selfeval.indicators.engine import compute
from selfeval.indicators.sources import Coverage, Sources
from selfeval.indicators.store_sources import return_year_span
from selfeval.returns.sheet import arrow_table
from selfeval.schema import ANNEX_A

AT = date(2024, 3, 31)
D = date.fromisoformat


def _rows(**lists: list[dict]) -> dict:
    return {
        f"annex_a_{name}": arrow_table(
            ANNEX_A[f"annex_a_{name}"], rows, la_code="336", return_year=2024
        )
        for name, rows in lists.items()
    }


LISTS = _rows(
    list1=[
        {"child_unique_id": "A", "date_of_contact": D("2024-01-03")},
        {"child_unique_id": "A", "date_of_contact": D("2024-03-31")},
        {"child_unique_id": "B", "date_of_contact": D("2024-02-10")},
        {"child_unique_id": "C", "date_of_contact": D("2023-12-31")},  # before the quarter
    ],
    list3=[
        {"child_unique_id": "A", "date_of_referral": D("2024-01-10"),
         "referrals_in_last_12_months": 0, "referral_nfa": "No"},
        {"child_unique_id": "B", "date_of_referral": D("2024-02-05"),
         "referrals_in_last_12_months": 2, "referral_nfa": "Yes"},
        {"child_unique_id": "A", "date_of_referral": D("2024-03-20"),
         "referrals_in_last_12_months": 1, "referral_nfa": "b) No"},
        {"child_unique_id": "C", "date_of_referral": D("2023-12-15"),
         "referrals_in_last_12_months": 3, "referral_nfa": "Yes"},
    ],
    list4=[
        # Start Monday 8 January: (8 Jan, 4 Mar] is 8 whole weeks, 40 working days.
        {"child_unique_id": "A", "assessment_start_date": D("2024-01-08"),
         "assessment_authorisation_date": D("2024-03-08"), "child_seen_during_assessment": "Yes"},
        {"child_unique_id": "B", "assessment_start_date": D("2024-01-08"),
         "assessment_authorisation_date": D("2024-03-11"),
         "child_seen_during_assessment": "a) Yes"},
        {"child_unique_id": "C", "assessment_start_date": D("2024-01-08"),
         "assessment_authorisation_date": D("2024-03-12"), "child_seen_during_assessment": "No"},
        {"child_unique_id": "D", "assessment_start_date": D("2024-02-01"),
         "assessment_authorisation_date": D("2024-04-02"), "child_seen_during_assessment": "Yes"},
    ],
    list5=[
        {"child_unique_id": "A", "s47_start_date": D("2024-03-08"), "icpc_date": D("2024-03-28")},
        {"child_unique_id": "B", "s47_start_date": D("2024-03-06"), "icpc_date": D("2024-03-28")},
        {"child_unique_id": "C", "s47_start_date": D("2024-02-01")},
    ],
    list7=[
        {"child_unique_id": "A", "cp_plan_start_date": D("2023-06-01"),
         "last_statutory_visit_date": D("2024-03-21")},
        {"child_unique_id": "B", "cp_plan_start_date": D("2023-01-01"),
         "last_statutory_visit_date": D("2024-03-14")},
        {"child_unique_id": "C", "cp_plan_start_date": D("2024-01-01"),
         "cp_plan_end_date": D("2024-03-31"), "last_statutory_visit_date": D("2024-03-28")},
        {"child_unique_id": "D", "cp_plan_start_date": D("2024-02-01")},
        {"child_unique_id": "E", "cp_plan_start_date": D("2024-02-01"),
         "last_statutory_visit_date": D("2024-03-13")},
    ],
    list8=[
        {"child_unique_id": "A", "date_started_looked_after": D("2020-05-01"),
         "legal_status": "C2: FCO", "last_social_work_visit_date": D("2024-02-18")},
        {"child_unique_id": "B", "date_started_looked_after": D("2023-01-01"),
         "legal_status": "V3: Short term breaks", "last_social_work_visit_date": D("2024-03-30")},
        {"child_unique_id": "C", "date_started_looked_after": D("2023-06-01"),
         "date_ceased_looked_after": D("2024-03-31"), "legal_status": "C2: FCO"},
        {"child_unique_id": "D", "date_started_looked_after": D("2024-03-31"),
         "legal_status": "V2: Single period under S20"},
        {"child_unique_id": "E", "date_started_looked_after": D("2022-01-01"),
         "legal_status": "C1: ICO", "last_social_work_visit_date": D("2024-02-17")},
    ],
    list9=[
        {"child_unique_id": "L1", "la_in_touch": "a) Yes",
         "suitability_of_accommodation": "a) Suitable"},
        {"child_unique_id": "L2", "la_in_touch": "Yes",
         "suitability_of_accommodation": "b) Unsuitable"},
        {"child_unique_id": "L3", "la_in_touch": "b) No"},
        {"child_unique_id": "L4", "suitability_of_accommodation": "a) Suitable"},
    ],
    list10=[
        {"child_unique_id": "X", "date_entered_care": D("2023-01-01"),
         "date_placed_for_adoption": D("2024-01-31")},
        {"child_unique_id": "Y", "date_entered_care": D("2023-06-01"),
         "date_placed_for_adoption": D("2024-03-01")},
        {"child_unique_id": "Z", "date_entered_care": D("2022-06-01"),
         "date_placed_for_adoption": D("2023-11-01")},
    ],
)  # fmt: skip


@pytest.fixture(scope="module")
def figures() -> dict:
    coverage = {name: Coverage({"336": [return_year_span(2024, name)]}) for name in LISTS}
    src = Sources(dict(LISTS), coverage)
    ids = [i for i in _ids()]
    return {r.id: r for r in compute(src, [AT], period="quarter", ids=ids)}


def _ids() -> list[str]:
    from selfeval.indicators.registry import catalogue

    return [i for i in catalogue() if i.endswith("_annex_a")]


@pytest.mark.parametrize(
    ("indicator", "numerator", "denominator"),
    [
        # Contacts on 3 January, 31 March (the period's last day counts) and 10 February.
        ("contacts_annex_a", 3, None),
        # Referrals on 10 January, 5 February, 20 March; B's (2 before) and A's second (1
        # before) are re-referrals; B's was no further action.
        ("referrals_annex_a", 3, None),
        ("rereferral_12m_pct_annex_a", 2, 3),
        ("referrals_nfa_pct_annex_a", 1, 3),
        # Authorised 8, 11 and 12 March: 44, 45 and 46 working days (D's is in April); A and B
        # seen ("Yes", "a) Yes"), C not.
        ("assessment_45wd_pct_annex_a", 2, 3),
        ("assessment_child_seen_pct_annex_a", 2, 3),
        # Enquiries starting 8 March, 6 March, 1 February; conferences on 28 March, 14 and 16
        # working days after (11-15, 18-22, 25-28 March, and 7-8 March for B).
        ("s47_count_annex_a", 3, None),
        ("icpc_15wd_pct_annex_a", 1, 2),
        # Open on 31 March: A, B, D, E (C's plan ended on it). Working days to 31 March, Good
        # Friday left out: A's visit on 21 March 5, B's on 14 March 10, E's on 13 March 11, D
        # never visited.
        ("cp_count_annex_a", 4, None),
        ("cp_visit_in_time_pct_annex_a", 2, 4),
        # Looked after on 31 March: A, D (started on the date), E; B is on short breaks, C's
        # care ceased on the date. A's visit 42 days before (18 February), E's 43; D none.
        ("cla_count_annex_a", 3, None),
        ("cla_visit_in_time_pct_annex_a", 1, 3),
        # Four care leavers: in touch L1, L2; suitable L1, L4.
        ("care_leavers_in_touch_pct_annex_a", 2, 4),
        ("care_leavers_suitable_accom_pct_annex_a", 2, 4),
        # Placed in the quarter: X after 395 days (1 January 2023 to 31 January 2024), Y after
        # 274 (1 June 2023 to 1 March 2024); Z was placed in November.
        ("adoption_entry_to_placement_days_annex_a", 395 + 274, 2),
    ],
)
def test_each_annex_a_figure_is_the_hand_worked_one(figures, indicator, numerator, denominator):
    r = figures[indicator]
    assert r.reason is None, r.reason
    assert (r.numerator, r.denominator) == (numerator, denominator)


def test_every_annex_a_indicator_is_tested_and_names_its_source():
    from selfeval.indicators.registry import catalogue

    cat = catalogue()
    for i in _ids():
        assert all(s.startswith("annex_a_list") for s in cat[i].sources), i
        assert "Annex A" in cat[i].definition
        if cat[i].same_figure_as:
            assert cat[i].same_figure_as in cat, i
            assert f"`{cat[i].same_figure_as}`" in cat[i].definition, i


def test_lists_1_to_5_have_no_figure_for_a_whole_year():
    """Lists 1-5 hold six months: a year to 31 March 2024 is not covered, so no figure."""
    coverage = {name: Coverage({"336": [return_year_span(2024, name)]}) for name in LISTS}
    (r,) = compute(Sources(dict(LISTS), coverage), [AT], period="year", ids=["contacts_annex_a"])
    assert r.value is None
    assert r.reason == (
        "no data: the loaded returns do not cover 1 April 2023 to 31 March 2024"
        " (Annex A List 1 covers 1 October 2023 to 31 March 2024)"
    )
