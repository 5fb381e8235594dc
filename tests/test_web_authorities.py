"""Accounts see only their authorities, at every URL of the permission matrix.

Two authorities share one store: 302 (A, words starting "Apple") and 301 (B, "Zebra"), B
first in order so that a page falling back to "the first authority" would show B's. Each
has the hand-made 903 return, a practice week with one audit, a plan with one action and an
introduction. An analyst of A must never see B's figures, audits, plan, loads, narrative or
downloads; naming B (``?la=302``, or B's load, audit, week or action) answers 404 and is
logged; an account of both sees both.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse

from selfeval.access import Authorities
from selfeval.web.roles import PUBLIC, SIGNED_IN, allowed
from test_web_permissions import APP_URLS

A, B = "302", "301"
WORD = {A: "Apple", B: "Zebra"}
FORMATS = {"table": "csv", "doc": "html"}  # html documents, so that their text can be searched
SCOPED_ROLES = ("analyst", "manager", "auditor", "viewer")
"""Roles an authority-limited account may have (administrators see every authority)."""


def _records(store, la: str, tmp) -> dict[str, object]:  # type: ignore[no-untyped-def]
    from conftest import handmade_903
    from selfeval.assurance.grades import Grade
    from selfeval.assurance.records import AssuranceData, Audit, PracticeWeek
    from selfeval.assurance.repository import audits, practice_weeks, save_assurance
    from selfeval.ingest import ingest_903
    from selfeval.plans.records import Action, Plan, Priority
    from selfeval.plans.repository import plan, save_plan

    w = WORD[la]
    load = ingest_903(store, handmade_903(tmp / la), la_code=la, return_year=2020).load
    week = PracticeWeek(f"{w} week", date(2020, 3, 2), date(2020, 3, 6))
    audit = Audit(
        "WEBCHILD01",
        date(2020, 3, 3),
        "auditor",
        Grade(2),
        team=f"{w} team",
        practice_week=week.name,
        strengths=f"{w} strengths",
    )
    save_assurance(store, la, AssuranceData(practice_weeks=(week,), audits=(audit,)))
    p = Plan(
        plan_year="2020-21",
        priorities=(Priority(ref="1", title=f"{w} priority"),),
        actions=(Action("1", "1.1", f"{w} action", "owner", date(2020, 9, 30), "Amber"),),
    )
    save_plan(store, la, p, today=date(2020, 4, 1))
    return {
        "la_code": la,
        "load_id": load.id,
        "audit_id": audits(store, la)[0].id,
        "week_id": practice_weeks(store, la)[0].id,
        "action_id": plan(store, la).actions[0].id,
    }


@pytest.fixture(scope="module")
def two_authorities(tmp_path_factory):  # type: ignore[no-untyped-def]
    """(store URL, {authority: its code and record ids}) for A and B."""
    from selfeval.store import Store

    tmp = tmp_path_factory.mktemp("authorities")
    url = f"sqlite:///{tmp / 'store.db'}"
    s = Store(url)
    ids = {la: _records(s, la, tmp) for la in (A, B)}
    s.engine.dispose()
    return url, ids


@pytest.fixture
def store_ids(two_authorities, settings, db):  # type: ignore[no-untyped-def]
    from django.core.cache import cache

    from selfeval.web import narrative
    from selfeval.web.store import forget_stores

    url, ids = two_authorities
    settings.SELFEVAL_DB = url
    for la in (A, B):
        narrative.save(la, "introduction", f"{WORD[la]} narrative.", "writer")
    cache.clear()
    forget_stores()
    yield ids
    forget_stores()


@pytest.fixture
def scoped_client(db):  # type: ignore[no-untyped-def]
    """``scoped_client(role, *codes)``: a client signed in as an account of those authorities."""
    from django.test import Client

    from selfeval.web.models import User

    def make(role: str, *codes: str) -> Client:
        user = User.objects.create(
            username=f"{role}-{'-'.join(codes)}", role=role, authorities=list(codes)
        )
        c = Client()
        c.force_login(user)
        return c

    return make


def _role_for(name: str, ns: str) -> str | None:
    entry = allowed(name, ns)
    if entry in (PUBLIC, SIGNED_IN) or entry is None:
        return None
    return next((r for r in SCOPED_ROLES if r in entry), None)  # type: ignore[operator]


def _url(name: str, kwargs: dict, ids: dict[str, object], query: str = "") -> str:
    kw = {k: ids.get(k, v) for k, v in kwargs.items()}
    if "fmt" in kw:
        kw["fmt"] = "html" if kw["fmt"] in ("pdf", "docx") else kw["fmt"]
    return reverse(name, kwargs=kw) + query


DATA_URLS = [(ns, name, kw) for ns, name, kw in APP_URLS if _role_for(name, ns)]
RECORD_URLS = [u for u in DATA_URLS if {"la_code", "load_id", "audit_id", "week_id"} & set(u[2])]


def test_every_data_url_is_covered():
    """Every URL but the public, the signed-in-only and the administrators' is tested here."""
    names = {name for _, name, _ in DATA_URLS}
    assert {"dashboard", "loads", "load", "audit", "plan", "evaluation_download"} <= names
    assert len(DATA_URLS) >= 25
    assert {name for _, name, _ in RECORD_URLS} >= {
        "load",
        "load_undo",
        "audit",
        "practice_week",
        "region_pack",
    }


