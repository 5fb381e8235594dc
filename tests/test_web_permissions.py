"""The permission matrix: every URL of the URL conf, for every role and for no one signed in.

The cases are generated from the URL conf itself, so a new URL without a matrix entry fails
``test_every_url_has_a_matrix_entry``, and its role cases run without anyone listing them.
"""

from __future__ import annotations

import pytest
from django.urls import get_resolver, reverse

from selfeval.web.docs import walk
from selfeval.web.roles import MATRIX, PUBLIC, ROLES, SIGNED_IN, allowed, may

SAMPLE_KWARGS = {
    "indicator_id": "cla_count",
    "load_id": 1,
    "fmt": None,  # per converter, below
    "user_id": 1,
    "week_id": 1,
    "audit_id": 1,
    "section": "introduction",
    "la_code": "999",
}
FORMATS = {"FormatConverter": "csv", "DocFormatConverter": "pdf", "PackFormatConverter": "xlsx"}


def named_urls() -> list[tuple[str, str, dict]]:
    """(namespace, name, sample kwargs) for every named URL of the application."""
    out = []
    for ns, p in walk(get_resolver().url_patterns):
        kwargs = {}
        for key, conv in p.pattern.converters.items():
            kind = type(conv).__name__
            if key == "fmt":
                kwargs[key] = FORMATS[kind]
            else:
                kwargs[key] = SAMPLE_KWARGS.get(key, 1)
        out.append((ns, p.name, kwargs))
    return out


URLS = named_urls()
APP_URLS = [u for u in URLS if u[0] != "admin"]
CASES = [(ns, name, kw, role) for ns, name, kw in APP_URLS for role in ROLES] + [
    ("admin", "index", {}, role) for role in ROLES
]


def test_every_url_has_a_matrix_entry():
    missing = [f"{ns}:{name}" if ns else name for ns, name, _ in URLS if allowed(name, ns) is None]
    assert missing == []
    assert len(APP_URLS) >= 30


def test_every_matrix_entry_is_a_url():
    names = {name for ns, name, _ in URLS if ns != "admin"}
    oidc = {"oidc_authentication_init", "oidc_authentication_callback", "oidc_logout"}
    stale = set(MATRIX) - names - oidc - {"admin:*"}
    assert stale == set()


@pytest.fixture(scope="module")
def store_url(tmp_path_factory):  # type: ignore[no-untyped-def]
    """One store for the module, with load 1 (the hand-made return)."""
    from conftest import handmade_903
    from selfeval.ingest import ingest_903
    from selfeval.store import Store

    tmp = tmp_path_factory.mktemp("matrix")
    url = f"sqlite:///{tmp / 'store.db'}"
    s = Store(url)
    ingest_903(s, handmade_903(tmp / "903"), la_code="999", return_year=2020)
    s.engine.dispose()
    return url


@pytest.fixture
def fixtures_for_urls(store_url, settings, db):  # type: ignore[no-untyped-def]
    """Something behind every sample URL: load 1 and account 1."""
    from selfeval.web.models import User

    settings.SELFEVAL_DB = store_url
    User.objects.get_or_create(pk=1, defaults={"username": "someone", "role": "viewer"})


@pytest.mark.parametrize(
    ("ns", "name", "kwargs", "role"), CASES, ids=[f"{c[1]}-{c[3]}" for c in CASES]
)
def test_role_may_open_exactly_what_the_matrix_says(
    ns, name, kwargs, role, fixtures_for_urls, role_client
):
    url = reverse(f"{ns}:{name}" if ns else name, kwargs=kwargs)
    entry = allowed(name, ns)
    r = role_client(role).get(url)
    if may(role, entry, signed_in=True):
        assert r.status_code != 403, f"{role} refused {url}"
        assert not (r.status_code == 302 and "/sign-in/" in r.get("Location", "")), url
    else:
        assert r.status_code == 403, f"{role} opened {url} ({r.status_code})"


@pytest.mark.parametrize(("ns", "name", "kwargs"), APP_URLS, ids=[u[1] for u in APP_URLS])
def test_no_one_signed_in_reaches_only_public_pages(ns, name, kwargs, client, fixtures_for_urls):
    url = reverse(name, kwargs=kwargs)
    r = client.get(url)
    if allowed(name, ns) == PUBLIC:
        assert r.status_code in (200, 302, 405) and "/sign-in/?next=" not in r.get("Location", "")
    else:
        assert r.status_code == 302 and r["Location"].startswith("/sign-in/?next="), url


def test_viewers_never_reach_child_level_or_loads():
    for name, entry in MATRIX.items():
        if name.startswith(("indicator_children", "load", "audit", "practice_week")):
            assert entry not in (PUBLIC, SIGNED_IN) and "viewer" not in entry, name


def test_docs_print_the_matrix_as_enforced():
    """docs/web.md holds the enforced matrix exactly (``python -m selfeval.web.docs``)."""
    from pathlib import Path

    from selfeval.web.docs import matrix_table

    doc = (Path(__file__).resolve().parents[1] / "docs/web.md").read_text()
    assert matrix_table() in doc
