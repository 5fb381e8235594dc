"""The same indicator definitions give identical results on DuckDB and on Spark."""

from __future__ import annotations

import os
import shutil
from datetime import date

import pytest

from selfeval.indicators import catalogue, compute, month_ends, sources_from_store
from selfeval.indicators.backends import backend, spark_staging
from selfeval.synth import AuthorityConfig, synthesise

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


@pytest.fixture(scope="module", autouse=True)
def _quick_spark():
    """Spark as a test of small tables needs it: two shuffle partitions (eight on two cores
    by default, each a task), and a driver JVM that compiles with C1 only and collects with
    one thread: a run of minutes spends much of its CPU in the JIT's and the GC's threads
    (167 s of CPU for this file, 102 s so). The results compared do not depend on either."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SELFEVAL_SPARK_PARTITIONS", "2")
        java = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"
        mp.setenv("PYSPARK_SUBMIT_ARGS", f"--driver-java-options '{java}' pyspark-shell")
        yield


@pytest.fixture(scope="module")
def many_authorities(tmp_path_factory):
    """Three synthetic authorities with every return (903, CIN, Annex A, workforce, SSD) over
    two years, in one store: every area of the catalogue has figures to compare."""
    from selfeval.demo import ingest_synthetic
    from selfeval.store import Store

    root = tmp_path_factory.mktemp("england")
    store = Store(f"sqlite:///{root / 'selfeval.db'}")
    years = range(2019, 2021)
    for i, la in enumerate(["201", "336", "999"]):
        cfg = AuthorityConfig(la_code=la, children=120, years=years, seed=10 + i)
        synthesise(root / la, cfg)
        ingest_synthetic(store, root / la, years, la, validate_ssd=False)
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
    spark = sources_from_store(many_authorities, backend=backend("spark"))
    b = compute(spark, ends)
    assert len(a) == len(b) > 0
    # Spark read the tables as Parquet from the staging folder, not rows passed by the driver.
    files = spark.backend._session.table("ssda903_episodes").inputFiles()
    assert files and all(f.endswith(".parquet") and spark_staging() in f for f in files)
    assert _as_rows(a) == _as_rows(b)
    assert {r.la_code for r in a} == {"201", "336", "999"}
    # Every return's indicators were compared with figures, not only the 903's.
    tables = {t for r in a if r.value is not None for t in catalogue()[r.id].sources}
    assert {"ssda903_episodes", "cin_details", "cin_cp_plans", "workforce_workers"} <= tables
    assert {"ssd_contacts", "ssd_cla_visits", "ssd_cp_visits"} <= tables
