"""The improvement plan's records, as plain values that the store, workbooks and web share."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from selfeval.returns.workbook import WorkbookRecord

STATUSES: tuple[str, ...] = ("Red", "Amber", "Green", "Complete")
"""An action's (or priority's) status: RAG, plus Complete."""
ON_TRACK: tuple[str, ...] = ("Green", "Complete")
ORIGINS: tuple[str, ...] = ("New", "Carried forward", "Inspection recommendation")
"""Where a priority came from: this year's self-evaluation, last year's plan, or an inspection."""
PLAN_YEAR = re.compile(r"^(\d{4})-(\d{2})$")


def check_plan_year(text: str) -> str:
    """A plan year as councils write it, ``2019-20``; ValueError otherwise."""
    m = PLAN_YEAR.match(text.strip())
    if not m or (int(m.group(1)) + 1) % 100 != int(m.group(2)):
        raise ValueError(f"{text!r} is not a plan year such as 2019-20")
    return text.strip()


def plan_year_start(plan_year: str) -> date:
    """The first day of a plan year: 1 April 2019 for 2019-20."""
    return date(int(check_plan_year(plan_year)[:4]), 4, 1)


def plan_year_end(plan_year: str) -> date:
    """The last day of a plan year: 31 March 2020 for 2019-20."""
    return date(int(check_plan_year(plan_year)[:4]) + 1, 3, 31)


@dataclass(frozen=True)
class Priority(WorkbookRecord):
    ref: str
    title: str
    origin: str = "New"
    origin_detail: str | None = None
    """For a carried-forward priority, last year's plan and ref; for an inspection
    recommendation, the inspection (e.g. ``Ofsted ILACS, March 2017``)."""
    status: str | None = None
    progress: str | None = None
    description: str | None = None

    @property
    def carried_forward(self) -> bool:
        return self.origin != "New"


@dataclass(frozen=True)
class Action(WorkbookRecord):
    priority_ref: str
    ref: str
    action: str
    owner: str
    due_date: date
    status: str
    evidence_of_impact: str | None = None

    def overdue(self, today: date) -> bool:
        return self.status != "Complete" and self.due_date < today

    def rag(self, today: date) -> str:
        """The status to show at ``today``: an overdue action is never Green (at best Amber)."""
        if self.overdue(today) and self.status == "Green":
            return "Amber"
        return self.status


@dataclass(frozen=True)
class Target(WorkbookRecord):
    """A value an indicator should reach by a date, optionally from a stated baseline."""

    priority_ref: str
    indicator_id: str
    target_value: float
    target_date: date
    baseline_value: float | None = None
    baseline_date: date | None = None


@dataclass(frozen=True)
class Plan:
    """One authority's improvement plan for one plan year."""

    plan_year: str
    priorities: tuple[Priority, ...] = ()
    actions: tuple[Action, ...] = ()
    targets: tuple[Target, ...] = ()
    la_code: str = ""

    def actions_of(self, ref: str) -> list[Action]:
        return [a for a in self.actions if a.priority_ref == ref]

    def targets_of(self, ref: str) -> list[Target]:
        return [t for t in self.targets if t.priority_ref == ref]

    def counts(self) -> dict[str, int]:
        return {
            "priorities": len(self.priorities),
            "actions": len(self.actions),
            "targets": len(self.targets),
        }
