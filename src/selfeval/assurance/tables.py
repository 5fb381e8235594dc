"""The application database's tables for practice quality (SQLAlchemy Core, prefix ``se_``).

They are declared on ``selfeval.store.db.metadata`` so that opening a store creates them; the
import bookkeeping and the columns every imported table has are ``selfeval.store.imports``'s.
Grades are stored as Ofsted's numbers (1 Outstanding ... 4 Inadequate); every row carries
``la_code``; ``import_id`` names the workbook import that brought the row (null when a row was
entered another way, e.g. in the web app).
"""

from __future__ import annotations

import sqlalchemy as sa

from selfeval.store.db import metadata
from selfeval.store.imports import (
    id_column,
    import_column,
    imports,
    la_code_column,
    reference_column,
    removes_imported_rows,
)

__all__ = [
    "audit_domain_grades",
    "audits",
    "dip_sample_cases",
    "dip_samples",
    "evidence_items",
    "imports",
    "practice_weeks",
]


def _grade(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(
        name,
        sa.SmallInteger,
        sa.CheckConstraint(f"{name} between 1 and 4", name=f"ck_{name}_scale"),
        nullable=nullable,
    )


practice_weeks = sa.Table(
    "se_practice_week",
    metadata,
    id_column(),
    la_code_column(),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("start_date", sa.Date, nullable=False),
    sa.Column("end_date", sa.Date, nullable=False),
    sa.Column("notes", sa.Text, nullable=True),
    import_column(),
    sa.UniqueConstraint("la_code", "name", name="uq_practice_week_name"),
)

audits = sa.Table(
    "se_audit",
    metadata,
    id_column(),
    la_code_column(),
    reference_column("practice_week_id", "se_practice_week.id", ondelete="SET NULL"),
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
    import_column(),
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
    la_code_column(),
    _grade("grade", nullable=False),
)

dip_samples = sa.Table(
    "se_dip_sample",
    metadata,
    id_column(),
    la_code_column(),
    sa.Column("theme", sa.String(300), nullable=False),
    sa.Column("sample_date", sa.Date, nullable=False),
    reference_column("practice_week_id", "se_practice_week.id", ondelete="SET NULL"),
    sa.Column("sampled_by", sa.String(200), nullable=True),
    sa.Column("findings", sa.Text, nullable=True),
    import_column(),
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
    la_code_column(),
)

evidence_items = sa.Table(
    "se_evidence_item",
    metadata,
    id_column(),
    la_code_column(),
    sa.Column("kind", sa.String(40), nullable=False),
    sa.Column("received_date", sa.Date, nullable=False),
    sa.Column("child_id", sa.String(40), nullable=True),
    sa.Column("team", sa.String(200), nullable=True),
    sa.Column("summary", sa.Text, nullable=False),
    sa.Column("outcome", sa.Text, nullable=True),
    import_column(),
)


@removes_imported_rows
def _remove_imported(c: sa.Connection, import_id: int) -> None:
    """An import's audits, dip samples and evidence go; its practice weeks too, unless records
    of other imports still name them (they are then kept, belonging to no import)."""
    ids = sa.select(audits.c.id).where(audits.c.import_id == import_id)
    c.execute(sa.delete(audit_domain_grades).where(audit_domain_grades.c.audit_id.in_(ids)))
    dips = sa.select(dip_samples.c.id).where(dip_samples.c.import_id == import_id)
    c.execute(sa.delete(dip_sample_cases).where(dip_sample_cases.c.dip_sample_id.in_(dips)))
    for table in (audits, dip_samples, evidence_items):
        c.execute(sa.delete(table).where(table.c.import_id == import_id))
    weeks = practice_weeks
    used = sa.union(
        sa.select(audits.c.practice_week_id), sa.select(dip_samples.c.practice_week_id)
    ).subquery()
    c.execute(
        sa.delete(weeks).where(
            weeks.c.import_id == import_id,
            weeks.c.id.not_in(sa.select(used.c[0]).where(used.c[0].is_not(None))),
        )
    )
    c.execute(sa.update(weeks).where(weeks.c.import_id == import_id).values(import_id=None))
