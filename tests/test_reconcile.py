"""Reconciliation: the authority's computed figures beside DfE's published ones (issue 16)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from selfeval.benchmarks import import_dir
from selfeval.benchmarks.reconcile import decimals, figure_date, reconcile, verdict
from selfeval.cli import cli
from selfeval.demo import ingest_synthetic
from selfeval.indicators.published import Cell
from selfeval.indicators.registry import Published
from selfeval.store import Store
from selfeval.synth.england import write_england

YEARS = range(2022, 2025)
LOOK_BACK = {"rereferral_12m_pct": 1, "stability_long_term_pct": 2}
"""Return years before Y a definition reads: a referral 12 months before one in the year; a
period of care begun 2.5 years and a placement 2 years before 31 March (an episode that ended
before the earliest return loaded is not in it). Earlier than that, the store cannot hold what
DfE's own historical record does, and the figure is not compared."""


# -- the verdict, worked by hand ------------------------------------------------------------------


def test_a_count_that_equals_the_published_one_matches():
    assert verdict(624.0, Cell(624.0), 0) == ("matches", 0.0, 0.5, "published to 0 decimals")


def test_a_percentage_that_rounds_to_the_published_one_is_within_rounding():
    """8 of 13 = 61.538...%, published to whole numbers as 62: 0.46 below, tolerance 0.5."""
    v, diff, tol, _ = verdict(100 * 8 / 13, Cell(62.0), 0)
    assert v == "within rounding"
    assert diff == pytest.approx(-0.4615, abs=1e-4)
    assert tol == 0.5


def test_a_figure_beyond_the_rounding_differs():
    """Long-term stability as the demo showed it before issue 16: 76.2 against 63."""
    v, diff, tol, _ = verdict(76.2, Cell(63.0), 0)
    assert (v, round(diff, 1), tol) == ("differs", 13.2, 0.5)
    assert verdict(19.25, Cell(19.2), 1)[0] == "within rounding"  # 0.05: half a tenth
    assert verdict(19.26, Cell(19.2), 1)[0] == "differs"


def test_suppressed_cells_say_what_they_hide():
    """c hides 1 to 5: a percentage with numerator 3 agrees, one with numerator 0 and
    denominator 40 does not; k is under 0.5%; x publishes nothing."""
    assert verdict(7.5, Cell(None, "c"), 0, numerator=3, denominator=40)[0] == (
        "consistent with suppression"
    )
    assert verdict(0.0, Cell(None, "c"), 0, numerator=0, denominator=40)[0] == "differs"
    assert verdict(0.3, Cell(None, "k"), 0)[0] == "consistent with suppression"
    assert verdict(0.0, Cell(None, "k"), 0)[0] == "differs"
    assert verdict(12.0, Cell(None, "x"), 0)[:1] == ("not published",)
    assert verdict(12.0, None, 0)[0] == "not published"
    assert verdict(None, Cell(5.0), 0, reason="no data: no OC3")[::3] == (
        "not computed",
        "no data: no OC3",
    )


def test_decimals_are_read_from_the_published_series():
    assert decimals([62.0, 9.0, 100.0]) == 0
    assert decimals([24.5, 20.0, 7.25]) == 2
    assert decimals([]) == 0


def test_the_workforce_figure_of_a_return_year_is_the_census_inside_it():
    csww = Published("csww_indicators_2017_to_2025", "turnover_rate_fte")
    cla = Published("cla_number_and_rate_per_10k_children", "children_count")
    assert figure_date(csww, 2020) == date(2019, 9, 30)
    assert figure_date(cla, 2020) == date(2020, 3, 31)


# -- a small synthetic England against the engine -------------------------------------------------


