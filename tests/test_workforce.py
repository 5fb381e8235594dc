"""Workforce return (CSWW): DfE's XML and its items as CSV/XLSX, read into workforce_* tables."""

from __future__ import annotations

from datetime import date

import openpyxl
import pyarrow.compute as pc
import pytest

from builders import refusal
from selfeval.errors import UsageError
from selfeval.returns import workforce
from selfeval.returns.detect import detect

WORKERS = (
    "AgencyWorker,SWENo,FTE,OrgRole,RoleStartDate,RoleEndDate,ReasonLeave,FTE30,Cases30,"
    "WorkingDaysLost\n"
    "0,SW0000000001,1,5,01/01/2015,,,1,18,3\n"
    "0,SW0000000002,0.5,5,2019-11-01,,,0.5,9,0\n"
    "0,SW0000000003,1,5,01/01/2015,30/06/2020,1,,,\n"
    "1,SW0000000004,1,5,01/01/2020,,,1,20,0\n"
)
XML = """<Message><Header><CollectionDetails><Collection>CSWW</Collection><Year>2020</Year>
<ReferenceDate>2020-09-30</ReferenceDate></CollectionDetails><Source><SourceLevel>L</SourceLevel>
<LEA>336</LEA></Source></Header>
<LALevelVacancies><NumberOfVacancies>2.50</NumberOfVacancies><NoAgencyFTE>1.00</NoAgencyFTE>
<NoAgencyHeadcount>1</NoAgencyHeadcount></LALevelVacancies>
<CSWWWorker><AgencyWorker>0</AgencyWorker><SWENo>SW0000000001</SWENo><FTE>1.000000</FTE>
<OrgRole>5</OrgRole><RoleStartDate>2015-01-01</RoleStartDate><FTE30>1.000000</FTE30>
<Cases30>18</Cases30><WorkingDaysLost>3.00</WorkingDaysLost></CSWWWorker>
<CSWWWorker><AgencyWorker>0</AgencyWorker><SWENo>SW0000000003</SWENo><FTE>1.000000</FTE>
<RoleStartDate>2015-01-01</RoleStartDate><RoleEndDate>2020-06-30</RoleEndDate>
<ReasonLeave>1</ReasonLeave></CSWWWorker>
</Message>"""


def test_worker_items_as_csv(tmp_path):
    """Four workers at 30 September 2020: two employed in post (FTE 1 and 0.5), one employed
    leaver (FTE 1), one agency worker (FTE 1); so turnover 1 / 1.5 and agency 1 / (1 + 1.5)."""
    path = tmp_path / "workers.csv"
    path.write_text(WORKERS)
    assert detect(path) == "workforce"
    t = workforce.read(path, la_code="336", return_year=2020)["workforce_workers"]
    assert t.column("RoleStartDate").to_pylist()[1] == date(2019, 11, 1)  # ISO also read
    assert t.column("RoleEndDate").to_pylist()[2] == date(2020, 6, 30)
    employed = pc.equal(t.column("AgencyWorker"), "0")
    left = pc.is_valid(t.column("RoleEndDate"))
    in_post = pc.sum(t.filter(pc.and_(employed, pc.invert(left))).column("FTE")).as_py()
    leavers = pc.sum(t.filter(pc.and_(employed, left)).column("FTE")).as_py()
    agency = pc.sum(t.filter(pc.invert(employed)).column("FTE")).as_py()
    assert (in_post, leavers, agency) == (1.5, 1.0, 1.0)
    assert round(leavers / in_post, 3) == 0.667
    assert agency / (agency + in_post) == 0.4


def test_dfe_xml_names_its_la_and_year(tmp_path):
    path = tmp_path / "csww.xml"
    path.write_text(XML)
    assert detect(path) == "workforce"
    t = workforce.read(path)
    assert (t.la_code, t.return_year) == ("336", 2020)
    assert t["workforce_vacancies"].to_pylist()[0]["NumberOfVacancies"] == 2.5
    assert t["workforce_workers"].column("SWENo").to_pylist() == ["SW0000000001", "SW0000000003"]
    assert t["workforce_header"].to_pylist()[0]["ReferenceDate"] == date(2020, 9, 30)
    assert t.warnings == []


def test_worker_items_no_table_keeps_are_counted_and_named(tmp_path):
    """A census year's new item (``PostTitle`` here, made up) is not lost silently."""
    path = tmp_path / "csww.xml"
    path.write_text(
        XML.replace("<OrgRole>5</OrgRole>", "<OrgRole>5</OrgRole><PostTitle>x</PostTitle>")
    )
    t = workforce.read(path)
    assert [str(w) for w in t.warnings] == [
        "csww.xml: 1 elements that selfeval does not keep were left out: 1 CSWWWorker/PostTitle "
        "[not-read]"
    ]


def test_xlsx_with_workers_and_vacancies_sheets(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Workers"
    for line in WORKERS.strip().splitlines():
        ws.append(line.split(","))
    vac = wb.create_sheet("Vacancies")
    vac.append(["NumberOfVacancies", "NoAgencyFTE", "NoAgencyHeadcount"])
    vac.append([2.5, 1, 1])
    path = tmp_path / "csww.xlsx"
    wb.save(path)
    assert detect(path) == "workforce"
    t = workforce.read(path, la_code="336", return_year=2020)
    assert t["workforce_workers"].num_rows == 4
    assert t["workforce_vacancies"].to_pylist()[0]["NoAgencyHeadcount"] == 1


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("AgencyWorker,SWENo,FTE\n0,SW1,one\n", "number"),
        ("AgencyWorker,SWENo,RoleStartDate\n0,SW1,31/02/2020\n", "date-format"),
        ("AgencyWorker,SWENo\n0,\n", "required"),
        ("CHILD,SEX,DOB\n1,1,01/01/2010\n", "wrong-kind"),
    ],
)
def test_unreadable_tables_are_refused(tmp_path, text, rule):
    path = tmp_path / "w.csv"
    read = workforce.read
    assert refusal(read, path, text, la_code="336", return_year=2020) == (rule, "w.csv")


def test_a_table_needs_la_and_year(tmp_path):
    path = tmp_path / "w.csv"
    path.write_text(WORKERS)
    with pytest.raises(UsageError):
        workforce.read(path)
