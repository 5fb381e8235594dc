"""The application database's tables (SQLAlchemy Core), shared by the CLI and the web app."""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

loads = sa.Table(
    "se_load",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("la_code", sa.String(3), nullable=False, index=True),
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
)

load_files = sa.Table(
    "se_load_file",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("load_id", sa.Integer, sa.ForeignKey("se_load.id", ondelete="CASCADE"), index=True),
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
