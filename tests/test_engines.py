"""The same indicator definitions give identical results on DuckDB and on Spark."""

from __future__ import annotations

import os
import shutil
from datetime import date

import pytest

from selfeval.indicators import compute, month_ends, sources_from_store
from selfeval.indicators.backends import backend
from selfeval.ingest import ingest_903
from selfeval.synth import write_903

pytestmark = [pytest.mark.spark, pytest.mark.slow]

HAVE_SPARK = shutil.which("java") is not None
try:
    import pyspark  # noqa: F401
except ImportError:
    HAVE_SPARK = False


def _needs_spark():
    if not HAVE_SPARK:
        if os.environ.get("CI"):
            pytest.fail("CI must run the Spark tests: Java 17 and pyspark are missing")
        pytest.skip("needs Java and pyspark")


@pytest.fixture(scope="module")
def many_authorities(tmp_path_factory):
    """Three synthetic authorities, two return years each, in one store."""
    from selfeval.store import Store

    root = tmp_path_factory.mktemp("england")
    store = Store(f"sqlite:///{root / 'selfeval.db'}")
    for i, la in enumerate(["201", "336", "999"]):
        write_903(root / la, children=120, years=range(2019, 2021), seed=10 + i, la_code=la)
        for y in (2019, 2020):
            files = sorted((root / la / "903" / str(y)).glob("*.csv"))
            ingest_903(store, files, la_code=la, return_year=y)
    yield store
    store.engine.dispose()


def _as_rows(results):
    return sorted(
        (r.id, r.la_code, r.period_end, r.value, r.numerator, r.denominator, r.reason)
        for r in results
    )


def test_duckdb_and_spark_agree_on_every_indicator(many_authorities):
    _needs_spark()
    ends = [*month_ends(date(2019, 4, 1), date(2020, 3, 31))]
    a = compute(sources_from_store(many_authorities), ends)
    b = compute(sources_from_store(many_authorities, backend=backend("spark")), ends)
    assert len(a) == len(b) > 0
    assert _as_rows(a) == _as_rows(b)
    assert {r.la_code for r in a} == {"201", "336", "999"}
