"""The web application through Django's test client: pages, forms, security, the audit log."""

from __future__ import annotations

import io
import logging
import os
import re
import subprocess
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from conftest import HANDMADE_CHILDREN, WEB_PASSWORD, handmade_903
from selfeval.ingest import ingest_903
from selfeval.web.models import AuditEvent, User

TEMPLATES = Path(__file__).resolve().parents[1] / "src/selfeval/web/templates"


@pytest.fixture
def loaded(web_store, tmp_path):  # type: ignore[no-untyped-def]
    """The store with the hand-made 2019/20 return for authority 999 (three children at 31/3)."""
    res = ingest_903(web_store, handmade_903(tmp_path / "903"), la_code="999", return_year=2020)
    return res.load


# -- figures -------------------------------------------------------------------------------------


def test_dashboard_shows_the_count_worked_out_by_hand(loaded, role_client):
    """Three children are looked after at 31 March 2020 (see ``handmade_903``)."""
    page = role_client("analyst").get(reverse("dashboard")).content.decode()
    card = re.search(r'id="card-cla_count".*?app-card__value">([^<]*)<', page, re.S)
    assert card and card.group(1) == "3"
    assert (
        "31 March 2020"
        in role_client("analyst").get(reverse("indicator", args=["cla_count"])).content.decode()
    )


def test_dashboard_leads_with_what_is_known_and_lists_what_is_not(loaded, role_client):
    """Only the 903 is loaded: children in need has no figure at 31 March 2020. It is no card
    (and has no change badge) but a line in the list after the cards, with the reason."""
    page = role_client("analyst").get(reverse("dashboard")).content.decode()
    cards, _, empty = page.partition("with no figure at this date")
    assert 'id="card-cla_count"' in cards and 'id="card-cin_count"' not in cards
    line = re.search(r'<li id="card-cin_count">(.*?)</li>', empty, re.S)
    assert line and "no data" in line.group(1) and "significant" not in line.group(1)


def test_the_catalogue_page_speaks_words_not_codes(db, role_client):
    """A councillor reads 'Children looked after', 'per 10,000 children' and 'lower', not the
    catalogue's codes (looked_after, rate_per_10k, lower_better)."""
    page = role_client("viewer").get(reverse("indicators")).content.decode()
    assert "per 10,000 children</td>" in page and ">lower</td>" in page
    assert "Children looked after</td>" in page
    for code in ("rate_per_10k", "lower_better", "higher_better", ">looked_after<"):
        assert code not in page, code


def test_a_count_is_never_set_beside_englands_total_on_its_card():
    """Referrals: 493 beside England's 136,520 says nothing; the rate's card compares."""
    from selfeval.benchmarks.compare import Comparison
    from selfeval.web.views.indicators import _benchmark_line

    def made(unit: str, value: float, england: float) -> Comparison:
        return Comparison(
            "x", "X", unit, "neutral", 2024, "999", value, None, england, None, None, None,
            None, 0, (), None, 0, None, None, None, None, None, "published", "",
        )  # fmt: skip

    assert _benchmark_line(made("count", 493, 136_520)) == ""
    assert _benchmark_line(made("rate_per_10k", 540.2, 575.0)) == "2024: England 575"


def test_a_viewer_sees_a_figure_about_staff_as_the_public_sef_shows_it():
    """3 FTE leavers of 34 (8.8% turnover) identify no child: shown to a viewer, as in the
    public SEF (the page showed c); 3 of 34 children visited late is withheld."""
    from selfeval.indicators import Result
    from selfeval.web.disclosure import suppressed

    def made(ind: str) -> Result:
        at = date(2023, 9, 30)
        return Result(ind, ind, "999", at, at, 8.8, 3.0, 34.0, "percent")

    assert not suppressed(made("sw_turnover_pct"))
    assert suppressed(made("cla_visits_timely_pct"))


def test_the_indicator_pages_benchmarks_read_as_every_output_writes_them():
    """Turnover's neighbours' median as the sum of floats left it (17.200000000000003) reads
    17.2%, as in the SEF; a count's benchmarks are not set out at all."""
    from selfeval.benchmarks.compare import Comparison
    from selfeval.web.views.indicators import _benchmark_rows

    turnover = Comparison(
        "sw_turnover_pct", "Social worker turnover", "percent", "lower_better", 2023, "999", 8.8,
        None, 17.8, 19.0, "E12000005", 17.200000000000003, 16.66, 10, (), 1, 31, "A", None, None,
        None, None, "computed", "csww_indicators_2017_to_2025.turnover_rate_fte",
    )  # fmt: skip
    rows = dict(_benchmark_rows(turnover))
    assert (rows["England"], rows["Region"]) == ("17.8%", "19.0%")
    assert rows["Statistical neighbours"] == "median 17.2%, mean 16.7% (10 with a value)"
    assert rows["Rank"] == "1 of 31, A quartile"
    count = dict(_benchmark_rows(replace(turnover, unit="count", england=136_520.0)))
    assert set(count) == {"Year", "Compared"} and "136" not in str(count)


