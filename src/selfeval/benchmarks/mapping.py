"""Which published measure each catalogue indicator matches.

The mapping belongs in each indicator's declaration (``published=Published(...)``); this table
holds the ones whose declaration is not yet in the catalogue, with the title, unit and polarity
to show them by, so that published benchmarks can be shown before the indicator is computed.
A declaration's own ``published`` always wins over this table; the keys are the catalogue's
ids, so that an entry here is simply superseded when its declaration names its measure.
``placed_outside_la_over_20_miles_pct`` is published only (DfE splits distance by the
authority's boundary; the catalogue's ``placed_over_20_miles_pct`` does not).

Names are those of the latest release (2021-2025); earlier releases are aligned to them on
import (see ``selfeval.benchmarks.ees.ALIGNMENTS``). ``--year Y`` means the file's time_period
Y: 31 March Y for the looked-after and children-in-need tables (the 2019/20 return for Y =
2020), 30 September Y for the workforce census.
"""

from __future__ import annotations

from dataclasses import dataclass

from selfeval.indicators.registry import Published

CLA = "cla_number_and_rate_per_10k_children"
STABILITY = "la_cla_placement_stability"
CSWW = "csww_indicators_2017_to_2025"
ACTIVITY = "la_care_leavers_activity"
ACCOMMODATION = "la_care_leavers_accommodation_suitability"
REFERRALS = "c1_children_in_need_referrals_and_rereferrals_2013_to_2025"
ONS = "ons_mid-year_population_estimates_2012_to_2024"
POPULATION = Published(ONS, "population_estimate", (("age_group", "Children aged 0 to 17 years"),))
"""ONS mid-year estimates of children aged 0 to 17, the denominator of rates per 10,000."""


@dataclass(frozen=True)
class PublishedMeasure:
    """A published measure with what is needed to show it without its declaration."""

    published: Published
    title: str
    unit: str
    polarity: str


def _m(file: str, column: str, filters: dict[str, str], title: str, unit: str, polarity: str):
    return PublishedMeasure(Published(file, column, tuple(filters.items())), title, unit, polarity)


