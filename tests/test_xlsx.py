"""selfeval.returns.xlsx: the streaming workbook reader, on workbooks whose XML is written by
hand, so each cell type Excel writes is read as Excel shows it and every formula is refused."""

from __future__ import annotations

import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from selfeval.errors import InputError
from selfeval.returns import xlsx

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

# Style 0 is General; style 1 is built-in format 14 (a date, d/m/yyyy); style 2 a custom
# format 164 "dd mmm yyyy" (a date); style 3 built-in 46 "[h]:mm:ss" (a duration); style 4
# built-in 2 "0.00" (a number).
STYLES = f"""<styleSheet xmlns="{MAIN}">
<numFmts count="1"><numFmt numFmtId="164" formatCode="dd mmm yyyy"/></numFmts>
<cellXfs count="5"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/>
<xf numFmtId="46"/><xf numFmtId="2"/></cellXfs></styleSheet>"""

# Shared strings: 0 plain, 1 rich text in two runs, 2 with a phonetic guide (not shown by Excel).
STRINGS = f"""<sst xmlns="{MAIN}" count="3" uniqueCount="3">
<si><t>Child Unique ID</t></si>
<si><r><rPr><b/></rPr><t>Date of </t></r><r><t>birth</t></r></si>
<si><t>Tanaka</t><rPh sb="0" eb="2"><t>TANAKA</t></rPh></si></sst>"""


def workbook(
    path: Path, sheets: dict[str, str], *, date1904: bool = False, extra: dict | None = None
) -> Path:
    """A workbook from each sheet's <sheetData> XML, with the styles and strings above."""
    pr = '<workbookPr date1904="1"/>' if date1904 else "<workbookPr/>"
    entries = "".join(
        f'<sheet name="{name}" sheetId="{i}" r:id="rId{i}"/>' for i, name in enumerate(sheets, 1)
    )
    rels = "".join(
        f'<Relationship Id="rId{i}" Type="{DOC}/worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i, _ in enumerate(sheets, 1)
    )
    n = len(sheets)
    rels += f'<Relationship Id="rId{n + 1}" Type="{DOC}/styles" Target="styles.xml"/>'
    rels += f'<Relationship Id="rId{n + 2}" Type="{DOC}/sharedStrings" Target="sharedStrings.xml"/>'
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr(
            "_rels/.rels",
            f'<Relationships xmlns="{RELS}"><Relationship Id="rId1" '
            f'Type="{DOC}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        z.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{MAIN}" xmlns:r="{DOC}">{pr}<sheets>{entries}</sheets></workbook>',
        )
        z.writestr(
            "xl/_rels/workbook.xml.rels", f'<Relationships xmlns="{RELS}">{rels}</Relationships>'
        )
        z.writestr("xl/styles.xml", STYLES)
        z.writestr("xl/sharedStrings.xml", STRINGS)
        for i, data in enumerate(sheets.values(), 1):
            z.writestr(
                f"xl/worksheets/sheet{i}.xml",
                f'<worksheet xmlns="{MAIN}"><sheetData>{data}</sheetData></worksheet>',
            )
        for name, text in (extra or {}).items():
            z.writestr(name, text)
    return path


def read(path: Path, sheet: int = 0) -> list[tuple[int, list]]:
    with xlsx.open_workbook(path) as wb:
        return list(xlsx.rows(wb.worksheets[sheet], path.name))


