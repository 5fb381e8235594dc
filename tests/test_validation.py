"""DfE's rules through D2I's validators, run in their own environment; the report renderers."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pyarrow as pa
import pytest

from conftest import write_903_table, write_cin_xml
from selfeval.returns import cin_census
from selfeval.validation import (
    CrashedRule,
    ValidationIssue,
    ValidationReport,
    cin_table_differences,
    convert_data,
    validate_903,
    validate_cin,
)
from selfeval.validation.render import to_html, write

pytestmark = []


def _903_files(tmp_path: Path) -> list[Path]:
    # Child 2's SEX is 3, which is not a code (rule 101); child 1 is clean on that rule.
    header = write_903_table(
        tmp_path / "header.csv",
        "ssda903_header",
        [
            {"CHILD": "1", "SEX": "1", "DOB": "01/01/2010", "ETHNIC": "WBRI"},
            {"CHILD": "2", "SEX": "3", "DOB": "01/01/2011", "ETHNIC": "WBRI"},
        ],
    )
    episodes = write_903_table(
        tmp_path / "episodes.csv",
        "ssda903_episodes",
        [
            {
                "CHILD": "1",
                "DECOM": "01/05/2023",
                "RNE": "S",
                "LS": "C2",
                "CIN": "N1",
                "PLACE": "U1",
                "PLACE_PROVIDER": "PR1",
            },
            {
                "CHILD": "2",
                "DECOM": "01/06/2023",
                "RNE": "S",
                "LS": "C2",
                "CIN": "N1",
                "PLACE": "U1",
                "PLACE_PROVIDER": "PR1",
            },
        ],
    )
    return [header, episodes]


@pytest.mark.validators
def test_903_rules_name_child_table_row_and_field(tmp_path, validators):
    report = validate_903(_903_files(tmp_path), return_year=2024, la_ons_code="E08000031")
    assert report.failure is None
    assert (report.package, report.ruleset) == ("csc-validator-be-903", "lac2023_24")
    sex = [i for i in report.issues if i.rule == "101"]
    # Header row 2 of the validator's table (child 2), field SEX; error level, so not passed.
    assert [(i.child, i.table, i.row, i.field) for i in sex] == [("2", "Header", 2, "SEX")]
    assert sex[0].severity == "error" and not report.passed
    assert ("101", "error", sex[0].message, 1) in report.counts_by_rule


@pytest.mark.validators
def test_903_tables_from_the_store_validate_like_their_files(tmp_path, validators):
    from selfeval.returns import ssda903

    tables = {}
    for p in _903_files(tmp_path):
        name, t = ssda903.read_csv(p, la_code="336", return_year=2024)
        tables[name] = t
    from_files = validate_903(_903_files(tmp_path), return_year=2024)
    from_tables = validate_903(tables, return_year=2024)
    key = sorted((i.rule, i.child, i.table, i.row, i.field) for i in from_files.issues)
    assert sorted((i.rule, i.child, i.table, i.row, i.field) for i in from_tables.issues) == key


@pytest.mark.validators
def test_our_cin_tables_equal_convert_datas(tmp_path, validators):
    """Same file, both parsers: every table equal, cell for cell (one review date per plan,
    where the validator and DfE's schema agree; see the next test for where they do not)."""
    path = write_cin_xml(tmp_path / "cin.xml", 40, seed=7)
    assert cin_table_differences(cin_census.read(path), convert_data(path)) == []


@pytest.mark.validators
def test_every_review_date_is_kept_where_the_validator_keeps_the_first(tmp_path, validators):
    path = write_cin_xml(tmp_path / "cin.xml", 40, seed=7, reviews_per_plan=2)
    theirs = convert_data(path)["tables"]
    ours = cin_census.read(path)
    plans = ours["cin_cp_plans"].num_rows
    assert plans > 0
    assert ours["cin_cp_reviews"].num_rows == 2 * plans
    assert len(theirs["Reviews"]["rows"]) == plans


@pytest.mark.validators
def test_cin_rules_and_crashed_rules_are_reported(tmp_path, validators):
    path = write_cin_xml(tmp_path / "cin.xml", 20, seed=3)
    report = validate_cin(path)
    assert report.failure is None and report.return_year == 2024
    assert report.ruleset == "cin2023_24"
    assert report.issues and all(i.rule and i.message for i in report.issues)
    # Rule 8614 fails on the list the validator itself puts in Assessments.AssessmentFactors:
    # it crashes inside the validator, and the report says so.
    crashed = {c.rule: c.error for c in report.crashed}
    assert "8614" in crashed and "TypeError" in crashed["8614"]


def _hand_report() -> ValidationReport:
    return ValidationReport(
        validator="903",
        package="csc-validator-be-903",
        version="0.1.17",
        ruleset="lac2023_24",
        return_year=2024,
        files=["header.csv"],
        issues=[
            ValidationIssue(
                "101", "Gender code is not valid.", "error", "=HYPERLINK(1)", "Header", 2, "SEX"
            ),
            ValidationIssue(
                "101", "Gender code is not valid.", "error", "<script>", "Header", 3, "SEX"
            ),
            ValidationIssue("4004Q", "Query <b>", "query", "+1", "Header", 4, "DOB"),
        ],
        crashed=[CrashedRule("8614", "A rule", "TypeError: unhashable type: 'list'")],
    )


def test_report_counts_and_round_trip():
    r = _hand_report()
    assert (r.errors, r.queries, r.passed) == (2, 1, False)
    assert r.counts_by_rule == [
        ("101", "error", "Gender code is not valid.", 2),
        ("4004Q", "query", "Query <b>", 1),
    ]
    assert ValidationReport.from_dict(r.to_dict()) == r


def test_renderers_escape_formulas_and_html(tmp_path):
    r = _hand_report()
    html = to_html([r])
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "8614" in html and "unhashable" in html  # crashed rules are shown

    write([r], tmp_path / "r.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "r.xlsx")
    children = [row[5] for row in wb["Issues"].iter_rows(min_row=2, values_only=True)]
    assert children == ["'=HYPERLINK(1)", "<script>", "'+1"]
    assert [c.data_type for c in wb["Issues"]["F"][1:]] == ["s", "s", "s"]
    assert wb["Crashed rules"]["B2"].value == "8614"

    write([r], tmp_path / "r.csv")
    rows = list(csv.reader((tmp_path / "r.csv").open()))
    assert rows[0][:3] == ["validator", "return_year", "rule"]
    assert rows[1][5] == "'=HYPERLINK(1)" and rows[3][5] == "'+1"
    assert rows[-1][:4] == ["903", "2024", "8614", "crashed"]


@pytest.mark.validators
def test_cli_validate_exit_code_and_report(tmp_path, validators):
    from selfeval.cli import main

    files = _903_files(tmp_path)
    with pytest.raises(SystemExit) as e:
        main(["validate", *map(str, files), "--year", "2024", "--report", str(tmp_path / "v.html")])
    assert e.value.code == 1
    assert "101" in (tmp_path / "v.html").read_text()


def test_tables_input_rejects_nothing_to_validate():
    from selfeval.errors import UsageError

    with pytest.raises(UsageError):
        validate_903({"not_a_903_table": pa.table({"a": [1]})}, return_year=2024)


def test_ons_code_from_either_code(store):
    import sqlalchemy as sa

    from selfeval.store import db
    from selfeval.validation import ons_code

    with store.engine.begin() as c:
        c.execute(
            sa.insert(db.bench_areas).values(
                la_code="336", new_la_code="E08000031", la_name="Wolverhampton"
            )
        )
    assert ons_code("336", store) == "E08000031"
    assert ons_code("E09000027", store) == "E09000027"
    assert ons_code("335", store) is None
    assert ons_code("336") is None  # no store, no lookup


@pytest.mark.validators
def test_ingest_keeps_the_report_and_strict_refuses(tmp_path, store, validators):
    """Child 2's SEX 3 breaks rule 101: the load keeps the breach; --strict loads nothing."""
    from selfeval.ingest import ValidationRefused, ingest

    files = _903_files(tmp_path)
    with pytest.raises(ValidationRefused):
        ingest(store, files, kind="903", return_year=2024, la_code="336", strict=True)
    assert store.loads() == []
    result = ingest(store, files, kind="903", return_year=2024, la_code="336")
    (outcome,) = result.loads
    summary = outcome.load.validation
    assert summary["status"] == "validated" and summary["errors"] > 0
    assert ["101", "error", "Gender code is not valid.", 1] in summary["by_rule"]
