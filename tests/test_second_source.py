"""A second source written by others: the multi-year fake SSDA903 set that D2I's cs-demand-model
ships (``cs_demand_model_samples/combined``), fetched from PyPI at test time (never installed:
it pins an old pandas) and ingested through the same path as an authority's files."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from datetime import date
from pathlib import Path

import pytest

from conftest import run_cli
from selfeval.indicators import compute, sources_from_store
from selfeval.ingest import ingest
from selfeval.store import Store

VERSION = "0.5.1"
LA = "999"
# The files are named by the year their collection starts: "2017-episodes.csv" runs from
# April 2017 (its earliest DEC is 02/04/2017, its latest DECOM 31/03/2018), the 2018 return.
FILE_YEARS = range(2017, 2022)


def _cache() -> Path:
    base = os.environ.get("SELFEVAL_CACHE")
    return (Path(base) if base else Path.home() / ".cache" / "selfeval") / "test-data"


@pytest.fixture(scope="module")
def combined() -> Path:
    """The sample folder, downloaded once into the cache (skipped offline, except in CI)."""
    folder = _cache() / f"cs-demand-model-{VERSION}"
    done = folder / "cs_demand_model_samples" / "combined"
    if not done.is_dir():
        folder.mkdir(parents=True, exist_ok=True)
        r = subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "-d", str(folder),
             f"cs-demand-model=={VERSION}"],
            capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        wheels = list(folder.glob("cs_demand_model-*.whl"))
        if r.returncode != 0 or not wheels:
            if os.environ.get("CI") == "true":
                pytest.fail(f"could not download cs-demand-model from PyPI: {r.stderr[-500:]}")
            pytest.skip("cs-demand-model could not be downloaded (offline?)")
        with zipfile.ZipFile(wheels[0]) as z:
            for n in z.namelist():
                if n.startswith("cs_demand_model_samples/combined/") and n.endswith(".csv"):
                    z.extract(n, folder)
    return done


def year_files(combined: Path, file_year: int) -> list[Path]:
    """One return's files, without the blank ones (AD1 and placed-for-adoption are one newline)."""
    return sorted(p for p in combined.glob(f"{file_year}-*.csv") if p.read_text().strip())


def cla_at(store: Store, at: date) -> float | None:
    [r] = compute(sources_from_store(store), [at], ids=["cla_count"])
    return r.value


def test_the_blank_files_of_the_set_are_tables_with_no_rows(combined, store):
    """The set's ``2017-ad1.csv`` is a newline only: the ad1 table with no rows, noted."""
    rec = ingest(
        store, [combined / "2017-ad1.csv"], return_year=2018, la_code=LA, validate=False
    ).load
    assert rec.tables == {"ssda903_ad1": 0}
    assert any("[empty-table]" in w for w in rec.validation["tolerated"])


@pytest.mark.django_db
@pytest.mark.slow
def test_five_years_ingest_with_the_exact_counts(combined, tmp_path, capsys):
    """Rows per table and return year are the files' lines less their header (wc -l - 1):
    episodes 1460, 974, 648, 402, 253; header 819, 572, 362, 226, 144; OC3 126, 96, 56, 40, 39.

    Children looked after at 31 March 2019 (episodes open on the day, excluding V3/V4), worked
    out with a few lines of pandas over the CSV files, outside selfeval:
    - the 2019 return (2018-*.csv) alone: 195 children;
    - all five returns merged by the rule of docs/merge-rule.md (latest return per CHILD and
      DECOM; rows left open at a year's end that the next return does not re-report dropped):
      2,800 episode rows, of which 288 children open on 31 March 2019. The later returns report
      long episodes that the 2019 return does not (the fake set is not consistent year to year),
      and being later, they are believed.
    """
    one = Store(f"sqlite:///{tmp_path / 'one.db'}")
    ingest(one, year_files(combined, 2018), return_year=2019, la_code=LA, validate=False)
    assert cla_at(one, date(2019, 3, 31)) == 195

    store = Store(f"sqlite:///{tmp_path / 'all.db'}")
    for fy in (2020, 2017, 2019, 2018):  # any order
        ingest(store, year_files(combined, fy), return_year=fy + 1, la_code=LA, validate=False)
    code, _, err = run_cli(
        capsys, "--db", str(store.url), "ingest", *map(str, year_files(combined, 2021)),
        "--year", "2022", "--la", LA, "--no-validate",
    )  # fmt: skip
    assert code == 0, err
    by_year = {r.return_year: r.tables for r in store.loads()}
    assert {y: t["ssda903_episodes"] for y, t in by_year.items()} == {
        2018: 1460,
        2019: 974,
        2020: 648,
        2021: 402,
        2022: 253,
    }
    assert {y: t["ssda903_header"] for y, t in by_year.items()} == {
        2018: 819,
        2019: 572,
        2020: 362,
        2021: 226,
        2022: 144,
    }
    assert {y: t["ssda903_oc3"] for y, t in by_year.items()} == {
        2018: 126,
        2019: 96,
        2020: 56,
        2021: 40,
        2022: 39,
    }
    assert store.table("ssda903_episodes").num_rows == 2800
    assert store.table("ssda903_oc3").num_rows == 126 + 96 + 56 + 40 + 39  # per year: all kept
    assert cla_at(store, date(2019, 3, 31)) == 288


@pytest.mark.slow
def test_the_whole_set_in_one_call_each_year_from_its_episodes(combined, store):
    """The five years' files in one call, without --year and in no order: each return's year
    comes from its own episodes (``2017-episodes.csv``'s latest start or end is in 2017/18, so
    the 2018 return), each file goes with the episodes of its own name, and the record is the
    one the five separate loads above make: 2,800 episode rows, 288 looked after on 31 March
    2019, rows per return as the files' lines."""
    files = [p for fy in FILE_YEARS for p in year_files(combined, fy)]
    result = ingest(store, list(reversed(files)), la_code=LA, validate=False)
    by_year = {o.load.return_year: o.load.tables for o in result.loads}
    assert {y: t["ssda903_episodes"] for y, t in by_year.items()} == {
        2018: 1460, 2019: 974, 2020: 648, 2021: 402, 2022: 253
    }  # fmt: skip
    assert {y: t["ssda903_header"] for y, t in by_year.items()} == {
        2018: 819, 2019: 572, 2020: 362, 2021: 226, 2022: 144
    }  # fmt: skip
    assert store.table("ssda903_episodes").num_rows == 2800
    assert cla_at(store, date(2019, 3, 31)) == 288
