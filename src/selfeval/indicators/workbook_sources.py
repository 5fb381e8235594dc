"""The application database's practice-quality and plan records as indicator sources (Arrow).

``quality_audits``: one row per case audit (la_code, audit_id, child_id, team, practice_week,
audit_date, overall_grade, moderated_grade, final_grade; grades are Ofsted's 1-4).
``plan_actions``: one row per improvement-plan action (la_code, plan_year, priority_ref,
action_ref, owner, due_date, status).
A table is given only when the authority has rows in it, so that an authority with no audits
gets "no data" rather than a zero.
"""

from __future__ import annotations

import pyarrow as pa
import sqlalchemy as sa

from selfeval.store import Store
from selfeval.store import workbook_tables as t

_AUDITS_FIELDS: list[tuple[str, pa.DataType]] = [
    ("la_code", pa.string()),
    ("audit_id", pa.int64()),
    ("child_id", pa.string()),
    ("team", pa.string()),
    ("practice_week", pa.string()),
    ("audit_date", pa.date32()),
    ("overall_grade", pa.int16()),
    ("moderated_grade", pa.int16()),
    ("final_grade", pa.int16()),
]
AUDITS_SCHEMA = pa.schema(_AUDITS_FIELDS)
_ACTIONS_FIELDS: list[tuple[str, pa.DataType]] = [
    ("la_code", pa.string()),
    ("plan_year", pa.string()),
    ("priority_ref", pa.string()),
    ("action_ref", pa.string()),
    ("owner", pa.string()),
    ("due_date", pa.date32()),
    ("status", pa.string()),
]
ACTIONS_SCHEMA = pa.schema(_ACTIONS_FIELDS)


def quality_tables(store: Store, la_code: str | None = None) -> dict[str, pa.Table]:
    """``quality_audits`` and ``plan_actions`` for one authority (or all), when they have rows."""
    a, w = t.audits, t.practice_weeks
    aq = sa.select(
        a.c.la_code,
        a.c.id.label("audit_id"),
        a.c.child_id,
        a.c.team,
        w.c.name.label("practice_week"),
        a.c.audit_date,
        a.c.overall_grade,
        a.c.moderated_grade,
        sa.func.coalesce(a.c.moderated_grade, a.c.overall_grade).label("final_grade"),
    ).select_from(a.outerjoin(w, a.c.practice_week_id == w.c.id))
    p, x = t.priorities, t.actions
    xq = sa.select(
        x.c.la_code,
        p.c.plan_year,
        p.c.ref.label("priority_ref"),
        x.c.ref.label("action_ref"),
        x.c.owner,
        x.c.due_date,
        x.c.status,
    ).select_from(x.join(p, x.c.priority_id == p.c.id))
    if la_code:
        aq = aq.where(a.c.la_code == la_code)
        xq = xq.where(x.c.la_code == la_code)
    out = {}
    with store.engine.connect() as c:
        for name, q, schema in (
            ("quality_audits", aq, AUDITS_SCHEMA),
            ("plan_actions", xq, ACTIONS_SCHEMA),
        ):
            rows = [dict(r._mapping) for r in c.execute(q)]
            if rows:
                out[name] = pa.Table.from_pylist(rows, schema=schema)
    return out