def test_the_indicator_page_and_its_export_name_the_basis(loaded, role_client):
    c = role_client("analyst")
    page = c.get(reverse("indicator", args=["cla_count"])).content.decode()
    assert "at 31 March 2020, as now recorded" in page
    assert "SSDA903 Episodes" in page and "ssda903_episodes" not in page  # its source, named
    assert "Figures as now recorded" in c.get(reverse("dashboard")).content.decode()
    csv = c.get(reverse("indicator_export", args=["cla_count", "csv"])).content.decode("utf-8-sig")
    rows = csv.strip().splitlines()
    assert rows[0].endswith(",note,basis") and rows[-1].endswith(",as now recorded")


def test_viewer_sees_a_count_of_three_children_suppressed(loaded, role_client):
    """Councillors see aggregates under disclosure control: 3 is 1 to 5, so it shows as c."""
    page = role_client("viewer").get(reverse("dashboard")).content.decode()
    card = re.search(r'id="card-cla_count".*?app-card__value">([^<]*)<', page, re.S)
    assert card and card.group(1) == "c"
    csv = role_client("viewer").get(reverse("indicator_export", args=["cla_count", "csv"]))
    last = csv.content.decode("utf-8-sig").strip().splitlines()[-1].split(",")
    assert last[3:7] == ["2020-03-31", "c", "c", "c"]


def test_export_csv_and_xlsx_carry_the_series(loaded, role_client):
    c = role_client("analyst")
    csv = c.get(reverse("indicator_export", args=["cla_count", "csv"]))
    assert csv["Content-Disposition"] == 'attachment; filename="cla_count-999.csv"'
    rows = csv.content.decode("utf-8-sig").strip().splitlines()
    assert rows[0].startswith("indicator,la_code,period_start,period_end,value")
    assert rows[-1].split(",")[3:7] == ["2020-03-31", "3.0", "3.0", ""]
    xlsx = c.get(reverse("indicator_export", args=["cla_count", "xlsx"]))
    ws = load_workbook(io.BytesIO(xlsx.content)).active
    last = [cell.value for cell in list(ws.iter_rows())[-1]]
    assert last[0] == "cla_count" and last[4] == 3


def test_chart_is_an_svg_image_without_inline_style(loaded, role_client):
    r = role_client("manager").get(reverse("indicator_chart", args=["cla_count"]))
    assert r["Content-Type"] == "image/svg+xml"
    body = r.content.decode()
    assert body.startswith("<svg") and "<polyline" in body and "style=" not in body


def test_control_limits_of_the_monthly_series_worked_by_hand(loaded, web_store, role_client):
    """Month-ends April 2019 to March 2020 hold 1, 2, then ten months of 3 children (WEBCHILD02
    all year; WEBCHILD04 from May; WEBCHILD01 from June; at 31 March 2020 WEBCHILD04 has ceased
    and WEBCHILD03 started). A c-chart: centre 33 / 12 = 2.75, upper limit 2.75 + 3 x sqrt(2.75)
    = 7.72, lower limit 0. No point is beyond them, but the ten 3s from June are a run above
    the centre line: from the eighth (January 2020) on, a run-of-eight signal, so the latest
    month is a significant change."""
    from selfeval.access import EVERY
    from selfeval.web import cached_figures

    sc = cached_figures.scope(web_store, authorities=EVERY)
    chart = cached_figures.control_chart(web_store, sc, "cla_count", public=False)
    assert chart.kind == "c"
    assert [p.value for p in chart.points] == [1, 2] + [3] * 10
    assert chart.centre == pytest.approx(2.75)
    assert chart.points[-1].ucl == pytest.approx(7.725, abs=0.001)
    assert chart.points[-1].lcl == 0
    assert [p.label for p in chart.points if p.signals] == [
        "2020-01-31",
        "2020-02-29",
        "2020-03-31",
    ]
    assert chart.points[-1].signals == ("run_of_8",)
    page = role_client("analyst").get(reverse("dashboard")).content.decode()
    assert re.search(r'id="card-cla_count".*?Significant change', page, re.S)
    svg = role_client("analyst").get(reverse("indicator_chart", args=["cla_count"])).content
    assert b"<title>upper control limit</title>" in svg


def test_empty_store_dashboard_says_so(web_store, role_client):
    page = role_client("analyst").get(reverse("dashboard")).content.decode()
    assert "The store holds no returns yet" in page


# -- loads -----------------------------------------------------------------------------------------


