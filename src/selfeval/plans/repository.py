"""The improvement plan in the store: a plan year saved whole in one checked transaction (it
replaces that year's plan), read back, and its actions updated one at a time (web forms)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Unpack

import sqlalchemy as sa
from dateutil.relativedelta import relativedelta

from selfeval.errors import InputError, Location, NoData, UsageError
from selfeval.indicators import catalogue
from selfeval.plans.io import read_plan
from selfeval.plans.records import (
    STATUSES,
    Action,
    Plan,
    Priority,
    Target,
    plan_year_end,
    plan_year_start,
)
from selfeval.returns.workbook import WorkbookRecord
from selfeval.store import Store
from selfeval.store import workbook_tables as t
from selfeval.store.db import inserted_id, record_of, values_of
from selfeval.store.workbook_imports import (
    Importing,
    ImportOptions,
    ImportResult,
    check_not_future,
    import_record,
    import_workbook,
    location_of,
    new_import,
)


def import_plan(
    store: Store,
    path: Path,
    la_code: str,
    **how: Unpack[Importing],
) -> ImportResult:
    """Load a plan workbook: its plan year replaces the one in the store, in one transaction.
    The same file again changes nothing; any problem refuses the whole workbook."""
    return import_workbook(store, path, la_code, "plan", lambda: read_plan(path), save_plan, **how)


def save_plan(
    store: Store,
    la_code: str,
    plan: Plan,
    **how: Unpack[ImportOptions],
) -> ImportResult:
    """Check a plan and store it as the authority's plan for its year (replacing any before).
    Each priority's and action's status is recorded in its history on the import's day
    (``today``)."""
    today = how.get("today") or date.today()
    check_plan(plan, today, how.get("file_name", "entered"))
    with new_import(store, la_code, "plan", plan, **how) as (c, imp_id):
        c.execute(
            sa.delete(t.priorities).where(
                t.priorities.c.la_code == la_code, t.priorities.c.plan_year == plan.plan_year
            )
        )
        ids: dict[str, int] = {}
        for i, p in enumerate(plan.priorities):
            row = values_of(
                p,
                t.priorities,
                la_code=la_code,
                plan_year=plan.plan_year,
                position=i,
                import_id=imp_id,
            )
            ids[p.ref] = inserted_id(c.execute(sa.insert(t.priorities).values(row)))
        if plan.actions:
            c.execute(
                sa.insert(t.actions),
                [
                    values_of(a, t.actions, la_code=la_code, priority_id=ids[a.priority_ref])
                    for a in plan.actions
                ],
            )
        recorded = [(p.ref, PRIORITY, p.status or "") for p in plan.priorities]
        recorded += [(a.priority_ref, a.ref, a.status) for a in plan.actions]
        if recorded:
            key = (la_code, plan.plan_year)
            c.execute(
                sa.insert(t.action_statuses),
                [_status_row((*key, *r), today, imp_id) for r in recorded],
            )
        if plan.targets:
            c.execute(
                sa.insert(t.targets),
                [
                    values_of(x, t.targets, la_code=la_code, priority_id=ids[x.priority_ref])
                    for x in plan.targets
                ],
            )
    return ImportResult(import_record(store, imp_id), True)


def check_plan(plan: Plan, today: date, file_name: str = "entered") -> None:
    """Refs unique and resolved, statuses on the list, targets on catalogued indicators,
    baselines not in the future. Raises ``InputError`` at the first problem."""

    def at(rec: WorkbookRecord, field_: str) -> Location:
        return location_of(rec, field_, file_name)

    refs: set[str] = set()
    for p in plan.priorities:
        if p.ref in refs:
            raise InputError(
                at(p, "Priority ref"), "duplicate", f"priority {p.ref!r} is listed twice"
            )
        refs.add(p.ref)
        if p.status is not None and p.status not in STATUSES:
            raise InputError(at(p, "Status"), "status", f"{p.status!r} is not one of {STATUSES}")

    def known_priority(rec: Action | Target) -> None:
        if rec.priority_ref not in refs:
            raise InputError(
                at(rec, "Priority ref"),
                "unknown priority",
                f"priority {rec.priority_ref!r} is not on the Priorities sheet",
            )

    seen: set[tuple[str, str]] = set()
    for a in plan.actions:
        known_priority(a)
        if (a.priority_ref, a.ref) in seen:
            raise InputError(at(a, "Action ref"), "duplicate", f"action {a.ref!r} is listed twice")
        seen.add((a.priority_ref, a.ref))
        if a.status not in STATUSES:
            raise InputError(at(a, "Status"), "status", f"{a.status!r} is not one of {STATUSES}")
    known = catalogue()
    targets: set[tuple[str, str, date]] = set()
    for x in plan.targets:
        known_priority(x)
        if x.indicator_id not in known:
            raise InputError(
                at(x, "Indicator id"),
                "unknown indicator",
                f"{x.indicator_id!r} is not an indicator in the catalogue "
                "(see `selfeval indicators list`)",
            )
        check_not_future(x, x.baseline_date, "Baseline date", today, file_name)
        if x.baseline_date and x.baseline_date >= x.target_date:
            raise InputError(
                at(x, "Baseline date"), "order", "the baseline date is not before the target date"
            )
        k = (x.priority_ref, x.indicator_id, x.target_date)
        if k in targets:
            raise InputError(at(x, "Indicator id"), "duplicate", "this target is listed twice")
        targets.add(k)


def plan_years(store: Store, la_code: str) -> list[str]:
    p = t.priorities
    with store.engine.connect() as c:
        return sorted(
            r[0]
            for r in c.execute(sa.select(p.c.plan_year).where(p.c.la_code == la_code).distinct())
        )


def plan(store: Store, la_code: str, plan_year: str | None = None) -> Plan:
    """The authority's plan for a year (default: its latest)."""
    years = plan_years(store, la_code)
    if not years:
        raise NoData(f"the store holds no improvement plan for authority {la_code}")
    year = plan_year or years[-1]
    if year not in years:
        raise UsageError(
            f"there is no {year} plan for authority {la_code} (have {', '.join(years)})"
        )
    p, a, x = t.priorities, t.actions, t.targets
    with store.engine.connect() as c:
        prows = c.execute(
            sa.select(p).where(p.c.la_code == la_code, p.c.plan_year == year).order_by(p.c.position)
        ).all()
        ref = {r.id: r.ref for r in prows}
        arows = c.execute(
            sa.select(a).where(a.c.priority_id.in_(ref)).order_by(a.c.priority_id, a.c.id)
        ).all()
        trows = c.execute(
            sa.select(x).where(x.c.priority_id.in_(ref)).order_by(x.c.priority_id, x.c.id)
        ).all()
    return Plan(
        year,
        tuple(record_of(Priority, r) for r in prows),
        tuple(record_of(Action, r, priority_ref=ref[r.priority_id]) for r in arows),
        tuple(record_of(Target, r, priority_ref=ref[r.priority_id]) for r in trows),
        la_code,
    )