PUBLISHED: dict[str, PublishedMeasure] = {
    "cla_count": _m(
        CLA,
        "children_count",
        {"population_type": "Children looked after on 31 March each year"},
        "Children looked after",
        "count",
        "neutral",
    ),
    "cla_rate": _m(
        CLA,
        "rate_per_10000",
        {"population_type": "Children looked after on 31 March each year"},
        "Children looked after per 10,000 children",
        "rate_per_10k",
        "neutral",
    ),
    "cla_starts": _m(
        CLA,
        "children_count",
        {"population_type": "Children starting to be looked after each year"},
        "Children who started to be looked after",
        "count",
        "neutral",
    ),
    "cla_ceased": _m(
        CLA,
        "children_count",
        {"population_type": "Children ceasing to be looked after each year"},
        "Children who ceased to be looked after",
        "count",
        "neutral",
    ),
    "stability_3plus_placements_pct": _m(
        STABILITY,
        "children_percent",
        {
            "cla_group": "CLA on 31 March",
            "placement_stability": "With 3 or more placements during the year",
        },
        "Looked after children with 3 or more placements in the year",
        "percent",
        "lower_better",
    ),
    "stability_long_term_pct": _m(
        STABILITY,
        "children_percent",
        {
            "cla_group": "Children looked after continuously for at least 2.5 years on 31 March "
            "aged under 16 years",
            "placement_stability": "Living with the same carer for at least 2 years",
        },
        "Long-term placement stability",
        "percent",
        "higher_better",
    ),
    "sw_changes_3plus_pct": _m(
        "la_cla_swcount",
        "percentage",
        {
            "cla_group": "CLA on 31 March",
            "sw_stability": "3 or more social workers during the year",
        },
        "Looked after children with 3 or more social workers in the year",
        "percent",
        "lower_better",
    ),
    "cin_count": _m(
        "b1_children_in_need_2013_to_2025",
        "At31_episodes",
        {},
        "Children in need",
        "count",
        "neutral",
    ),
    "rereferral_12m_pct": _m(
        REFERRALS,
        "rereferral_percent",
        {},
        "Re-referrals within 12 months",
        "percent",
        "lower_better",
    ),
    "cp_second_or_subsequent_pct": _m(
        "d3_cpps_subsequent_plan_2013_to_2025",
        "CPP_subsequent_percent",
        {},
        "Child protection plans that are a second or subsequent plan",
        "percent",
        "lower_better",
    ),
    "cp_open_2y_pct": _m(
        "d5_cpps_at31march_by_duration_2013_to_2025",
        "2_years_or_more_percent",
        {},
        "Child protection plans open at 31 March for 2 years or more",
        "percent",
        "lower_better",
    ),
    "care_leavers_eet_19_21_pct": _m(
        ACTIVITY,
        "care_leaver_percent",
        {
            "care_leaver_age": "19 to 21 years",
            "breakdown": "Total in education, employment or training",
        },
        "Care leavers aged 19 to 21 in education, employment or training",
        "percent",
        "higher_better",
    ),
    "care_leavers_eet_17_18_pct": _m(
        ACTIVITY,
        "care_leaver_percent",
        {
            "care_leaver_age": "17 to 18 years",
            "breakdown": "Total in education, employment or training",
        },
        "Care leavers aged 17 to 18 in education, employment or training",
        "percent",
        "higher_better",
    ),
    "care_leavers_he_19_21_pct": _m(
        ACTIVITY,
        "care_leaver_percent",
        {
            "care_leaver_age": "19 to 21 years",
            "breakdown": "Higher education i.e. studies beyond A level",
        },
        "Care leavers aged 19 to 21 in higher education",
        "percent",
        "higher_better",
    ),
    "care_leavers_suitable_accom_19_21_pct": _m(
        ACCOMMODATION,
        "care_leaver_percent",
        {"care_leaver_age": "19 to 21 years", "breakdown": "Accommodation considered suitable"},
        "Care leavers aged 19 to 21 in suitable accommodation",
        "percent",
        "higher_better",
    ),
    "placed_outside_la_over_20_miles_pct": _m(
        "la_cla_during_year_new_placements",
        "children_percent",
        {
            "characteristic": "Location of new placements during the year",
            "breakdown": "Placed outside LA boundary more than 20 miles from home",
        },
        "New placements outside the authority and more than 20 miles from home",
        "percent",
        "lower_better",
    ),
    "sw_turnover_pct": _m(
        CSWW, "turnover_rate_fte", {}, "Social worker turnover", "percent", "lower_better"
    ),
    "sw_agency_pct": _m(
        CSWW, "agency_rate_fte", {}, "Agency social workers", "percent", "lower_better"
    ),
    "sw_vacancy_pct": _m(
        CSWW, "vacancy_rate_fte", {}, "Social worker vacancies", "percent", "lower_better"
    ),
    "sw_absence_pct": _m(
        CSWW, "absence_rate_fte", {}, "Social worker absence", "percent", "lower_better"
    ),
    "referrals": _m(REFERRALS, "referral_count", {}, "Referrals", "count", "neutral"),
    "referrals_nfa_pct": _m(
        REFERRALS,
        "no_further_action_percent",
        {},
        "Referrals with no further action",
        "percent",
        "neutral",
    ),
    "cp_starts": _m(
        "d3_cpps_subsequent_plan_2013_to_2025",
        "CPP_start",
        {},
        "Child protection plans started",
        "count",
        "neutral",
    ),
    "cp_count": _m(
        "d5_cpps_at31march_by_duration_2013_to_2025",
        "CPP_At31",
        {},
        "Child protection plans at 31 March",
        "count",
        "neutral",
    ),
    "sw_caseload": _m(
        CSWW, "caseload_fte", {}, "Average caseload of case holders", "ratio", "lower_better"
    ),
}
