"""Annex A: the lists' declared headings are Ofsted's template's, and the reader's tolerance."""

from __future__ import annotations

import zipfile

import openpyxl
import pytest

from conftest import SHARED
from selfeval.errors import InputError
from selfeval.returns import annex_a
from selfeval.schema import ANNEX_A
from selfeval.schema.annex_a import HEADERS, OTHER_YEARS

TEMPLATE = SHARED / "data" / "formats" / "annex_a_template.xlsx"


def test_headings_are_the_templates():
    """Every list's headings, in order, are those of Ofsted's template (trailing spaces aside)."""
    wb = openpyxl.load_workbook(TEMPLATE, read_only=True)
    try:
        for n in range(1, 12):
            ws = wb[f"List {n}"]
            template = [str(c).strip() for c in next(ws.iter_rows(values_only=True))]
            table = f"annex_a_list{n}"
            assert list(HEADERS[table].values()) == template, table
            later = tuple(OTHER_YEARS.get(table, {}))
            assert ANNEX_A[table].fields == tuple(HEADERS[table]) + later
    finally:
        wb.close()


def _workbook(path, sheets: dict[str, list[list]], *, macro: bool = False):
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for r in rows:
            ws.append(r)
    wb.save(path)
    if macro:
        import zipfile

        with zipfile.ZipFile(path, "a") as z:
            z.writestr("xl/vbaProject.bin", b"\x00" * 100)
    return path


LIST1 = [
    "Child Unique ID",
    "Gender",
    "Ethnicity",
    "Date of Birth",
    "Age",
    "Date of Contact",
    "Contact Source",
]


def test_a_workbook_as_filled_in_reads_with_each_tolerance_reported(tmp_path):
    """List 1 with: a title row above the header, 'DOB' for Date of Birth, Contact Source and
    Date of Contact swapped, Age missing, an extra Notes column, a blank row, a date typed as
    text, and a #N/A-free second list (List 3) named 'list3 referrals'."""
    from datetime import date

    path = _workbook(
        tmp_path / "annex.xlsx",
        {
            "List 1 - contacts": [
                ["Annex A, List 1, produced 1 April 2021"],
                [
                    "Child Unique ID",
                    "Gender",
                    "Ethnicity",
                    "DOB",
                    "Contact Source",
                    "Date of Contact",
                    "Notes",
                ],
                [101, "a) Male", "a) WBRI", date(2015, 1, 25), "q) 6: Police", "16/09/2020", "x"],
                [None, None, None, None, None, None, None],
                ["C102", "b) Female", "k) APKN", date(2012, 3, 1), "b) 1B", date(2020, 9, 17)],
            ],
            "list3 referrals": [
                ["Child Unique ID", "Date of Referral", "Number of Referrals in Last 12 Months"],
                ["C102", date(2020, 9, 18), "2"],
            ],
        },
    )
    t = annex_a.read(path, la_code="336", return_year=2021)
    assert set(t) == {"annex_a_list1", "annex_a_list3"}
    rows = (
        t["annex_a_list1"]
        .select(["child_unique_id", "date_of_birth", "date_of_contact", "contact_source", "age"])
        .to_pylist()
    )
    assert rows == [
        {
            "child_unique_id": "101",
            "date_of_birth": date(2015, 1, 25),
            "date_of_contact": date(2020, 9, 16),
            "contact_source": "q) 6: Police",
            "age": None,
        },
        {
            "child_unique_id": "C102",
            "date_of_birth": date(2012, 3, 1),
            "date_of_contact": date(2020, 9, 17),
            "contact_source": "b) 1B",
            "age": None,
        },
    ]
    assert t["annex_a_list3"].to_pylist()[0]["referrals_in_last_12_months"] == 2
    rules = sorted(w.rule for w in t.warnings)
    assert rules == sorted(
        [
            "header-not-first-row",  # List 1's header is on row 2
            "renamed-column",  # DOB
            "extra-column",  # Notes
            "reordered-columns",  # Contact Source before Date of Contact
            "missing-column",  # Age
            "blank-rows",
            "date-as-text",  # 16/09/2020
            "number-as-text",  # List 3's "2"
        ]
        + ["missing-column"] * 8  # List 3 has 3 of its 11 columns
    )
    dob = next(w for w in t.warnings if w.rule == "renamed-column")
    assert (dob.location.row, dob.location.field) == (2, "DOB")


@pytest.mark.parametrize(
    ("sheets", "macro", "rule"),
    [
        ({"List 1": [LIST1, [1, "a", "b", "=DATE(2010,1,1)", 5, None, None]]}, False, "formula"),
        ({"List 1": [LIST1, [1, "a", "b", None, 5, None, None]]}, True, "macros"),
        ({"List 1": [LIST1, [1, "a", "b", "31/02/2010", 5, None, None]]}, False, "date-format"),
        ({"List 1": [LIST1, [None, "a", "b", None, 5, None, None]]}, False, "required"),
        ({"Sheet1": [["Name", "Team"], ["a", "b"]]}, False, "wrong-kind"),
        ({"List 1": [["a", "b"], [1, 2]]}, False, "header"),
    ],
)
def test_workbooks_that_cannot_be_read_are_refused(tmp_path, sheets, macro, rule):
    path = _workbook(tmp_path / "annex.xlsx", sheets, macro=macro)
    with pytest.raises(InputError) as e:
        annex_a.read(path, la_code="336", return_year=2021)
    assert e.value.rule == rule
    assert e.value.location.file.startswith("annex.xlsx")


