"""Children in need: referrals, re-referrals, assessments in working days, section 47 and
ICPCs, CIN and CIN plan counts, on hand-made CIN census rows (year to 31/03/2020)."""

from __future__ import annotations

from datetime import date

from builders import population, result, sources, value
from selfeval.calendar import working_days_between

YEAR_END = "2020-03-31"


def referral(child: str, on: str, closed: str | None = None, nfa: str = "false") -> dict:
    return {"LAchildID": child, "CINreferralDate": on, "CINclosureDate": closed, "ReferralNFA": nfa}


DETAILS = [
    referral("A", "2018-04-01", "2018-05-01"),
    referral("A", "2019-04-01"),  # exactly 12 months after A's last: a re-referral
    referral("B", "2018-03-31", "2018-05-01"),
    referral("B", "2019-04-01", "2019-04-01", nfa="true"),  # 12 months and a day: not
    referral("C", "2019-06-01", YEAR_END, nfa="1"),  # closed on the date: not open on it
    referral("D", "2019-05-01", "2019-06-01"),
    referral("D", "2019-09-01"),  # 4 months after D's first: a re-referral
]


def test_referrals_and_rereferrals():
    """Referrals in 2019/20: A, B, C, D, D = 5. Re-referrals: A (exactly 12 months after
    2018-04-01 counts) and D's second = 2 of 5 = 40%. B's came 12 months and a day after."""
    src = sources(cin_details=DETAILS)
    assert value(src, "referrals", YEAR_END) == 5
    r = result(src, "rereferral_12m_pct", YEAR_END)
    assert (r.numerator, r.denominator, r.value) == (2, 5, 40.0)


def test_referrals_with_no_further_action():
    """B's ('true') and C's ('1') referrals were NFA: 2 of 5 = 40%."""
    assert value(sources(cin_details=DETAILS), "referrals_nfa_pct", YEAR_END) == 40.0


def test_referral_rate_uses_the_mid_year_before():
    """5 referrals in 2019/20; mid-2019 population 2,000: 5 / 2,000 x 10,000 = 25."""
    src = sources(cin_details=DETAILS, population=[population(2019, 2000)])
    assert value(src, "referral_rate", YEAR_END) == 25.0


def test_children_in_need_on_the_date():
    """Open on 31/03/2020: A (2019 referral, open) and D (second episode, open). B closed in
    April; C closed on the date itself. 2 children. With mid-2019 population 400: rate 50."""
    src = sources(cin_details=DETAILS, population=[population(2019, 400)])
    assert value(src, "cin_count", YEAR_END) == 2
    assert value(src, "cin_rate", YEAR_END) == 50.0


def test_children_with_a_cin_plan():
    """A's plan is open; D's ended on the date (not open on it); E's started on the date
    (open on it). 2 children."""
    plans = [
        {"LAchildID": "A", "CINPlanStartDate": "2019-05-01"},
        {"LAchildID": "D", "CINPlanStartDate": "2019-09-10", "CINPlanEndDate": YEAR_END},
        {"LAchildID": "E", "CINPlanStartDate": YEAR_END},
    ]
    assert value(sources(cin_plan_dates=plans), "cin_plan_count", YEAR_END) == 2


def test_working_days_across_easter_2019():
    """Thursday 18 April 2019 to Tuesday 23 April: Good Friday (19th), the weekend and Easter
    Monday (22nd) are not working days, so 1 working day; the same day is 0."""
    assert working_days_between(date(2019, 4, 18), date(2019, 4, 23)) == 1
    assert working_days_between(date(2019, 5, 1), date(2019, 5, 1)) == 0


def test_assessments_within_45_working_days_across_bank_holidays():
    """From Thursday 18 April 2019, the 45th working day is Wednesday 26 June: the weekdays
    after it, less Good Friday, Easter Monday, 6 May and 27 May (49 weekdays - 4 = 45).
    A  18/04 -> 26/06: 45 working days   -> within
    B  18/04 -> 27/06: 46                -> not
    C  started and authorised 01/05: 0   -> within
    D  authorised 29/03/2019, last year  -> not counted
    3 authorised, 2 within = 66.7%."""
    assert working_days_between(date(2019, 4, 18), date(2019, 6, 26)) == 45
    rows = [
        ("A", "2019-04-18", "2019-06-26"),
        ("B", "2019-04-18", "2019-06-27"),
        ("C", "2019-05-01", "2019-05-01"),
        ("D", "2019-02-01", "2019-03-29"),
    ]
    assessments = [
        {"LAchildID": c, "AssessmentActualStartDate": s, "AssessmentAuthorisationDate": a}
        for c, s, a in rows
    ]
    src = sources(cin_assessments=assessments)
    assert value(src, "assessments_completed", YEAR_END) == 3
    r = result(src, "assessment_45wd_pct", YEAR_END)
    assert (r.numerator, r.denominator) == (2, 3)


def test_section_47_and_icpc_within_15_working_days():
    """Section 47 enquiries started in 2019/20: 3. ICPCs held: 2.
    S1 18/04/2019 -> ICPC 14/05: 15 working days (Easter and 6 May left out) -> within
    S2 18/04/2019 -> ICPC 15/05: 16                                          -> not
    S3 no ICPC                                                               -> not counted
    1 of 2 = 50%."""
    assert working_days_between(date(2019, 4, 18), date(2019, 5, 14)) == 15
    s47 = [
        {"LAchildID": "S1", "S47ActualStartDate": "2019-04-18", "DateOfInitialCPC": "2019-05-14"},
        {"LAchildID": "S2", "S47ActualStartDate": "2019-04-18", "DateOfInitialCPC": "2019-05-15"},
        {"LAchildID": "S3", "S47ActualStartDate": "2019-07-01", "ICPCnotRequired": "true"},
    ]
    src = sources(cin_section47=s47)
    assert value(src, "s47_count", YEAR_END) == 3
    assert value(src, "icpc_15wd_pct", YEAR_END) == 50.0


def test_a_quarter_and_a_month():
    """The quarter to 30/06/2019 holds A's, B's, C's and D's first referrals (4); the calendar
    month of September 2019 holds D's second (1)."""
    src = sources(cin_details=DETAILS)
    assert value(src, "referrals", "2019-06-30", period="quarter") == 4
    r = result(src, "referrals", "2019-09-30", period="month")
    assert (r.value, str(r.period_start)) == (1, "2019-09-01")
