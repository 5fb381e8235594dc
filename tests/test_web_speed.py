"""What the web keeps between requests to be quick must never outlive what it rests on: the
layout kept per page and role, the account read on every request, the store's loads read once
per request (docs/web.md, "What a request costs")."""

from __future__ import annotations

import pytest

from conftest import handmade_903
from selfeval.ingest import ingest_903


@pytest.fixture
def loaded(web_store, tmp_path):  # type: ignore[no-untyped-def]
    ingest_903(web_store, handmade_903(tmp_path / "903"), la_code="999", return_year=2020)
    return web_store


def test_the_kept_navigation_is_each_roles_own(loaded, role_client):
    """An administrator's dashboard (Users and Loads in the menu) is rendered first in this
    process; a viewer's dashboard then has neither, and the indicators page marks no item as
    the current page while the dashboard marks Dashboard."""
    admin = role_client("administrator").get("/").content.decode()
    assert 'href="/users/"' in admin and 'href="/loads/"' in admin
    viewer = role_client("viewer")
    page = viewer.get("/").content.decode()
    assert 'href="/users/"' not in page and 'href="/loads/"' not in page
    assert page.count('aria-current="page"') == 1
    assert 'href="/" aria-current="page">Dashboard' in page
    other = viewer.get("/indicators/").content.decode()
    assert 'aria-current="page"' not in other


def test_an_account_made_inactive_or_demoted_is_refused_at_its_next_request(loaded, role_client):
    """The account is read afresh on every request: an analyst demoted to viewer is refused
    the children list (403) at once; made inactive, is signed out (redirect to sign in)."""
    from selfeval.web.models import User

    c = role_client("analyst")
    assert c.get("/indicators/cla_count/children/").status_code == 200
    User.objects.filter(username="test-analyst").update(role="viewer")
    assert c.get("/indicators/cla_count/children/").status_code == 403
    User.objects.filter(username="test-analyst").update(is_active=False)
    r = c.get("/")
    assert r.status_code == 302 and r["Location"].startswith("/sign-in/")


def test_the_loads_read_once_per_request_change_with_every_load(web_store, tmp_path):
    """An empty store has no authority; after one 903 load of 999 for 2020 it has 999 with
    the year 2020, and a new state; after a second load (2021) both years and another state."""
    from selfeval.web.cached_figures import store_loads

    empty = store_loads(web_store)
    assert empty.years == {} and empty.la_codes == []
    ingest_903(web_store, handmade_903(tmp_path / "a"), la_code="999", return_year=2020)
    one = store_loads(web_store)
    assert one.years == {"999": (2020,)} and one.la_codes == ["999"]
    ingest_903(web_store, handmade_903(tmp_path / "b"), la_code="999", return_year=2021)
    two = store_loads(web_store)
    assert two.years == {"999": (2020, 2021)}
    assert len({empty.state, one.state, two.state}) == 3
