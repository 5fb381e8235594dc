"""The smaller holes of issue 20's attack, each closed at its root: a proxy's HTTPS seen
(no redirect loop), one log record one line, dates in a bounded range, pages not cached,
a file's name matching its content, and passwords with some variety."""

from __future__ import annotations

import io
import logging
from datetime import date

import pytest
from django.urls import reverse

from conftest import WEB_PASSWORD, handmade_903
from selfeval.ingest import ingest_903
from test_web_permissions import APP_URLS


@pytest.fixture
def loaded(web_store, tmp_path):  # type: ignore[no-untyped-def]
    ingest_903(web_store, handmade_903(tmp_path / "903"), la_code="999", return_year=2020)
    return web_store


# -- passwords ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "password", ["aaaaaaaaaaaa", "abababababab", "xxxxxxxxxxxxyz1234", "1111111111111111"]
)
def test_a_password_of_few_or_repeated_characters_is_refused(db, password):
    from selfeval.errors import SelfevalError
    from selfeval.web.accounts import add_user
    from selfeval.web.models import User

    with pytest.raises(SelfevalError, match="the password is refused"):
        add_user("pat", "analyst", password, by="test")
    assert not User.objects.filter(username="pat").exists()


def test_a_varied_password_is_accepted(db):
    from selfeval.web.accounts import add_user

    assert add_user("pat", "analyst", WEB_PASSWORD, by="test").check_password(WEB_PASSWORD)


# -- logs ----------------------------------------------------------------------------------------


def test_a_line_break_in_a_query_parameter_cannot_forge_a_log_line(db, client):
    """An account of 998 asks for ``?la=999\\n2026-01-01 WARNING forged``: the refusal's
    warning is one line, the line break written as ``\\n``."""
    from django.conf import settings

    from selfeval.web.models import User

    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
    redact = settings.LOGGING["filters"]["redact"]["()"]
    module, name = redact.rsplit(".", 1)
    handler.addFilter(getattr(__import__(module, fromlist=[name]), name)())
    log = logging.getLogger("selfeval.web.authorities")
    log.addHandler(handler)
    try:
        u = User.objects.create(username="u998", role="analyst", authorities=["998"])
        client.force_login(u)
        forged = "999\n2026-01-01 00:00:00,000 WARNING selfeval forged\r\x1b[2K"
        assert client.get(reverse("dashboard"), {"la": forged}).status_code == 404
    finally:
        log.removeHandler(handler)
    lines = out.getvalue().splitlines()
    assert len(lines) == 1, lines
    assert "999\\n2026-01-01" in lines[0] and "\\r\\x1b[2K" in lines[0]


# -- dates ---------------------------------------------------------------------------------------

SCOPED = [u for u in APP_URLS if u[1] not in ("sign_in", "sign_out", "healthz")]


@pytest.mark.parametrize("at", ["0001-01-01", "9999-12-31", "1989-12-31", "2020-3-31", "x"])
def test_a_date_outside_the_range_is_a_clear_400_on_every_page(at, loaded, role_client):
    """Every page that reads ``?at=`` answers 400 saying what a date must be; none 500."""
    c = role_client("administrator")
    refused = []
    for ns, name, kwargs in SCOPED:
        kw = {k: ("html" if v in ("pdf", "docx") else v) for k, v in kwargs.items()}
        r = c.get(reverse(f"{ns}:{name}" if ns else name, kwargs=kw), {"at": at})
        assert r.status_code != 500, f"{name}: 500"
        if r.status_code == 400:
            refused.append(name)
            assert "between 1 January 1990 and 31 December 2100" in r.content.decode()
    assert {"dashboard", "indicator", "indicator_chart", "plan", "region"} <= set(refused)
    assert len(refused) >= 7


def test_a_date_inside_the_range_is_shown(loaded, role_client):
    r = role_client("analyst").get(reverse("dashboard"), {"at": "2020-03-31"})
    assert r.status_code == 200 and "2020-03-31" in r.content.decode()


# -- caches --------------------------------------------------------------------------------------