def _refusals(la: str) -> int:
    from selfeval.web.models import AuditEvent

    refused = AuditEvent.objects.filter(action="refused authority")
    return sum(1 for e in refused if e.detail["la_code"] == la)


@pytest.mark.parametrize(("ns", "name", "kwargs"), DATA_URLS, ids=[u[1] for u in DATA_URLS])
def test_naming_another_authority_answers_404_and_is_logged(
    ns, name, kwargs, store_ids, scoped_client
):
    c = scoped_client(_role_for(name, ns), A)
    r = c.get(_url(name, kwargs, store_ids[A], f"?la={B}"))
    assert r.status_code == 404, name
    assert _refusals(B) == 1


@pytest.mark.parametrize(("ns", "name", "kwargs"), RECORD_URLS, ids=[u[1] for u in RECORD_URLS])
def test_another_authoritys_record_answers_404_and_is_logged(
    ns, name, kwargs, store_ids, scoped_client
):
    c = scoped_client(_role_for(name, ns), A)
    r = c.get(_url(name, kwargs, store_ids[B]))
    assert r.status_code == 404, name
    assert _refusals(B) == 1


B_TRACES = re.compile(rf"Zebra|la={B}\b|value=\"{B}\"|\b{B}\b")
"""What any of B's records would leave in a page: its words, its code as a word."""


@pytest.mark.parametrize(("ns", "name", "kwargs"), DATA_URLS, ids=[u[1] for u in DATA_URLS])
def test_an_account_of_one_authority_sees_none_of_anothers(
    ns, name, kwargs, store_ids, scoped_client
):
    c = scoped_client(_role_for(name, ns), A)
    r = c.get(_url(name, kwargs, store_ids[A]))
    assert r.status_code not in (403, 404, 500), f"{name} answered {r.status_code}"
    body = r.content.decode("utf-8", "replace")
    assert B_TRACES.search(body) is None, f"{name} shows authority {B}'s data"
    assert B not in r.get("Content-Disposition", "")


def test_pages_show_the_accounts_own_authority(store_ids, scoped_client):
    """A's analyst, asking for no authority, gets A's: its words, its loads, its download."""
    c = scoped_client("analyst", A)
    assert "Apple priority" in c.get(reverse("plan")).content.decode()
    assert "Apple narrative" in c.get(reverse("evaluation_section", args=["introduction"])).text
    assert "Apple week" in c.get(reverse("practice_weeks")).content.decode()
    r = c.get(reverse("evaluation_download", kwargs={"fmt": "html"}))
    assert r["Content-Disposition"].startswith(f'attachment; filename="self-evaluation-{A}-')


def test_an_account_of_both_authorities_sees_both(store_ids, scoped_client):
    c = scoped_client("analyst", A, B)
    dashboard = c.get(reverse("dashboard")).content.decode()
    assert f'value="{A}"' in dashboard and f'value="{B}"' in dashboard
    assert "Zebra priority" in c.get(reverse("plan") + f"?la={B}").content.decode()
    assert "Apple priority" in c.get(reverse("plan") + f"?la={A}").content.decode()
    loads = c.get(reverse("loads")).content.decode()
    assert re.search(rf"\b{A}\b", loads) and re.search(rf"\b{B}\b", loads)
    assert c.get(reverse("audit", args=[store_ids[B]["audit_id"]])).status_code == 200
    assert _refusals(B) == 0