def _upload(client, files: list[Path], *, year: int = 2020, htmx: bool = True):  # type: ignore[no-untyped-def]
    data = {"kind": "903", "la_code": "999", "return_year": str(year)}
    handles = [open(p, "rb") for p in files]  # noqa: SIM115
    try:
        data["files"] = handles
        headers = {"HX-Request": "true"} if htmx else {}
        return client.post(reverse("load_upload"), data, headers=headers)
    finally:
        for h in handles:
            h.close()


def test_upload_loads_the_return_and_shows_its_report(web_store, role_client, tmp_path):
    r = _upload(role_client("analyst"), handmade_903(tmp_path / "in"))
    assert r.status_code == 200
    body = r.content.decode()
    assert "Loaded as load 1" in body and "ssda903_episodes" in body
    [rec] = web_store.loads()
    assert (rec.la_code, rec.return_year, rec.loaded_by) == ("999", 2020, "test-analyst")
    assert rec.tables == {"ssda903_header": 4, "ssda903_episodes": 5}
    ev = AuditEvent.objects.get(action="load")
    assert (ev.who, ev.what) == ("test-analyst", "load 1")
    assert ev.detail == {  # as its undo and the command line's load say it, with its files
        "la_code": "999",
        "kind": "903",
        "return_year": 2020,
        "content_hash": rec.content_hash,
        "files": ["header.csv", "episodes.csv"],  # in the order uploaded
    }
    # The same files again change nothing.
    again = _upload(role_client("analyst"), handmade_903(tmp_path / "in"))
    assert "already loaded" in again.content.decode() and len(web_store.loads()) == 1


def test_upload_of_a_bad_file_names_file_row_and_rule_and_stores_nothing(
    web_store, role_client, tmp_path
):
    bad = tmp_path / "episodes.csv"
    bad.write_text("CHILD,NOT,A,903,HEADER\nx,1,2,3,4\n")
    r = _upload(role_client("analyst"), [bad])
    assert r.status_code == 400
    body = r.content.decode()
    assert "Nothing was loaded: episodes.csv, row 1" in body and "header" in body
    assert web_store.loads() == []


def test_upload_refuses_other_file_types_and_oversized_files(
    web_store, role_client, settings, tmp_path
):
    exe = tmp_path / "return.exe"
    exe.write_bytes(b"MZ" + b"\0" * 100)
    r = _upload(role_client("analyst"), [exe])
    assert r.status_code == 400 and "is not a return file" in r.content.decode()
    settings.SELFEVAL_MAX_UPLOAD_BYTES = 100
    big = handmade_903(tmp_path / "big")
    r = _upload(role_client("analyst"), big)
    assert r.status_code == 400 and "larger than the limit" in r.content.decode()
    assert web_store.loads() == []


def test_upload_without_htmx_renders_the_whole_page(web_store, role_client, tmp_path):
    r = _upload(role_client("analyst"), handmade_903(tmp_path / "in"), htmx=False)
    assert r.status_code == 200 and "<html" in r.content.decode()
    assert "History" in r.content.decode()


def test_undo_removes_the_load_and_is_audited(loaded, web_store, role_client):
    c = role_client("administrator")
    assert "Undo load 1?" in c.get(reverse("load_undo", args=[loaded.id])).content.decode()
    r = c.post(reverse("load_undo", args=[loaded.id]))
    assert r.status_code == 302 and web_store.loads() == []
    ev = AuditEvent.objects.get(action="undo load")
    assert (ev.who, ev.what) == ("test-administrator", "load 1")
    assert c.get(reverse("load", args=[loaded.id])).status_code == 404


def test_an_undo_is_logged_with_the_same_detail_by_the_web_and_the_command_line(
    loaded, web_store, role_client, tmp_path, capsys, monkeypatch
):
    """The same return loaded and undone once on each: the same detail (authority, kind, year
    and content hash), the command line's saying only that it came from there. Its ``--db``
    is not left in the environment of the process that ran it."""
    from conftest import run_cli

    monkeypatch.delenv("SELFEVAL_DB", raising=False)
    role_client("administrator").post(reverse("load_undo", args=[loaded.id]))
    again = ingest_903(web_store, handmade_903(tmp_path / "again"), la_code="999", return_year=2020)
    assert again.load.content_hash == loaded.content_hash
    code, _, err = run_cli(capsys, "--db", str(web_store.url), "loads", "undo", str(again.load.id))
    assert code == 0, err
    assert "SELFEVAL_DB" not in os.environ
    web, cli = AuditEvent.objects.filter(action="undo load").order_by("id")
    assert web.detail == {
        "la_code": "999",
        "kind": "903",
        "return_year": 2020,
        "content_hash": loaded.content_hash,
    }
    assert cli.detail == web.detail | {"via": "command line"}


def test_load_page_lists_files_and_hashes(loaded, role_client):
    body = role_client("analyst").get(reverse("load", args=[loaded.id])).content.decode()
    assert "header.csv" in body and "episodes.csv" in body and loaded.content_hash in body


