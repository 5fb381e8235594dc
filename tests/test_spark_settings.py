"""How selfeval configures Spark and stages tables for it (no Spark session needed)."""

from __future__ import annotations

import os

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from selfeval.indicators import backends
from selfeval.indicators.engine import batch_size

GIB = 2**30


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch):
    for name in (
        "SELFEVAL_SPARK_DRIVER_MEMORY",
        "SELFEVAL_SPARK_PARTITIONS",
        "SELFEVAL_SPARK_STAGING",
        "SELFEVAL_SPARK_BATCH",
    ):
        monkeypatch.delenv(name, raising=False)
    backends.spark_staging.cache_clear()
    yield
    backends.spark_staging.cache_clear()


def _machine(monkeypatch, gib: int) -> None:
    pages = {"SC_PHYS_PAGES": gib * GIB // 4096, "SC_PAGE_SIZE": 4096}
    monkeypatch.setattr(os, "sysconf", lambda name: pages[name])


@pytest.mark.parametrize(("gib", "memory"), [(24, "6g"), (64, "8g"), (2, "1g"), (8, "2g")])
def test_local_driver_memory_is_a_quarter_of_the_machine_between_1_and_8_gb(
    monkeypatch, gib, memory
):
    _machine(monkeypatch, gib)
    assert backends.spark_settings(None)["spark.driver.memory"] == memory
    assert backends.spark_settings("local[4]")["spark.driver.memory"] == memory


def test_local_shuffle_partitions_are_four_per_core(monkeypatch):
    _machine(monkeypatch, 24)
    assert backends.spark_settings(None)["spark.sql.shuffle.partitions"] == "8"  # local[2]
    assert backends.spark_settings("local[3]")["spark.sql.shuffle.partitions"] == "12"
    monkeypatch.setattr(os, "cpu_count", lambda: 16)
    assert backends.spark_settings("local[*]")["spark.sql.shuffle.partitions"] == "64"


def test_a_cluster_keeps_its_own_memory_and_partitions_unless_told(monkeypatch):
    conf = backends.spark_settings("spark://host:7077")
    assert "spark.driver.memory" not in conf
    assert "spark.sql.shuffle.partitions" not in conf
    assert "spark.driver.bindAddress" not in conf
    assert conf["spark.sql.caseSensitive"] == "true"
    monkeypatch.setenv("SELFEVAL_SPARK_DRIVER_MEMORY", "3g")
    monkeypatch.setenv("SELFEVAL_SPARK_PARTITIONS", "400")
    conf = backends.spark_settings("yarn")
    assert conf["spark.driver.memory"] == "3g"
    assert conf["spark.sql.shuffle.partitions"] == "400"


def test_tables_are_staged_as_parquet_in_the_staging_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("SELFEVAL_SPARK_STAGING", str(tmp_path / "staging"))
    t = pa.table({"la_code": ["201", "336"], "n": pa.array([1, None], pa.int64())})
    where = backends.stage_parquet("episodes", t)
    assert where.startswith(str(tmp_path / "staging") + "/episodes-")
    [part] = os.listdir(where)
    assert pq.read_table(os.path.join(where, part)).equals(t)
    assert backends.stage_parquet("episodes", t) != where  # a new folder for each table


def test_spark_runs_the_catalogue_in_batches_duckdb_in_one_query(monkeypatch):
    assert batch_size("duckdb") >= 1000
    assert batch_size("pyspark") == 10
    monkeypatch.setenv("SELFEVAL_SPARK_BATCH", "3")
    assert batch_size("pyspark") == 3
