"""The engines the catalogue runs on: DuckDB in process (default), or PySpark.

The indicator definitions are Ibis expressions, so the same definitions run on either. Spark
is for a region or the nation that outgrows one machine: ``local[N]`` for one machine (tests),
or a cluster's master URL (``spark://host:7077``, ``yarn``, ``k8s://...``).
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import uuid
from functools import lru_cache
from typing import TYPE_CHECKING

import ibis
import ibis.expr.types as ir
import pyarrow as pa
import pyarrow.fs as pafs
import pyarrow.parquet as pq

from selfeval.errors import UsageError
from selfeval.settings import current

if TYPE_CHECKING:  # PySpark is an optional extra, imported when a session starts
    from pyspark.sql import SparkSession

ENGINES = ("duckdb", "spark")


def backend(engine: str = "duckdb", master: str | None = None) -> ibis.BaseBackend:
    """A fresh Ibis backend for ``engine``."""
    if engine == "duckdb":
        return ibis.duckdb.connect()
    if engine == "spark":
        return ibis.pyspark.connect(spark_session(master or current().spark_master))
    raise UsageError(f"--engine must be one of {', '.join(ENGINES)}, not {engine!r}")


def spark_settings(master: str | None = None) -> dict[str, str]:
    """The Spark settings selfeval starts a session with, from the environment.

    Local mode (``local[N]``, the default ``local[2]``) runs every task in the driver's JVM, so
    its heap is all the memory Spark has: ``$SELFEVAL_SPARK_DRIVER_MEMORY``, by default a
    quarter of the machine's memory between 1 and 8 GB (6g on a 24 GB machine; a synthetic
    England of 13 million rows runs in 4g). Shuffles use ``$SELFEVAL_SPARK_PARTITIONS``
    partitions, by default four per local core (Spark's own 200 suits a cluster, and is kept
    there); adaptive execution merges small ones either way.
    """
    local = not master or master.startswith("local")
    conf = {
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.sql.session.timeZone": "UTC",
        # The returns name fields in mixed case (FTE) and definitions derive lower-case ones
        # (fte): Spark must tell them apart, as DuckDB does through quoted identifiers.
        "spark.sql.caseSensitive": "true",
        "spark.sql.adaptive.enabled": "true",
    }
    memory = current().spark_driver_memory or (_default_driver_memory() if local else None)
    if memory:
        conf["spark.driver.memory"] = memory
    partitions = current().spark_partitions or (
        4 * _local_cores(master or "local[2]") if local else None
    )
    if partitions:
        conf["spark.sql.shuffle.partitions"] = str(partitions)
    if local:
        conf["spark.driver.bindAddress"] = "127.0.0.1"
        conf["spark.driver.host"] = "127.0.0.1"
    return conf


def _default_driver_memory() -> str:
    try:
        total = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError):
        return "2g"
    return f"{max(1, min(8, total // 4 // 2**30))}g"


def _local_cores(master: str) -> int:
    inside = master.partition("[")[2].partition("]")[0].split(",")[0]
    if inside == "*":
        return os.cpu_count() or 2
    return int(inside) if inside.isdigit() else 2


@lru_cache(maxsize=2)
def spark_session(master: str | None = None) -> SparkSession:
    """One Spark session per master for the process (starting one takes ~10-15 s)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise UsageError(
            "the spark engine needs PySpark: pip install 'selfeval[spark]' (and Java 17)"
        ) from None
    builder = SparkSession.builder.master(master or "local[2]").appName("selfeval")
    builder = builder.config("spark.sql.warehouse.dir", tempfile.mkdtemp(prefix="selfeval-spark-"))
    for key, value in spark_settings(master).items():
        builder = builder.config(key, value)
    try:
        session = builder.getOrCreate()
    except Exception as e:  # Java missing or the master unreachable
        raise UsageError(f"could not start Spark ({master or 'local[2]'}): {e}") from None
    session.sparkContext.setLogLevel("ERROR")
    return session


@lru_cache(maxsize=1)
def spark_staging() -> str:
    """Where tables are written for Spark to read: ``$SELFEVAL_SPARK_STAGING`` (a folder or a
    URI every executor can read, e.g. ``hdfs://namenode/tmp/selfeval`` or ``s3://bucket/x``,
    for a cluster), else a temporary folder of this machine, removed at exit (local mode)."""
    given = current().spark_staging
    if given:
        return given.rstrip("/") if "://" in given else os.path.abspath(given)
    folder = tempfile.mkdtemp(prefix="selfeval-spark-tables-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


def stage_parquet(name: str, table: pa.Table) -> str:
    """Write ``table`` as Parquet in a new folder under the staging folder; that folder's
    path or URI, for Spark to read."""
    target = f"{spark_staging()}/{name}-{uuid.uuid4().hex}"
    fs, path = pafs.FileSystem.from_uri(target if "://" in target else f"file://{target}")
    fs.create_dir(path)
    # Spark keeps microseconds: nanosecond stamps would not read (there are none today).
    pq.write_table(
        table,
        f"{path}/part-0.parquet",
        filesystem=fs,
        coerce_timestamps="us",
        allow_truncated_timestamps=True,
    )
    return target


def register(con: ibis.BaseBackend, name: str, table: pa.Table) -> ir.Table:
    """Make an Arrow table available to the backend under ``name``.

    DuckDB scans the Arrow table in place (a view: no copy, so a region's tables are in memory
    once). Spark reads it as Parquet written to the staging folder (``spark_staging``): handing
    Arrow to ``createDataFrame`` would pass every row through the driver's JVM, whose heap a
    national dataset exhausts; a temporary view over the files lets the executors read them
    (a managed table would write a warehouse folder into the working directory).
    """
    if con.name == "pyspark":
        reader = con._session.read
        if not any(pa.types.is_timestamp(f.type) for f in table.schema):
            from pyspark.sql.pandas.types import from_arrow_schema

            reader = reader.schema(from_arrow_schema(table.schema))  # no job to infer it
        reader.parquet(stage_parquet(name, table)).createOrReplaceTempView(name)
        return con.table(name)
    if con.name == "duckdb":
        con.con.register(name, table)
        return _duckdb_table(con, name, table.schema)
    return con.create_table(name, table, overwrite=True)


_DUCKDB_SCHEMAS: dict[bytes, ibis.Schema] = {}
"""The Ibis schema DuckDB gives a view of an Arrow table, by the Arrow schema (serialised, so
with its metadata): DuckDB maps Arrow types the same way every time."""


def _duckdb_table(con: ibis.BaseBackend, name: str, schema: pa.Schema) -> ir.Table:
    """``con.table(name)`` for a view of an Arrow table of ``schema``. Ibis asks DuckDB for
    the view's columns and parses each type name (about a tenth of a second a table, and the
    sources of a store register dozens each time they are made); a schema seen before is not
    asked again."""
    import ibis.expr.operations as ops

    key = schema.serialize().to_pybytes()
    known = _DUCKDB_SCHEMAS.get(key)
    if known is None:
        t: ir.Table = con.table(name)
        if len(_DUCKDB_SCHEMAS) >= 4096:
            _DUCKDB_SCHEMAS.clear()
        if not t.schema().geospatial:  # a geometry column loads an extension: ask each time
            _DUCKDB_SCHEMAS[key] = t.schema()
        return t
    table: ir.Table = ops.DatabaseTable(
        name, schema=known, source=con, namespace=ops.Namespace(catalog=None, database=None)
    ).to_expr()
    return table
