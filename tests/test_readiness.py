"""The inspection-readiness pack on small hand-made Annex A lists, every figure worked out by
hand. The pack's date is 31 March 2024, so Lists 1-5 cover 1 October 2023 to 31 March 2024;
Christmas Day, Boxing Day, New Year's Day and Good Friday (29 March 2024) are bank holidays."""

from __future__ import annotations

from datetime import date

import pytest

from conftest import count_loads
from selfeval.evaluation.readiness import build_pack, journeys, timeliness
from selfeval.evaluation.readiness_pack import document, for_audience, xlsx_bytes

AT = date(2024, 3, 31)
D = date.fromisoformat

LISTS = {
    1: [
        {"child_unique_id": "A", "ethnicity": "a) WBRI", "date_of_contact": D("2023-11-01")},
        {"child_unique_id": "A", "ethnicity": "a) WBRI", "date_of_contact": D("2023-12-01")},
        {"child_unique_id": "A", "ethnicity": "a) WBRI", "date_of_contact": D("2024-01-05")},
        {"child_unique_id": "B", "ethnicity": "k) APKN", "date_of_contact": D("2024-02-01")},
        {"child_unique_id": "C", "ethnicity": "a) WBRI", "date_of_contact": D("2024-03-01")},
        {"child_unique_id": "D", "ethnicity": "a) WBRI", "date_of_contact": D("2023-09-15")},
    ],
    3: [
        {"child_unique_id": "A", "ethnicity": "a) WBRI", "date_of_referral": D("2023-11-03"),
         "referrals_in_last_12_months": 2, "referral_nfa": "No", "allocated_worker": "W1"},
        {"child_unique_id": "B", "ethnicity": "k) APKN", "date_of_referral": D("2024-02-05"),
         "referrals_in_last_12_months": 0, "referral_nfa": "No", "allocated_worker": "W2"},
    ],
    4: [
        {"child_unique_id": "A", "assessment_start_date": D("2024-01-08"),
         "assessment_authorisation_date": D("2024-03-08"), "child_seen_during_assessment": "Yes"},
        {"child_unique_id": "B", "assessment_start_date": D("2024-02-06")},
        {"child_unique_id": "E", "assessment_start_date": D("2023-12-01")},
    ],
    5: [{"child_unique_id": "A", "s47_start_date": D("2024-01-08"), "icpc_date": D("2024-01-26")}],
    7: [
        {"child_unique_id": "A", "cp_plan_start_date": D("2024-01-26"),
         "last_statutory_visit_date": D("2024-03-21")},
        {"child_unique_id": "F", "cp_plan_start_date": D("2022-03-01"),
         "last_statutory_visit_date": D("2024-03-13"), "previous_cp_plans": 1},
    ],
    8: [
        {"child_unique_id": "G", "date_started_looked_after": D("2020-01-01"),
         "legal_status": "C2: FCO", "placements_in_last_12_months": 3,
         "last_social_work_visit_date": D("2024-03-01"),
         "last_health_assessment_date": D("2023-06-01")},
        {"child_unique_id": "H", "date_started_looked_after": D("2024-03-10"),
         "legal_status": "V2: Single period under S20", "placements_in_last_12_months": 1},
    ],
    9: [
        {"child_unique_id": "L1", "la_in_touch": "a) Yes",
         "suitability_of_accommodation": "a) Suitable"},
        {"child_unique_id": "L2", "la_in_touch": "b) No",
         "suitability_of_accommodation": "b) Unsuitable"},
    ],
}  # fmt: skip


