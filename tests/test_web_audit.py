"""The audit log holds every refusal and every change of an account's rights, with who,
what, and the value before and after (the command line's child-level actions are in
tests/test_indicators_cli.py and tests/test_ingest.py)."""

from __future__ import annotations

import contextlib
import threading
import time

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from conftest import write_cin_xml
from selfeval.web.models import AuditEvent, User


def _signed_in(role: str, *codes: str) -> Client:
    user = User.objects.create(username=f"{role}-x", role=role, authorities=list(codes))
    c = Client()
    c.force_login(user)
    return c


def test_an_upload_of_another_authoritys_return_is_refused_and_logged(db, web_store, tmp_path):
    """A CIN census whose header says LEA 301, uploaded by an analyst of 302 only."""
    xml = write_cin_xml(tmp_path / "cin.xml", 3, lea="301")
    c = _signed_in("analyst", "302")
    f = SimpleUploadedFile("cin.xml", xml.read_bytes(), content_type="application/xml")
    r = c.post(reverse("load_upload"), {"files": [f]})
    assert r.status_code == 400
    assert web_store.loads() == []
    [e] = AuditEvent.objects.filter(action="refused upload")
    assert e.who == "analyst-x" and e.detail["files"] == ["cin.xml"]
    assert "authority 301's, which this account may not load" in e.detail["problem"]


def test_a_refused_file_is_logged_with_its_rule_not_its_values(db, web_store):
    c = _signed_in("analyst", "302")
    f = SimpleUploadedFile("header.csv", b"NOT,A,903,HEADER\nWEBCHILD99,1,2,3\n")
    r = c.post(reverse("load_upload"), {"files": [f], "la_code": "302", "return_year": "2020"})
    assert r.status_code == 400
    [e] = AuditEvent.objects.filter(action="refused upload")
    assert e.detail["files"] == ["header.csv"] and e.detail["la_code"] == "302"
    assert "WEBCHILD99" not in str(e.detail)


def test_a_refusal_by_role_is_logged(db):
    c = _signed_in("viewer")
    assert c.get(reverse("loads")).status_code == 403
    assert c.post(reverse("load_upload")).status_code == 403
    refused = [(e.action, e.what) for e in AuditEvent.objects.filter(action__startswith="refused")]
    assert sorted(refused) == [("refused role", "load_upload"), ("refused role", "loads")]


def test_an_administrators_change_of_rights_in_the_admin_site_is_logged_before_and_after(db):
    """Role analyst -> manager, authorities 302 -> 301 and 302, active -> inactive."""
    admin = _signed_in("administrator")
    u = User.objects.create(username="dan", role="analyst", authorities=["302"])
    url = reverse("admin:web_user_change", args=[u.pk])
    page = admin.get(url)
    assert page.status_code == 200
    data = {
        "username": "dan",
        "role": "manager",
        "authorities": '["301", "302"]',
        "is_active": "",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "09:00:00",
        "initial-date_joined_0": "2026-01-01",
        "initial-date_joined_1": "09:00:00",
    }
    r = admin.post(url, data)
    assert r.status_code == 302, r.content.decode()[:2000]
    events = {e.action: (e.who, e.detail) for e in AuditEvent.objects.filter(what="account dan")}
    assert events == {
        "set role": ("administrator-x", {"old": "analyst", "new": "manager"}),
        "set authorities": ("administrator-x", {"old": "302", "new": "301, 302"}),
        "set active": ("administrator-x", {"old": True, "new": False}),
    }


def _in_thread(fn):  # type: ignore[no-untyped-def]
    """Run ``fn`` in a thread of its own (its own database connection, closed after)."""
    from django.db import connection

    out: dict[str, object] = {}

    def run() -> None:
        try:
            out["value"] = fn()
        except Exception as e:
            out["error"] = e
        finally:
            connection.close()

    t = threading.Thread(target=run)
    t.start()
    return t, out


