"""The application database's tables (SQLAlchemy Core), shared by the CLI and the web app."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any, TypeVar

import sqlalchemy as sa

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

metadata = sa.MetaData()

_Record = TypeVar("_Record", bound="DataclassInstance")


def id_column() -> sa.Column[int]:
    """A table's own row number."""
    return sa.Column("id", sa.Integer, primary_key=True, autoincrement=True)


def la_code_column() -> sa.Column[str]:
    """The authority a row belongs to (every load and every imported record carries it)."""
    return sa.Column("la_code", sa.String(3), nullable=False, index=True)


def reference_column(
    name: str,
    target: str,
    *,
    ondelete: str,
    nullable: bool = True,
    index: bool = False,
    primary_key: bool = False,
) -> sa.Column[int]:
    """An integer column naming a row of ``target`` (``table.id``), and what its deletion does."""
    return sa.Column(
        name,
        sa.Integer,
        sa.ForeignKey(target, ondelete=ondelete),
        nullable=nullable,
        index=index,
        primary_key=primary_key,
    )


def values_of(record: DataclassInstance, table: sa.Table, **given: object) -> dict[str, Any]:
    """The values of the ``table`` row that holds ``record``: each of its fields that is a
    column of the table, but its ``id`` (the table numbers its rows), then ``given``."""
    values: dict[str, Any] = {
        f.name: getattr(record, f.name)
        for f in dataclasses.fields(record)
        if f.name != "id" and f.name in table.c
    }
    return values | given


def record_of(cls: type[_Record], row: sa.Row[Any], **given: object) -> _Record:
    """A ``cls`` record read back from a row: each of its fields the row holds, then
    ``given`` (what the row holds otherwise: a grade as a number, a name by a join)."""
    m = row._mapping
    values = {f.name: m[f.name] for f in dataclasses.fields(cls) if f.init and f.name in m}
    return cls(**(values | given))


def inserted_id(result: sa.CursorResult[Any]) -> int:
    """The id of the one row an INSERT added (its integer primary key)."""
    key = result.inserted_primary_key
    if key is None:
        raise RuntimeError("the INSERT reported no primary key")
    return int(key[0])


loads = sa.Table(
    "se_load",
    metadata,
    id_column(),
    la_code_column(),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("return_year", sa.Integer, nullable=True),
    sa.Column("content_hash", sa.String(64), nullable=False),
    sa.Column("folder", sa.String(80), nullable=False, unique=True),
    sa.Column("loaded_by", sa.String(200), nullable=False),
    sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("tables", sa.JSON, nullable=False),
    sa.Column("validation", sa.JSON, nullable=False),
    sa.Column("pseudonymised", sa.Boolean, nullable=False, default=False),
    # A fingerprint of the pseudonymisation key (never the key): loads of one authority must
    # all use the same key, or none, for children to match across returns.
    sa.Column("pseudonym_key_id", sa.String(32), nullable=True),
    sa.Column("validators", sa.JSON, nullable=False, default=dict),
    sa.Column("selfeval_version", sa.String(40), nullable=False, default=""),
    # The loads made by one command share a batch id (one command is one transaction).
    sa.Column("batch", sa.String(32), nullable=False, default=""),
    sa.UniqueConstraint("la_code", "content_hash", name="uq_load_la_hash"),
    # An id is never given twice, even after the latest load is undone: "load 21" in the
    # audit log names one load for ever (PostgreSQL's sequences never reuse one either).
    sqlite_autoincrement=True,
)