# -- accounts -----------------------------------------------------------------------------------


def test_passwords_are_hashed_with_argon2(db, settings):
    """With the production setting (the other tests hash at the smallest cost): Argon2id at
    Django's parameters (100 MiB, two passes, eight lanes)."""
    from selfeval.web import settings as production
    from selfeval.web.accounts import add_user

    settings.PASSWORD_HASHERS = production.PASSWORD_HASHERS
    u = add_user("alice", "analyst", WEB_PASSWORD, by="test")
    assert u.password.startswith("argon2$argon2id$v=19$m=102400,t=2,p=8$")
    assert u.check_password(WEB_PASSWORD)


def test_weak_password_and_unknown_role_are_refused(db):
    from selfeval.errors import SelfevalError, UsageError
    from selfeval.web.accounts import add_user

    with pytest.raises(SelfevalError, match="the password is refused"):
        add_user("bob", "analyst", "password", by="test")
    with pytest.raises(UsageError, match="'chief' is not a role"):
        add_user("bob", "chief", WEB_PASSWORD, by="test")
    assert not User.objects.filter(username="bob").exists()


def _age_failures(seconds: float) -> None:
    """Move every recorded failed sign-in ``seconds`` into the past (instead of sleeping)."""
    from datetime import timedelta

    from django.db.models import F

    from selfeval.web.models import SignInFailures

    SignInFailures.objects.update(last=F("last") - timedelta(seconds=seconds))


def test_wrong_passwords_slow_the_guesser_but_never_lock_the_owner_out(db, monkeypatch):
    """Carol signs in from her browser (10.0.0.1), then someone at 10.6.6.6 tries five wrong
    passwords: free. The sixth waits 1 s (429, password unchecked, logged), after a seventh
    failure 2 s. Meanwhile carol's own browser signs in at once with her password; after an
    administrator lifts the wait, so does a new browser. The throttle's clock stands still
    (time moves only by ``_age_failures``), so a slow machine cannot let a wait run out."""
    from types import SimpleNamespace

    from django.test import Client
    from django.utils import timezone

    from selfeval.web import throttle
    from selfeval.web.accounts import add_user, lift_sign_in_wait

    still = timezone.now()
    monkeypatch.setattr(throttle, "timezone", SimpleNamespace(now=lambda: still))

    add_user("carol", "manager", WEB_PASSWORD, by="test")
    url = reverse("sign_in")
    owner = Client(REMOTE_ADDR="10.0.0.1")
    assert owner.post(url, {"username": "carol", "password": WEB_PASSWORD}).status_code == 302
    owner.post(reverse("sign_out"))
    guesser = Client(REMOTE_ADDR="10.6.6.6")
    for _ in range(5):
        bad = guesser.post(url, {"username": "carol", "password": "wrong password"})
        assert bad.status_code == 200
    waited = guesser.post(url, {"username": "carol", "password": WEB_PASSWORD})
    assert waited.status_code == 429
    assert "wait 1 seconds" in waited.content.decode()
    _age_failures(1.5)
    assert guesser.post(url, {"username": "carol", "password": "wrong"}).status_code == 200
    r = guesser.post(url, {"username": "carol", "password": WEB_PASSWORD})
    assert r.status_code == 429 and "wait 2 seconds" in r.content.decode()
    # The owner's browser is not slowed by anyone else's failures.
    ok = owner.post(url, {"username": "carol", "password": WEB_PASSWORD})
    assert ok.status_code == 302 and ok["Location"] == reverse("dashboard")
    # Her sign-in forgets the account's failures; six more from the guesser (five free), and
    # a browser that never signed in to carol waits too, until an administrator lifts it.
    owner.post(reverse("sign_out"))
    for _ in range(6):
        guesser.post(url, {"username": "carol", "password": "wrong password"})
    new = Client(REMOTE_ADDR="10.0.0.2")
    assert new.post(url, {"username": "carol", "password": WEB_PASSWORD}).status_code == 429
    lift_sign_in_wait("carol", by="admin")
    assert new.post(url, {"username": "carol", "password": WEB_PASSWORD}).status_code == 302
    log = [(e.who, e.action, e.detail.get("address")) for e in AuditEvent.objects.order_by("id")]
    assert [a for _, a, _ in log].count("sign in failed") == 11
    assert [a for _, a, _ in log].count("sign in throttled") == 4
    assert [a for _, a, _ in log].count("sign in") == 3
    assert ("carol", "sign in throttled", "10.6.6.6") in log
    assert ("admin", "lift sign-in wait", None) in log


