"""Children in need (CIN census): referrals, assessments, section 47 enquiries, CIN counts."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from selfeval.indicators.expr import (
    count_every_row,
    count_rows,
    in_period,
    is_true,
    months_before,
    population_rate,
    rows_share,
    with_periods,
    working_days,
)
from selfeval.indicators.registry import ChildLevel, Published, indicator
from selfeval.indicators.sources import Sources, open_at

DETAILS = ("cin_details",)
CHILD = ("LAchildID",)
REFERRAL = ("LAchildID", "CINreferralDate")
REFERRALS_FILE = "c1_children_in_need_referrals_and_rereferrals_2013_to_2025"
CIN_SUPPRESSION = "cin: counts of 1 to 5 shown as c, with secondary suppression"
REFERRED = ChildLevel("LAchildID", ("CINreferralDate", "ReferralNFA"))
ASSESSED = ChildLevel(
    "LAchildID", ("AssessmentActualStartDate", "AssessmentAuthorisationDate", "working_days")
)
IN_NEED = ChildLevel("LAchildID", ("CINreferralDate", "ReferralSource", "PrimaryNeedCode"))
WORKING_DAYS = (
    "Working days are counted from the day after the start up to and including the end day, "
    "leaving out weekends and England's bank holidays; the same day is 0 working days (DfE's "
    "published durations; D2I's validator counts both ends)."
)


def referrals_in_period(src: Sources, periods: ir.Table) -> ir.Table:
    """One row per referral (child and referral date) made in each period."""
    d = src.table("cin_details").select("la_code", *REFERRAL, "ReferralNFA").distinct()
    j = with_periods(d, periods)
    return j.filter(in_period(j.CINreferralDate, j))


@indicator(
    id="referrals",
    child_level=REFERRED,
    area="need",
    title="Referrals to children's social care",
    definition=(
        "The number of referrals to children's social care received during the period. A child "
        "referred twice is counted twice."
    ),
    numerator="referrals (CIN episodes) with a referral date in the period",
    denominator=None,
    unit="count",
    polarity="neutral",
    measure="period",
    sources=DETAILS,
    dfe_reference="Characteristics of children in need, table C1: referrals",
    suppression=CIN_SUPPRESSION,
    published=Published(REFERRALS_FILE, "referral_count"),
)
def referrals(src: Sources, periods: ir.Table) -> ir.Table:
    return count_rows(referrals_in_period(src, periods), REFERRAL)


@indicator(
    id="referral_rate",
    child_level=REFERRED,
    area="need",
    title="Referrals per 10,000 children",
    definition=(
        "Referrals received during the period for every 10,000 children aged 0 to 17 in the "
        "area (Office for National Statistics mid-year estimate before the period's end)."
    ),
    numerator="referrals in the period (as referrals)",
    denominator="children aged 0 to 17 in the area (ONS mid-year estimate before the date)",
    unit="rate_per_10k",
    polarity="neutral",
    measure="period",
    sources=(*DETAILS, "population"),
    dfe_reference="Characteristics of children in need, table C1: referral rate per 10,000",
    suppression="rate: suppressed when the count is suppressed",
    published=Published(REFERRALS_FILE, "referral_count", per_10k_children=True),
)
def referral_rate(src: Sources, periods: ir.Table) -> ir.Table:
    return population_rate(src, periods, referrals(src, periods))


@indicator(
    id="rereferral_12m_pct",
    child_level=ChildLevel("LAchildID", ("CINreferralDate", "previous")),
    area="need",
    title="Re-referrals within 12 months",
    definition=(
        "Of the referrals received during the period, the percentage for a child who had "
        "another referral in the 12 months before it, measured from referral date to referral "
        "date. A referral exactly 12 months after the last one counts as a re-referral."
    ),
    numerator="referrals in the period with an earlier referral of the same child on or after "
    "the same day 12 months before",
    denominator="referrals in the period",
    unit="percent",
    polarity="lower_better",
    measure="period",
    sources=DETAILS,
    dfe_reference="Characteristics of children in need, table C1: re-referrals within 12 months",
    suppression=CIN_SUPPRESSION,
    published=Published(REFERRALS_FILE, "rereferral_percent"),
    choices=("'Within 12 months' includes the day 12 months before (inclusive).",),
    lookback_years=1,
)
def rereferral_12m_pct(src: Sources, periods: ir.Table) -> ir.Table:
    d = src.table("cin_details").select("la_code", *REFERRAL).distinct()
    w = ibis.window(group_by=[d.la_code, d.LAchildID], order_by=d.CINreferralDate)
    d = d.mutate(previous=d.CINreferralDate.lag().over(w))
    j = with_periods(d, periods)
    j = j.filter(in_period(j.CINreferralDate, j))
    hit = (j.previous >= months_before(j.CINreferralDate, 12)).fill_null(False)
    return rows_share(j, hit)


@indicator(
    id="referrals_nfa_pct",
    child_level=ChildLevel("LAchildID", ("CINreferralDate", "ReferralNFA")),
    area="need",
    title="Referrals with no further action",
    definition=(
        "Of the referrals received during the period, the percentage that led to no further "
        "action (the CIN census's ReferralNFA is true)."
    ),
    numerator="referrals in the period with ReferralNFA true",
    denominator="referrals in the period",
    unit="percent",
    polarity="neutral",
    measure="period",
    sources=DETAILS,
    dfe_reference="Characteristics of children in need: referrals resulting in no further action",
    suppression=CIN_SUPPRESSION,
    published=Published(REFERRALS_FILE, "no_further_action_percent"),
)
def referrals_nfa_pct(src: Sources, periods: ir.Table) -> ir.Table:
    j = referrals_in_period(src, periods)
    hit = is_true(j.ReferralNFA).fill_null(False)
    return rows_share(j, hit)


def assessments_authorised(src: Sources, periods: ir.Table) -> ir.Table:
    """One row per assessment authorised in each period, with its working days."""
    a = src.table("cin_assessments")
    a = a.select(
        "la_code", "LAchildID", "AssessmentActualStartDate", "AssessmentAuthorisationDate"
    ).distinct()
    j = with_periods(a, periods)
    j = j.filter(in_period(j.AssessmentAuthorisationDate, j))
    return working_days(
        src, j, "AssessmentActualStartDate", "AssessmentAuthorisationDate", "working_days"
    )


@indicator(
    id="assessments_completed",
    child_level=ASSESSED,
    area="need",
    title="Assessments completed",
    definition="The number of children and family assessments authorised during the period.",
    numerator="assessments with an authorisation date in the period",
    denominator=None,
    unit="count",
    polarity="neutral",
    measure="period",
    sources=("cin_assessments",),
    dfe_reference="Characteristics of children in need, table C2: assessments completed",
    suppression=CIN_SUPPRESSION,
)
def assessments_completed(src: Sources, periods: ir.Table) -> ir.Table:
    return count_every_row(assessments_authorised(src, periods))


@indicator(
    id="assessment_45wd_pct",
    child_level=ASSESSED,
    area="need",
    title="Assessments completed within 45 working days",
    definition=(
        "Of the assessments authorised during the period, the percentage authorised within 45 "
        "working days of starting. " + WORKING_DAYS
    ),
    numerator="assessments authorised in the period, start to authorisation 45 working days "
    "or fewer",
    denominator="assessments authorised in the period",
    unit="percent",
    polarity="higher_better",
    measure="period",
    sources=("cin_assessments",),
    dfe_reference="Characteristics of children in need, table C2: duration of assessments",
    suppression=CIN_SUPPRESSION,
    choices=(WORKING_DAYS,),
)
def assessment_45wd_pct(src: Sources, periods: ir.Table) -> ir.Table:
    a = assessments_authorised(src, periods)
    hit = (a.working_days <= 45).fill_null(False)
    return rows_share(a, hit)


def _section47(src: Sources) -> ir.Table:
    s = src.table("cin_section47")
    return s.select("la_code", "LAchildID", "S47ActualStartDate", "DateOfInitialCPC").distinct()


@indicator(
    id="s47_count",
    child_level=ChildLevel("LAchildID", ("S47ActualStartDate", "DateOfInitialCPC")),
    area="need",
    title="Section 47 enquiries started",
    definition=(
        "The number of section 47 enquiries (enquiries into whether a child is suffering or "
        "likely to suffer significant harm) that started during the period."
    ),
    numerator="section 47 enquiries with an actual start date in the period",
    denominator=None,
    unit="count",
    polarity="neutral",
    measure="period",
    sources=("cin_section47",),
    dfe_reference="Characteristics of children in need, table D1: section 47 enquiries",
    suppression=CIN_SUPPRESSION,
)
def s47_count(src: Sources, periods: ir.Table) -> ir.Table:
    j = with_periods(_section47(src), periods)
    j = j.filter(in_period(j.S47ActualStartDate, j))
    return count_every_row(j)


@indicator(
    id="icpc_15wd_pct",
    child_level=ChildLevel("LAchildID", ("S47ActualStartDate", "DateOfInitialCPC", "working_days")),
    area="need",
    title="Initial child protection conferences within 15 working days",
    definition=(
        "Of the initial child protection conferences held during the period, the percentage "
        "held within 15 working days of the start of the section 47 enquiry (the strategy "
        "discussion) that led to them. " + WORKING_DAYS
    ),
    numerator="initial conferences in the period held 15 working days or fewer after the "
    "section 47 start",
    denominator="initial child protection conferences held in the period (from section 47 "
    "enquiries)",
    unit="percent",
    polarity="higher_better",
    measure="period",
    sources=("cin_section47",),
    dfe_reference="Characteristics of children in need, table D1: ICPCs within 15 working days",
    suppression=CIN_SUPPRESSION,
    choices=(WORKING_DAYS,),
)
def icpc_15wd_pct(src: Sources, periods: ir.Table) -> ir.Table:
    j = with_periods(_section47(src), periods)
    j = j.filter(in_period(j.DateOfInitialCPC, j))
    j = working_days(src, j, "S47ActualStartDate", "DateOfInitialCPC", "working_days")
    hit = (j.working_days <= 15).fill_null(False)
    return rows_share(j, hit)


@indicator(
    id="cin_count",
    child_level=IN_NEED,
    area="need",
    title="Children in need",
    definition=(
        "The number of children in need on the date: children with a children-in-need episode "
        "that started (referral date) on or before the date and had not closed before or on it. "
        "It includes children on child protection plans and children looked after."
    ),
    numerator="children with a CIN episode open on the date",
    denominator=None,
    unit="count",
    polarity="neutral",
    measure="stock",
    sources=DETAILS,
    dfe_reference="Characteristics of children in need, table B1: children in need at 31 March",
    suppression=CIN_SUPPRESSION,
    published=Published("b1_children_in_need_2013_to_2025", "At31_episodes"),
)
def cin_count(src: Sources, periods: ir.Table) -> ir.Table:
    j = with_periods(src.table("cin_details"), periods)
    j = j.filter(open_at(j.CINreferralDate, j.CINclosureDate, j.period_end))
    return count_rows(j, CHILD)


@indicator(
    id="cin_rate",
    child_level=IN_NEED,
    area="need",
    title="Children in need per 10,000 children",
    definition=(
        "Children in need on the date for every 10,000 children aged 0 to 17 in the area "
        "(Office for National Statistics mid-year estimate before the date)."
    ),
    numerator="children in need on the date (as cin_count)",
    denominator="children aged 0 to 17 in the area (ONS mid-year estimate before the date)",
    unit="rate_per_10k",
    polarity="neutral",
    measure="stock",
    sources=(*DETAILS, "population"),
    dfe_reference="Characteristics of children in need, table B1: rate per 10,000 at 31 March",
    suppression="rate: suppressed when the count is suppressed",
    published=Published("b1_children_in_need_2013_to_2025", "At31_episodes", per_10k_children=True),
)
def cin_rate(src: Sources, periods: ir.Table) -> ir.Table:
    return population_rate(src, periods, cin_count(src, periods))


@indicator(
    id="cin_plan_count",
    child_level=ChildLevel("LAchildID", ("CINPlanStartDate", "CINPlanEndDate")),
    area="need",
    title="Children with a child in need plan",
    definition=(
        "The number of children with a child in need plan on the date: a plan that started on "
        "or before the date and had not ended before or on it. A local measure (DfE does not "
        "publish it) that councils' reports use."
    ),
    numerator="children with a CIN plan open on the date",
    denominator=None,
    unit="count",
    polarity="neutral",
    measure="stock",
    sources=("cin_plan_dates",),
    dfe_reference="Local measure from the CIN census (CINPlanStartDate, CINPlanEndDate)",
    suppression=CIN_SUPPRESSION,
)
def cin_plan_count(src: Sources, periods: ir.Table) -> ir.Table:
    j = with_periods(src.table("cin_plan_dates"), periods)
    j = j.filter(open_at(j.CINPlanStartDate, j.CINPlanEndDate, j.period_end))
    return count_rows(j, CHILD)
