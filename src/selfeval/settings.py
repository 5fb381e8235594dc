"""Every setting selfeval takes from the environment, typed and documented in one place.

``current()`` is the only reader of ``SELFEVAL_*`` variables: modules ask it, never
``os.environ``. The variables are parsed once per distinct environment (a test or a command
that changes one gets the new value), and each is described in ``SETTINGS``, from which
docs/settings.md is generated and compared by a test.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_URL = "sqlite:///selfeval.db"
"""The store when none is named: ``selfeval.db`` in the working folder."""


@dataclass(frozen=True)
class Setting:
    env: str
    default: str
    meaning: str


SETTINGS: dict[str, Setting] = {
    "db": Setting("SELFEVAL_DB", DEFAULT_URL, "The store's SQLAlchemy URL (SQLite or PostgreSQL)."),
    "data_dir": Setting(
        "SELFEVAL_DATA_DIR",
        "",
        "Where a PostgreSQL store keeps its child-level Parquet files (a SQLite store keeps "
        "them beside its database file).",
    ),
    "max_file_bytes": Setting(
        "SELFEVAL_MAX_FILE_BYTES", "", "The largest return file a reader accepts, in bytes."
    ),
    "ssd_spec": Setting(
        "SELFEVAL_SSD_SPEC",
        "",
        "The ssd-data-model's data/objects folder: the SSD's YAML specifications.",
    ),
    "cache": Setting(
        "SELFEVAL_CACHE",
        "~/.cache/selfeval",
        "Where DfE's validators' environment is built (once).",
    ),
    "council": Setting(
        "SELFEVAL_COUNCIL",
        "",
        "The council's TOML file for the documents (names, committee, meeting); default the "
        "example council.",
    ),
    "spark_master": Setting("SELFEVAL_SPARK_MASTER", "local[*]", "The Spark master URL."),
    "spark_partitions": Setting(
        "SELFEVAL_SPARK_PARTITIONS",
        "",
        "Spark's spark.sql.shuffle.partitions; default 4 per core in local mode, Spark's own "
        "on a cluster (docs/spark.md).",
    ),
    "spark_driver_memory": Setting(
        "SELFEVAL_SPARK_DRIVER_MEMORY",
        "",
        "Spark's spark.driver.memory; default a quarter of the machine's memory (1-8 GB) in "
        "local mode, Spark's own on a cluster.",
    ),
    "spark_staging": Setting(
        "SELFEVAL_SPARK_STAGING",
        "",
        "Where tables are written as Parquet for Spark to read: a folder or URI every executor "
        "can read (hdfs://, s3://); default a temporary folder, removed at exit.",
    ),
    "spark_batch": Setting("SELFEVAL_SPARK_BATCH", "10", "Indicators per Spark query."),
    "max_upload_mb": Setting(
        "SELFEVAL_MAX_UPLOAD_MB", "100", "The web's largest upload, in megabytes."
    ),
    "secret_key": Setting("SELFEVAL_SECRET_KEY", "", "The web's signing key."),
    "secret_key_file": Setting(
        "SELFEVAL_SECRET_KEY_FILE",
        "",
        "A file holding the web's signing key (created, owner-readable, if missing).",
    ),
    "crash_at": Setting(
        "SELFEVAL_CRASH_AT",
        "",
        "Tests only: kill the process at a named step of a load (crash-safety test).",
    ),
}
"""What each setting is: its variable, its default, what it means (docs/settings.md)."""


@dataclass(frozen=True)
class Settings:
    """The settings of this process, as typed values."""

    db: str = DEFAULT_URL
    data_dir: Path | None = None
    max_file_bytes: int | None = None
    ssd_spec: Path | None = None
    cache: Path = Path("~/.cache/selfeval")
    council: Path | None = None
    spark_master: str | None = None
    spark_partitions: int | None = None
    spark_driver_memory: str | None = None
    spark_staging: str | None = None
    spark_batch: int = 10
    max_upload_mb: float = 100.0
    secret_key: str | None = None
    secret_key_file: Path | None = None
    crash_at: str | None = None

    @property
    def max_upload_bytes(self) -> int:
        return int(self.max_upload_mb * 1024 * 1024)

    @classmethod
    def from_environ(cls, environ: dict[str, str]) -> Settings:
        """The settings the variables in ``environ`` give (blank is unset)."""
        raw = {
            name: v.strip()
            for name, s in SETTINGS.items()
            if (v := environ.get(s.env)) is not None and v.strip()
        }

        def path(name: str) -> Path | None:
            return Path(raw[name]).expanduser() if name in raw else None

        size = raw.get("max_file_bytes", "")
        return cls(
            db=raw.get("db", DEFAULT_URL),
            data_dir=path("data_dir"),
            max_file_bytes=int(size) if size.isdigit() else None,
            ssd_spec=path("ssd_spec"),
            cache=path("cache") or Path.home() / ".cache" / "selfeval",
            council=path("council"),
            spark_master=raw.get("spark_master"),
            spark_partitions=int(raw["spark_partitions"]) if "spark_partitions" in raw else None,
            spark_driver_memory=raw.get("spark_driver_memory"),
            spark_staging=raw.get("spark_staging"),
            spark_batch=max(1, int(raw.get("spark_batch", "10"))),
            max_upload_mb=float(raw.get("max_upload_mb", "100")),
            secret_key=raw.get("secret_key"),
            secret_key_file=path("secret_key_file"),
            crash_at=raw.get("crash_at"),
        )


_parsed: dict[tuple[tuple[str, str], ...], Settings] = {}


def current() -> Settings:
    """This process's settings, from its environment as it is now (parsed once per state)."""
    key = tuple((s.env, os.environ.get(s.env, "")) for s in SETTINGS.values())
    found = _parsed.get(key)
    if found is None:
        found = _parsed[key] = Settings.from_environ(dict(key))
    return found


def settings_markdown() -> str:
    """docs/settings.md: every setting, generated from ``SETTINGS``."""
    out = [
        "# Settings",
        "",
        "selfeval reads these environment variables, and only these (`selfeval.settings`); "
        "generated from `SETTINGS`, compared by a test. The web's own (Django's security, "
        "sign-in, logging) are in docs/web.md.",
        "",
        "| variable | default | meaning |",
        "| --- | --- | --- |",
    ]
    for s in SETTINGS.values():
        out.append(f"| `{s.env}` | {f'`{s.default}`' if s.default else '(none)'} | {s.meaning} |")
    return "\n".join(out) + "\n"