def test_each_cell_type_is_read_as_excel_shows_it(tmp_path):
    """Excel's serial 43845 is 15 January 2020 in the 1900 base (43831 is 1 January 2020);
    0.5 in a duration style is 12 hours; a number in a number style stays a number."""
    path = workbook(
        tmp_path / "types.xlsx",
        {
            "List 1": (
                '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c>'
                '<c r="C1" t="inlineStr"><is><r><t>Na</t></r><r><t>me</t></r></is></c></row>'
                '<row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2" s="1"><v>43845</v></c>'
                '<c r="C2" s="2"><v>43846</v></c><c r="D2" s="3"><v>0.5</v></c>'
                '<c r="E2" s="4"><v>2.5</v></c><c r="F2"><v>7</v></c>'
                '<c r="G2" t="b"><v>1</v></c><c r="H2" t="e"><v>#N/A</v></c>'
                '<c r="I2" t="str"><v>text</v></c><c r="J2" t="d"><v>2020-01-17T00:00:00</v></c>'
                '<c r="K2" t="s"/></row>'
            )
        },
    )
    (n1, header), (n2, values) = read(path)
    assert (n1, header) == (1, ["Child Unique ID", "Date of birth", "Name"])
    assert n2 == 2
    assert values[:3] == ["Tanaka", datetime(2020, 1, 15), datetime(2020, 1, 16)]
    assert values[3].total_seconds() == 12 * 3600
    assert values[4:7] == [2.5, 7, True]
    assert isinstance(values[7], xlsx.ErrorValue) and values[7] == "#N/A"
    assert values[8:] == ["text", datetime(2020, 1, 17)]  # K2, empty, is trimmed


def test_dates_count_from_the_workbooks_own_base(tmp_path):
    """The 1904 base's day 0 is 1 January 1904, which is day 1462 in the 1900 base: so
    15 January 2020 (43845 in the 1900 base) is 43845 - 1462 = 42383, and day 1 is 2 January."""
    data = '<row r="1"><c r="A1" s="1"><v>42383</v></c><c r="B1" s="1"><v>1</v></c></row>'
    mac = workbook(tmp_path / "mac.xlsx", {"S": data}, date1904=True)
    assert read(mac) == [(1, [datetime(2020, 1, 15), datetime(1904, 1, 2)])]
    pc = workbook(tmp_path / "pc.xlsx", {"S": data})
    assert read(pc)[0][1][0] == datetime(2016, 1, 14)  # 42383 in the 1900 base


def test_missing_rows_and_columns_are_kept_in_place(tmp_path):
    """Rows 2 and 4 are absent, row 3's first cell has no reference (so it is A3) and its second
    is D3: row numbers and columns are where Excel shows them."""
    path = workbook(
        tmp_path / "gaps.xlsx",
        {
            "S": (
                '<row r="1"><c r="B1" t="inlineStr"><is><t>x</t></is></c></row>'
                '<row r="3"><c><v>1</v></c><c r="D3"><v>4</v></c></row>'
                '<row r="5"><c r="A5"><v>5</v></c></row>'
            )
        },
    )
    assert read(path) == [(1, [None, "x"]), (2, []), (3, [1, None, None, 4]), (4, []), (5, [5])]


@pytest.mark.parametrize(
    ("data", "cell"),
    [
        # A formula with its cached value: refused, though the value is there.
        ('<row r="1"><c r="A1"><v>1</v></c></row>'
         '<row r="2"><c r="C2"><f>A1+1</f><v>2</v></c></row>', "C2"),
        # The second cell of a shared formula has no text of its own: still a formula.
        ('<row r="1"><c r="A1"><v>1</v></c><c r="B1"><v>2</v></c></row>'
         '<row r="7"><c r="B7"><f t="shared" si="0"/><v>3</v></c></row>', "B7"),
        # An array formula, and a string formula result.
        ('<row r="4"><c r="E4" t="str"><f t="array" ref="E4">"a"&amp;"b"</f><v>ab</v></c></row>',
         "E4"),
    ],
)  # fmt: skip
def test_any_formula_cell_refuses_the_workbook_naming_sheet_and_cell(tmp_path, data, cell):
    path = workbook(tmp_path / "f.xlsx", {"Other": "", "List 1": data})
    with pytest.raises(InputError) as e:
        read(path, sheet=1)
    assert e.value.rule == "formula"
    assert e.value.location.file == "f.xlsx [List 1]"
    assert f"{e.value.location.field}{e.value.location.row}" == cell
    assert f"cell {cell} holds a formula" in e.value.message


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        # A number formula in a date style: 43845 + 1 is 16 January 2020.
        ('<row r="1"><c r="A1" s="1"><f>43845+1</f><v>43846</v></c></row>',
         [datetime(2020, 1, 16)]),
        # The second cell of a shared formula, a text result, an empty text result, an error.
        ('<row r="1"><c r="A1"><f t="shared" si="0"/><v>3</v></c>'
         '<c r="B1" t="str"><f>"a"&amp;"b"</f><v>ab</v></c>'
         '<c r="C1" t="str"><f>""</f><v></v></c><c r="D1" t="e"><f>NA()</f><v>#N/A</v></c></row>',
         [3, "ab", None, "#N/A"]),
    ],
)  # fmt: skip
def test_formulas_read_by_the_values_excel_saved_where_asked(tmp_path, data, expected):
    path = workbook(tmp_path / "f.xlsx", {"List 1": data})
    with xlsx.open_workbook(path) as wb:
        (n, values), *_ = xlsx.rows(wb.worksheets[0], "f.xlsx", formulas="saved")
    assert (n, values) == (1, expected)


