"""The engines the catalogue runs on: DuckDB in process (default), or PySpark.

The indicator definitions are Ibis expressions, so the same definitions run on either. Spark
is for a region or the nation that outgrows one machine: ``local[N]`` for one machine (tests),
or a cluster's master URL (``spark://host:7077``, ``yarn``, ``k8s://...``).
"""

from __future__ import annotations

import tempfile
from functools import lru_cache

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from selfeval.errors import UsageError
from selfeval.settings import current

ENGINES = ("duckdb", "spark")


def backend(engine: str = "duckdb", master: str | None = None) -> ibis.BaseBackend:
    """A fresh Ibis backend for ``engine``."""
    if engine == "duckdb":
        return ibis.duckdb.connect()
    if engine == "spark":
        return ibis.pyspark.connect(spark_session(master or current().spark_master))
    raise UsageError(f"--engine must be one of {', '.join(ENGINES)}, not {engine!r}")


@lru_cache(maxsize=2)
def spark_session(master: str | None = None):  # type: ignore[no-untyped-def]
    """One Spark session per master for the process (starting one takes ~10-15 s)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise UsageError(
            "the spark engine needs PySpark: pip install 'selfeval[spark]' (and Java 17)"
        ) from None
    builder = (
        SparkSession.builder.master(master or "local[2]")
        .appName("selfeval")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.warehouse.dir", tempfile.mkdtemp(prefix="selfeval-spark-"))
        .config("spark.sql.shuffle.partitions", str(current().spark_partitions))
        # The returns name fields in mixed case (FTE) and definitions derive lower-case ones
        # (fte): Spark must tell them apart, as DuckDB does through quoted identifiers.
        .config("spark.sql.caseSensitive", "true")
        # Local mode runs in the driver's JVM: its heap holds every table handed to Spark.
        .config("spark.driver.memory", current().spark_driver_memory)
    )
    if not master or master.startswith("local"):
        builder = builder.config("spark.driver.bindAddress", "127.0.0.1").config(
            "spark.driver.host", "127.0.0.1"
        )
    try:
        session = builder.getOrCreate()
    except Exception as e:  # Java missing or the master unreachable
        raise UsageError(f"could not start Spark ({master or 'local[2]'}): {e}") from None
    session.sparkContext.setLogLevel("ERROR")
    return session


def register(con: ibis.BaseBackend, name: str, table: pa.Table) -> ir.Table:
    """Make an Arrow table available to the backend under ``name``, without writing files.

    DuckDB scans the Arrow table in place (a view: no copy, so a region's tables are in memory
    once); Spark gets a temporary view (a managed table would write a warehouse folder into
    the working directory).
    """
    if con.name == "pyspark":
        session = con._session
        session.createDataFrame(table).createOrReplaceTempView(name)
        return con.table(name)
    if con.name == "duckdb":
        con.con.register(name, table)
        return con.table(name)
    return con.create_table(name, table, overwrite=True)
