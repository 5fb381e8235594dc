"""The application database's tables for the improvement plan (SQLAlchemy Core, prefix ``se_``).

A plan is one authority's plan for one plan year (``2019-20``). Its priorities carry where they
came from (new this year, carried forward from last year's plan, or an inspection
recommendation) and their progress; actions carry owner, due date and status (Red, Amber,
Green or Complete); targets tie a priority to an indicator id, a value and a date.
"""

from __future__ import annotations

import sqlalchemy as sa

from selfeval.store.db import metadata
from selfeval.store.imports import (
    id_column,
    import_column,
    la_code_column,
    reference_column,
    removes_imported_rows,
)

priorities = sa.Table(
    "se_plan_priority",
    metadata,
    id_column(),
    la_code_column(),
    sa.Column("plan_year", sa.String(7), nullable=False),
    sa.Column("ref", sa.String(40), nullable=False),
    sa.Column("title", sa.String(400), nullable=False),
    sa.Column("description", sa.Text, nullable=True),
    sa.Column("origin", sa.String(40), nullable=False),
    sa.Column("origin_detail", sa.String(400), nullable=True),
    sa.Column("status", sa.String(10), nullable=True),
    sa.Column("progress", sa.Text, nullable=True),
    sa.Column("position", sa.Integer, nullable=False),
    import_column(ondelete="SET NULL", index=False),
    sa.UniqueConstraint("la_code", "plan_year", "ref", name="uq_plan_priority"),
)

actions = sa.Table(
    "se_plan_action",
    metadata,
    id_column(),
    la_code_column(),
    reference_column(
        "priority_id", "se_plan_priority.id", ondelete="CASCADE", nullable=False, index=True
    ),
    sa.Column("ref", sa.String(40), nullable=False),
    sa.Column("action", sa.Text, nullable=False),
    sa.Column("owner", sa.String(200), nullable=False),
    sa.Column("due_date", sa.Date, nullable=False),
    sa.Column("status", sa.String(10), nullable=False),
    sa.Column("evidence_of_impact", sa.Text, nullable=True),
    sa.UniqueConstraint("priority_id", "ref", name="uq_plan_action"),
)

targets = sa.Table(
    "se_plan_target",
    metadata,
    id_column(),
    la_code_column(),
    reference_column(
        "priority_id", "se_plan_priority.id", ondelete="CASCADE", nullable=False, index=True
    ),
    sa.Column("indicator_id", sa.String(80), nullable=False),
    sa.Column("target_value", sa.Float, nullable=False),
    sa.Column("target_date", sa.Date, nullable=False),
    sa.Column("baseline_value", sa.Float, nullable=True),
    sa.Column("baseline_date", sa.Date, nullable=True),
    sa.UniqueConstraint("priority_id", "indicator_id", "target_date", name="uq_plan_target"),
)


@removes_imported_rows
def _remove_imported(c: sa.Connection, import_id: int) -> None:
    """A plan import's priorities go with it (their actions and targets cascade); a plan it
    replaced is not restored."""
    c.execute(sa.delete(priorities).where(priorities.c.import_id == import_id))