def test_each_timeliness_measure_is_the_hand_worked_one():
    got = {(m.list, m.name): (m.numerator, m.denominator) for m in timeliness(LISTS, AT)}
    assert got == {
        # A's referral had 2 in the 12 months before; B's none; neither NFA.
        (3, "Re-referrals within 12 months"): (1, 2),
        (3, "Referrals with no further action"): (0, 2),
        # A: Monday 8 January to Friday 8 March is 44 working days; seen.
        (4, "Assessments authorised within 45 working days"): (1, 1),
        (4, "Children seen during their assessment"): (1, 1),
        # Open on 31 March: B since 6 February (37 working days: 3 + 5 x 6 + 4, Good Friday
        # out); E since 1 December (81: December 18, January 22, February 21, March 20).
        (4, "Open assessments past 45 working days on the date"): (1, 2),
        # Strategy discussion 8 January, conference 26 January: 14 working days.
        (5, "Initial conferences within 15 working days of the strategy discussion"): (1, 1),
        # A visited 21 March (5 working days before 31 March), F 13 March (11); F's plan
        # started 1 March 2022, over two years before.
        (7, "Children on plans visited in the last 10 working days"): (1, 2),
        (7, "Plans open two years or more"): (1, 2),
        # G visited 1 March (30 days before), H never; only G has been in care 12 months:
        # health assessment 1 June 2023, no dental check; G had 3 placements.
        (8, "Children in care visited in the last six weeks"): (1, 2),
        (8, "In care 12 months or more: health assessment in the last 12 months"): (1, 1),
        (8, "In care 12 months or more: dental check in the last 12 months"): (0, 1),
        (8, "Three or more placements in the last 12 months"): (1, 2),
        (9, "Care leavers the council is in touch with"): (1, 2),
        (9, "Care leavers in suitable accommodation"): (1, 2),
    }


def test_journeys_and_their_drift_are_the_hand_worked_ones():
    """A: contact 1 Nov, referral 3 Nov, assessment and s47 8 Jan, plan 26 Jan. B: contact 1
    Feb, referral 5 Feb, assessment 6 Feb, no s47. C: contact 1 March only. D's contact was
    before the six months."""
    js = {j.child: j for j in journeys(LISTS, AT)}
    assert set(js) == {"A", "B", "C"}
    assert js["A"].dates == (D("2023-11-01"), D("2023-11-03"), D("2024-01-08"),
                             D("2024-01-08"), D("2024-01-26"))  # fmt: skip
    assert [js[c].reached for c in "ABC"] == [5, 3, 1]
    table = build_pack("336", AT, 2024, LISTS).table("journeys")
    assert table.rows == [
        ("contact", 3, 1, "", None, None),
        # Drift from the contact: A 2 days, B 4.
        ("referral", 2, 0, "contact", 3, 4),
        # From the referral: A 66 days (3 November to 8 January), B 1.
        ("assessment", 2, 1, "referral", 33.5, 66),
        ("section 47", 1, 0, "referral", 66, 66),
        ("plan or care", 1, None, "section 47", 18, 18),
    ]


def test_disproportionality_against_the_children_contacted_without_a_population():
    """List 3's children: A (WBRI), B (APKN); List 1's: A, C, D (WBRI) and B (APKN). WBRI
    50% of referrals against 75% of contacts (ratio 0.67); APKN 50% against 25% (2.0)."""
    t = build_pack("336", AT, 2024, LISTS).table("disproportionality_list3_ethnicity")
    assert t.rows == [
        ("APKN", 1, 50.0, 1, 25.0, 2.0),
        ("WBRI", 1, 50.0, 3, 75.0, 0.67),
    ]
    assert "children contacted (List 1)" in t.title


def test_disproportionality_against_the_population_aged_0_to_17(tmp_path):
    """A population of 900 WBRI, 80 APKN and 20 BAFR children: WBRI 50% of referrals against
    90% (ratio 0.5 / 0.9 = 0.56), APKN 50% against 8% (6.25), BAFR none against 2% (0)."""
    from selfeval.evaluation.readiness import read_population

    path = tmp_path / "population.csv"
    path.write_text("group,children\na) WBRI,900\nAPKN,80\nBAFR,20\n")
    pop = read_population(path)
    assert pop == {"WBRI": 900, "APKN": 80, "BAFR": 20}
    t = build_pack("336", AT, 2024, LISTS, population=pop).table(
        "disproportionality_list3_ethnicity"
    )
    assert t.rows == [
        ("APKN", 1, 50.0, 80, 8.0, 6.25),
        ("WBRI", 1, 50.0, 900, 90.0, 0.56),
        ("BAFR", 0, 0.0, 20, 2.0, 0.0),
    ]
    assert "population aged 0 to 17" in t.title


