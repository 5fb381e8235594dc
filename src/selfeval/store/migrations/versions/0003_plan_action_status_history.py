"""Each plan action's and priority's statuses over time: ``se_plan_action_status``.

An action's status was one value, updated in place (and replaced with the year's plan on a
re-import), so a document made at a past date showed the status as now recorded; so was a
priority's. The new table keeps every status an action or a priority was recorded at, with the
day (a priority's own under action ref "", with "" where none is recorded). The store's actions
and priorities each get one row: their status now, recorded on the day of this upgrade (when it
was set before, the store did not keep), belonging to the import that brought them (so undoing
the import removes it, as it removes them).

Revision ID: 0003_plan_action_status_history
Revises: 0002_monotonic_load_ids
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from alembic import op

revision = "0003_plan_action_status_history"
down_revision = "0002_monotonic_load_ids"
branch_labels = None
depends_on = None


COLUMNS = [
    "la_code",
    "plan_year",
    "priority_ref",
    "action_ref",
    "status",
    "recorded_on",
    "import_id",
]


def upgrade() -> None:
    history = op.create_table(
        "se_plan_action_status",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("la_code", sa.String(length=3), nullable=False),
        sa.Column("plan_year", sa.String(length=7), nullable=False),
        sa.Column("priority_ref", sa.String(length=40), nullable=False),
        sa.Column("action_ref", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("recorded_on", sa.Date(), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["import_id"], ["se_assurance_import.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_se_plan_action_status_la_code"), "se_plan_action_status", ["la_code"])
    op.create_index(
        op.f("ix_se_plan_action_status_import_id"), "se_plan_action_status", ["import_id"]
    )
    op.create_index(
        "ix_plan_action_status_action",
        "se_plan_action_status",
        ["la_code", "plan_year", "priority_ref", "action_ref"],
    )
    meta = sa.MetaData()
    priority = sa.Table("se_plan_priority", meta, autoload_with=op.get_bind())
    action = sa.Table("se_plan_action", meta, autoload_with=op.get_bind())
    assert history is not None
    op.execute(
        sa.insert(history).from_select(
            COLUMNS,
            sa.select(
                action.c.la_code,
                priority.c.plan_year,
                priority.c.ref,
                action.c.ref,
                action.c.status,
                sa.literal(date.today(), sa.Date()),
                priority.c.import_id,
            )
            .select_from(action.join(priority, action.c.priority_id == priority.c.id))
            .order_by(action.c.id),
        )
    )
    op.execute(
        sa.insert(history).from_select(
            COLUMNS,
            sa.select(
                priority.c.la_code,
                priority.c.plan_year,
                priority.c.ref,
                sa.literal("", sa.String()),
                sa.func.coalesce(priority.c.status, ""),
                sa.literal(date.today(), sa.Date()),
                priority.c.import_id,
            ).order_by(priority.c.id),
        )
    )


def downgrade() -> None:
    op.drop_index("ix_plan_action_status_action", table_name="se_plan_action_status")
    op.drop_index(op.f("ix_se_plan_action_status_import_id"), table_name="se_plan_action_status")
    op.drop_index(op.f("ix_se_plan_action_status_la_code"), table_name="se_plan_action_status")
    op.drop_table("se_plan_action_status")