@pytest.fixture(scope="module")
def england(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("england")
    write_england(out, n=5, years=YEARS, seed=4, full=2, max_full_population=2000)
    return out


def _reconciled(england: Path, la: str, tmp: Path) -> dict[int, list]:
    """Each year's reconciliation from a store holding that year's returns and the earlier
    ones (the *as returned* store of the year)."""
    store = Store(f"sqlite:///{tmp / f'{la}.db'}")
    import_dir(store, england / "ees")
    out = {}
    for y in YEARS:
        ingest_synthetic(store, england / "la" / la, range(y, y + 1), la, validate_ssd=False)
        out[y] = reconcile(store, la, y)
    store.engine.dispose()
    return out


@pytest.mark.slow
def test_synthetic_englands_published_figures_are_the_engines(england, tmp_path):
    """For both simulated authorities and every year synth publishes, every mapped figure the
    engine computes from the authority's returns lies within DfE's rounding of the published
    one (or agrees with its suppression marker)."""
    seen = {"matches": 0, "within rounding": 0}
    for la in ("700", "701"):
        for y, rows in _reconciled(england, la, tmp_path).items():
            for r in rows:
                if y - LOOK_BACK.get(r.id, 0) < YEARS.start:
                    continue
                if r.id == "sw_changes_3plus_pct" and y < 2024:
                    assert r.verdict == "not computed"  # SWEpisodes: from the 2023/24 return
                    continue
                if r.status == "z":  # no one to measure: DfE's z, the engine's blank
                    assert (r.verdict, r.computed) == ("not published", None), (la, y, r)
                    continue
                if r.status in ("c", "k", "low"):
                    assert r.verdict == "consistent with suppression", (la, y, r)
                    continue
                assert r.verdict in ("matches", "within rounding"), (la, y, r)
                if r.published is not None:
                    seen[r.verdict] += 1
    assert seen["matches"] >= 40 and seen["within rounding"] >= 20, seen


def _published_with_ten_more_looked_after(england: Path, out: Path) -> Path:
    """A copy of the synthetic England's files in which DfE's count of children looked after
    by authority 700 on 31 March 2024 is 10 more than its returns hold."""
    import csv
    import shutil

    shutil.copytree(england / "ees", out)
    path = out / "cla_number_and_rate_per_10k_children.csv"
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    head = rows[0]
    col = {name: i for i, name in enumerate(head)}
    for r in rows[1:]:
        if (
            r[col["old_la_code"]] == "700"
            and r[col["time_period"]] == "2024"
            and r[col["population_type"]] == "Children looked after on 31 March each year"
        ):
            r[col["children_count"]] = str(int(r[col["children_count"]]) + 10)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    return out


@pytest.fixture(scope="module")
def store700(england, tmp_path_factory) -> Store:
    """Authority 700's three returns, and published figures that say it looked after 10 more
    children on 31 March 2024 than its returns do."""
    tmp = tmp_path_factory.mktemp("store700")
    store = Store(f"sqlite:///{tmp / 's.db'}")
    import_dir(store, _published_with_ten_more_looked_after(england, tmp / "ees"))
    ingest_synthetic(store, england / "la" / "700", YEARS, "700", validate_ssd=False)
    yield store
    store.engine.dispose()


@pytest.mark.slow
def test_a_figure_that_differs_is_listed_and_never_drafted_into_a_finding(store700):
    from selfeval.evaluation.engagement import engagement_pack
    from selfeval.evaluation.findings import Finding, reconciled_only
    from selfeval.evaluation.placeholders import FigureCache
    from selfeval.outputs.document import Table

    store = store700
    by = {r.id: r for r in reconcile(store, "700", 2024)}
    assert by["cla_count"].verdict == "differs"
    assert by["cla_count"].difference == -10
    assert by["cin_count"].verdict == "matches"

    at, before = date(2024, 3, 31), date(2023, 3, 31)

    def finding(ind_id: str) -> Finding:
        return Finding(
            key=f"change:{ind_id}:{before}:{at}",
            indicator_id=ind_id,
            area="need",
            kind="change",
            text=f"{ind_id} changed",
            evidence=None,  # type: ignore[arg-type]
            judgement="neutral",
            dates=(before, at),
        )

    record = FigureCache(store, "700")
    kept, differ = reconciled_only(record, [finding("cla_count"), finding("cin_count")])
    assert [f.indicator_id for f in kept] == ["cin_count"]
    assert differ[("cla_count", at)].published == by["cla_count"].published
    assert not [k for k in differ if k[0] == "cin_count"]

    pack = engagement_pack(store, "700", at)
    (table,) = [b for b in pack.blocks if isinstance(b, Table) and "differ from DfE" in b.caption]
    assert [row[0] for row in table.rows] == ["Children looked after"]
    assert table.rows[0][3] == "-10.0"


@pytest.mark.slow
def test_reconcile_command_as_table_json_and_workbook(store700, tmp_path):
    args = ["--db", str(store700.url), "reconcile", "--la", "700", "--year", "2024"]
    r = CliRunner().invoke(cli, args)
    assert r.exit_code == 0, r.output
    line = next(x for x in r.output.splitlines() if x.startswith("cin_count "))
    assert line.split()[-1] == "matches"
    line = next(x for x in r.output.splitlines() if x.startswith("cla_count "))
    assert line.split()[-3:] == ["-10.00", "±0.5", "differs"]
    assert "1 differs" in r.output.splitlines()[-1]
    r = CliRunner().invoke(cli, [*args, "--format", "json", "--id", "sw_turnover_pct"])
    (row,) = json.loads(r.output)
    assert (row["date"], row["basis"]) == ("2023-09-30", "as returned")
    assert row["verdict"] in ("matches", "within rounding")
    book = tmp_path / "r.xlsx"
    r = CliRunner().invoke(cli, [*args, "--format", "xlsx", "--out", str(book)])
    assert r.exit_code == 0, r.output
    from openpyxl import load_workbook

    ws = load_workbook(book).active
    assert [c.value for c in ws[1]][:4] == ["indicator", "date", "basis", "computed"]
    assert ws.max_row == 30  # a header and the 29 mapped indicators
