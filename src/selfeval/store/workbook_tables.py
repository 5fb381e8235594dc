"""The application database's tables for workbook imports: practice quality and the plan.

The store owns every ``se_`` table (its migrations change them all), so the tables of the
packages whose records come from workbooks, ``selfeval.assurance`` and ``selfeval.plans``, are
declared here, on ``selfeval.store.db.metadata``; those packages read and write them. The import
bookkeeping (``se_assurance_import``, the table's name is older than the plan) and the columns
every imported table has come first.

Practice quality: grades are stored as Ofsted's numbers (1 Outstanding ... 4 Inadequate); every
row carries ``la_code``; ``import_id`` names the workbook import that brought the row (null when
a row was entered another way, e.g. in the web app).

The plan: one authority's plan for one plan year (``2019-20``). Its priorities carry where they
came from (new this year, carried forward from last year's plan, or an inspection
recommendation) and their progress; actions carry owner, due date and status (Red, Amber,
Green or Complete); targets tie a priority to an indicator id, a value and a date.
"""

from __future__ import annotations

import sqlalchemy as sa

from selfeval.store.db import id_column, la_code_column, reference_column
from selfeval.store.db import metadata as metadata  # re-exported: with these tables on it

imports = sa.Table(
    "se_assurance_import",
    metadata,
    id_column(),
    la_code_column(),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("file_name", sa.String(400), nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("imported_by", sa.String(200), nullable=False),
    sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("counts", sa.JSON, nullable=False),
    sa.UniqueConstraint("la_code", "kind", "sha256", name="uq_assurance_import_hash"),
)


# -- the columns every imported table has --------------------------------------------------------


def import_column(ondelete: str = "CASCADE", index: bool = True) -> sa.Column[int]:
    """The import that brought the row (null when it was entered another way, e.g. the web)."""
    return reference_column("import_id", "se_assurance_import.id", ondelete=ondelete, index=index)


# -- practice quality (selfeval.assurance) ---------------------------------------------------


def _grade(name: str, nullable: bool = True) -> sa.Column[int]:
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
    reference_column(
        "audit_id", "se_audit.id", ondelete="CASCADE", nullable=False, primary_key=True
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
    reference_column(
        "dip_sample_id", "se_dip_sample.id", ondelete="CASCADE", nullable=False, primary_key=True
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


# -- the improvement plan (selfeval.plans) ---------------------------------------------------


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

action_statuses = sa.Table(
    "se_plan_action_status",
    metadata,
    id_column(),
    la_code_column(),
    sa.Column("plan_year", sa.String(7), nullable=False),
    sa.Column("priority_ref", sa.String(40), nullable=False),
    sa.Column("action_ref", sa.String(40), nullable=False),
    sa.Column("status", sa.String(10), nullable=False),
    sa.Column("recorded_on", sa.Date, nullable=False),
    import_column(),
    sa.Index("ix_plan_action_status_action", "la_code", "plan_year", "priority_ref", "action_ref"),
)
"""Every status an action or a priority has been recorded at, and the day: by a plan import
(each of its priorities and actions, on the import's day) or by an update
(``set_action_status``, on its day). A priority's own status stands under action ref "" (and
"" as its status where the import recorded none). Keyed by the
action's plan year and refs, not its row, since a plan import replaces the year's rows; the
statuses an import recorded go when it is undone."""

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


# -- undoing an import ----------------------------------------------------------------------


def remove_imported(c: sa.Connection, import_id: int) -> None:
    """Remove the rows one import brought, of practice quality and of the plan."""
    _remove_imported_assurance(c, import_id)
    _remove_imported_plan(c, import_id)


def _remove_imported_assurance(c: sa.Connection, import_id: int) -> None:
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


def _remove_imported_plan(c: sa.Connection, import_id: int) -> None:
    """A plan import's priorities go with it (their actions and targets cascade), and the
    statuses it recorded; a plan it replaced is not restored."""
    c.execute(sa.delete(priorities).where(priorities.c.import_id == import_id))
    c.execute(sa.delete(action_statuses).where(action_statuses.c.import_id == import_id))
