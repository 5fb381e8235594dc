"""Annex A: the lists' declared headings are Ofsted's template's, and the reader's tolerance."""

from __future__ import annotations

import zipfile

import openpyxl
import pytest

from conftest import SHARED
from selfeval.errors import InputError
from selfeval.returns import annex_a
from selfeval.schema import ANNEX_A
from selfeval.schema.annex_a import HEADERS

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
            assert ANNEX_A[table].fields == tuple(HEADERS[table])
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
        ({"Sheet1": [LIST1]}, False, "wrong-kind"),
        ({"List 1": [["a", "b"], [1, 2]]}, False, "header"),
    ],
)
def test_workbooks_that_cannot_be_read_are_refused(tmp_path, sheets, macro, rule):
    path = _workbook(tmp_path / "annex.xlsx", sheets, macro=macro)
    with pytest.raises(InputError) as e:
        annex_a.read(path, la_code="336", return_year=2021)
    assert e.value.rule == rule
    assert e.value.location.file.startswith("annex.xlsx")


def test_the_template_itself_is_refused_for_its_formulas():
    """Ofsted's template has formulas in Lists 10 and 11: refused, naming the first cell."""
    with pytest.raises(InputError) as e:
        annex_a.read(TEMPLATE, la_code="336", return_year=2021)
    assert (e.value.rule, e.value.location.row, e.value.location.field) == ("formula", 2, "I")


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
