"""Load ids are never reused: SQLite's AUTOINCREMENT on se_load.

Without it SQLite gives a new row the largest id plus one, so undoing the latest load and
loading another gave the undone load's id again, and "load 21" in the audit log named two
loads. PostgreSQL's sequences never reuse an id, so only SQLite's table changes (copied into
a new table, rows and ids kept; the next id follows the largest kept).

Revision ID: 0002_monotonic_load_ids
Revises: 0001_baseline
"""

from __future__ import annotations

from alembic import op

revision = "0002_monotonic_load_ids"
down_revision = "0001_baseline"
branch_labels = None
depends_on = None


def _recreate(autoincrement: bool) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    with op.batch_alter_table(
        "se_load", recreate="always", table_kwargs={"sqlite_autoincrement": autoincrement}
    ):
        pass


def upgrade() -> None:
    _recreate(True)


def downgrade() -> None:
    _recreate(False)
