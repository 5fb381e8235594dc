"""``selfeval indicators``: list, info, docs, figures at a date and month-end series in every
format, on a small ingested store."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from builders import episode
from conftest import run_cli, write_903_children
from selfeval.cli import cli
from selfeval.errors import UsageError
from selfeval.indicators import Result, catalogue
from selfeval.indicators.export import to_xlsx
from selfeval.ingest import ingest_903


@pytest.fixture
def db(store, tmp_path):
    """One child looked after from 01/05/2018 (2019 return): cla_count 1 on 31/03/2019."""
    files = write_903_children(tmp_path, [episode("A", "01/05/2018")])
    ingest_903(store, files, la_code="999", return_year=2019)
    return str(store.engine.url)


def invoke(db, *args):
    r = CliRunner().invoke(cli, ["--db", db, "indicators", *args], catch_exceptions=False)
    return r


def test_list_and_info(db):
    out = invoke(db, "list").output
    assert all(i in out for i in catalogue())
    info = invoke(db, "info", "cla_count").output
    assert "definition:" in info and "short breaks" in info
    r = CliRunner().invoke(cli, ["--db", db, "indicators", "info", "no_such_thing"])
    assert isinstance(r.exception, UsageError)


def test_json_at_a_date(db):
    rows = json.loads(invoke(db, "--at", "2019-03-31", "--format", "json").output)
    assert len(rows) == len(catalogue())
    by_id = {r["id"]: r for r in rows}
    assert by_id["cla_count"]["value"] == 1
    assert by_id["cla_count"]["period_start"] == "2019-03-31"
    assert by_id["cla_starts"]["period_start"] == "2018-04-01"
    # No CIN census loaded: a reason, never a silent zero.
    assert by_id["cp_count"]["value"] is None
    assert by_id["cp_count"]["reason"].startswith("no data")
    # Outside the loaded return's year: no data, not zero.
    later = json.loads(
        invoke(db, "--at", "2020-03-31", "--format", "json", "--id", "cla_count").output
    )
    assert later[0]["value"] is None and "do not cover" in later[0]["reason"]


def test_month_end_series_as_csv(db):
    r = invoke(
        db,
        "--from",
        "2018-04-01",
        "--to",
        "2019-03-31",
        "--every",
        "month",
        "--format",
        "csv",
        "--id",
        "cla_count",
        "--la",
        "999",
    )
    rows = list(csv.DictReader(io.StringIO(r.output)))
    assert [x["date"] for x in rows][:2] == ["2018-04-30", "2018-05-31"]
    assert [float(x["value"]) for x in rows] == [0.0] + [1.0] * 11


def test_quarter_period(db):
    rows = json.loads(
        invoke(
            db,
            "--at",
            "2018-06-30",
            "--period",
            "quarter",
            "--format",
            "json",
            "--id",
            "cla_starts",
        ).output
    )
    assert (rows[0]["period_start"], rows[0]["value"]) == ("2018-04-01", 1)


def test_xlsx_needs_out_and_writes_a_workbook(db, tmp_path):
    assert invoke(db, "--at", "2019-03-31", "--format", "xlsx").exit_code == 2
    out = tmp_path / "x.xlsx"
    assert invoke(db, "--at", "2019-03-31", "--format", "xlsx", "--out", str(out)).exit_code == 0
    ws = load_workbook(out).active
    assert ws["A1"].value == "id" and ws.max_row == len(catalogue()) + 1


def test_xlsx_escapes_formula_like_cells(tmp_path):
    r = Result(
        id="x",
        title='=HYPERLINK("http://evil","x")',
        la_code="@SUM(A1)",
        date=date(2019, 3, 31),
        period_start=date(2019, 3, 31),
        period_end=date(2019, 3, 31),
        value=1.0,
        numerator=1.0,
        denominator=None,
        unit="count",
        reason="-2+3",
    )
    ws = load_workbook(to_xlsx([r], tmp_path / "f.xlsx")).active
    assert ws["B2"].value == '\'=HYPERLINK("http://evil","x")'
    assert ws["C2"].value == "'@SUM(A1)"
    assert ws["K2"].value == "'-2+3"
    assert ws["G2"].value == 1.0  # numbers stay numbers


def test_docs_command_prints_the_page(db):
    assert invoke(db, "docs").output.startswith("# Indicators")


@pytest.mark.parametrize(
    ("end", "period", "start"),
    [
        ("2019-03-31", "year", "2018-04-01"),
        ("2018-06-30", "quarter", "2018-04-01"),
        ("2020-02-29", "year", "2019-03-01"),
        ("2019-09-30", "month", "2019-09-01"),
    ],
)
def test_period_start(end, period, start):
    from selfeval.indicators import period_start

    assert period_start(date.fromisoformat(end), period) == date.fromisoformat(start)


@pytest.mark.django_db
def test_children_lists_the_child_counted_and_writes_a_safe_csv(db, tmp_path):
    """The store's one child, A, looked after on 31/03/2019 (episode from 1/5/2018, S, C2, U1).
    Both the list and the CSV are in the audit log, as the web's child-level pages are."""
    from selfeval.web.models import AuditEvent

    r = invoke(db, "children", "cla_count", "--at", "2019-03-31")
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    assert lines[0].split("\t") == ["child_id", "la_code", "DECOM", "RNE", "LS", "PLACE"]
    assert lines[1].split("\t") == ["A", "999", "2018-05-01", "S", "C2", "U1"]
    assert lines[-1] == "cla_count at 2019-03-31 for 999 (as now recorded): 1 rows"
    out = tmp_path / "children.csv"
    r = invoke(db, "children", "cla_count", "--at", "2019-03-31", "--csv", str(out))
    assert r.exit_code == 0 and "1 rows" in r.output
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert rows == [lines[0].split("\t"), lines[1].split("\t")]
    events = [(e.action, e.what, e.detail) for e in AuditEvent.objects.order_by("id")]
    common = {"via": "command line", "la_code": "", "count": 1}
    assert events == [
        ("view child-level", "children of cla_count at 2019-03-31", common),
        ("export child-level", "children of cla_count at 2019-03-31", common | {"file": str(out)}),
    ]
    assert all(e.who.startswith("cli") for e in AuditEvent.objects.all())


def test_children_of_a_workforce_figure_is_refused_in_a_sentence(db, capsys):
    code, _, err = run_cli(
        capsys, "--db", db, "indicators", "children", "sw_turnover_pct", "--at", "2019-03-31"
    )
    assert code == 2
    assert "sw_turnover_pct is not counted from children's records" in err
