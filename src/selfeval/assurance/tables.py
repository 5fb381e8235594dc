"""The application database's tables for practice quality (SQLAlchemy Core, prefix ``se_``).

They are declared on ``selfeval.store.db.metadata`` so that opening a store creates them.
Grades are stored as Ofsted's numbers (1 Outstanding ... 4 Inadequate); every row carries
``la_code``; ``import_id`` names the workbook import that brought the row (null when a row was
entered another way, e.g. in the web app).
"""

from __future__ import annotations

import sqlalchemy as sa

from selfeval.store.db import metadata


def _grade(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(
        name,
        sa.SmallInteger,
        sa.CheckConstraint(f"{name} between 1 and 4", name=f"ck_{name}_scale"),
        nullable=nullable,
    )


def _import_fk() -> sa.Column:
    return sa.Column(
        "import_id",
        sa.Integer,
        sa.ForeignKey("se_assurance_import.id", ondelete="CASCADE"),
        nullable=True,
        index=True,
    )


imports = sa.Table(
    "se_assurance_import",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("la_code", sa.String(3), nullable=False, index=True),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("file_name", sa.String(400), nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("imported_by", sa.String(200), nullable=False),
    sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("counts", sa.JSON, nullable=False),
    sa.UniqueConstraint("la_code", "kind", "sha256", name="uq_assurance_import_hash"),
)

practice_weeks = sa.Table(
    "se_practice_week",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("la_code", sa.String(3), nullable=False, index=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("start_date", sa.Date, nullable=False),
    sa.Column("end_date", sa.Date, nullable=False),
    sa.Column("notes", sa.Text, nullable=True),
    _import_fk(),
    sa.UniqueConstraint("la_code", "name", name="uq_practice_week_name"),
)

audits = sa.Table(
    "se_audit",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("la_code", sa.String(3), nullable=False, index=True),
    sa.Column(
        "practice_week_id",
        sa.Integer,
        sa.ForeignKey("se_practice_week.id", ondelete="SET NULL"),
        nullable=True,
    ),
    sa.Column("child_id", sa.String(40), nullable=False),
    sa.Column("team", sa.String(200), nullable=True),
    sa.Column("worker", sa.String(200), nullable=True),
    sa.Column("auditor", sa.String(200), nullable=False),
    sa.Column("audit_date", sa.Date, nullable=False),
    _grade("overall_grade", nullable=False),
    sa.Column("strengths", sa.Text, nullable=True),
    sa.Column("areas_for_development", sa.Text, nullable=True),
    sa.Column("difference_made", sa.Text, nullable=True),
    sa.Column("actions", sa.Text, nullable=True),
    sa.Column("moderator", sa.String(200), nullable=True),
    sa.Column("moderation_date", sa.Date, nullable=True),
    _grade("moderated_grade"),
    sa.Column("moderation_notes", sa.Text, nullable=True),
    _import_fk(),
    sa.UniqueConstraint("la_code", "child_id", "audit_date", "auditor", name="uq_audit"),
)

audit_domain_grades = sa.Table(
    "se_audit_domain_grade",
    metadata,
    sa.Column(
        "audit_id",
        sa.Integer,
        sa.ForeignKey("se_audit.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("domain", sa.String(100), primary_key=True),
    sa.Column("la_code", sa.String(3), nullable=False, index=True),
    _grade("grade", nullable=False),
)

dip_samples = sa.Table(
    "se_dip_sample",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("la_code", sa.String(3), nullable=False, index=True),
    sa.Column("theme", sa.String(300), nullable=False),
    sa.Column("sample_date", sa.Date, nullable=False),
    sa.Column(
        "practice_week_id",
        sa.Integer,
        sa.ForeignKey("se_practice_week.id", ondelete="SET NULL"),
        nullable=True,
    ),
    sa.Column("sampled_by", sa.String(200), nullable=True),
    sa.Column("findings", sa.Text, nullable=True),
    _import_fk(),
    sa.UniqueConstraint("la_code", "theme", "sample_date", name="uq_dip_sample"),
)

dip_sample_cases = sa.Table(
    "se_dip_sample_case",
    metadata,
    sa.Column(
        "dip_sample_id",
        sa.Integer,
        sa.ForeignKey("se_dip_sample.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("child_id", sa.String(40), primary_key=True),
    sa.Column("la_code", sa.String(3), nullable=False, index=True),
)

evidence_items = sa.Table(
    "se_evidence_item",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("la_code", sa.String(3), nullable=False, index=True),
    sa.Column("kind", sa.String(40), nullable=False),
    sa.Column("received_date", sa.Date, nullable=False),
    sa.Column("child_id", sa.String(40), nullable=True),
    sa.Column("team", sa.String(200), nullable=True),
    sa.Column("summary", sa.Text, nullable=False),
    sa.Column("outcome", sa.Text, nullable=True),
    _import_fk(),
)