def test_one_address_guessing_at_many_accounts_is_slowed(db):
    """From one address, 20 wrong passwords across 11 names are free; the 21st attempt, under
    any name, waits (the address's own count), and is logged with the address."""
    from django.test import Client

    url = reverse("sign_in")
    c = Client(REMOTE_ADDR="10.6.6.6")
    for i in range(20):
        r = c.post(url, {"username": f"name{i % 11}", "password": "guess"})
        assert r.status_code == 200, i
    r = c.post(url, {"username": "someone-else", "password": "guess"})
    assert r.status_code == 429
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert other.post(url, {"username": "someone-else", "password": "guess"}).status_code == 200
    throttled = AuditEvent.objects.filter(action="sign in throttled")
    assert [(e.who, e.detail["address"]) for e in throttled] == [("someone-else", "10.6.6.6")]


def test_signed_out_visitors_are_sent_to_sign_in(db, client):
    r = client.get(reverse("dashboard"))
    assert r.status_code == 302 and r["Location"] == "/sign-in/?next=/"


def test_administrator_adds_a_user_and_changes_a_role(db, role_client):
    c = role_client("administrator")
    r = c.post(
        reverse("user_new"),
        {
            "username": "dave",
            "email": "dave@example.org",
            "role": "auditor",
            "password": WEB_PASSWORD,
        },
    )
    assert r.status_code == 302
    dave = User.objects.get(username="dave")
    assert dave.role == "auditor" and not dave.is_staff
    r = c.post(reverse("user_role", args=[dave.pk]), {"role": "administrator"})
    dave.refresh_from_db()
    assert dave.role == "administrator" and dave.is_staff
    actions = list(AuditEvent.objects.values_list("action", "what").order_by("id"))
    assert ("add account", "account dave") in actions
    assert ("set role", "account dave") in actions


def test_new_user_form_shows_password_rules(db, role_client):
    r = role_client("administrator").post(
        reverse("user_new"), {"username": "erin", "role": "viewer", "password": "short"}
    )
    assert r.status_code == 400
    assert "This password is too short" in r.content.decode()


def test_every_change_is_in_the_audit_log(db, role_client):
    """A POST that succeeds is audited by the middleware even when the view did not."""
    c = role_client("administrator")
    u = User.objects.create(username="frank", role="viewer")
    before = AuditEvent.objects.count()
    c.post(reverse("user_role", args=[u.pk]), {"role": "analyst"})
    assert AuditEvent.objects.count() == before + 1  # set role, recorded once
    page = c.get(reverse("audit_log")).content.decode()
    assert "set role" in page and "account frank" in page


# -- security headers and pages ---------------------------------------------------------------


def test_pages_send_a_strict_content_security_policy_and_safe_cookies(db, client):
    r = client.get(reverse("sign_in"))
    csp = r["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "'unsafe-inline'" not in csp and "frame-ancestors 'none'" in csp
    assert r["X-Frame-Options"] == "DENY" and r["X-Content-Type-Options"] == "nosniff"
    cookie = r.cookies["selfeval_csrftoken"]
    assert cookie["httponly"] and cookie["samesite"] == "Strict"


def test_templates_have_no_inline_script_style_or_handlers():
    for t in TEMPLATES.rglob("*.html"):
        text = t.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), t
        assert not re.search(r"\sstyle=", text), t
        assert not re.search(r"\son[a-z]+=", text), t


def _settings_with(env: dict[str, str], expression: str) -> list[str]:
    """The words printed by ``expression`` in a fresh process whose settings see ``env``."""
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        f"from django.urls import reverse; print({expression})"
    )
    env = {"DJANGO_SETTINGS_MODULE": "selfeval.web.settings", "PATH": "/usr/bin:/bin", **env}
    return subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout.split()


def test_behind_tls_cookies_are_secure_and_hsts_is_sent():
    out = _settings_with(
        {"SELFEVAL_HTTPS": "1"},
        "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, "
        "s.SESSION_COOKIE_NAME, s.SECURE_SSL_REDIRECT",
    )
    assert out == ["True", "True", "31536000", "__Host-selfeval_session", "True"]


def test_logs_carry_no_child_identifier(loaded, role_client, caplog, tmp_path):
    caplog.set_level(logging.DEBUG)
    c = role_client("analyst")
    for name, args in [
        ("dashboard", []),
        ("indicator", ["cla_count"]),
        ("indicator_export", ["cla_count", "csv"]),
        ("load", [loaded.id]),
    ]:
        c.get(reverse(name, args=args))
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "episodes.csv").write_text("CHILD,X\nWEBCHILD01,1\n")
    _upload(c, [bad / "episodes.csv"])
    for child in HANDMADE_CHILDREN:
        assert child not in caplog.text
    for ev in AuditEvent.objects.all():
        assert not any(child in f"{ev.what} {ev.detail}" for child in HANDMADE_CHILDREN)


