"""The children an indicator counts, on the web: child-level roles only, paginated, CSV/XLSX
safe from formulas, and every view and download in the audit log (never a child's id)."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from builders import episode
from conftest import HANDMADE_CHILDREN, handmade_903, write_903_children
from selfeval.ingest import ingest_903
from selfeval.web.roles import CHILD_LEVEL, ROLES

AT = "?la=999&at=2020-03-31"
LIST = "/indicators/cla_count/children/" + AT


@pytest.fixture
def loaded(web_store, tmp_path):  # type: ignore[no-untyped-def]
    ingest_903(web_store, handmade_903(tmp_path / "903"), la_code="999", return_year=2020)
    return web_store


@pytest.mark.parametrize("role", list(ROLES))
@pytest.mark.parametrize(
    "path",
    [LIST, "/indicators/cla_count/children.csv" + AT, "/indicators/cla_count/children.xlsx" + AT],
)
def test_only_child_level_roles_get_the_list(loaded, role_client, role, path):
    """Administrator, analyst, auditor and manager get it (200); a viewer (councillor) never."""
    r = role_client(role).get(path)
    assert r.status_code == (200 if role in CHILD_LEVEL else 403)
    if role not in CHILD_LEVEL:
        assert "WEBCHILD" not in r.content.decode(errors="replace")


def test_the_list_names_the_three_children_worked_out_by_hand(loaded, role_client):
    """At 31/03/2020 (handmade_903): WEBCHILD01 (since 1/6/2019), WEBCHILD02 by its open
    episode (moved 15/1/2020, P, U4) and WEBCHILD03 (started 31/3/2020); not WEBCHILD04,
    whose episode ended on the date."""
    from selfeval.web.models import AuditEvent

    r = role_client("analyst").get(LIST)
    assert r.status_code == 200 and r["Cache-Control"] == "no-store"
    html = r.content.decode()
    assert html.count("WEBCHILD") == 3 and HANDMADE_CHILDREN[3] not in html
    assert "2020-01-15" in html or "15 Jan 2020" in html or "Jan. 15, 2020" in html
    assert "Rows 1 to 3 of 3" in html
    [e] = AuditEvent.objects.filter(action="view child-level")
    assert e.who == "test-analyst"
    assert e.what == "children counted by cla_count for 999 at 2020-03-31: page 1, 3 of 3 rows"
    assert e.detail == {
        "indicator": "cla_count",
        "la_code": "999",
        "at": "2020-03-31",
        "rows": 3,
        "total": 3,
    }
    assert "WEBCHILD" not in e.what + str(e.detail)


def test_downloads_are_whole_lists_and_audited(loaded, role_client):
    from selfeval.web.models import AuditEvent

    client = role_client("auditor")
    r = client.get("/indicators/cla_count/children.csv" + AT)
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0] == ["child_id", "la_code", "DECOM", "RNE", "LS", "PLACE"]
    assert [row[0] for row in rows[1:]] == ["WEBCHILD01", "WEBCHILD02", "WEBCHILD03"]
    assert rows[2][2:] == ["2020-01-15", "P", "C2", "U4"]
    x = client.get("/indicators/cla_count/children.xlsx" + AT)
    ws = load_workbook(io.BytesIO(x.content)).active
    assert [c.value for c in ws["A"]][1:] == ["WEBCHILD01", "WEBCHILD02", "WEBCHILD03"]
    events = list(AuditEvent.objects.filter(action="download child-level").order_by("id"))
    assert [(e.who, e.detail["format"], e.detail["rows"]) for e in events] == [
        ("test-auditor", "csv", 3),
        ("test-auditor", "xlsx", 3),
    ]
    assert events[0].what == "children counted by cla_count for 999 at 2020-03-31: CSV, 3 rows"


def test_a_child_id_that_looks_like_a_formula_is_escaped(web_store, role_client, tmp_path):
    """A hostile return's CHILD '=HYPERLINK("http://x")' is text in both downloads."""
    evil = '=HYPERLINK("http://x")'
    files = write_903_children(tmp_path, [episode(evil, "01/06/2019")], dob="01/01/2012")
    ingest_903(web_store, files, la_code="999", return_year=2020)
    client = role_client("analyst")
    r = client.get("/indicators/cla_count/children.csv" + AT)
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[1][0] == "'" + evil
    x = client.get("/indicators/cla_count/children.xlsx" + AT)
    ws = load_workbook(io.BytesIO(x.content)).active
    assert ws["A2"].value == "'" + evil and ws["A2"].data_type == "s"


def test_pages_of_fifty(web_store, role_client, tmp_path):
    """120 children looked after at 31/03/2020: pages of 50, 50 and 20; each view audited."""
    from selfeval.web.models import AuditEvent

    kids = [f"K{i:03d}" for i in range(120)]
    files = write_903_children(tmp_path, [episode(k, "01/06/2019") for k in kids], dob="01/01/2012")
    ingest_903(web_store, files, la_code="999", return_year=2020)
    client = role_client("manager")
    last = client.get(LIST + "&page=3").content.decode()
    assert "Rows 101 to 120 of 120" in last and "K119" in last and "K099" not in last
    first = client.get(LIST).content.decode()
    assert "Rows 1 to 50 of 120" in first and 'rel="next"' in first
    assert [
        e.detail["rows"]
        for e in AuditEvent.objects.filter(action="view child-level").order_by("id")
    ] == [
        20,
        50,
    ]


def test_an_indicator_not_about_children_says_so(loaded, role_client):
    from selfeval.web.models import AuditEvent

    r = role_client("analyst").get("/indicators/sw_turnover_pct/children/" + AT)
    assert r.status_code == 404
    assert (
        "The indicator sw_turnover_pct is not counted from children&#x27;s records"
        in r.content.decode()
    )
    assert role_client("analyst").get("/indicators/sw_turnover_pct/children.csv").status_code == 404
    assert not AuditEvent.objects.filter(action__endswith="child-level").exists()


def test_the_indicator_page_links_to_the_list_for_child_level_roles_only(loaded, role_client):
    page = "/indicators/cla_count/" + AT
    assert "children counted" in role_client("analyst").get(page).content.decode()
    assert "children counted" not in role_client("viewer").get(page).content.decode()