load_files = sa.Table(
    "se_load_file",
    metadata,
    id_column(),
    reference_column("load_id", "se_load.id", ondelete="CASCADE", index=True),
    sa.Column("name", sa.String(400), nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("size_bytes", sa.BigInteger, nullable=False),
    sa.Column("table_name", sa.String(80), nullable=True),
)

settings = sa.Table(
    "se_setting",
    metadata,
    sa.Column("key", sa.String(80), primary_key=True),
    sa.Column("value", sa.JSON, nullable=False),
)

# -- published benchmarks (selfeval.benchmarks) -----------------------------------------------

bench_files = sa.Table(
    "se_bench_file",
    metadata,
    id_column(),
    sa.Column("source", sa.String(120), nullable=False),
    sa.Column("release", sa.Integer, nullable=False),
    sa.Column("name", sa.String(400), nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("rows", sa.Integer, nullable=False),
    sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("source", "release", name="uq_bench_file_release"),
)
"""One imported EES file: ``source`` is its stem, ``release`` the latest year it holds."""

bench_series = sa.Table(
    "se_bench_series",
    metadata,
    id_column(),
    sa.Column("source", sa.String(120), nullable=False),
    sa.Column("release", sa.Integer, nullable=False),
    sa.Column("measure", sa.String(120), nullable=False),
    sa.Column("breakdown", sa.String(1000), nullable=False),
    sa.UniqueConstraint("source", "release", "measure", "breakdown", name="uq_bench_series"),
    sa.Index("ix_bench_series_measure", "source", "measure"),
)
"""One published measure of one release: its file's stem, column and breakdown (the filter
columns' values as sorted JSON, ``{}`` when the file has none)."""

bench_values = sa.Table(
    "se_bench_value",
    metadata,
    reference_column("series_id", "se_bench_series.id", ondelete="CASCADE", nullable=False),
    sa.Column("time_period", sa.String(12), nullable=False),
    sa.Column("year", sa.Integer, nullable=False),
    sa.Column("geographic_level", sa.String(40), nullable=False),
    sa.Column("region_code", sa.String(12), nullable=True),
    sa.Column("la_code", sa.String(12), nullable=True),
    sa.Column("value", sa.Float, nullable=True),
    sa.Column("status", sa.String(16), nullable=True),
    sa.Index("ix_bench_value_series_year", "series_id", "year"),
)
"""Published figures in long form: a suppressed cell has no value and its marker as status."""

bench_periods = sa.Table(
    "se_bench_period",
    metadata,
    sa.Column("source", sa.String(120), primary_key=True),
    sa.Column("year", sa.Integer, primary_key=True),
    sa.Column("release", sa.Integer, nullable=False),
)
"""Which release is current for each file and year: the latest release that holds the year."""

bench_areas = sa.Table(
    "se_bench_area",
    metadata,
    sa.Column("la_code", sa.String(12), primary_key=True),
    sa.Column("new_la_code", sa.String(40), nullable=True),
    sa.Column("la_name", sa.String(120), nullable=False),
    sa.Column("region_code", sa.String(12), nullable=True),
    sa.Column("region_name", sa.String(120), nullable=True),
)

bench_neighbours = sa.Table(
    "se_bench_neighbour",
    metadata,
    sa.Column("model", sa.String(8), primary_key=True),
    sa.Column("la_code", sa.String(3), primary_key=True),
    sa.Column("position", sa.Integer, primary_key=True),
    sa.Column("neighbour_code", sa.String(3), nullable=False),
    sa.Column("closeness", sa.String(40), nullable=True),
)
"""Statistical neighbours: each model's ten nearest authorities, nearest first."""

bench_inspections = sa.Table(
    "se_bench_inspection",
    metadata,
    id_column(),
    sa.Column("source", sa.String(20), nullable=False),
    sa.Column("urn", sa.String(12), nullable=True),
    sa.Column("la_code", sa.String(3), nullable=True, index=True),
    sa.Column("framework", sa.String(40), nullable=True),
    sa.Column("start_date", sa.Date, nullable=True),
    sa.Column("end_date", sa.Date, nullable=True),
    sa.Column("publication_date", sa.Date, nullable=True),
    sa.Column("overall_effectiveness", sa.String(60), nullable=True),
    sa.Column("impact_of_leaders", sa.String(60), nullable=True),
    sa.Column("help_and_protection", sa.String(60), nullable=True),
    sa.Column("in_care", sa.String(60), nullable=True),
    sa.Column("care_leavers", sa.String(60), nullable=True),
    sa.Column("link", sa.String(400), nullable=True),
)
"""Ofsted's ILACS inspections and their judgements, one row per inspection: ``source`` is
``ofsted`` (Ofsted's official statistics workbook) or ``ilacs_scrape`` (D2I's scrape of the
published reports, which also has the pre-2018 ones)."""

finding_reviews = sa.Table(
    "se_finding_review",
    metadata,
    id_column(),
    sa.Column("la_code", sa.String(3), nullable=False),
    sa.Column("key", sa.String(200), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("drafted_text", sa.Text, nullable=False),
    sa.Column("final_text", sa.Text, nullable=True),
    sa.Column("decided_by", sa.String(200), nullable=False),
    sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("la_code", "key", name="uq_finding_review_la_key"),
)
"""A person's decision on a finding selfeval drafted: accepted (with their wording) or rejected."""
