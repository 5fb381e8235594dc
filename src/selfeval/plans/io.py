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
    SheetSpec,
    has_sheets,
    open_workbook,
    read_sheet,
    write_workbook,
)

PRIORITIES = SheetSpec(
    "Priorities",
    (
        Column("Plan year", required=True, help="e.g. 2019-20; the same on every row.", field=""),
        Column("Priority ref", required=True, help="A short reference, e.g. P1.", field="ref"),
        Column(
            "Priority",
            required=True,
            width=50,
            help="The priority, as the plan words it.",
            field="title",
        ),
        Column("Description", width=50),
        Column("Origin", "choice", required=True, choices=ORIGINS, width=26),
        Column(
            "Carried from",
            width=30,
            help="Last year's plan and ref, or the inspection that recommended it.",
            field="origin_detail",
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
        Column("Action ref", required=True, help="e.g. P1.1", field="ref"),
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
        priorities.append(Priority(**r.fields(PRIORITIES)))
    return Plan(
        years.pop(),
        tuple(priorities),
        tuple(Action(**r.fields(ACTIONS)) for r in a_rows),
        tuple(Target(**r.fields(TARGETS)) for r in t_rows),
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
    priorities = [PRIORITIES.cells(x, {"Plan year": p.plan_year}) for x in p.priorities]
    actions = [ACTIONS.cells(a) for a in p.actions]
    targets = [TARGETS.cells(t) for t in p.targets]
    return write_workbook(
        path,
        "Improvement plan",
        INSTRUCTIONS,
        [(PRIORITIES, priorities, ()), (ACTIONS, actions, ()), (TARGETS, targets, ())],
    )