def test_an_account_of_no_authority_sees_no_figures(store_ids, scoped_client):
    c = scoped_client("viewer")
    body = c.get(reverse("dashboard")).content.decode()
    assert "Apple" not in body and B_TRACES.search(body) is None
    assert c.get(reverse("plan")).status_code == 404


def test_changes_to_another_authoritys_records_are_refused(store_ids, scoped_client):
    """Forms naming B's action, audit or load, or B itself, change nothing of B's."""
    from selfeval.plans.repository import plan
    from selfeval.store import Store
    from selfeval.web import narrative
    from selfeval.web.store import get_store

    b = store_ids[B]
    manager = scoped_client("manager", A)
    r = manager.post(reverse("plan_edit"), {"action_id": b["action_id"], "status": "Green"})
    assert r.status_code == 404
    r = manager.post(
        reverse("audit_moderate", args=[b["audit_id"]]),
        {"grade": "1", "moderation_date": "2020-03-10"},
    )
    assert r.status_code == 404
    r = manager.post(
        reverse("evaluation_section_edit", args=["introduction"]) + f"?la={B}", {"text": "x"}
    )
    assert r.status_code == 404
    analyst = scoped_client("analyst", A)
    assert analyst.post(reverse("load_undo", args=[b["load_id"]])).status_code == 404
    r = analyst.post(reverse("load_upload"), {"la_code": B, "return_year": "2020"})
    assert r.status_code == 404
    assert _refusals(B) == 5
    store: Store = get_store()
    assert plan(store, B).actions[0].status == "Amber"
    assert narrative.current(B, "introduction").text == "Zebra narrative."
    assert [ld.la_code for ld in store.loads()] == [A, B]


def test_ingest_refuses_returns_of_an_authority_the_loader_may_not_load(store, tmp_path):
    from conftest import handmade_903, store_snapshot
    from selfeval.errors import UsageError
    from selfeval.ingest import ingest

    before = store_snapshot(store)
    with pytest.raises(UsageError, match=f"authority {B}'s, which this account may not load"):
        ingest(
            store,
            handmade_903(tmp_path / "903"),
            la_code=B,
            return_year=2020,
            validate=False,
            authorities=Authorities.of([A]),
        )
    assert store_snapshot(store) == before


def test_an_administrator_changes_an_accounts_authorities(db, role_client):
    from selfeval.web.models import AuditEvent, User

    u = User.objects.create(username="ann", role="analyst", authorities=[A])
    admin = role_client("administrator")
    url = reverse("user_authorities", args=[u.pk])
    assert f"ann may see {A}" in admin.get(url).content.decode()
    bad = admin.post(url, {"authorities": f"{A} 30x"})
    assert bad.status_code == 400 and "&#x27;30x&#x27; is not a 3-digit" in bad.content.decode()
    assert admin.post(url, {"authorities": f"{A}, {B}"}).status_code == 302
    u.refresh_from_db()
    assert u.access() == Authorities(frozenset({A, B}))
    assert admin.post(url, {"all_authorities": "on"}).status_code == 302
    u.refresh_from_db()
    assert u.access().every
    events = [(e.action, e.detail) for e in AuditEvent.objects.filter(what="account ann")]
    assert events == [
        ("set authorities", {"old": "301, 302", "new": "all authorities"}),
        ("set authorities", {"old": A, "new": "301, 302"}),
    ]


def test_administrators_see_every_authority_whatever_is_set():
    from selfeval.web.models import User

    assert User(role="administrator", authorities=[A]).access().every
    assert User(role="viewer", authorities=[A]).access() == Authorities(frozenset({A}))
    assert User(role="viewer", all_authorities=True).access().every
    assert User(role="viewer").access().describe() == "no authority"


ID_KWARGS = ("load_id", "audit_id", "week_id", "action_id", "user_id", "number")
ID_URLS = [(ns, name, kw) for ns, name, kw in APP_URLS if set(kw) & set(ID_KWARGS)]