def test_pages_naming_a_child_are_not_kept_in_any_cache(loaded, role_client):
    from selfeval.assurance.grades import Grade
    from selfeval.assurance.records import AssuranceData, Audit
    from selfeval.assurance.repository import audits, save_assurance

    save_assurance(
        loaded,
        "999",
        AssuranceData(audits=(Audit("WEBCHILD01", date(2020, 3, 3), "auditor", Grade(2)),)),
    )
    [a] = audits(loaded, "999")
    c = role_client("auditor")
    page = c.get(reverse("audit", args=[a.id]))
    assert page.status_code == 200 and "WEBCHILD01" in page.content.decode()
    assert page["Cache-Control"] == "no-store"
    for url in (reverse("dashboard"), reverse("audit_log")):
        assert role_client("administrator").get(url)["Cache-Control"] == "no-store"


# -- files ---------------------------------------------------------------------------------------


def test_a_csv_named_xlsx_is_refused_by_its_content(store, tmp_path):
    from conftest import store_snapshot
    from selfeval.errors import InputError

    files = [p.rename(p.with_suffix(".xlsx")) for p in handmade_903(tmp_path / "903")]
    before = store_snapshot(store)
    with pytest.raises(InputError, match=r"named \.xlsx but is not an Excel workbook") as e:
        ingest_903(store, files, la_code="999", return_year=2020)
    assert e.value.rule == "name-not-content"
    assert store_snapshot(store) == before


def test_a_load_whose_validator_failed_says_so():
    """Not "0 errors": the validator read nothing."""
    from selfeval.ingest import describe_validation

    summary = {
        "status": "validated",
        "errors": 0,
        "queries": 0,
        "failures": ["UploadError: Unknown file type xlsx found."],
    }
    assert describe_validation(summary) == (
        "not validated: DfE's validator failed (UploadError: Unknown file type xlsx found.)"
    )


# -- behind the proxy ----------------------------------------------------------------------------


@pytest.mark.slow
def test_behind_a_tls_proxy_no_redirect_loop_and_the_clients_address(tmp_path):
    """``selfeval serve`` with SELFEVAL_HTTPS=1 and the proxy (here this machine) saying
    ``X-Forwarded-Proto: https``: the page answers 200, not a redirect to itself; plain
    HTTP without the header is sent to https; the health check answers either way. A failed
    sign-in is logged with the client's address from ``X-Forwarded-For``."""
    import requests

    from selfeval.web.testing import LiveServer

    db = f"sqlite:///{tmp_path / 'proxy.db'}"
    with LiveServer(db, tmp_path, extra_env={"SELFEVAL_HTTPS": "1"}) as srv:
        proxied = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
        r = requests.get(f"{srv.url}/sign-in/", headers=proxied, allow_redirects=False, timeout=30)
        assert r.status_code == 200
        plain = requests.get(f"{srv.url}/sign-in/", allow_redirects=False, timeout=30)
        assert plain.status_code == 301 and plain.headers["Location"].startswith("https://")
        page = requests.get(f"{srv.url}/sign-in/", headers=proxied, timeout=30)
        token = page.cookies.get("__Host-selfeval_csrftoken")  # a Secure cookie: sent by hand
        failed = requests.post(
            f"{srv.url}/sign-in/",
            data={"username": "nobody", "password": "wrong", "csrfmiddlewaretoken": token},
            headers={
                **proxied,
                "Referer": f"https://127.0.0.1:{srv.port}/sign-in/",
                "Cookie": f"__Host-selfeval_csrftoken={token}",
            },
            timeout=30,
            allow_redirects=False,
        )
        assert failed.status_code == 200
    import sqlalchemy as sa

    engine = sa.create_engine(db)
    with engine.connect() as c:
        rows = c.execute(
            sa.text("SELECT who, detail FROM web_audit_event WHERE action = 'sign in failed'")
        ).all()
    engine.dispose()
    assert [(who, '"address": "203.0.113.9"' in detail) for who, detail in rows] == [
        ("nobody", True)
    ]


def test_the_clients_address_behind_a_proxy_is_taken_only_from_the_proxy(settings, rf):
    """Behind a proxy at 127.0.0.1 (gunicorn does not rewrite REMOTE_ADDR): the last
    X-Forwarded-For entry, the one the proxy added; from anyone else the header is ignored."""
    from selfeval.web.throttle import address

    settings.WAITRESS_PROXY = {"trusted_proxy": "127.0.0.1"}
    forged = "6.6.6.6, 203.0.113.9"
    via_proxy = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=forged)
    assert address(via_proxy) == "203.0.113.9"
    direct = rf.get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR=forged)
    assert address(direct) == "10.0.0.5"
    settings.WAITRESS_PROXY = {}
    assert address(via_proxy) == "127.0.0.1"