def test_redact_filter_strips_query_strings_and_secrets():
    from selfeval.web.logs import RedactFilter

    rec = logging.LogRecord(
        "x", logging.WARNING, "f", 1, "GET /indicators/?q=WEBCHILD01 password=hunter2", (), None
    )
    RedactFilter().filter(rec)
    assert rec.getMessage() == "GET /indicators/?[redacted] password=[redacted]"


def test_oidc_backend_signs_in_only_existing_accounts(db, settings):
    settings.OIDC_OP_TOKEN_ENDPOINT = "https://login.example/token"
    settings.OIDC_OP_USER_ENDPOINT = "https://login.example/userinfo"
    settings.OIDC_RP_CLIENT_ID = "client"
    settings.OIDC_RP_CLIENT_SECRET = "secret"
    settings.OIDC_RP_SIGN_ALGO = "RS256"
    settings.OIDC_OP_JWKS_ENDPOINT = "https://login.example/keys"
    from selfeval.web.oidc import ExistingAccountsOIDCBackend

    User.objects.create(username="gina", email="Gina@council.example", role="manager")
    backend = ExistingAccountsOIDCBackend()
    found = backend.filter_users_by_claims({"email": "gina@council.example"})
    assert [u.username for u in found] == ["gina"]
    assert list(backend.filter_users_by_claims({"email": "stranger@council.example"})) == []
    assert backend.create_user({"email": "stranger@council.example"}) is None


def test_oidc_settings_add_the_backend_and_the_sign_in_link():
    out = _settings_with(
        {"SELFEVAL_OIDC_CLIENT_ID": "abc", "SELFEVAL_OIDC_TENANT": "tenant-1"},
        "s.AUTHENTICATION_BACKENDS[-1], reverse('oidc_authentication_init'), "
        "s.OIDC_OP_AUTHORIZATION_ENDPOINT",
    )
    assert out == [
        "selfeval.web.oidc.ExistingAccountsOIDCBackend",
        "/oidc/authenticate/",
        "https://login.microsoftonline.com/tenant-1/oauth2/v2.0/authorize",
    ]


def test_formula_cells_are_neutralised_in_exports():
    from selfeval.outputs.tables import safe_cell, to_csv

    assert [safe_cell(v) for v in ["=1+1", "+A1", "-2", "@SUM", "\tx", "ok", 3]] == [
        "'=1+1",
        "'+A1",
        "'-2",
        "'@SUM",
        "'\tx",
        "ok",
        3,
    ]
    assert to_csv(["a"], [["=HYPERLINK()"]]).decode("utf-8-sig") == "a\r\n'=HYPERLINK()\r\n"


# -- the command line -----------------------------------------------------------------------------