ActionKey = tuple[str, str, str]
"""An action's plan year, priority ref and action ref: what names it across re-imports (for a
priority's own status, the action ref is :data:`PRIORITY`)."""

PRIORITY = ""
"""The action ref under which the status history keeps a priority's own status ("" status:
none recorded)."""


@dataclass(frozen=True)
class PlansAt:
    """The plans a document made at a date reads (:func:`plans_at`), their actions' statuses
    as at that date."""

    current: Plan | None
    """The plan the authority is working to at the date (or starts the day after)."""
    evaluated: Plan | None
    """Last year's plan: the one whose priorities the self-evaluation rates."""
    recorded_after: dict[ActionKey, date] = field(default_factory=dict)
    """The actions whose status no record on or before the date gives: the first recorded
    after it is theirs, on this day."""

    def late(self, p: Plan) -> list[tuple[Action, date]]:
        """The actions of ``p`` whose status was first recorded after the date, with the day."""
        return [
            (a, self.recorded_after[(p.plan_year, a.priority_ref, a.ref)])
            for a in p.actions
            if (p.plan_year, a.priority_ref, a.ref) in self.recorded_after
        ]

    def late_priorities(self, p: Plan) -> dict[str, date]:
        """The priorities of ``p`` (by ref) whose status was first recorded after the date,
        with the day."""
        return {
            x.ref: self.recorded_after[(p.plan_year, x.ref, PRIORITY)]
            for x in p.priorities
            if (p.plan_year, x.ref, PRIORITY) in self.recorded_after
        }


def statuses_at(
    store: Store, la_code: str, plan_year: str, at: date
) -> dict[tuple[str, str], tuple[str, date]]:
    """Each action's status in the plan year as at ``at`` and the day it was recorded, by
    (priority ref, action ref; a priority's own under action ref :data:`PRIORITY`, "" where
    none was recorded): the status recorded last on or before ``at``, else the first recorded
    after it (the store held none on that date)."""
    h = t.action_statuses
    with store.engine.connect() as c:
        rows = c.execute(
            sa.select(h.c.priority_ref, h.c.action_ref, h.c.status, h.c.recorded_on)
            .where(h.c.la_code == la_code, h.c.plan_year == plan_year)
            .order_by(h.c.recorded_on, h.c.id)
        ).all()
    out: dict[tuple[str, str], tuple[str, date]] = {}
    for r in rows:
        key = (r.priority_ref, r.action_ref)
        if r.recorded_on <= at or key not in out:
            out[key] = (r.status, r.recorded_on)
    return out


