"""Child protection (CIN census): plans at a date, starting, repeat plans, long plans."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from selfeval.indicators.expr import (
    count_every_row,
    count_rows,
    in_period,
    listing_details,
    months_before,
    population_rate,
    rows_share,
    with_periods,
)
from selfeval.indicators.registry import ChildLevel, Published, indicator
from selfeval.indicators.sources import Sources, open_at

PLANS = ("cin_cp_plans",)
CIN_SUPPRESSION = "cin: counts of 1 to 5 shown as c, with secondary suppression"
PLAN_DETAILS = ("CPPstartDate", "InitialCategoryOfAbuse", "LatestCategoryOfAbuse")
"""What a listed plan says: when it started and the categories of abuse."""
ON_PLAN = ChildLevel("LAchildID", PLAN_DETAILS)


def plans(src: Sources) -> ir.Table:
    """One row per child protection plan (child and start date), whichever return gave it."""
    p = src.table("cin_cp_plans")
    plan = ["la_code", "LAchildID", "CPPstartDate", "CPPendDate", "NumberOfPreviousCPP"]
    extra = listing_details(p, plan)
    if not extra:
        return p.select(*plan).distinct()
    # when listing: one row per plan still, with what its latest return says of it
    return p.group_by(plan).aggregate(**{c: p[c].max() for c in extra})


def _open_on_date(src: Sources, periods: ir.Table) -> ir.Table:
    j = with_periods(plans(src), periods)
    return j.filter(open_at(j.CPPstartDate, j.CPPendDate, j.period_end))


@indicator(
    id="cp_count",
    child_level=ON_PLAN,
    area="protection",
    title="Children on child protection plans",
    definition=(
        "The number of children on a child protection plan on the date: a plan that started on "
        "or before the date and had not ended before or on it (a plan ending on the date is not "
        "counted)."
    ),
    numerator="children with a child protection plan open on the date",
    denominator=None,
    unit="count",
    polarity="neutral",
    measure="stock",
    sources=PLANS,
    dfe_reference="Characteristics of children in need, table D2: CPPs at 31 March",
    suppression=CIN_SUPPRESSION,
    published=Published("d5_cpps_at31march_by_duration_2013_to_2025", "CPP_At31"),
)
def cp_count(src: Sources, periods: ir.Table) -> ir.Table:
    return count_rows(_open_on_date(src, periods), ("LAchildID",))


@indicator(
    id="cp_rate",
    child_level=ON_PLAN,
    area="protection",
    title="Children on child protection plans per 10,000 children",
    definition=(
        "Children on a child protection plan on the date for every 10,000 children aged 0 to 17 "
        "in the area (Office for National Statistics mid-year estimate before the date)."
    ),
    numerator="children on a plan on the date (as cp_count)",
    denominator="children aged 0 to 17 in the area (ONS mid-year estimate before the date)",
    unit="rate_per_10k",
    polarity="neutral",
    measure="stock",
    sources=(*PLANS, "population"),
    dfe_reference="Characteristics of children in need, table D2: rate per 10,000 at 31 March",
    suppression="rate: suppressed when the count is suppressed",
    published=Published(
        "d5_cpps_at31march_by_duration_2013_to_2025", "CPP_At31", per_10k_children=True
    ),
)
def cp_rate(src: Sources, periods: ir.Table) -> ir.Table:
    return population_rate(src, periods, cp_count(src, periods))


def _starting(src: Sources, periods: ir.Table) -> ir.Table:
    p = plans(src)
    w = ibis.window(group_by=[p.la_code, p.LAchildID], order_by=p.CPPstartDate)
    p = p.mutate(earlier=p.CPPstartDate.lag().over(w))
    j = with_periods(p, periods)
    return j.filter(in_period(j.CPPstartDate, j))


@indicator(
    id="cp_starts",
    child_level=ON_PLAN,
    area="protection",
    title="Child protection plans started",
    definition="The number of child protection plans that started during the period.",
    numerator="child protection plans with a start date in the period",
    denominator=None,
    unit="count",
    polarity="neutral",
    measure="period",
    sources=PLANS,
    dfe_reference="Characteristics of children in need, table D3: CPPs starting in the year",
    suppression=CIN_SUPPRESSION,
    published=Published("d3_cpps_subsequent_plan_2013_to_2025", "CPP_start"),
)
def cp_starts(src: Sources, periods: ir.Table) -> ir.Table:
    return count_every_row(_starting(src, periods))


@indicator(
    id="cp_second_or_subsequent_pct",
    child_level=ChildLevel("LAchildID", (*PLAN_DETAILS, "NumberOfPreviousCPP", "earlier")),
    area="protection",
    title="Child protection plans that were a second or later plan",
    definition=(
        "Of the child protection plans that started during the period, the percentage for a "
        "child who had been on a plan before, at any time: the census says so "
        "(NumberOfPreviousCPP above 0) or an earlier plan for the child is in the record."
    ),
    numerator="plans starting in the period that are the child's second or later plan (ever)",
    denominator="plans starting in the period",
    unit="percent",
    polarity="lower_better",
    measure="period",
    sources=PLANS,
    dfe_reference="Characteristics of children in need, table D3: second or subsequent plans",
    suppression=CIN_SUPPRESSION,
    published=Published("d3_cpps_subsequent_plan_2013_to_2025", "CPP_subsequent_percent"),
    lookback_years=None,
)
def cp_second_or_subsequent_pct(src: Sources, periods: ir.Table) -> ir.Table:
    j = _starting(src, periods)
    repeat = (j.NumberOfPreviousCPP.fill_null(0) > 0) | j.earlier.notnull()
    return rows_share(j, repeat)


@indicator(
    id="cp_open_2y_pct",
    child_level=ON_PLAN,
    area="protection",
    title="Child protection plans open for two years or more",
    definition=(
        "Of the child protection plans open on the date, the percentage that had lasted two "
        "years or more (started on or before the same day two years earlier). One of DfE's two "
        "measures of long plans; cp_ended_2y_pct is the other."
    ),
    numerator="plans open on the date that started 2 years or more before it",
    denominator="plans open on the date",
    unit="percent",
    polarity="lower_better",
    measure="stock",
    sources=PLANS,
    dfe_reference="Characteristics of children in need, table D5: CPPs at 31 March by duration",
    suppression=CIN_SUPPRESSION,
    published=Published("d5_cpps_at31march_by_duration_2013_to_2025", "2_years_or_more_percent"),
)
def cp_open_2y_pct(src: Sources, periods: ir.Table) -> ir.Table:
    j = _open_on_date(src, periods)
    hit = j.CPPstartDate <= months_before(j.period_end, 24)
    return rows_share(j, hit)


@indicator(
    id="cp_ended_2y_pct",
    child_level=ChildLevel("LAchildID", ("CPPstartDate", "CPPendDate", "InitialCategoryOfAbuse")),
    area="protection",
    title="Child protection plans ending after two years or more",
    definition=(
        "Of the child protection plans that ended during the period, the percentage that had "
        "lasted two years or more. One of DfE's two measures of long plans; cp_open_2y_pct is "
        "the other."
    ),
    numerator="plans ending in the period that lasted 2 years or more",
    denominator="plans ending in the period",
    unit="percent",
    polarity="lower_better",
    measure="period",
    sources=PLANS,
    dfe_reference="Characteristics of children in need, table D4: CPPs ceasing by duration",
    suppression=CIN_SUPPRESSION,
)
def cp_ended_2y_pct(src: Sources, periods: ir.Table) -> ir.Table:
    j = with_periods(plans(src), periods)
    j = j.filter(in_period(j.CPPendDate, j))
    hit = j.CPPstartDate <= months_before(j.CPPendDate, 24)
    return rows_share(j, hit)
