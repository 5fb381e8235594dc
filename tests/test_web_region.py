"""The regional pages: authorities side by side, outliers, self-evaluation status, packs.

Two authorities, with DfE's real published looked-after figures, ONS populations and the 2021
neighbour model imported from ../shared/data: Wolverhampton (336) looks after 8 hand-made
children at 31 March 2022, Walsall (335) 3.
"""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from conftest import SHARED, write_903_table

AT = "2022-03-31"
EES = SHARED / "data" / "ees"
FILES = (
    "cla_number_and_rate_per_10k_children.csv",
    "ons_mid-year_population_estimates_2012_to_2024.csv",
    "New_Statistical_Neighbour_Groupings_April_2021.csv",
)


@pytest.fixture(scope="module")
def region_store(tmp_path_factory):  # type: ignore[no-untyped-def]
    from selfeval.benchmarks.importer import import_dir
    from selfeval.ingest import ingest_903
    from selfeval.store import Store

    tmp = tmp_path_factory.mktemp("region")
    ees = tmp / "ees"
    ees.mkdir()
    for name in FILES:
        (ees / name).symlink_to(EES / name)
    url = f"sqlite:///{tmp / 'store.db'}"
    s = Store(url)
    import_dir(s, ees)
    for la, n in {"336": 8, "335": 3}.items():
        kids = [f"{la}K{i}" for i in range(n)]
        h = write_903_table(
            tmp / f"{la}h.csv",
            "ssda903_header",
            [{"CHILD": c, "SEX": "1", "DOB": "01/01/2012"} for c in kids],
        )
        e = write_903_table(
            tmp / f"{la}e.csv",
            "ssda903_episodes",
            [
                {"CHILD": c, "DECOM": "01/06/2021", "RNE": "S", "LS": "C2", "PLACE": "U1"}
                for c in kids
            ],
        )
        ingest_903(s, [h, e], la_code=la, return_year=2022)
    s.engine.dispose()
    return url


@pytest.fixture
def region_client(region_store, settings, db):  # type: ignore[no-untyped-def]
    """``region_client(role, *codes)``: signed in as an account of those authorities (all when
    none are named)."""
    from django.core.cache import cache
    from django.test import Client

    from selfeval.web.models import User
    from selfeval.web.store import forget_stores

    settings.SELFEVAL_DB = region_store
    cache.clear()
    forget_stores()

    def make(role: str, *codes: str) -> Client:
        user = User.objects.create(
            username=f"{role}-{'-'.join(codes) or 'all'}",
            role=role,
            authorities=list(codes),
            all_authorities=not codes,
        )
        c = Client()
        c.force_login(user)
        return c

    yield make
    forget_stores()


def _cells(page: str, title: str) -> list[str]:
    """The text of the table row whose heading is the indicator ``title``."""
    import re

    row = re.search(rf">{re.escape(title)}</a></th>(.*?)</tr>", page, re.S)
    assert row, title
    return [re.sub(r"<[^>]+>", " ", c).split() for c in re.findall(r"<td[^>]*>(.*?)</td>", row[1])]


def test_both_authorities_side_by_side_with_their_outliers(region_client):
    """Children looked after at 31/03/2022: 335 has 3, 336 has 8 (hand-made).

    336's rate: 8 / 62,006 (ONS mid-2021, aged 0-17) x 10,000 = 1.29, shown as 1. DfE's
    published rates for 2022: England 70; the 151 authorities' population SD 33.82, so the band
    is 70 +- 67.65 = 2.35 to 137.65, and 1.29 lies below it; 336's ten neighbours (2021 model)
    range from 59 (373) to 175 (861), so it lies below all of them.
    """
    page = region_client("analyst").get(reverse("region") + f"?at={AT}").content.decode()
    assert '<th scope="col" class="govuk-table__header govuk-table__header--numeric">335' in page
    assert _cells(page, "Children looked after")[0][0] == "3"
    assert _cells(page, "Children looked after")[1][0] == "8"
    rate_336 = _cells(page, "Children looked after per 10,000 children")[1]
    assert rate_336 == ["1", "below", "England", "below", "all", "neighbours"]
    assert "336 Wolverhampton</th>" in page and "335 Walsall</th>" in page
    assert "no drafted finding accepted or rejected yet" in page
    assert reverse("region_pack", args=["336", "pdf"]) + f"?at={AT}" in page


def test_viewers_see_small_counts_as_c(region_client):
    page = region_client("viewer").get(reverse("region") + f"?at={AT}").content.decode()
    assert _cells(page, "Children looked after")[0][0] == "c"
    assert _cells(page, "Children looked after")[1][0] == "8"


def test_an_account_of_one_authority_sees_only_its_column(region_client):
    c = region_client("viewer", "336")
    page = c.get(reverse("region") + f"?at={AT}").content.decode()
    assert "Walsall" not in page and ">335<" not in page
    assert [c[0] for c in _cells(page, "Children looked after")] == ["8"]
    assert c.get(reverse("region_pack", args=["335", "pdf"])).status_code == 404
    rows = list(csv.reader(io.StringIO(c.get(reverse("region_export", args=["csv"])).text)))
    assert {r[0] for r in rows[1:]} == {"336"}


def test_export_rows_under_disclosure_control(region_client):
    as_viewer = region_client("viewer")
    body = as_viewer.get(reverse("region_export", args=["csv"]) + f"?at={AT}")
    assert body["Content-Disposition"] == f'attachment; filename="region-{AT}.csv"'
    rows = list(csv.DictReader(io.StringIO(body.content.decode("utf-8-sig"))))
    by = {(r["la_code"], r["indicator"]): r for r in rows}
    assert by[("335", "cla_count")]["value"] == "c"
    assert float(by[("336", "cla_count")]["value"]) == 8
    # A count is set against no one: England's is the nation's total, and a neighbour's says
    # first how large it is; the rate compares.
    assert by[("336", "cla_count")]["against_england"] == ""
    assert by[("336", "cla_count")]["against_neighbours"] == ""
    # 335's rate rests on 3 children: withheld from a viewer, and so is where it lies (an
    # analyst sees it below England and all its neighbours).
    assert (by[("335", "cla_rate")]["value"], by[("335", "cla_rate")]["against_england"]) == (
        "c",
        "",
    )
    assert by[("335", "cla_rate")]["against_neighbours"] == ""
    page = region_client("analyst").get(reverse("region") + f"?at={AT}").content.decode()
    assert _cells(page, "Children looked after per 10,000 children")[0][1:3] == ["below", "England"]
    viewer = as_viewer.get(reverse("region") + f"?at={AT}").content.decode()
    assert _cells(viewer, "Children looked after per 10,000 children")[0] == ["c"]
    rate = by[("336", "cla_rate")]
    assert round(float(rate["value"]), 4) == round(8 / 62_006 * 10_000, 4)
    assert (rate["against_england"], rate["against_neighbours"]) == ("below", "below")


def test_engagement_pack_downloads_per_authority(region_client):
    r = region_client("manager").get(reverse("region_pack", args=["336", "pdf"]) + f"?at={AT}")
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    assert r["Content-Disposition"] == f'attachment; filename="engagement-pack-336-{AT}.pdf"'
    html = region_client("viewer").get(reverse("region_pack", args=["335", "html"]) + f"?at={AT}")
    text = html.content.decode()
    assert "Annual engagement meeting: Walsall (335)" in text
    assert "Figures at 31 March 2022" in text