def test_samples_name_the_children_inspectors_would_pick():
    pack = build_pack("336", AT, 2024, LISTS)
    assert [r[0] for r in pack.table("sample_longest_assessments").rows] == ["E", "B"]
    assert pack.table("sample_longest_assessments").rows[0][2] == 81
    assert pack.table("sample_repeat_contacts").rows == [("A", 3)]
    assert [r[0] for r in pack.table("sample_repeat_referrals").rows] == ["A"]
    assert [r[0] for r in pack.table("sample_plans_2_years").rows] == ["F"]
    assert [r[0] for r in pack.table("sample_many_placements").rows] == ["G"]
    assert [r[0] for r in pack.table("sample_care_leavers_not_in_touch").rows] == ["L2"]


def test_the_public_audience_sees_no_child_and_no_count_of_1_to_5():
    pack = build_pack("336", AT, 2024, LISTS)
    for key in ("sample_repeat_contacts", "list3_by_worker"):
        assert for_audience(pack.table(key), "public") is None
        assert for_audience(pack.table(key), "internal") is not None
    t = for_audience(pack.table("timeliness"), "public")
    assert t is not None
    for row in t.rows:  # every count here is 0, 1 or 2: 1-5 suppressed, and their percentages
        for c in (3, 4):
            assert row[c] in (0, "c"), row
        if "c" in (row[3], row[4]):
            assert row[5] == "c"
    public = document(pack, "public").text()
    assert "L2" not in public.split() and "W1" not in public
    internal = document(pack, "internal").text()
    assert "L2" in internal.split() and "W1" in internal


def test_the_xlsx_has_a_sheet_per_table_and_escapes_formula_text(tmp_path):
    import io

    import openpyxl

    lists = {**LISTS, 3: [{**LISTS[3][0], "allocated_worker": "=HYPERLINK(1)"}]}
    data = xlsx_bytes(build_pack("336", AT, 2024, lists), "internal")
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert {"About", "timeliness", "journeys", "sample_repeat_contacts"} <= set(wb.sheetnames)
    cells = [c.value for row in wb["list3_by_worker"].iter_rows() for c in row]
    assert "'=HYPERLINK(1)" in cells


@pytest.mark.parametrize("fmt", ["html", "pdf", "xlsx"])
def test_the_cli_writes_each_format_from_a_store(synthetic_store, tmp_path, fmt):
    """`selfeval annex-a report` on a store with one synthetic authority's two workbooks."""
    from click.testing import CliRunner

    from selfeval.cli import cli

    db = str(synthetic_store.url)
    out = tmp_path / f"pack.{fmt}"
    r = CliRunner().invoke(
        cli,
        ["--db", db, "annex-a", "report", "--at", "2020-06-30", "--out", str(out),
         "--child-level-readers"],
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "Annex A 2020 for 999 beside 2019, internal audience" in r.output
    assert out.stat().st_size > 1000


def test_the_pack_reads_the_stores_loads_once(synthetic_store, monkeypatch):
    """The years of the authority's Annex A workbooks (2019 and 2020), the lists of the latest
    two and the sources of the reconciliation all come from one reading of its loads (there
    were 23: each of the eleven lists read them for the years, again for the lists)."""
    from selfeval.evaluation.readiness import pack_from_store

    calls = count_loads(synthetic_store, monkeypatch)
    pack = pack_from_store(synthetic_store, "999", date(2020, 6, 30))
    assert (pack.year, pack.last_year) == (2020, 2019)
    assert calls == ["999"]