def test_the_template_loads_as_it_comes_its_formulas_read_by_their_saved_values():
    """The template (read from ../shared, unedited) has formulas in Lists 10 and 11 with the
    values Excel saved: List 10's I2 is =H2+5, H2 being 6 August 2009 (serial 40031), so
    11 August 2009; J2 (=I2+5) is 16 August. List 11's first adopter's stage 1 started
    =G2+13 = 19 August 2009. Every list has its 5 rows (List 3 and 9 their 6, List 7 its 7)."""
    from datetime import date

    t = annex_a.read(TEMPLATE, la_code="336", return_year=2021)
    assert sorted(t) == sorted(f"annex_a_list{n}" for n in range(1, 12))
    counts = {k: v.num_rows for k, v in t.items()}
    assert counts == {
        f"annex_a_list{n}": r
        for n, r in zip(range(1, 12), (5, 5, 6, 5, 5, 5, 7, 5, 6, 5, 5), strict=True)
    }
    first = t["annex_a_list10"].to_pylist()[0]
    assert first["date_entered_care"] == date(2009, 8, 6)
    assert first["date_of_decision_to_place_for_adoption"] == date(2009, 8, 11)
    assert first["date_of_placement_order"] == date(2009, 8, 16)
    adopter = t["annex_a_list11"].to_pylist()[0]
    assert adopter["date_stage_1_started"] == date(2009, 8, 19)
    assert "formula" not in {w.rule for w in t.warnings}


def test_a_formula_without_a_saved_value_is_refused_naming_sheet_and_cell(tmp_path):
    """openpyxl writes a formula but never calculates it: nothing to read, so refused."""
    path = _workbook(
        tmp_path / "annex.xlsx", {"List 1": [LIST1, [1, "a", "b", "=DATE(2010,1,1)", 5]]}
    )
    with pytest.raises(InputError) as e:
        annex_a.read(path, la_code="336", return_year=2021)
    assert (e.value.rule, e.value.location.row, e.value.location.field) == ("formula", 2, "D")
    assert e.value.location.file == "annex.xlsx [List 1]"
    assert "no saved value" in e.value.message


def test_example_rows_renamed_sheets_old_headings_and_text_dates(tmp_path):
    """A workbook as an authority sends it: List 1 renamed 'Contacts' with Ofsted's example row
    under the header; List 4 named 'Assessments' with the 2018 template's headings ('Assessment
    Start Date', 'Age of Child (Years)'); List 9 in the 2024 layout (personal adviser, latest
    contact); dates as dates, as dd/mm/yyyy text and as ISO text; a notes sheet ignored."""
    from datetime import date

    path = _workbook(
        tmp_path / "annex.xlsx",
        {
            "Notes": [["Please read the guidance"]],
            "Contacts": [
                LIST1,
                ["e.g. 123456", "a) Male", "a) WBRI", "DD/MM/YYYY", 5, "DD/MM/YYYY", "q) 6"],
                ["C1", "a) Male", "a) WBRI", date(2015, 1, 25), 5, "16/09/2020", "q) 6"],
                ["C2", "b) Female", "a) WBRI", "2012-03-01", 8, date(2020, 9, 17), "e) 2A"],
            ],
            "Assessments": [
                ["Child Unique ID", "Age of Child (Years)", "Assessment Start Date",
                 "Child Seen During Assessment", "Assessment Date of Authorisation"],
                ["C1", 5, date(2020, 9, 17), "Yes", "30/10/2020"],
            ],
            "List 9": [
                ["Child Unique ID", "Gender", "Allocated Personal Advisor", "LA in Touch",
                 "Latest Date of Contact", "Suitability of Accommodation"],
                ["C9", "a) Male", "PA One", "a) Yes", "01/03/2021", "a) Suitable"],
            ],
        },
    )  # fmt: skip
    t = annex_a.read(path, la_code="336", return_year=2021)
    l1 = t["annex_a_list1"].to_pylist()
    assert [(r["child_unique_id"], r["date_of_birth"], r["date_of_contact"]) for r in l1] == [
        ("C1", date(2015, 1, 25), date(2020, 9, 16)),
        ("C2", date(2012, 3, 1), date(2020, 9, 17)),
    ]
    l4 = t["annex_a_list4"].to_pylist()[0]
    assert (l4["age"], l4["assessment_start_date"], l4["assessment_authorisation_date"]) == (
        5.0,
        date(2020, 9, 17),
        date(2020, 10, 30),
    )
    assert l4["child_seen_during_assessment"] == "Yes"
    l9 = t["annex_a_list9"].to_pylist()[0]
    assert (l9["allocated_personal_adviser"], l9["latest_contact_date"]) == (
        "PA One",
        date(2021, 3, 1),
    )
    by_rule = {}
    for w in t.warnings:
        by_rule.setdefault(w.rule, []).append(w)
    example = by_rule["example-rows"][0]
    assert (example.location.file, example.location.row) == ("annex.xlsx [Contacts]", 2)
    renamed = sorted(w.message for w in by_rule["renamed-sheet"])
    assert renamed == [
        "sheet 'Assessments' read as List 4, found by its headings",
        "sheet 'Contacts' read as List 1, found by its headings",
    ]
    assert [w.location.file for w in by_rule["extra-sheet"]] == ["annex.xlsx [Notes]"]
    missing9 = {w.location.field for w in by_rule["missing-column"] if "List 9" in w.location.file}
    assert "Latest Pathway Plan Review Date" not in missing9  # a 2024 column: never missing
    assert "Eligibility Category" in missing9


def test_zip_bomb_refused(tmp_path):
    """A part that inflates 1000-fold is refused before openpyxl reads it."""
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", "<" + "a" * 20_000_000 + "/>")
    try:
        annex_a.read(path, la_code="336", return_year=2021)
    except InputError as e:
        assert e.rule == "zip-bomb"
    else:
        raise AssertionError("a zip bomb was read")