def _tricks(n: int) -> dict[str, str]:
    """Ways of writing the id ``n`` that Python's ``int()`` reads as ``n`` (or as a number too
    big for a database column), and that a strict reader must refuse."""
    arabic = str(n).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    fullwidth = str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    return {
        "leading space": f" {n}",
        "trailing newline": f"{n}\n",
        "tab": f"\t{n}",
        "plus sign": f"+{n}",
        "underscore": f"0_{n}",
        "arabic-indic digits": arabic,
        "fullwidth digits": fullwidth,
        "long, leading zeros": "0" * 40 + str(n),
        "too big for a column": "9" * 30,
    }


TRICK_NAMES = list(_tricks(1))


def test_every_url_that_takes_an_id_is_tried():
    names = {name for _, name, _ in ID_URLS}
    assert names >= {"load", "load_undo", "audit", "audit_moderate", "practice_week"}
    assert names >= {"user_role", "user_authorities", "evaluation_section_restore"}


@pytest.mark.parametrize("trick", TRICK_NAMES)
@pytest.mark.parametrize(("ns", "name", "kwargs"), ID_URLS, ids=[u[1] for u in ID_URLS])
def test_an_id_written_another_way_in_a_url_is_no_page(
    ns, name, kwargs, trick, store_ids, role_client
):
    """``/loads/ 2/``, ``/loads/+2/``, ``/loads/٢/``, 30 nines...: no page (404), never the
    record by another reading of its id, never a server error."""
    from urllib.parse import quote

    entry = allowed(name, ns)
    role = next(r for r in ("analyst", "manager", "auditor", "administrator") if r in entry)
    c = role_client(role)
    kw = {k: (987654 if k in ID_KWARGS else v) for k, v in _url_kwargs(kwargs, store_ids)}
    url = reverse(name, kwargs=kw).replace("987654", quote(_tricks(1)[trick]))
    for method in (c.get, c.post):
        r = method(url)
        assert r.status_code == 404, f"{name} {trick}: {r.status_code}"


def _url_kwargs(kwargs: dict, store_ids: dict) -> list[tuple[str, object]]:
    out = []
    for k, v in kwargs.items():
        if k == "fmt":
            v = "html" if v in ("pdf", "docx") else v
        out.append((k, store_ids[A].get(k, v)))
    return out


@pytest.mark.parametrize("trick", TRICK_NAMES)
def test_a_plan_action_id_written_another_way_changes_nothing(trick, store_ids, scoped_client):
    """A's manager posting B's action id as ``" 2"``, ``"+2"``, ``"0_2"``...: refused (400,
    logged), B's action unchanged; the check and the view read ids the same way."""
    from selfeval.plans.repository import plan
    from selfeval.web.models import AuditEvent
    from selfeval.web.store import get_store

    b_action = store_ids[B]["action_id"]
    manager = scoped_client("manager", A)
    r = manager.post(
        reverse("plan_edit") + f"?la={A}",
        {"action_id": _tricks(b_action)[trick], "status": "Green"},
    )
    assert r.status_code in (400, 404)
    assert plan(get_store(), B).actions[0].status == "Amber"
    refused = AuditEvent.objects.filter(action__startswith="refused")
    assert refused.count() == 1
    assert AuditEvent.objects.filter(action="set action status").count() == 0


def test_a_plan_action_of_another_authority_is_not_changed_through_ones_own(
    store_ids, scoped_client
):
    """The view changes only an action of the authority it shows, whatever the check did."""
    from selfeval.plans.repository import plan
    from selfeval.web.models import AuditEvent
    from selfeval.web.store import get_store

    both = scoped_client("manager", A, B)
    r = both.post(
        reverse("plan_edit") + f"?la={A}",
        {"action_id": str(store_ids[B]["action_id"]), "status": "Green"},
    )
    assert r.status_code == 400
    assert plan(get_store(), B).actions[0].status == "Amber"
    r = both.post(
        reverse("plan_edit") + f"?la={A}",
        {"action_id": str(store_ids[A]["action_id"]), "status": "Green"},
    )
    assert r.status_code == 302
    assert plan(get_store(), A).actions[0].status == "Green"
    [e] = AuditEvent.objects.filter(action="set action status")
    assert e.detail == {"la_code": A, "old": "Amber", "new": "Green"}
    both.post(  # as it was, for the other tests of this module's store
        reverse("plan_edit") + f"?la={A}",
        {"action_id": str(store_ids[A]["action_id"]), "status": "Amber"},
    )
