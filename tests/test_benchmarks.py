"""Published benchmarks: importing DfE's EES files and comparing an authority with them."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from builders import episode
from conftest import SHARED, write_903_children, write_903_table
from selfeval.benchmarks import (
    computed_comparisons,
    import_dir,
    neighbours,
    published_comparisons,
    published_series,
)
from selfeval.benchmarks.compare import benchmark_year, direction, quartile_of, rank_of
from selfeval.benchmarks.ees import read_ees
from selfeval.cli import cli
from selfeval.errors import InputError
from selfeval.indicators import compute, sources_from_store
from selfeval.indicators.registry import Published
from selfeval.ingest import ingest_903
from selfeval.store import Store, db

EES = SHARED / "data" / "ees"
OFSTED = SHARED / "data" / "ofsted"
GEO = (
    "time_period,time_identifier,geographic_level,country_code,country_name,region_code,"
    "region_name,old_la_code,new_la_code,la_name"
)


@pytest.fixture(scope="module")
def england(tmp_path_factory) -> Store:
    """A store with every real published file of ../shared/data imported (once per module)."""
    folder = tmp_path_factory.mktemp("england")
    s = Store(f"sqlite:///{folder / 'selfeval.db'}")
    import_dir(s, EES)
    import_dir(s, OFSTED)
    yield s
    s.engine.dispose()


def _show(store: Store, *args: str) -> list[dict]:
    r = CliRunner().invoke(
        cli, ["--db", str(store.url), "benchmarks", "show", *args, "--format", "json"]
    )
    assert r.exit_code == 0, r.output
    return json.loads(r.output)


@pytest.mark.slow
def test_wolverhampton_2020_as_dfe_published_it(england):
    """DfE's published comparisons for Wolverhampton (336), 2020.

    - 3+ placements: la_cla_placement_stability, CLA on 31 March 2020, 2019-2023 release (the
      2021-2025 release starts at 2021): 9% (51 of 588), West Midlands 10%, England 11%.
    - Social worker turnover: csww_indicators time_period 2020 = at 30 September 2020:
      29 / 191.2 FTE = 15.2%, West Midlands 14.4%, England 13.5%.
    - Children looked after at 31 March 2020: 588, rate 96 per 10,000 (588 / 61,173 x 10,000,
      ONS mid-2019), from the 2019-2023 release of cla_number_and_rate_per_10k_children.
    """
    rows = {r["id"]: r for r in _show(england, "--la", "336", "--year", "2020")}
    short = rows["stability_3plus_placements_pct"]
    assert (short["la"], short["year"]) == ("336", 2020)
    assert (short["value"], short["region"], short["england"]) == (9, 10, 11)
    turnover = rows["sw_turnover_pct"]
    assert (turnover["value"], turnover["region"], turnover["england"]) == (15.2, 14.4, 13.5)
    assert rows["cla_count"]["value"] == 588
    assert rows["cla_rate"]["value"] == 96
    for r in rows.values():
        assert {"id", "year", "la", "value", "england", "region", "neighbours_median"} <= set(r)
        assert {"neighbours_mean", "rank", "of", "quartile", "direction_3y", "direction_5y"} <= set(
            r
        )


@pytest.mark.slow
def test_neighbours_median_mean_rank_and_quartile(england):
    """3+ placements 2020 among Wolverhampton's ten 2021-model neighbours.

    Neighbours (nearest first) 333 892 335 331 330 831 852 373 874 861 published 11 10 9 10 10
    12 16 14 7 10 (%). Sorted: 7 9 10 10 10 10 11 12 14 16: median (10 + 10) / 2 = 10, mean
    109 / 10 = 10.9. Lower is better, so the rank is 1 + the authorities below 9%.
    """
    assert neighbours(england, "336", "2021") == [
        "333", "892", "335", "331", "330", "831", "852", "373", "874", "861",
    ]  # fmt: skip
    (c,) = published_comparisons(england, "336", 2020, ids=["stability_3plus_placements_pct"])
    assert c.neighbours_median == 10
    assert c.neighbours_mean == pytest.approx(10.9)
    assert c.neighbours_with_value == 10
    s = published_series(england, c_published(c))
    below = sum(1 for v in s.la_values(2020).values() if v < 9)
    assert c.rank == below + 1
    assert c.of == len(s.la_values(2020))
    assert c.quartile == quartile_of(c.rank, c.of) == "A"  # 27 of 150: 4 x 27 / 150 = 0.72


def c_published(c) -> Published:
    from selfeval.indicators import get

    return get(c.id).published


@pytest.mark.slow
def test_direction_of_travel_over_3_and_5_years(england):
    """Turnover at 30 September: 2017 22.3%, 2020 15.2% (3 years: lower is better: improved).
    Children in need at 31 March (b1, At31_episodes, neutral): compare with 2017 and 2015."""
    rows = {r["id"]: r for r in _show(england, "--la", "336", "--year", "2020")}
    assert rows["sw_turnover_pct"]["direction_3y"] == "improved"
    assert rows["sw_turnover_pct"]["change_3y"] == pytest.approx(15.2 - 22.3)
    assert rows["sw_turnover_pct"]["direction_5y"] is None  # no 2015 in the file (starts 2017)


@pytest.mark.slow
def test_the_2025_neighbour_model(england):
    rows = _show(england, "--la", "336", "--year", "2020", "--neighbours", "2025")
    assert neighbours(england, "336", "2025")[:3] == ["333", "861", "335"]
    assert all(r["neighbours_with_value"] <= 10 for r in rows)


@pytest.mark.slow
def test_ofsted_inspections_are_tied_to_their_authority(england):
    """Wolverhampton (URN 80583 -> 336): the short inspection of 28/03/2022-01/04/2022 was
    judged good overall, outstanding for leaders."""
    t = db.bench_inspections
    scrape = t.c.source == "ilacs_scrape"
    with england.engine.connect() as c:
        assert c.execute(sa.select(sa.func.count()).where(scrape)).scalar() == 497
        row = c.execute(
            sa.select(t).where(scrape, t.c.la_code == "336", t.c.start_date == date(2022, 3, 28))
        ).one()
        official = c.execute(
            sa.select(t).where(
                t.c.source == "ofsted", t.c.la_code == "336", t.c.start_date == date(2022, 3, 28)
            )
        ).one()
    assert row.overall_effectiveness == "good"
    assert row.impact_of_leaders == "outstanding"
    assert row.care_leavers is None  # "inspection_pre_dates_judgement"
    assert (official.framework, official.overall_effectiveness) == ("short", "good")


@pytest.mark.slow
def test_population_is_a_source_for_rates(england, tmp_path):
    """With benchmarks imported, the engine's sources hold ONS populations of the store's
    authorities: Wolverhampton mid-2019 61,173 (the denominator for 31 March 2020)."""
    _load_two_children(england, tmp_path)
    src = sources_from_store(england, "336")
    df = src.backend.execute(src.table("population"))
    assert set(df["la_code"]) == {"336"}
    assert df.loc[df.year == 2019, "population"].item() == 61173


@pytest.mark.slow
def test_computed_figures_against_the_same_benchmarks(england, tmp_path):
    """Two children looked after on 31 March 2020 in the store, for 336: the computed count 2
    is compared with England's published 80,000 and ranked among the published authorities."""
    _load_two_children(england, tmp_path)
    rows = computed_comparisons(england, "336", 2020, ids=["cla_count"])
    (c,) = rows
    assert (c.source, c.value, c.england, c.region) == ("computed", 2, 80000, 10680)
    s = published_series(england, c_published(c))
    others = {la: v for la, v in s.la_values(2020).items() if la != "336"}
    assert c.rank == 1 + sum(1 for v in others.values() if v < 2)
    assert c.of == len(others) + 1


