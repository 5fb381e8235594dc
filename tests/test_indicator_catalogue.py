"""The catalogue: every indicator the issue names is declared, defined and documented."""

from __future__ import annotations

from pathlib import Path

import pytest

from selfeval.indicators import catalogue
from selfeval.indicators.export import catalogue_markdown

ROOT = Path(__file__).resolve().parents[1]
REQUIRED = {
    "need": "referrals referral_rate rereferral_12m_pct referrals_nfa_pct assessments_completed "
    "assessment_45wd_pct s47_count icpc_15wd_pct cin_count cin_rate cin_plan_count",
    "protection": "cp_count cp_rate cp_starts cp_second_or_subsequent_pct cp_open_2y_pct "
    "cp_ended_2y_pct",
    "looked_after": "cla_count cla_rate cla_starts cla_ceased uasc_count "
    "stability_3plus_placements_pct stability_long_term_pct foster_own_provision_pct "
    "foster_ifa_pct placed_over_20_miles_pct missing_pct health_check_pct dental_check_pct "
    "sw_changes_3plus_pct adoption_entry_to_placement_days",
    "care_leavers": "care_leavers_eet_17_18_pct care_leavers_eet_19_21_pct "
    "care_leavers_he_19_21_pct care_leavers_suitable_accom_19_21_pct care_leavers_in_touch_pct",
    "workforce": "sw_turnover_pct sw_agency_pct sw_vacancy_pct sw_caseload sw_absence_pct",
}


@pytest.mark.parametrize("area", list(REQUIRED))
def test_every_required_indicator_is_declared_in_its_area(area):
    cat = catalogue()
    for i in REQUIRED[area].split():
        assert i in cat, f"{i} is not in the catalogue"
        assert cat[i].area == area


def test_every_declaration_is_complete():
    for ind in catalogue().values():
        for field in ("title", "definition", "numerator", "dfe_reference", "suppression"):
            assert getattr(ind, field).strip(), f"{ind.id} has no {field}"
        assert ind.sources, f"{ind.id} names no source table"
        if ind.unit in ("percent", "rate_per_10k", "ratio", "days"):
            assert ind.denominator, f"{ind.id} is a {ind.unit} without a denominator"
        assert len(ind.definition) >= 60, f"{ind.id}'s definition is too short to explain it"


def test_docs_page_is_the_catalogue():
    """docs/indicators.md is generated: regenerate with `selfeval indicators docs --out
    docs/indicators.md` when this fails."""
    page = (ROOT / "docs" / "indicators.md").read_text(encoding="utf-8")
    assert page == catalogue_markdown(catalogue()) + "\n"
    for i in catalogue():
        assert f"`{i}`" in page
