"""The inspection-readiness pack in the web app: everyone may open it; viewers see the public
pack (no child, counts of 1-5 as c), child-level roles the internal one, audit-logged."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest

from selfeval.ingest import ingest

AT = "?la=999&at=2020-03-31"
LIST1 = ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age", "Date of Contact",
         "Contact Source"]  # fmt: skip
LIST9 = ["Child Unique ID", "Gender", "LA in Touch", "Suitability of Accommodation"]


@pytest.fixture
def loaded(web_store, tmp_path):  # type: ignore[no-untyped-def]
    """Annex A at 31 March 2020: WEBA1 contacted three times, WEBB2 once; care leavers
    WEBL1 (in touch) and WEBL2 (not)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "List 1"
    ws.append(LIST1)
    for child, d in (("WEBA1", 3), ("WEBA1", 10), ("WEBA1", 20), ("WEBB2", 5)):
        ws.append([child, "a) Male", "a) WBRI", date(2012, 1, 1), 8, date(2020, 2, d), "q) 6"])
    ws9 = wb.create_sheet("List 9")
    ws9.append(LIST9)
    ws9.append(["WEBL1", "a) Male", "a) Yes", "a) Suitable"])
    ws9.append(["WEBL2", "b) Female", "b) No", "b) Unsuitable"])
    path = tmp_path / "annex_a.xlsx"
    wb.save(path)
    ingest(web_store, [path], kind="annex-a", la_code="999", return_year=2020, validate=False)
    return web_store


def test_a_viewer_sees_the_public_pack(loaded, role_client):
    from selfeval.web.models import AuditEvent

    r = role_client("viewer").get("/annex-a/" + AT)
    assert r.status_code == 200
    html = r.content.decode()
    assert "Inspection readiness" in html and "Timeliness against the statutory standard" in html
    assert "WEB" not in html  # no child named
    assert ">c<" in html  # 2 care leavers in touch of... small counts suppressed
    assert not AuditEvent.objects.filter(action="view child-level").exists()


def test_child_level_roles_see_the_children_to_sample_and_are_audited(loaded, role_client):
    from selfeval.web.models import AuditEvent

    client = role_client("analyst")
    r = client.get("/annex-a/" + AT)
    assert r.status_code == 200 and r["Cache-Control"] == "no-store"
    html = r.content.decode()
    assert "Children with three or more contacts in the six months" in html
    assert "WEBA1" in html and "WEBL2" in html
    [e] = AuditEvent.objects.filter(action="view child-level")
    assert e.who == "test-analyst"
    assert e.detail == {"la_code": "999", "at": "2020-03-31", "tables": 6}
    assert "WEB" not in e.what + str(e.detail)
    x = client.get("/annex-a/readiness-pack.xlsx" + AT)
    assert x.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(x.content))
    assert [c.value for c in wb["sample_repeat_contacts"]["A"]][2:] == ["WEBA1"]
    [d] = AuditEvent.objects.filter(action="download child-level")
    assert d.detail["tables"] == 6 and "XLSX" in d.what
