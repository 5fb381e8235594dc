"""Care leavers (SSDA903 OC3): activity, accommodation and keeping in touch, by age group."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import ibis.expr.types as ir

from selfeval.indicators.expr import children_share
from selfeval.indicators.registry import ChildLevel, Published, indicator
from selfeval.indicators.sources import Sources

EET = ("F1", "P1", "F2", "P2", "F3", "P3", "F4", "P4", "F5", "P5")
"""ACTIV codes in education, employment or training, full or part time: higher education (F1,
P1), other education (F2, P2), training or employment (F4, P4), apprenticeship (F5, P5; DfE
publishes it within training or employment), and F3, P3 of earlier specifications. G4-G6 are
not in education, employment or training; 0 is not known."""
HIGHER_EDUCATION = ("F1", "P1")
AGES_17_18 = (17, 18)
AGES_19_21 = (19, 20, 21)
COHORT = (
    "Care leavers are the young people in the 903's OC3 table for the latest collection year "
    "(1 April to 31 March) ending on or before the date, grouped by the age they turned on "
    "their birthday in that year."
)
SUPPRESSION = "cla: counts of 1 to 5 shown as c, with secondary suppression"
ACTIVITY = "la_care_leavers_activity"


def age_in_collection_year(dob: ir.DateValue, year: ir.IntegerValue) -> ir.IntegerValue:
    """The age a young person turns on their birthday in collection year ``year`` (1 April of
    the year before to 31 March): born in April or later, their birthday falls in ``year - 1``."""
    return year - dob.year() - (dob.month() >= 4).cast("int32")


def _oc3(
    src: Sources,
    periods: ir.Table,
    ages: tuple[int, ...],
    hit: Callable[[ir.Table], ir.BooleanValue],
) -> ir.Table:
    o = src.table("ssda903_oc3")
    j = o.join(periods, o.return_year == periods.collection_year)
    j = j.filter(age_in_collection_year(j.DOB, j.collection_year).isin(ages))
    return children_share(j, hit(j).fill_null(False))


_care_leaver_indicator = partial(
    indicator,
    area="care_leavers",
    unit="percent",
    polarity="higher_better",
    measure="annual",
    snapshot="collection",
    sources=("ssda903_oc3",),
    suppression=SUPPRESSION,
    child_level=ChildLevel("CHILD", ("DOB", "IN_TOUCH", "ACTIV", "ACCOM")),
)


def _cohort(ages: str) -> str:
    """The denominator of a care leaver indicator for one age group."""
    return f"care leavers in the year's OC3 table aged {ages} on their birthday in the year"


@_care_leaver_indicator(
    id="care_leavers_eet_17_18_pct",
    title="Care leavers aged 17 to 18 in education, employment or training",
    definition=(
        "Of the care leavers who turned 17 or 18 in the year, the percentage in education, "
        "employment or training around their birthday (ACTIV F1, P1, F2, P2, F3, P3, F4, P4, "
        "F5 or P5; F5 and P5 are apprenticeships). " + COHORT
    ),
    numerator="care leavers aged 17-18 with ACTIV in education, employment or training",
    dfe_reference="Children looked after in England: care leavers' activity, 17 to 18 years",
    published=Published(
        ACTIVITY,
        "care_leaver_percent",
        (
            ("care_leaver_age", "17 to 18 years"),
            ("breakdown", "Total in education, employment or training"),
        ),
    ),
    denominator=_cohort("17 or 18"),
)
def care_leavers_eet_17_18_pct(src: Sources, periods: ir.Table) -> ir.Table:
    return _oc3(src, periods, AGES_17_18, lambda j: j.ACTIV.isin(EET))


@_care_leaver_indicator(
    id="care_leavers_eet_19_21_pct",
    title="Care leavers aged 19 to 21 in education, employment or training",
    definition=(
        "Of the care leavers who turned 19, 20 or 21 in the year, the percentage in education, "
        "employment or training around their birthday (ACTIV F1, P1, F2, P2, F3, P3, F4, P4, "
        "F5 or P5; F5 and P5 are apprenticeships). " + COHORT
    ),
    numerator="care leavers aged 19-21 with ACTIV in education, employment or training",
    dfe_reference="Children looked after in England: care leavers' activity, 19 to 21 years",
    published=Published(
        ACTIVITY,
        "care_leaver_percent",
        (
            ("care_leaver_age", "19 to 21 years"),
            ("breakdown", "Total in education, employment or training"),
        ),
    ),
    denominator=_cohort("19 to 21"),
)
def care_leavers_eet_19_21_pct(src: Sources, periods: ir.Table) -> ir.Table:
    return _oc3(src, periods, AGES_19_21, lambda j: j.ACTIV.isin(EET))


@_care_leaver_indicator(
    id="care_leavers_he_19_21_pct",
    title="Care leavers aged 19 to 21 in higher education",
    definition=(
        "Of the care leavers who turned 19, 20 or 21 in the year, the percentage in higher "
        "education, such as university, full or part time (ACTIV F1 or P1). " + COHORT
    ),
    numerator="care leavers aged 19-21 with ACTIV F1 or P1",
    dfe_reference="Children looked after in England: care leavers in higher education",
    published=Published(
        ACTIVITY,
        "care_leaver_percent",
        (
            ("care_leaver_age", "19 to 21 years"),
            ("breakdown", "Higher education i.e. studies beyond A level"),
        ),
    ),
    denominator=_cohort("19 to 21"),
)
def care_leavers_he_19_21_pct(src: Sources, periods: ir.Table) -> ir.Table:
    return _oc3(src, periods, AGES_19_21, lambda j: j.ACTIV.isin(HIGHER_EDUCATION))


@_care_leaver_indicator(
    id="care_leavers_suitable_accom_19_21_pct",
    title="Care leavers aged 19 to 21 in suitable accommodation",
    definition=(
        "Of the care leavers who turned 19, 20 or 21 in the year, the percentage whose "
        "accommodation was considered suitable (an ACCOM code ending in 1). " + COHORT
    ),
    numerator="care leavers aged 19-21 with an ACCOM code ending in 1 (suitable)",
    dfe_reference="Children looked after in England: care leavers' accommodation suitability",
    published=Published(
        "la_care_leavers_accommodation_suitability",
        "care_leaver_percent",
        (
            ("care_leaver_age", "19 to 21 years"),
            ("breakdown", "Accommodation considered suitable"),
        ),
    ),
    denominator=_cohort("19 to 21"),
)
def care_leavers_suitable_accom_19_21_pct(src: Sources, periods: ir.Table) -> ir.Table:
    return _oc3(src, periods, AGES_19_21, lambda j: j.ACCOM.strip().endswith("1"))


@_care_leaver_indicator(
    id="care_leavers_in_touch_pct",
    title="Care leavers aged 19 to 21 the council is in touch with",
    definition=(
        "Of the care leavers who turned 19, 20 or 21 in the year, the percentage the council "
        "was in touch with around their birthday (IN_TOUCH = YES). " + COHORT
    ),
    numerator="care leavers aged 19-21 with IN_TOUCH = YES",
    dfe_reference="Children looked after in England: care leavers in touch with the council",
    choices=(
        "The cohort is 19 to 21 year olds, as DfE's headline; young people who no longer need "
        "services (NREQ) or refused contact (REFU) count as not in touch.",
    ),
    denominator=_cohort("19 to 21"),
)
def care_leavers_in_touch_pct(src: Sources, periods: ir.Table) -> ir.Table:
    return _oc3(src, periods, AGES_19_21, lambda j: j.IN_TOUCH.strip().upper() == "YES")
