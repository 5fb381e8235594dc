"""selfeval synth --england: DfE's published tables in their layout, from a synthetic England."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from conftest import SHARED
from selfeval.synth.england import FILES, REGIONS, SN_FILE, write_england


def _header(path: Path) -> list[str]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return next(csv.reader(fh))


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def england(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("england")
    write_england(out, n=20, years=range(2019, 2021), seed=5, full=0)
    return out / "ees"


@pytest.fixture(scope="module")
def england_2024(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("england_2024")
    write_england(out, n=10, years=range(2024, 2025), seed=5, full=0)
    return out / "ees"


@pytest.mark.parametrize("name", [*FILES, SN_FILE])
def test_same_columns_as_dfe_files(england, england_2024, name):
    folder = england_2024 if name == "la_cla_swcount.csv" else england
    assert _header(folder / name) == _header(SHARED / "data" / "ees" / name)


def test_social_worker_changes_are_published_from_2024_only(england, england_2024):
    """SWEpisodes were first collected in the 2023/24 return: no la_cla_swcount before it."""
    assert not (england / "la_cla_swcount.csv").exists()
    years = {r["time_period"] for r in _rows(england_2024 / "la_cla_swcount.csv")}
    assert years == {"2024"}


def test_national_is_the_rounded_sum_of_authorities(england):
    """England's count is the authorities' sum rounded to 10; each region has its row."""
    rows = [
        r
        for r in _rows(england / "cla_number_and_rate_per_10k_children.csv")
        if r["time_period"] == "2020"
        and r["population_type"] == "Children looked after on 31 March each year"
    ]
    las = [int(r["children_count"]) for r in rows if r["geographic_level"] == "Local authority"]
    (national,) = [int(r["children_count"]) for r in rows if r["geographic_level"] == "National"]
    assert len(las) == 20
    assert abs(national - sum(las)) <= 5 + len(las) // 2  # LA counts are rounded too
    assert national % 10 == 0
    regions = {r["region_name"] for r in rows if r["geographic_level"] == "Regional"}
    assert regions == {r[1] for r in REGIONS}


def test_small_counts_suppressed(england):
    """An authority count of 1-5 is shown as c, as DfE does; nothing else is."""
    for r in _rows(england / "d5_cpps_at31march_by_duration_2013_to_2025.csv"):
        v = r["2_years_or_more"]
        if r["geographic_level"] == "Local authority" and v != "c":
            assert not 1 <= int(v) <= 5
            if v == "0":
                assert r["2_years_or_more_percent"] == "0.0"


def test_ten_neighbours_each(england):
    with open(england / SN_FILE, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))[1:]
    assert len(rows) == 20
    for row in rows:
        codes = row[5:25:2]
        assert len(set(codes)) == 10 and row[0] not in codes


@pytest.mark.slow
def test_full_authority_has_returns(tmp_path):
    write_england(tmp_path, n=3, years=range(2019, 2020), seed=2, full=1,
                  max_full_population=8000)  # fmt: skip
    assert (tmp_path / "la" / "700" / "903" / "2019" / "episodes.csv").exists()
    assert (tmp_path / "la" / "700" / "cin" / "2019" / "cin_2019.xml").exists()


def test_an_authority_built_elsewhere_joins_england_as_its_own_row(tmp_path):
    """The demo's authority (code 999, West Midlands) in a 6-authority England: its row holds
    the children its own records have looked after on 31 March 2020 (counted here from the
    model: episodes open on the day, short breaks V3/V4 apart), it has statistical neighbours
    (ten nearest, so all six others here), and the other authorities' figures do not change."""
    from datetime import date

    from selfeval.synth import AuthorityConfig, build_authority

    a = build_authority(AuthorityConfig(children=300, years=range(2019, 2021), seed=1))
    at = date(2020, 3, 31)
    cla = sum(
        1
        for c in a.children
        if any(
            e.start <= at and (e.end is None or e.end > at) and e.legal_status not in ("V3", "V4")
            for e in c.care_episodes
        )
    )
    plain, joined = tmp_path / "plain", tmp_path / "joined"
    write_england(plain, n=6, years=range(2019, 2021), seed=3, full=0)
    write_england(joined, n=6, years=range(2019, 2021), seed=3, full=0, member=a)
    name = "cla_number_and_rate_per_10k_children.csv"

    def la_rows(folder: Path) -> dict[str, dict[str, str]]:
        return {
            r["old_la_code"]: r
            for r in _rows(folder / "ees" / name)
            if r["time_period"] == "2020"
            and r["geographic_level"] == "Local authority"
            and r["population_type"] == "Children looked after on 31 March each year"
        }

    before, after = la_rows(plain), la_rows(joined)
    assert after.pop("999")["children_count"] == (str(cla) if cla > 5 else "c")
    assert after == before
    (row,) = [r for r in _rows(joined / "ees" / SN_FILE) if r["LA num"] == "999"]
    assert row["GOReg"] == "West Midlands"
    assert len([k for k in row if k.startswith("SN") and k != "SNP" and row[k]]) == 6