@pytest.mark.slow
def test_computed_figures_are_compared_as_returned(england, tmp_path):
    """The 2020/21 return no longer reports B (open at 31 March 2020 in 2019/20's): as now
    recorded 1 child at 31 March 2020, as returned 2; DfE published from the 2019/20 return,
    so the comparison takes 2."""
    _load_two_children(england, tmp_path)
    eps = write_903_table(
        tmp_path / "episodes_2021.csv",
        "ssda903_episodes",
        [{"CHILD": "A", "DECOM": "01/06/2019", "RNE": "S", "LS": "C2", "PLACE": "U1"}],
    )
    result = ingest_903(england, [eps], la_code="336", return_year=2021)
    try:
        [now] = compute(sources_from_store(england, "336"), [date(2020, 3, 31)], ids=["cla_count"])
        assert now.value == 1
        [c] = computed_comparisons(england, "336", 2020, ids=["cla_count"])
        assert c.value == 2
    finally:
        england.undo(result.load.id)


def _load_two_children(store: Store, tmp_path: Path) -> None:
    files = write_903_children(tmp_path, [episode(c, "01/06/2019") for c in "AB"])
    ingest_903(store, files, la_code="336", return_year=2020)


# -- hand-made EES files ----------------------------------------------------------------------


def _ees(path: Path, columns: str, rows: list[str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join([f"{GEO},{columns}", *rows]) + "\n", encoding="utf-8")
    return path


def _row(year: int, level: str, la: str = "", region: str = "") -> str:
    names = {"National": ",,,,", "Regional": f"{region},Region,,,"}
    geo = names.get(level, f"{region},Region,{la},E0000{la},Authority {la}")
    return f"{year},Reporting year,{level},E92000001,England,{geo}"


def test_suppressed_cells_are_kept_as_markers_never_numbers(tmp_path):
    """c, x, z, k, u and low keep their marker and have no value; numbers are numbers."""
    p = _ees(
        tmp_path / "t.csv",
        "category,count,percent",
        [
            f"{_row(2020, 'National')},All,100,50.5",
            f"{_row(2020, 'Local authority', '301', 'E1')},All,c,x",
            f"{_row(2020, 'Local authority', '302', 'E1')},All,z,k",
            f"{_row(2020, 'Local authority', '303', 'E1')},All,u,low",
        ],
    )
    t = read_ees(p)
    assert t.filters == ("category",)
    assert t.measures == ("count", "percent")
    cells = {(r["la_code"], r["measure"]): (r["value"], r["status"]) for r in t.values.to_pylist()}
    assert cells[(None, "count")] == (100.0, None)
    assert cells[(None, "percent")] == (50.5, None)
    assert cells[("301", "count")] == (None, "c")
    assert cells[("301", "percent")] == (None, "x")
    assert cells[("302", "count")] == (None, "z")
    assert cells[("302", "percent")] == (None, "k")
    assert cells[("303", "count")] == (None, "u")
    assert cells[("303", "percent")] == (None, "low")


def test_an_unknown_marker_is_refused_with_file_row_and_field(tmp_path):
    rows = [f"{_row(2020, 'Local authority', str(300 + i), 'E1')},{i}" for i in range(1, 12)]
    rows[4] = f"{_row(2020, 'Local authority', '305', 'E1')},12?"
    p = _ees(tmp_path / "t.csv", "count", rows)
    with pytest.raises(InputError) as e:
        read_ees(p)
    assert str(e.value.location) == "t.csv, row 6, field count"
    assert e.value.rule == "ees-suppression-marker"


def test_a_bad_authority_code_is_refused(tmp_path):
    p = _ees(tmp_path / "t.csv", "count", [f"{_row(2020, 'Local authority', '3x1', 'E1')},4"])
    with pytest.raises(InputError, match=r"row 2, field old_la_code.*'3x1'"):
        read_ees(p)


def test_latest_release_wins_for_overlapping_years_and_old_names_are_aligned(store, tmp_path):
    """An earlier release (2019-2021, old column names) and a later one (2021-2023) of the same
    table: 2019 and 2020 come from the earlier, 2021 (revised from 50 to 55) from the later."""
    name = "cla_number_and_rate_per_10k_children.csv"
    old_cols = "population_count,population_estimate,number,rate_per_10000"
    new_cols = "population_type,population_estimate,children_count,rate_per_10000"
    old_label, new_label = (
        "Children looked after at 31 March each year",
        "Children looked after on 31 March each year",
    )
    _ees(
        tmp_path / "ees" / "2019-2021" / name,
        old_cols,
        [
            f"{_row(y, 'Local authority', '336', 'E12000005')},{old_label},1000,{n},1"
            for y, n in ((2019, 40), (2020, 45), (2021, 50))
        ],
    )
    _ees(
        tmp_path / "ees" / name,
        new_cols,
        [
            f"{_row(y, 'Local authority', '336', 'E12000005')},{new_label},1000,{n},1"
            for y, n in ((2021, 55), (2022, 60), (2023, 65))
        ],
    )
    import_dir(store, tmp_path / "ees")
    pub = Published(
        "cla_number_and_rate_per_10k_children",
        "children_count",
        (("population_type", new_label),),
    )
    s = published_series(store, pub)
    assert {y: c.value for (_, y), c in s.authorities.items()} == {
        2019: 40,
        2020: 45,
        2021: 55,
        2022: 60,
        2023: 65,
    }


def test_reimport_is_idempotent_and_a_failed_import_changes_nothing(store, tmp_path):
    good = _ees(
        tmp_path / "ees" / "t.csv",
        "count",
        [f"{_row(2020, 'Local authority', '301', 'E1')},7"],
    )

    def count() -> int:
        with store.engine.connect() as c:
            return c.execute(sa.select(sa.func.count()).select_from(db.bench_values)).scalar()

    first = import_dir(store, tmp_path / "ees")
    assert count() == 1
    again = import_dir(store, tmp_path / "ees")
    assert again.unchanged == ["t.csv"] and count() == 1
    assert first.files[0][1:] == ("t", 2020, 1)
    good.write_text(good.read_text() + f"{_row(2020, 'Local authority', '302', 'E1')},8\n")
    _ees(tmp_path / "ees" / "u.csv", "count", [f"{_row(2020, 'Local authority', '3x', 'E1')},1"])
    with pytest.raises(InputError):
        import_dir(store, tmp_path / "ees")
    assert count() == 1


def test_ranks_quartiles_and_directions_worked_by_hand():
    """Values A 10, B 20, C 20, D 30 (four authorities).
    Lower is better: A rank 1, B and C share 2, D 4. Higher is better: D 1, B and C 2, A 4.
    Quartiles of 4: rank 1 -> A (4 x 1 / 4 = 1), 2 -> B, 3 -> C, 4 -> D."""
    v = {"A": 10.0, "B": 20.0, "C": 20.0, "D": 30.0}
    assert [rank_of(v, k, "lower_better")[0] for k in "ABCD"] == [1, 2, 2, 4]
    assert [rank_of(v, k, "higher_better")[0] for k in "ABCD"] == [4, 2, 2, 1]
    assert rank_of(v, "Z", "lower_better") == (None, 4)
    assert [quartile_of(r, 4) for r in (1, 2, 3, 4)] == ["A", "B", "C", "D"]
    assert quartile_of(38, 150) == "B"  # 4 x 38 / 150 = 1.01 -> second quarter
    assert direction(9, 14, "lower_better") == "improved"
    assert direction(9, 14, "higher_better") == "worsened"
    assert direction(9, 14, "neutral") == "down"
    assert direction(9, 9, "neutral") == "no change"
    assert direction(None, 9, "neutral") is None


@pytest.mark.slow
def test_benchmarks_chart_command_writes_both_charts_with_alt_text(england, tmp_path):
    """Turnover 2017-2025 for Wolverhampton: nine published years (22.3 % in 2017, 10.8 % in
    2025) in the series chart; in 2020 it sits among its ten neighbours (11 bars)."""
    r = CliRunner().invoke(
        cli,
        ["--db", str(england.url), "benchmarks", "chart", "--la", "336", "--year", "2020",
         "--id", "sw_turnover_pct", "--out", str(tmp_path)],
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "sw_turnover_pct-neighbours.png", "sw_turnover_pct-neighbours.svg",
        "sw_turnover_pct-series.png", "sw_turnover_pct-series.svg",
    ]  # fmt: skip
    assert "Line chart of 9 points from 2017 (22.3%) to 2025 (10.8%)" in r.output
    assert "Bar chart of 11 authorities: Wolverhampton 15.2%" in r.output


@pytest.mark.slow
def test_every_mapped_measure_is_found_in_dfes_files(england):
    """Each declaration's mapping picks one breakdown of a real file and
    finds England's and Wolverhampton's values for its latest year."""
    from selfeval.benchmarks import mapped_indicators

    for m in mapped_indicators():
        s = published_series(england, m.published)
        assert s.authorities, f"{m.id}: {m.published} matches nothing"
        latest = max(y for _, y in s.authorities)
        assert latest in s.england, m.id
        assert ("336", latest) in s.authorities, m.id


def test_show_without_benchmarks_says_to_import_them(tmp_path):
    r = CliRunner().invoke(
        cli,
        ["--db", f"sqlite:///{tmp_path / 's.db'}", "benchmarks", "show", "--la", "336",
         "--year", "2020"],
    )  # fmt: skip
    assert r.exit_code != 0
    assert "selfeval benchmarks import" in str(r.exception)


@pytest.mark.slow
def test_show_as_a_table(england):
    r = CliRunner().invoke(
        cli, ["--db", str(england.url), "benchmarks", "show", "--la", "336", "--year", "2020"]
    )
    assert r.exit_code == 0, r.output
    rows = {x.split()[0]: x.split()[1:4] for x in r.output.splitlines()[1:]}
    # Each figure as every output writes it: a percentage with its sign to one place, a count
    # and a rate per 10,000 whole (value, England, region).
    assert rows["sw_turnover_pct"] == ["15.2%", "13.5%", "14.4%"]
    assert rows["cla_count"][0] == "588" and rows["cla_rate"][0] == "96"


def test_a_synthetic_englands_tables_import_like_the_real_ones(store, tmp_path):
    """`selfeval synth --england` writes DfE's layout; its figures come back through show."""
    import csv

    from selfeval.synth.england import write_england

    write_england(tmp_path, n=6, years=range(2019, 2021), seed=3, full=0)
    summary = import_dir(store, tmp_path / "ees")
    assert summary.neighbours == {"2021": 6}
    with open(tmp_path / "ees" / "cla_number_and_rate_per_10k_children.csv") as f:
        rows = [
            r
            for r in csv.DictReader(f)
            if r["time_period"] == "2020"
            and r["population_type"] == "Children looked after on 31 March each year"
        ]
    la = next(r for r in rows if r["geographic_level"] == "Local authority")
    nat = next(r for r in rows if r["geographic_level"] == "National")
    (c,) = published_comparisons(store, la["old_la_code"], 2020, ids=["cla_count"])
    assert c.value == float(la["children_count"])
    assert c.england == float(nat["children_count"])
    assert c.of == 6 and c.neighbours_with_value > 0


def test_rates_per_10k_children_are_worked_out_from_published_counts(store, tmp_path):
    """DfE's tables here give counts; the rate is count / ONS estimate a year before x 10,000.

    2021: England 600 referrals / 120,000 children (mid-2020) = 50.0; region R1 90 / 20,000 =
    45.0; authority 301 30 / 6,000 = 50.0; 302's count is suppressed (c), so is its rate; 303
    has no estimate for mid-2020, so no rate (x). 2020 has no estimate for mid-2019: none.
    """
    _ees(
        tmp_path / "ees" / "c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv",
        "category,referral_count",
        [
            f"{_row(2021, 'National')},All,600",
            f"{_row(2021, 'Regional', region='R1')},All,90",
            f"{_row(2021, 'Local authority', '301', 'R1')},All,30",
            f"{_row(2021, 'Local authority', '302', 'R1')},All,c",
            f"{_row(2021, 'Local authority', '303', 'R1')},All,12",
            f"{_row(2020, 'Local authority', '301', 'R1')},All,25",
        ],
    )
    _ees(
        tmp_path / "ees" / "ons_mid-year_population_estimates_2012_to_2024.csv",
        "age_group,population_estimate",
        [
            f"{_row(2020, 'National')},Children aged 0 to 17 years,120000",
            f"{_row(2020, 'Regional', region='R1')},Children aged 0 to 17 years,20000",
            f"{_row(2020, 'Local authority', '301', 'R1')},Children aged 0 to 17 years,6000",
            f"{_row(2020, 'Local authority', '302', 'R1')},Children aged 0 to 17 years,5000",
            f"{_row(2021, 'Local authority', '301', 'R1')},Children aged 0 to 17 years,9999",
        ],
    )
    import_dir(store, tmp_path / "ees")
    from selfeval.indicators import get

    pub = get("referral_rate").published
    assert pub is not None and pub.per_10k_children
    s = published_series(store, pub)
    assert s.england[2021].value == pytest.approx(50.0)
    assert s.regions[("R1", 2021)].value == pytest.approx(45.0)
    assert s.authorities[("301", 2021)].value == pytest.approx(50.0)
    assert (s.authorities[("302", 2021)].value, s.authorities[("302", 2021)].status) == (None, "c")
    assert (s.authorities[("303", 2021)].value, s.authorities[("303", 2021)].status) == (None, "x")
    assert s.authorities[("301", 2020)].value is None
    # the count itself stays the referrals indicator's benchmark
    counts = published_series(store, get("referrals").published)
    assert counts.authorities[("301", 2021)].value == 30
    assert "per 10,000 children" in pub.describe()


@pytest.mark.slow
def test_wolverhampton_2020_rates_from_published_counts(england):
    """Wolverhampton (336), 2020, over 61,173 children (ONS mid-2019): referrals 3,327 ->
    543.9 per 10,000; children on protection plans at 31 March 264 -> 43.2. England: 642,980
    referrals / 11,790,492 -> 545.3."""
    from selfeval.indicators import get

    ref = published_series(england, get("referral_rate").published)
    assert ref.authorities[("336", 2020)].value == pytest.approx(3327 / 61173 * 10_000)
    assert round(ref.authorities[("336", 2020)].value, 1) == 543.9
    assert round(ref.england[2020].value, 1) == 545.3
    cp = published_series(england, get("cp_rate").published)
    assert round(cp.authorities[("336", 2020)].value, 1) == 43.2
    rows = {r["id"]: r for r in _show(england, "--la", "336", "--year", "2020")}
    assert round(rows["referral_rate"]["value"], 1) == 543.9
    assert rows["cp_rate"]["neighbours_with_value"] == 10


def test_a_figure_stands_beside_dfes_figures_of_the_latest_reference_date_before_it():
    """DfE's workforce figures are at 30 September, the others at 31 March. At 31 March 2024 a
    31 March measure is beside 2024's and the workforce beside 2023's (the census of 30
    September 2023); at 30 September 2024 the workforce is beside 2024's; at 31 January 2024
    both are beside 2023's."""
    csww = Published("csww_indicators_2017_to_2025", "turnover_rate_fte")
    cla = Published("cla_number_and_rate_per_10k_children", "children_count")
    assert benchmark_year(cla, date(2024, 3, 31)) == 2024
    assert benchmark_year(csww, date(2024, 3, 31)) == 2023
    assert benchmark_year(csww, date(2024, 9, 30)) == 2024
    assert (benchmark_year(cla, date(2024, 1, 31)), benchmark_year(csww, date(2024, 1, 31))) == (
        2023,
        2023,
    )
