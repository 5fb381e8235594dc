"""The web application on PostgreSQL, as deployed: migrations, accounts, upload, pages.

Runs `selfeval web migrate`, `selfeval users add` and `selfeval serve` against a fresh
database on the CI's PostgreSQL (.ci/services/postgres.sh), and drives it over loopback HTTP.
"""

from __future__ import annotations

import re
import uuid

import pytest
import requests
import sqlalchemy as sa

from conftest import WEB_PASSWORD, handmade_903, new_pg_database
from selfeval.web.testing import LiveServer, sign_in

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


@pytest.fixture(scope="module")
def pg_url():  # type: ignore[no-untyped-def]
    """A new, empty database for this module on the test server, dropped afterwards."""
    with new_pg_database("selfeval_web") as url:
        yield url


@pytest.fixture(scope="module")
def server(pg_url, tmp_path_factory):  # type: ignore[no-untyped-def]
    work = tmp_path_factory.mktemp("pgweb")
    srv = LiveServer(
        db=pg_url,
        workdir=work,
        users={"ana": "analyst", "vic": "viewer"},
        password=WEB_PASSWORD,
        extra_env={
            "SELFEVAL_DATA_DIR": str(work / "data"),
            "SELFEVAL_SECRET_KEY": uuid.uuid4().hex * 2,
        },
        threads=4,
    )
    with srv:
        yield srv


def _session(server, name: str) -> requests.Session:  # type: ignore[no-untyped-def]
    s = requests.Session()
    sign_in(s, server.url, name, WEB_PASSWORD)
    return s


def test_upload_and_pages_on_postgresql(server, pg_url, tmp_path):
    s = _session(server, "ana")
    files = handmade_903(tmp_path / "903")
    r = s.post(
        f"{server.url}/loads/upload/",
        data={"kind": "903", "la_code": "999", "return_year": "2020"},
        files=[("files", (p.name, p.read_bytes(), "text/csv")) for p in files],
        headers={"X-CSRFToken": s.cookies["selfeval_csrftoken"], "HX-Request": "true"},
        timeout=120,
    )
    assert r.status_code == 200 and "Loaded as load 1" in r.text
    page = s.get(f"{server.url}/", timeout=60).text
    value = re.search(r'id="card-cla_count".*?app-card__value">([^<]*)<', page, re.S)
    assert value and value.group(1) == "3"  # three children at 31 March 2020, by hand
    viewer = _session(server, "vic").get(f"{server.url}/", timeout=60).text
    value = re.search(r'id="card-cla_count".*?app-card__value">([^<]*)<', viewer, re.S)
    assert value and value.group(1) == "c"
    eng = sa.create_engine(pg_url)
    with eng.connect() as c:
        tables = set(sa.inspect(c).get_table_names())
        actions = [row[0] for row in c.execute(sa.text("SELECT action FROM web_audit_event"))]
        loaded_by = c.execute(sa.text("SELECT loaded_by FROM se_load")).scalar_one()
    eng.dispose()
    # Django's tables beside the library's, in one database.
    assert {"web_user", "web_audit_event", "django_session", "se_load"} <= tables
    assert "load" in actions and actions.count("sign in") == 2
    assert loaded_by == "ana"


def test_viewer_is_refused_the_loads_page_on_postgresql(server):
    r = _session(server, "vic").get(f"{server.url}/loads/", timeout=60)
    assert r.status_code == 403
