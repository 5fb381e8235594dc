"""The front door, timeliness and visits from Annex A, Ofsted's child-level lists.

Annex A holds what the statutory returns hold in part (referrals, assessments, section 47s,
plans, children in care, care leavers, adoption) and what only a local extract otherwise holds
(contacts, the date of the last visit). Each indicator here names Annex A as its source. Where
another source gives the same figure, ``same_figure_as`` names that indicator: it wins where
both have data (the statutory return is what DfE publishes; the Standard Safeguarding Dataset
holds every visit, Annex A only the last), and ``selfeval annex-a report`` sets the two side
by side. Lists 1-8 cover the six months before the workbook's date (31 March of its return
year), so their figures exist for periods and dates inside those six months (a quarter or a
month; a count on a date).
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from selfeval.indicators.expr import (
    count_every_row,
    count_rows,
    in_period,
    rows_share,
    total_over_children,
    with_periods,
    working_days,
)
from selfeval.indicators.registry import ChildLevel, indicator
from selfeval.indicators.sources import Sources, open_at

SUPPRESSION = "cin: counts of 1 to 5 shown as c, with secondary suppression"
CHILD = "child_unique_id"
SIX_MONTHS = (
    "Lists 1 to 8 hold the six months before the workbook's date, so the figure exists for "
    "a quarter or month inside them, not for a whole year."
)
WORKING_DAYS = (
    "Working days are counted from the day after the start up to and including the end day, "
    "leaving out weekends and England's bank holidays; the same day is 0 working days."
)
CP_VISIT_WD = 10
"""Working days within which a child on a protection plan is visited (a local standard:
Working Together leaves the frequency to the plan; most councils set 10 working days)."""
CLA_VISIT_DAYS = 42
"""Days within which a child in care is visited: at most six weeks apart in the first year of
a placement (Care Planning Regulations 2010, regulation 28)."""


def _yes(v: ir.Value) -> ir.BooleanValue:
    """An Annex A yes/no cell says yes: "Yes", "Y", "a) Yes"."""
    return v.cast("string").strip().lower().re_search(r"^(a\)\s*)?y").fill_null(False)


def _list(src: Sources, n: int, periods: ir.Table) -> ir.Table:
    """List ``n`` beside each period, from the workbook whose year holds the period's end: a
    workbook taken at 31 March Y holds 1 April Y-1 to 31 March Y (each workbook re-lists the
    plans and periods of care still open, so two workbooks' rows must not be added up)."""
    j = with_periods(src.table(f"annex_a_list{n}"), periods)
    end = j.period_end
    year = ibis.ifelse(end.month() >= 4, end.year() + 1, end.year())
    return j.filter(j.return_year == year)


@indicator(
    id="contacts_annex_a",
    area="need",
    title="Contacts (Annex A)",
    definition=(
        "The number of contacts received in the period, from Annex A List 1 (every contact, "
        "whatever its outcome). The Standard Safeguarding Dataset's contacts (`contacts`) win "
        "where both are loaded. " + SIX_MONTHS
    ),
    numerator="List 1 rows dated in the period",
    denominator=None,
    unit="count",
    polarity="neutral",
    measure="period",
    sources=("annex_a_list1",),
    dfe_reference="Annex A List 1 (contacts); not in the CIN census",
    suppression=SUPPRESSION,
    child_level=ChildLevel(CHILD, ("date_of_contact", "contact_source")),
    same_figure_as="contacts",
)
def contacts_annex_a(src: Sources, periods: ir.Table) -> ir.Table:
    j = _list(src, 1, periods)
    return count_every_row(j.filter(in_period(j.date_of_contact, j)))


def _referrals(src: Sources, periods: ir.Table) -> ir.Table:
    j = _list(src, 3, periods)
    return j.filter(in_period(j.date_of_referral, j))


@indicator(
    id="referrals_annex_a",
    area="need",
    title="Referrals (Annex A)",
    definition=(
        "The number of referrals to children's social care in the period, from Annex A List 3 "
        "(each referral once, so a child referred twice counts twice). The CIN census "
        "(`referrals`) wins where both are loaded. " + SIX_MONTHS
    ),
    numerator="List 3 referrals dated in the period",
    denominator=None,
    unit="count",
    polarity="neutral",
    measure="period",
    sources=("annex_a_list3",),
    dfe_reference="Annex A List 3; the CIN census's referrals (table C1)",
    suppression=SUPPRESSION,
    child_level=ChildLevel(CHILD, ("date_of_referral", "referral_source")),
    same_figure_as="referrals",
)
def referrals_annex_a(src: Sources, periods: ir.Table) -> ir.Table:
    r = _referrals(src, periods)
    return count_rows(r, (CHILD, "date_of_referral"))


@indicator(
    id="rereferral_12m_pct_annex_a",
    area="need",
    title="Re-referrals within 12 months (Annex A)",
    definition=(
        "Of the referrals in the period (Annex A List 3), the percentage of children with "
        "another referral in the 12 months before (List 3's 'Number of Referrals in Last 12 "
        "Months' above 0; that number leaves out the referral itself). The CIN census "
        "(`rereferral_12m_pct`) wins where both are loaded. " + SIX_MONTHS
    ),
    numerator="referrals in the period with one or more referrals in the 12 months before",
    denominator="List 3 referrals dated in the period",
    unit="percent",
    polarity="lower_better",
    measure="period",
    sources=("annex_a_list3",),
    dfe_reference="Annex A List 3; CIN census table C1 (re-referrals)",
    suppression=SUPPRESSION,
    child_level=ChildLevel(CHILD, ("date_of_referral", "referrals_in_last_12_months")),
    same_figure_as="rereferral_12m_pct",
)
def rereferral_12m_pct_annex_a(src: Sources, periods: ir.Table) -> ir.Table:
    r = _referrals(src, periods)
    return rows_share(r, r.referrals_in_last_12_months > 0)


@indicator(
    id="referrals_nfa_pct_annex_a",
    area="need",
    title="Referrals with no further action (Annex A)",
    definition=(
        "Of the referrals in the period (Annex A List 3), the percentage marked 'Referral "
        "NFA?' yes: no further action after the referral. The CIN census "
        "(`referrals_nfa_pct`) wins where both are loaded. " + SIX_MONTHS
    ),
    numerator="referrals in the period marked no further action",
    denominator="List 3 referrals dated in the period",
    unit="percent",
    polarity="neutral",
    measure="period",
    sources=("annex_a_list3",),
    dfe_reference="Annex A List 3; CIN census ReferralNFA",
    suppression=SUPPRESSION,
    child_level=ChildLevel(CHILD, ("date_of_referral", "referral_nfa")),
    same_figure_as="referrals_nfa_pct",
)
def referrals_nfa_pct_annex_a(src: Sources, periods: ir.Table) -> ir.Table:
    r = _referrals(src, periods)
    return rows_share(r, _yes(r.referral_nfa))


def _assessments_authorised(src: Sources, periods: ir.Table) -> ir.Table:
    j = _list(src, 4, periods)
    j = j.filter(in_period(j.assessment_authorisation_date, j))
    return working_days(
        src, j, "assessment_start_date", "assessment_authorisation_date", "working_days"
    )


@indicator(
    id="assessment_45wd_pct_annex_a",
    area="need",
    title="Assessments completed within 45 working days (Annex A)",
    definition=(
        "Of the assessments authorised in the period (Annex A List 4), the percentage "
        "authorised within 45 working days of starting. The CIN census "
        "(`assessment_45wd_pct`) wins where both are loaded. " + WORKING_DAYS + " " + SIX_MONTHS
    ),
    numerator="assessments authorised in the period within 45 working days of the start",
    denominator="List 4 assessments authorised in the period",
    unit="percent",
    polarity="higher_better",
    measure="period",
    sources=("annex_a_list4",),
    dfe_reference="Annex A List 4; CIN census table C2 (duration of assessments)",
    suppression=SUPPRESSION,
    child_level=ChildLevel(
        CHILD, ("assessment_start_date", "assessment_authorisation_date", "working_days")
    ),
    choices=(WORKING_DAYS,),
    same_figure_as="assessment_45wd_pct",
)
def assessment_45wd_pct_annex_a(src: Sources, periods: ir.Table) -> ir.Table:
    a = _assessments_authorised(src, periods)
    return rows_share(a, (a.working_days <= 45).fill_null(False))


@indicator(
    id="assessment_child_seen_pct_annex_a",
    area="need",
    title="Children seen during their assessment (Annex A)",
    definition=(
        "Of the assessments authorised in the period (Annex A List 4), the percentage where "
        "the child was seen during the assessment ('Child Seen During Continuous Assessment' "
        "yes). Only Annex A records this. " + SIX_MONTHS
    ),
    numerator="assessments authorised in the period with the child seen",
    denominator="List 4 assessments authorised in the period",
    unit="percent",
    polarity="higher_better",
    measure="period",
    sources=("annex_a_list4",),
    dfe_reference="Annex A List 4 (a local measure; not in the CIN census)",
    suppression=SUPPRESSION,
    child_level=ChildLevel(
        CHILD,
        ("assessment_start_date", "assessment_authorisation_date", "child_seen_during_assessment"),
    ),
)
def assessment_child_seen_pct_annex_a(src: Sources, periods: ir.Table) -> ir.Table:
    a = _assessments_authorised(src, periods)
    return rows_share(a, _yes(a.child_seen_during_assessment))


@indicator(
    id="s47_count_annex_a",
    area="need",
    title="Section 47 enquiries started (Annex A)",
    definition=(
        "The number of section 47 enquiries whose strategy discussion was in the period, from "
        "Annex A List 5. The CIN census (`s47_count`) wins where both are loaded. " + SIX_MONTHS
    ),
    numerator="List 5 enquiries starting in the period",
    denominator=None,
    unit="count",
    polarity="neutral",
    measure="period",
    sources=("annex_a_list5",),
    dfe_reference="Annex A List 5; CIN census table D1",
    suppression=SUPPRESSION,
    child_level=ChildLevel(CHILD, ("s47_start_date", "icpc_date")),
    same_figure_as="s47_count",
)
def s47_count_annex_a(src: Sources, periods: ir.Table) -> ir.Table:
    j = _list(src, 5, periods)
    return count_every_row(j.filter(in_period(j.s47_start_date, j)))


@indicator(
    id="icpc_15wd_pct_annex_a",
    area="need",
    title="Initial child protection conferences within 15 working days (Annex A)",
    definition=(
        "Of the initial child protection conferences held in the period (Annex A List 5), the "
        "percentage held within 15 working days of the strategy discussion that started the "
        "section 47 enquiry. The CIN census (`icpc_15wd_pct`) wins where both are loaded. "
        + WORKING_DAYS
        + " "
        + SIX_MONTHS
    ),
    numerator="conferences in the period 15 working days or fewer after the s47 start",
    denominator="List 5 initial conferences held in the period",
    unit="percent",
    polarity="higher_better",
    measure="period",
    sources=("annex_a_list5",),
    dfe_reference="Annex A List 5; CIN census table D1 (ICPCs within 15 working days)",
    suppression=SUPPRESSION,
    child_level=ChildLevel(CHILD, ("s47_start_date", "icpc_date", "working_days")),
    choices=(WORKING_DAYS,),
    same_figure_as="icpc_15wd_pct",
)
def icpc_15wd_pct_annex_a(src: Sources, periods: ir.Table) -> ir.Table:
    j = _list(src, 5, periods)
    j = j.filter(in_period(j.icpc_date, j))
    j = working_days(src, j, "s47_start_date", "icpc_date", "working_days")
    return rows_share(j, (j.working_days <= 15).fill_null(False))


def _cp_open(src: Sources, periods: ir.Table) -> ir.Table:
    j = _list(src, 7, periods)
    return j.filter(open_at(j.cp_plan_start_date, j.cp_plan_end_date, j.period_end))


@indicator(
    id="cp_count_annex_a",
    area="protection",
    title="Children on child protection plans (Annex A)",
    definition=(
        "The number of children on a child protection plan on the date, from Annex A List 7: "
        "a plan that started on or before the date and had not ended on or before it. The CIN "
        "census (`cp_count`) wins where both are loaded."
    ),
    numerator="children with a List 7 plan open on the date",
    denominator=None,
    unit="count",
    polarity="neutral",
    measure="stock",
    sources=("annex_a_list7",),
    dfe_reference="Annex A List 7; CIN census table D2",
    suppression=SUPPRESSION,
    child_level=ChildLevel(CHILD, ("cp_plan_start_date",)),
    same_figure_as="cp_count",
)
def cp_count_annex_a(src: Sources, periods: ir.Table) -> ir.Table:
    return count_rows(_cp_open(src, periods), (CHILD,))


@indicator(
    id="cp_visit_in_time_pct_annex_a",
    area="protection",
    title="Children on protection plans last visited within 10 working days of the date (Annex A)",
    definition=(
        "Of the children on a child protection plan on the date (Annex A List 7), the "
        f"percentage whose last statutory visit was no more than {CP_VISIT_WD} working days "
        "before the date (or on it). A plan with no visit recorded counts as not visited. "
        "Annex A gives only the last visit; the Standard Safeguarding Dataset's "
        "`cp_visits_10wd_pct` measures every gap in the period and is the fuller measure. "
        + WORKING_DAYS
    ),
    numerator=f"children on plans visited within {CP_VISIT_WD} working days before the date",
    denominator="children with a List 7 plan open on the date",
    unit="percent",
    polarity="higher_better",
    measure="stock",
    sources=("annex_a_list7",),
    dfe_reference="Annex A List 7 (a local standard; Working Together leaves it to the plan)",
    suppression=SUPPRESSION,
    child_level=ChildLevel(
        CHILD, ("cp_plan_start_date", "last_statutory_visit_date", "working_days")
    ),
    choices=(f"A visit is in time if at most {CP_VISIT_WD} working days before the date.",),
)
def cp_visit_in_time_pct_annex_a(src: Sources, periods: ir.Table) -> ir.Table:
    p = _cp_open(src, periods)
    p = p.filter(
        p.last_statutory_visit_date.isnull() | (p.last_statutory_visit_date <= p.period_end)
    )
    p = working_days(src, p, "last_statutory_visit_date", "period_end", "working_days")
    return rows_share(p, (p.working_days <= CP_VISIT_WD).fill_null(False))


def _cla_open(src: Sources, periods: ir.Table) -> ir.Table:
    j = _list(src, 8, periods)
    j = j.filter(open_at(j.date_started_looked_after, j.date_ceased_looked_after, j.period_end))
    short_break = j.legal_status.cast("string").strip().upper().re_search(r"^([A-Z]\)\s*)?V[34]")
    return j.filter(~short_break.fill_null(False))


@indicator(
    id="cla_count_annex_a",
    area="looked_after",
    title="Children looked after (Annex A)",
    definition=(
        "The number of children looked after on the date, from Annex A List 8: a period of "
        "care that started on or before the date and had not ceased on or before it, short "
        "breaks (legal status V3, V4) left out. The 903 (`cla_count`) wins where both are "
        "loaded."
    ),
    numerator="children with a List 8 period of care open on the date",
    denominator=None,
    unit="count",
    polarity="neutral",
    measure="stock",
    sources=("annex_a_list8",),
    dfe_reference="Annex A List 8; the 903's children looked after at 31 March",
    suppression=SUPPRESSION,
    child_level=ChildLevel(CHILD, ("date_started_looked_after", "legal_status")),
    same_figure_as="cla_count",
)
def cla_count_annex_a(src: Sources, periods: ir.Table) -> ir.Table:
    return count_rows(_cla_open(src, periods), (CHILD,))


@indicator(
    id="cla_visit_in_time_pct_annex_a",
    area="looked_after",
    title="Children in care visited in the last six weeks (Annex A)",
    definition=(
        "Of the children looked after on the date (Annex A List 8), the percentage whose last "
        f"social work visit was no more than {CLA_VISIT_DAYS} days (six weeks) before the date. "
        "A child with no visit recorded counts as not visited. Annex A gives only the last "
        "visit; the Standard Safeguarding Dataset's `cla_visits_timely_pct` measures every gap."
    ),
    numerator=f"children looked after visited within {CLA_VISIT_DAYS} days before the date",
    denominator="children with a List 8 period of care open on the date",
    unit="percent",
    polarity="higher_better",
    measure="stock",
    sources=("annex_a_list8",),
    dfe_reference="Annex A List 8; Care Planning Regulations 2010, regulation 28",
    suppression=SUPPRESSION,
    child_level=ChildLevel(CHILD, ("date_started_looked_after", "last_social_work_visit_date")),
    choices=("Six weeks, the longest gap the regulations allow in a placement's first year.",),
)
def cla_visit_in_time_pct_annex_a(src: Sources, periods: ir.Table) -> ir.Table:
    c = _cla_open(src, periods)
    v = c.last_social_work_visit_date
    hit = (v <= c.period_end) & (c.period_end.delta(v, unit="day") <= CLA_VISIT_DAYS)
    return rows_share(c, hit.fill_null(False))


def _care_leavers(src: Sources, periods: ir.Table) -> ir.Table:
    j = with_periods(src.table("annex_a_list9"), periods)
    return j.filter(j.return_year == j.collection_year)


_LEAVERS = (
    "List 9 is the care leavers the council supports on the workbook's date (31 March of its "
    "return year), of every age."
)


@indicator(
    id="care_leavers_in_touch_pct_annex_a",
    area="care_leavers",
    title="Care leavers the council is in touch with (Annex A)",
    definition=(
        "Of the care leavers in Annex A List 9, the percentage the council is in touch with "
        "('LA in Touch' yes). " + _LEAVERS + " The 903's OC3 (`care_leavers_in_touch_pct`, "
        "19 to 21 year olds at their birthday) is what DfE publishes and wins where both are "
        "loaded; the two cohorts differ, so the reconciliation shows both."
    ),
    numerator="List 9 care leavers in touch",
    denominator="care leavers in List 9",
    unit="percent",
    polarity="higher_better",
    measure="annual",
    snapshot="collection",
    sources=("annex_a_list9",),
    dfe_reference="Annex A List 9; the 903's OC3 (IN_TOUCH)",
    suppression=SUPPRESSION,
    child_level=ChildLevel(CHILD, ("la_in_touch", "eligibility_category")),
    same_figure_as="care_leavers_in_touch_pct",
)
def care_leavers_in_touch_pct_annex_a(src: Sources, periods: ir.Table) -> ir.Table:
    c = _care_leavers(src, periods)
    return rows_share(c, _yes(c.la_in_touch))


@indicator(
    id="care_leavers_suitable_accom_pct_annex_a",
    area="care_leavers",
    title="Care leavers in suitable accommodation (Annex A)",
    definition=(
        "Of the care leavers in Annex A List 9, the percentage whose accommodation is "
        "recorded as suitable ('Suitability of Accommodation' a) Suitable); not known counts "
        "as not suitable. " + _LEAVERS + " The 903's OC3 (`care_leavers_suitable_accom_19_21_pct`)"
        " wins where both are loaded."
    ),
    numerator="List 9 care leavers in suitable accommodation",
    denominator="care leavers in List 9",
    unit="percent",
    polarity="higher_better",
    measure="annual",
    snapshot="collection",
    sources=("annex_a_list9",),
    dfe_reference="Annex A List 9; the 903's OC3 (ACCOM ending 1)",
    suppression=SUPPRESSION,
    child_level=ChildLevel(CHILD, ("type_of_accommodation", "suitability_of_accommodation")),
    same_figure_as="care_leavers_suitable_accom_19_21_pct",
)
def care_leavers_suitable_accom_pct_annex_a(src: Sources, periods: ir.Table) -> ir.Table:
    c = _care_leavers(src, periods)
    s = c.suitability_of_accommodation.cast("string").strip().lower()
    return rows_share(c, s.re_search(r"^(a\)\s*)?suitable").fill_null(False))


@indicator(
    id="adoption_entry_to_placement_days_annex_a",
    area="looked_after",
    title="Average days from entering care to moving in with the adoptive family (Annex A)",
    definition=(
        "For the children placed for adoption in the period (Annex A List 10, 'Date Placed "
        "for Adoption'), the average number of days from the date they entered care to that "
        "placement. The 903 (`adoption_entry_to_placement_days`, children adopted in the "
        "period) wins where both are loaded; Annex A counts placements, not adoptions, so the "
        "two cohorts differ."
    ),
    numerator="days from entering care to the adoptive placement, summed over the children",
    denominator="children placed for adoption in the period with a date of entering care",
    unit="days",
    polarity="lower_better",
    measure="period",
    sources=("annex_a_list10",),
    dfe_reference="Annex A List 10; DfE's adoption scorecard (A1)",
    suppression=SUPPRESSION,
    child_level=ChildLevel(CHILD, ("date_entered_care", "date_placed_for_adoption", "days")),
    same_figure_as="adoption_entry_to_placement_days",
)
def adoption_entry_to_placement_days_annex_a(src: Sources, periods: ir.Table) -> ir.Table:
    j = _list(src, 10, periods)
    j = j.filter(in_period(j.date_placed_for_adoption, j), j.date_entered_care.notnull())
    j = j.mutate(days=j.date_placed_for_adoption.delta(j.date_entered_care, unit="day"))
    return total_over_children(j, j.days, CHILD)