def statuses_recorded(store: Store, la_code: str) -> tuple[int, int | None]:
    """How many statuses (of actions and priorities) the authority's history holds, and the
    newest one's id: what changes when a status is recorded or an import's statuses are
    removed (a cache's key)."""
    h = t.action_statuses
    with store.engine.connect() as c:
        n, newest = c.execute(
            sa.select(sa.func.count(), sa.func.max(h.c.id)).where(h.c.la_code == la_code)
        ).one()
    return int(n), newest


def _as_at(store: Store, la_code: str, p: Plan, at: date, after: dict[ActionKey, date]) -> Plan:
    """``p`` with its priorities' and actions' statuses as at ``at`` (:func:`statuses_at`);
    those first recorded after ``at`` are noted in ``after``."""
    found = statuses_at(store, la_code, p.plan_year, at)
    priorities = []
    for x in p.priorities:
        status, day = found.get((x.ref, PRIORITY), (x.status or "", at))
        if day > at:
            after[(p.plan_year, x.ref, PRIORITY)] = day
        priorities.append(replace(x, status=status or None))
    actions = []
    for a in p.actions:
        status, day = found.get((a.priority_ref, a.ref), (a.status, at))
        if day > at:
            after[(p.plan_year, a.priority_ref, a.ref)] = day
        actions.append(replace(a, status=status))
    return replace(p, priorities=tuple(priorities), actions=tuple(actions))


def plans_at(store: Store, la_code: str, at: date) -> PlansAt:
    """The authority's plans as a document made at ``at`` reads them (the self-evaluation,
    the scrutiny report, the engagement pack), whatever earlier or later plans the store holds.

    The *current* plan is the one in force at ``at`` or from the day after: of the plans whose
    year starts by the day after ``at`` and has not ended before ``at``, the latest (a
    self-evaluation at 31 March 2024 presents the 2024-25 plan as its plans for the next 12
    months; without one, the 2023-24 plan that ends that day). The *evaluated* plan (last
    year's, whose priorities the self-evaluation rates) is the one whose year ended in the 12
    months to ``at``: a plan of an earlier year is not last year's, however recent the
    store's. Either is None where no plan qualifies. Their actions' statuses are those of
    ``at`` (:func:`statuses_at`). With plans 2022-23 to 2025-26 stored: at 31 March 2024 the
    current plan is 2024-25 and the evaluated 2023-24; at 30 September 2023, 2023-24 and
    2022-23; at 31 March 2022 the current is 2022-23 and none is evaluated; at 30 March 2022
    there is neither."""
    years = plan_years(store, la_code)
    in_force = [
        y for y in years if plan_year_start(y) <= at + timedelta(1) and plan_year_end(y) >= at
    ]
    ended = [y for y in years if at - relativedelta(years=1) < plan_year_end(y) <= at]
    after: dict[ActionKey, date] = {}
    found = {
        y: _as_at(store, la_code, plan(store, la_code, y), at, after)
        for y in {*in_force[-1:], *ended[-1:]}
    }
    return PlansAt(
        found[in_force[-1]] if in_force else None,
        found[ended[-1]] if ended else None,
        after,
    )


def set_action_status(
    store: Store,
    action_id: int,
    status: str,
    evidence_of_impact: str | None = None,
    *,
    la_code: str | None = None,
    today: date | None = None,
) -> str:
    """Update one action's status (and evidence of impact), e.g. from the web app; with
    ``la_code``, only an action of that authority's plan. The status is recorded in the
    action's history on ``today`` (default: today). The status it had before."""
    if status not in STATUSES:
        raise UsageError(f"status must be one of {', '.join(STATUSES)}, not {status!r}")
    values: dict[str, object] = {"status": status}
    if evidence_of_impact is not None:
        values["evidence_of_impact"] = evidence_of_impact
    where = t.actions.c.id == action_id
    if la_code is not None:
        where = where & (t.actions.c.la_code == la_code)
    a, p = t.actions, t.priorities
    with store.engine.begin() as c:
        row = c.execute(
            sa.select(a.c.la_code, a.c.status, a.c.ref, p.c.plan_year, p.c.ref.label("p_ref"))
            .select_from(a.join(p, a.c.priority_id == p.c.id))
            .where(where)
        ).first()
        if row is None:
            where_la = f" in authority {la_code}'s plan" if la_code is not None else ""
            raise NoData(f"there is no action {action_id}{where_la}")
        c.execute(sa.update(a).where(where).values(**values))
        recorded = (row.la_code, row.plan_year, row.p_ref, row.ref, status)
        c.execute(sa.insert(t.action_statuses).values(_status_row(recorded, today or date.today())))
    return str(row.status)


def _status_row(
    recorded: tuple[str, str, str, str, str], day: date, import_id: int | None = None
) -> dict[str, object]:
    """A row of the status history: (authority, plan year, priority ref, action ref, status)
    recorded on ``day``, by an import or (None) an update."""
    names = ("la_code", "plan_year", "priority_ref", "action_ref", "status")
    return {**dict(zip(names, recorded, strict=True)), "recorded_on": day, "import_id": import_id}