def _until(cond, seconds: float = 20.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while not cond():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_the_events_of_concurrent_requests_are_committed_together(transactional_db, monkeypatch):
    """While one thread's event is being committed, the events five other threads record
    wait and are then committed in one transaction; none returns before its event is
    written, and each comes back with its id."""
    from selfeval.web import audit

    batches: list[int] = []
    release = threading.Event()
    real = audit._commit

    def commit(events):  # type: ignore[no-untyped-def]
        batches.append(len(events))
        if len(batches) == 1:
            release.wait(20)
        real(events)

    monkeypatch.setattr(audit, "_commit", commit)
    first = _in_thread(lambda: audit.record("t", "view child-level", "page 0"))
    _until(lambda: batches == [1])
    rest = [
        _in_thread(lambda i=i: audit.record("t", "view child-level", f"page {i}"))
        for i in range(1, 6)
    ]
    _until(lambda: len(audit._COMMITTER._queue) == 5)
    assert not AuditEvent.objects.exists()  # nobody answered: the first commit is held
    release.set()
    for t, _ in (first, *rest):
        t.join(20)
    assert batches == [1, 5]
    got = [out["value"] for _, out in (first, *rest)]
    assert all(isinstance(e, AuditEvent) and e.pk for e in got)
    assert sorted(AuditEvent.objects.values_list("what", flat=True)) == [
        f"page {i}" for i in range(6)
    ]


def test_the_events_queued_while_a_process_waits_its_turn_go_in_its_commit(
    transactional_db, monkeypatch
):
    """Another process holds the turn: the events of six threads that queue meanwhile are
    committed in one transaction once it is this process's turn."""
    from selfeval.web import audit

    batches: list[int] = []
    waiting, release = threading.Event(), threading.Event()
    real_commit = audit._commit

    @contextlib.contextmanager
    def turn():  # type: ignore[no-untyped-def]
        waiting.set()
        release.wait(20)
        yield

    def commit(events):  # type: ignore[no-untyped-def]
        batches.append(len(events))
        real_commit(events)

    monkeypatch.setattr(audit, "_turn", turn)
    monkeypatch.setattr(audit, "_commit", commit)
    threads = [_in_thread(lambda: audit.record("t", "view child-level", "page"))]
    assert waiting.wait(20)
    threads += [_in_thread(lambda: audit.record("t", "view child-level", "page")) for _ in range(5)]
    _until(lambda: len(audit._COMMITTER._queue) == 6)
    release.set()
    for t, _ in threads:
        t.join(20)
    assert batches == [6]
    assert AuditEvent.objects.count() == 6


def test_a_failed_commit_fails_every_request_it_held(transactional_db, monkeypatch):
    """Events committed together fail together: each waiting request gets the error (its
    child-level page is not shown unlogged), and nothing is written."""
    from django.db import DatabaseError

    from selfeval.web import audit

    release = threading.Event()
    calls: list[int] = []

    def commit(events):  # type: ignore[no-untyped-def]
        calls.append(len(events))
        if len(calls) == 1:
            release.wait(20)
            return audit.AuditEvent.objects.bulk_create(events)
        raise DatabaseError("disk I/O error")

    monkeypatch.setattr(audit, "_commit", commit)
    first = _in_thread(lambda: audit.record("t", "view child-level", "page 0"))
    _until(lambda: calls == [1])
    rest = [_in_thread(lambda: audit.record("t", "view child-level", "page 1")) for _ in range(3)]
    _until(lambda: len(audit._COMMITTER._queue) == 3)
    release.set()
    for t, _ in (first, *rest):
        t.join(20)
    assert "value" in first[1]
    for _, out in rest:
        assert isinstance(out.get("error"), DatabaseError)
    assert list(AuditEvent.objects.values_list("what", flat=True)) == ["page 0"]


def test_an_event_recorded_inside_a_transaction_is_undone_with_it(transactional_db):
    from django.db import transaction

    from selfeval.web.audit import record

    with contextlib.suppress(RuntimeError), transaction.atomic():
        record("t", "set role", "account x", old="viewer", new="analyst")
        raise RuntimeError("the change failed")
    assert not AuditEvent.objects.exists()
    record("t", "set role", "account x", old="viewer", new="analyst")
    assert AuditEvent.objects.count() == 1
