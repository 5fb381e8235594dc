"""The application database's tables for the improvement plan (SQLAlchemy Core, prefix ``se_``).

A plan is one authority's plan for one plan year (``2019-20``). Its priorities carry where they
came from (new this year, carried forward from last year's plan, or an inspection
recommendation) and their progress; actions carry owner, due date and status (Red, Amber,
Green or Complete); targets tie a priority to an indicator id, a value and a date.
"""

from __future__ import annotations

import sqlalchemy as sa

from selfeval.store.db import metadata

priorities = sa.Table(
    "se_plan_priority",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("la_code", sa.String(3), nullable=False, index=True),
    sa.Column("plan_year", sa.String(7), nullable=False),
    sa.Column("ref", sa.String(40), nullable=False),
    sa.Column("title", sa.String(400), nullable=False),
    sa.Column("description", sa.Text, nullable=True),
    sa.Column("origin", sa.String(40), nullable=False),
    sa.Column("origin_detail", sa.String(400), nullable=True),
    sa.Column("status", sa.String(10), nullable=True),
    sa.Column("progress", sa.Text, nullable=True),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column(
        "import_id",
        sa.Integer,
        sa.ForeignKey("se_assurance_import.id", ondelete="SET NULL"),
        nullable=True,
    ),
    sa.UniqueConstraint("la_code", "plan_year", "ref", name="uq_plan_priority"),
)

actions = sa.Table(
    "se_plan_action",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("la_code", sa.String(3), nullable=False, index=True),
    sa.Column(
        "priority_id",
        sa.Integer,
        sa.ForeignKey("se_plan_priority.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
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
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("la_code", sa.String(3), nullable=False, index=True),
    sa.Column(
        "priority_id",
        sa.Integer,
        sa.ForeignKey("se_plan_priority.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column("indicator_id", sa.String(80), nullable=False),
    sa.Column("target_value", sa.Float, nullable=False),
    sa.Column("target_date", sa.Date, nullable=False),
    sa.Column("baseline_value", sa.Float, nullable=True),
    sa.Column("baseline_date", sa.Date, nullable=True),
    sa.UniqueConstraint("priority_id", "indicator_id", "target_date", name="uq_plan_target"),
)
