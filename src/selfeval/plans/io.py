"""The improvement-plan workbook: its template, reading it into a ``Plan``, writing one back.

Sheets: Instructions, Priorities, Actions, Targets. One workbook holds one plan year.
"""

from __future__ import annotations

from pathlib import Path

from selfeval.errors import InputError, Location
from selfeval.plans.records import (
    ORIGINS,
    STATUSES,
    Action,
    Plan,
    Priority,
    Target,
    check_plan_year,
)
from selfeval.returns.detect import register
from selfeval.returns.workbook import (
    VALUES_ONLY,
    Column,
    Row,
    SheetSpec,
    has_sheets,
    open_workbook,
    read_sheet,
    write_workbook,
)

PRIORITIES = SheetSpec(
    "Priorities",
    (
        Column("Plan year", required=True, help="e.g. 2019-20; the same on every row."),
        Column("Priority ref", required=True, help="A short reference, e.g. P1."),
        Column("Priority", required=True, width=50, help="The priority, as the plan words it."),
        Column("Description", width=50),
        Column("Origin", "choice", required=True, choices=ORIGINS, width=26),
        Column(
            "Carried from",
            width=30,
            help="Last year's plan and ref, or the inspection that recommended it.",
        ),
        Column("Status", "choice", choices=STATUSES, help="Red, Amber, Green or Complete."),
        Column("Progress", width=50, help="For a carried-forward priority: progress so far."),
    ),
    "one row per priority, including last year's and inspection recommendations carried forward.",
)

ACTIONS = SheetSpec(
    "Actions",
    (
        Column("Priority ref", required=True, help="The priority this action serves."),
        Column("Action ref", required=True, help="e.g. P1.1"),
        Column("Action", required=True, width=50),
        Column("Owner", required=True, help="A role, e.g. Head of Service, CIN/CP."),
        Column("Due date", "date", required=True),
        Column("Status", "choice", required=True, choices=STATUSES),
        Column("Evidence of impact", width=50, help="What changed for children."),
    ),
    "one row per action: owner, due date, RAG status (or Complete), evidence of impact.",
)

TARGETS = SheetSpec(
    "Targets",
    (
        Column("Priority ref", required=True),
        Column("Indicator id", required=True, width=30, help="From `selfeval indicators list`."),
        Column("Target value", "number", required=True, help="In the indicator's unit."),
        Column("Target date", "date", required=True, help="The date it should be reached by."),
        Column("Baseline value", "number", help="Blank: computed at the baseline date."),
        Column("Baseline date", "date"),
    ),
    "targets tied to indicator ids: a value by a date; progress is computed from the indicators.",
)

SHEETS = (PRIORITIES, ACTIONS, TARGETS)


def is_plan_workbook(path: Path) -> bool:
    """Whether a file is an improvement-plan workbook (by its sheets)."""
    return has_sheets(path, PRIORITIES, ACTIONS)


register("plan", is_plan_workbook)


def read_plan(path: Path) -> Plan:
    """Read a plan workbook; the first problem raises ``InputError`` naming sheet, row, field.

    Indicator ids and dates are checked against the store when the plan is saved.
    """
    name = path.name
    with open_workbook(path) as wb:
        p_rows = read_sheet(wb, PRIORITIES, name)
        a_rows = read_sheet(wb, ACTIONS, name)
        t_rows = read_sheet(wb, TARGETS, name, required=False)
    if not p_rows:
        raise InputError(
            Location(name, sheet=PRIORITIES.name), "empty", "the sheet lists no priorities"
        )
    years = set()
    priorities = []
    for r in p_rows:
        y = r.text("Plan year", True)
        try:
            years.add(check_plan_year(y))
        except ValueError as e:
            raise r.fail("Plan year", "plan year", str(e)) from None
        if len(years) > 1:
            raise r.fail("Plan year", "plan year", "one workbook holds one plan year")
        priorities.append(_priority(r))
    return Plan(
        years.pop(),
        tuple(priorities),
        tuple(_action(r) for r in a_rows),
        tuple(_target(r) for r in t_rows),
    )


def _priority(r: Row) -> Priority:
    return Priority(
        ref=r.text("Priority ref", True),
        title=r.text("Priority", True),
        origin=r.choice("Origin", ORIGINS, True),
        origin_detail=r.text("Carried from"),
        status=r.choice("Status", STATUSES),
        progress=r.text("Progress"),
        description=r.text("Description"),
        where=r.where(),
    )


def _action(r: Row) -> Action:
    return Action(
        priority_ref=r.text("Priority ref", True),
        ref=r.text("Action ref", True),
        action=r.text("Action", True),
        owner=r.text("Owner", True),
        due_date=r.date("Due date", True),
        status=r.choice("Status", STATUSES, True),
        evidence_of_impact=r.text("Evidence of impact"),
        where=r.where(),
    )


def _target(r: Row) -> Target:
    return Target(
        priority_ref=r.text("Priority ref", True),
        indicator_id=r.text("Indicator id", True),
        target_value=r.number("Target value", True),
        target_date=r.date("Target date", True),
        baseline_value=r.number("Baseline value"),
        baseline_date=r.date("Baseline date"),
        where=r.where(),
    )


INSTRUCTIONS = [
    "The improvement plan: priorities (with last year's and inspection recommendations carried",
    "forward, and their progress), actions with owner, due date and RAG status, and targets tied",
    "to indicator ids. Load it with: selfeval ingest FILE --kind plan --la CODE",
    "",
    "Loading a plan year again replaces that year's plan in the store (the workbook is the plan).",
    *VALUES_ONLY,
    "",
]


def write_plan_template(path: Path, plan: Plan | None = None) -> Path:
    """Write the plan workbook: instructions, header rows, drop-down lists; and ``plan``'s
    rows if given (that is the export, which reads back in unchanged)."""
    p = plan or Plan("")
    priorities = [
        (
            p.plan_year,
            x.ref,
            x.title,
            x.description,
            x.origin,
            x.origin_detail,
            x.status,
            x.progress,
        )
        for x in p.priorities
    ]
    actions = [
        (a.priority_ref, a.ref, a.action, a.owner, a.due_date, a.status, a.evidence_of_impact)
        for a in p.actions
    ]
    targets = [
        (
            t.priority_ref,
            t.indicator_id,
            t.target_value,
            t.target_date,
            t.baseline_value,
            t.baseline_date,
        )
        for t in p.targets
    ]
    return write_workbook(
        path,
        "Improvement plan",
        INSTRUCTIONS,
        [(PRIORITIES, priorities, ()), (ACTIONS, actions, ()), (TARGETS, targets, ())],
    )