def _cli(args: list[str], db: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    import os

    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    return subprocess.run(
        [sys.executable, "-m", "selfeval", "--db", db, *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )


def test_users_add_of_the_installed_command_reads_stdin_into_the_db_it_is_given(tmp_path):
    """``selfeval users add`` in its own process, as an administrator runs it: Django set up
    for ``--db`` (not this process's test database), the password read from standard input
    and hashed at the production cost. The other ``users`` commands: the test below."""
    import sqlite3
    from contextlib import closing

    path = tmp_path / "cli.db"
    r = _cli(
        ["users", "add", "root", "--role", "administrator", "--password-stdin"],
        f"sqlite:///{path}",
        stdin=WEB_PASSWORD + "\n",
    )
    assert r.returncode == 0 and r.stdout == "added root (administrator; all authorities)\n"
    with closing(sqlite3.connect(path)) as c:
        rows = c.execute("SELECT username, role, password FROM web_user").fetchall()
    [(name, role, password)] = rows
    assert (name, role) == ("root", "administrator")
    assert password.startswith("argon2$argon2id$v=19$m=102400,t=2,p=8$")


def test_users_commands_create_list_and_change_accounts(db, tmp_path, capsys, monkeypatch):
    """In this process, against the test database (Django is set up already, so ``--db``
    does not move it: the test above runs the command itself with its ``--db``)."""
    from conftest import run_cli

    url = f"sqlite:///{tmp_path / 'cli.db'}"

    def users(*args: str, stdin: str = "") -> tuple[int, str, str]:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        return run_cli(capsys, "--db", url, "users", *args)

    code, out, _ = users(
        "add", "root", "--role", "administrator", "--password-stdin", stdin=WEB_PASSWORD + "\n"
    )
    assert code == 0 and out == "added root (administrator; all authorities)\n"
    code, _, err = users("add", "x", "--role", "viewer", "--password-stdin", stdin="abc\n")
    assert code == 1 and "the password is refused" in err
    code, _, err = users(
        "add", "y", "--role", "king", "--password-stdin", stdin=WEB_PASSWORD + "\n"
    )
    assert code == 2 and "'king' is not a role" in err
    assert users("set-role", "root", "viewer")[1] == "root is now viewer\n"
    scoped = users(
        "add",
        "ann",
        "--role",
        "analyst",
        "--la",
        "336",
        "--la",
        "335",
        "--password-stdin",
        stdin=WEB_PASSWORD + "\n",
    )
    assert scoped[1] == "added ann (analyst; 335, 336)\n"
    code, _, err = users("set-authorities", "ann", "--la", "1", "--all-authorities")
    assert code == 2 and "'1' is not a 3-digit local authority code" in err
    code, _, err = users("set-authorities", "ann", "--la", "336", "--all-authorities")
    assert code == 2 and "either --la or --all-authorities" in err
    assert users("set-authorities", "ann", "--la", "337")[1] == "ann may see 337\n"
    listing = users("list")[1].splitlines()
    assert listing == [
        "ann\tanalyst\t337\t\tactive\tnever",
        "root\tviewer\tno authority\t\tactive\tnever",
    ]


def test_serve_refuses_a_public_address_without_tls(tmp_path):
    """In its own process: were the address let through, the server would start there, on
    every interface, and never return (here it has two minutes)."""
    r = _cli(["serve", "--host", "0.0.0.0"], f"sqlite:///{tmp_path / 's.db'}")
    assert r.returncode == 2 and "is not a loopback address" in r.stderr


# -- the self-evaluation and the scrutiny report ----------------------------------------------


def test_narrative_with_a_live_figure_is_saved_previewed_and_in_the_download(loaded, role_client):
    """The placeholder becomes the figure worked out by hand: 3 children at 31 March 2020.

    The analyst's preview shows 3; the downloaded self-evaluation, read without child-level
    access, shows it as c (1 to 5 children).
    """
    import zipfile

    c = role_client("analyst")
    text = "We look after {{ cla_count at 2020-03-31 }} children."
    preview = c.post(
        reverse("evaluation_section_preview", args=["children_in_care"]), {"text": text}
    )
    assert preview.status_code == 200
    assert "We look after 3<sup>[1]</sup> children." in preview.content.decode()
    r = c.post(reverse("evaluation_section_edit", args=["children_in_care"]), {"text": text})
    assert r.status_code == 302
    page = c.get(reverse("evaluation_section", args=["children_in_care"])).content.decode()
    assert "We look after 3<sup>[1]</sup> children." in page
    assert AuditEvent.objects.filter(action="edit narrative").count() == 1
    docx = c.get(reverse("evaluation_download", args=["docx"]))
    assert docx["Content-Disposition"].startswith('attachment; filename="self-evaluation-999')
    with zipfile.ZipFile(io.BytesIO(docx.content)) as z:
        words = re.sub(r"<[^>]+>", "", z.read("word/document.xml").decode())
    assert "We look after c[1] children." in words or "We look after c children." in words
    assert AuditEvent.objects.filter(action="download").count() == 1


def test_a_bad_placeholder_is_named_in_the_preview(loaded, role_client):
    r = role_client("manager").post(
        reverse("evaluation_section_preview", args=["context"]), {"text": "{{ nonsense at x }}"}
    )
    assert "A figure cannot be shown" in r.content.decode()


def test_scrutiny_report_and_whole_preview_render(loaded, role_client):
    v = role_client("viewer")
    body = v.get(reverse("scrutiny")).content.decode()
    # The example council's progress note asks for 31 March 2019, a year with no return here.
    assert "no data: the loaded returns do not cover 31 March 2019" in body
    assert v.get(reverse("evaluation_preview")).status_code == 200
    assert v.get(reverse("evaluation_findings")).status_code == 403


# -- case audits ----------------------------------------------------------------------------------


def test_enter_and_moderate_an_audit(loaded, role_client):
    auditor, manager = role_client("auditor"), role_client("manager")
    r = auditor.post(
        reverse("audit_new") + "?la=999",
        {
            "child_id": "WEBCHILD01",
            "audit_date": "2020-02-01",
            "overall_grade": "2",
            "strengths": "Clear plan",
        },
    )
    assert r.status_code == 302 and r["Location"].startswith("/assurance/audits/1/")
    page = manager.get(reverse("audit", args=[1])).content.decode()
    assert "WEBCHILD01" in page and "Good" in page and "not moderated" in page
    r = manager.post(
        reverse("audit_moderate", args=[1]), {"grade": "3", "moderation_date": "2020-02-10"}
    )
    assert r.status_code == 302
    page = manager.get(reverse("audit", args=[1])).content.decode()
    assert "Requires improvement to be good, by test-manager on 10 February 2020" in page
    weeks = manager.get(reverse("practice_weeks") + "?la=999").content.decode()
    assert re.search(r"<th[^>]*>all</th>\s*<td[^>]*>1</td>", weeks) or "1 audit" in weeks
    actions = list(AuditEvent.objects.values_list("action", "what"))
    assert ("add audit", "audit 1") in actions and ("moderate audit", "audit 1") in actions
    assert ("view child-level", "audit 1") in actions
    assert not any(
        "WEBCHILD01" in f"{w} {d}" for w, d in AuditEvent.objects.values_list("what", "detail")
    )


def test_an_audit_of_an_unknown_child_is_refused(loaded, role_client):
    r = role_client("auditor").post(
        reverse("audit_new") + "?la=999",
        {"child_id": "NOSUCHCHILD", "audit_date": "2020-02-01", "overall_grade": "1"},
    )
    assert r.status_code == 400 and "There is a problem" in r.content.decode()


def test_plan_shows_actions_and_a_manager_updates_a_status(loaded, web_store, role_client):
    from datetime import date

    from selfeval.plans.records import Action, Plan, Priority
    from selfeval.plans.repository import plan, save_plan

    p = Plan(
        plan_year="2020-21",
        priorities=(Priority(ref="1", title="Stability for children in care"),),
        actions=(
            Action(
                priority_ref="1",
                ref="1.1",
                action="Recruit foster carers",
                owner="Head of fostering",
                due_date=date(2020, 9, 30),
                status="Amber",
            ),
        ),
    )
    save_plan(web_store, "999", p, today=date(2020, 4, 1))
    page = role_client("viewer").get(reverse("plan")).content.decode()
    assert "Recruit foster carers" in page and "Amber" in page and "<select" not in page
    [action] = plan(web_store, "999").actions
    r = role_client("manager").post(
        reverse("plan_edit"), {"action_id": action.id, "status": "Green"}
    )
    assert r.status_code == 302
    assert plan(web_store, "999").actions[0].status == "Green"
    assert AuditEvent.objects.filter(action="set action status").count() == 1
    # Due 30 September 2020, not complete: overdue today. Complete, it is not.
    overdue = '<strong class="govuk-tag govuk-tag--red">Overdue</strong>'
    page = role_client("analyst").get(reverse("plan")).content.decode()
    assert overdue in page
    assert f"not Complete today, {date.today():%-d %B %Y}." in page  # the page says when
    r = role_client("manager").post(
        reverse("plan_edit"), {"action_id": action.id, "status": "Complete"}
    )
    assert overdue not in role_client("analyst").get(reverse("plan")).content.decode()


def test_plan_page_shows_the_latest_plan_year_or_the_one_asked_for(loaded, web_store, role_client):
    from datetime import date

    from selfeval.plans.records import Action, Plan, Priority
    from selfeval.plans.repository import plan, save_plan

    for year in ("2019-20", "2020-21"):
        save_plan(
            web_store,
            "999",
            Plan(
                year,
                (Priority("1", f"Priority of {year}"),),
                (Action("1", "1.1", f"Action of {year}", "Owner", date(2020, 9, 30), "Amber"),),
            ),
            today=date(2020, 4, 1),
        )
    viewer = role_client("viewer")
    latest = viewer.get(reverse("plan") + "?la=999").content.decode()
    assert "Improvement plan 2020-21" in latest and "Action of 2020-21" in latest
    assert "Action of 2019-20" not in latest
    assert 'href="/plan/?la=999&amp;year=2019-20">2019-20</a>' in latest
    earlier = viewer.get(reverse("plan") + "?la=999&year=2019-20").content.decode()
    assert "Improvement plan 2019-20" in earlier and "Action of 2019-20" in earlier
    assert "Action of 2020-21" not in earlier
    assert viewer.get(reverse("plan") + "?la=999&year=2018-19").status_code == 404
    # Updating an action of the earlier year shows that year again.
    [action] = plan(web_store, "999", "2019-20").actions
    r = role_client("manager").post(
        reverse("plan_edit") + "?la=999",
        {"action_id": action.id, "status": "Green", "plan_year": "2019-20"},
    )
    assert r.status_code == 302 and r["Location"] == "/plan/?la=999&year=2019-20"
    assert plan(web_store, "999", "2019-20").actions[0].status == "Green"
    bad = role_client("manager").post(
        reverse("plan_edit") + "?la=999",
        {"action_id": action.id, "status": "Red", "plan_year": "2019/20"},
    )
    assert bad.status_code == 400
    assert plan(web_store, "999", "2019-20").actions[0].status == "Green"


def test_static_files_are_served_by_the_app_to_every_client():
    """The app serves its own CSS (WhiteNoise, from the package): each new client's
    middleware has the files (tests/conftest.py indexes them once per process)."""
    from django.test import Client

    css = (Path(__file__).parents[1] / "src/selfeval/web/static/web/app.css").read_bytes()
    for _ in range(2):
        r = Client().get("/static/web/app.css")
        assert r.status_code == 200 and r["Content-Type"].startswith("text/css")
        assert b"".join(r.streaming_content) == css
    assert Client().get("/static/web/no-such.css").status_code == 404