@pytest.mark.parametrize(
    "data",
    [
        '<row r="3"><c r="B3"><f>A1+1</f></c></row>',  # no <v> at all
        '<row r="3"><c r="B3"><f>A1+1</f><v></v></c></row>',  # openpyxl's empty <v/>
    ],
)
def test_a_formula_with_no_saved_value_is_refused_even_where_values_are_read(tmp_path, data):
    path = workbook(tmp_path / "f.xlsx", {"List 1": data})
    with xlsx.open_workbook(path) as wb, pytest.raises(InputError) as e:
        list(xlsx.rows(wb.worksheets[0], "f.xlsx", formulas="saved"))
    assert (e.value.rule, e.value.location.file, e.value.location.row) == (
        "formula",
        "f.xlsx [List 1]",
        3,
    )
    assert e.value.location.field == "B" and "no saved value" in e.value.message


def test_a_workbook_openpyxl_wrote_reads_the_same_as_openpyxl_reads_it(tmp_path):
    """The reader against openpyxl's own on a workbook it wrote: strings, numbers, dates (as
    datetimes), booleans, blanks in the middle, a 1904 base."""
    wb = openpyxl.Workbook()
    wb.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
    ws = wb.active
    ws.title = "List 6"
    ws.append(["ID", "Date", "N", "Flag", None, "Text"])
    ws.append(["A1", date(2019, 3, 31), 3.25, False, None, "  spaced  "])
    ws.append([])
    ws.append(["A2", datetime(2020, 2, 29, 13, 30), -1, True, None, "é ü 中"])
    path = tmp_path / "openpyxl.xlsx"
    wb.save(path)
    expected = []
    for n, row in enumerate(openpyxl.load_workbook(path, read_only=True).active.iter_rows(), 1):
        values = [c.value for c in row]
        while values and values[-1] is None:
            values.pop()
        expected.append((n, values))
    assert read(path) == expected
    assert read(path)[1][1][1] == datetime(2019, 3, 31)


def test_damaged_sheet_xml_is_refused_naming_the_sheet(tmp_path):
    path = workbook(tmp_path / "bad.xlsx", {"List 1": '<row r="1"><c r="A1"><v>1</v></row>'})
    with pytest.raises(InputError) as e:
        read(path)
    assert (e.value.rule, e.value.location.file) == ("not-xlsx", "bad.xlsx [List 1]")


def test_an_entity_inside_a_sheet_is_refused_before_parsing(tmp_path):
    path = workbook(
        tmp_path / "dtd.xlsx",
        {"S": ""},
        extra={"xl/worksheets/sheet9.xml": '<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>'},
    )
    with pytest.raises(InputError) as e:
        read(path)
    assert e.value.rule == "xml-dtd"


def test_sheet_names_come_without_reading_the_sheets(tmp_path):
    """Finding a workbook's kind reads workbook.xml only: a damaged sheet does not stop it."""
    path = workbook(tmp_path / "names.xlsx", {"List 1": "<row", "List 2": ""})
    with xlsx.open_workbook(path) as wb:
        assert wb.sheetnames == ["List 1", "List 2"]
        assert [ws.title for ws in wb.worksheets] == ["List 1", "List 2"]
