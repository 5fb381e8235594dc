"""Practice quality (case audits) and the improvement plan: local measures from the application
database's records (``quality_audits`` and ``plan_actions``, see
``selfeval.indicators.workbook_sources``).

All four are period measures: a record counts in a period when its date (audit date, or an
action's due date) falls from the period's first day to its last, both included.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from selfeval.indicators.registry import indicator
from selfeval.indicators.sources import Sources

AUDITS = "quality_audits"
ACTIONS = "plan_actions"
SUPPRESSION = "quality: shares of fewer than 5 records shown as c outside child-level access"
LOCAL = "None: a local measure (DfE publishes no equivalent)"
GRADE_RULE = (
    "Grades are Ofsted's four-point scale (1 Outstanding, 2 Good, 3 Requires improvement to be "
    "good, 4 Inadequate). An audit's grade is its final overall grade: the moderator's where the "
    "audit was moderated, otherwise the auditor's."
)


def _in_period(t: ir.Table, periods: ir.Table, date_col: str) -> ir.Table:
    j = t.cross_join(periods)
    return j.filter((j[date_col] >= j.period_start) & (j[date_col] <= j.period_end))


def _share(j: ir.Table, hit: ir.BooleanValue) -> ir.Table:
    return j.group_by(["la_code", "period_end"]).aggregate(
        numerator=hit.cast("int64").sum(), denominator=j.count()
    )


@indicator(
    id="audits_good_or_better_pct",
    area="quality",
    title="Case audits graded good or better",
    definition=(
        "Of the case audits dated in the period (audit date from the period's first day to its "
        "last, inclusive), the percentage graded Outstanding or Good. " + GRADE_RULE
    ),
    numerator="audits dated in the period whose final grade is Outstanding or Good",
    denominator="audits dated in the period",
    unit="percent",
    polarity="higher_better",
    measure="period",
    sources=(AUDITS,),
    dfe_reference=LOCAL,
    suppression=SUPPRESSION,
)
def audits_good_or_better_pct(src: Sources, periods: ibis.Table) -> ibis.Table:
    j = _in_period(src.table(AUDITS), periods, "audit_date")
    return _share(j, j.final_grade <= 2)


@indicator(
    id="audits_inadequate_pct",
    area="quality",
    title="Case audits graded inadequate",
    definition=(
        "Of the case audits dated in the period (audit date from the period's first day to its "
        "last, inclusive), the percentage graded Inadequate. " + GRADE_RULE
    ),
    numerator="audits dated in the period whose final grade is Inadequate",
    denominator="audits dated in the period",
    unit="percent",
    polarity="lower_better",
    measure="period",
    sources=(AUDITS,),
    dfe_reference=LOCAL,
    suppression=SUPPRESSION,
)
def audits_inadequate_pct(src: Sources, periods: ibis.Table) -> ibis.Table:
    j = _in_period(src.table(AUDITS), periods, "audit_date")
    return _share(j, j.final_grade == 4)


@indicator(
    id="moderation_agreement_pct",
    area="quality",
    title="Moderated audits where the moderator agreed the grade",
    definition=(
        "Of the case audits dated in the period (audit date from the period's first day to its "
        "last, inclusive) that a moderator re-graded, the percentage where the moderator's "
        "overall grade equals the auditor's. A moderator grading lower means the auditor was "
        "generous; `selfeval audits summary` shows the direction."
    ),
    numerator="moderated audits dated in the period whose moderated grade equals the auditor's",
    denominator="moderated audits dated in the period",
    unit="percent",
    polarity="higher_better",
    measure="period",
    sources=(AUDITS,),
    dfe_reference=LOCAL,
    suppression=SUPPRESSION,
)
def moderation_agreement_pct(src: Sources, periods: ibis.Table) -> ibis.Table:
    j = _in_period(src.table(AUDITS), periods, "audit_date")
    j = j.filter(j.moderated_grade.notnull())
    return _share(j, j.moderated_grade == j.overall_grade)


@indicator(
    id="plan_actions_on_track_pct",
    area="plans",
    title="Improvement plan actions on track",
    definition=(
        "Of the improvement plan's actions due in the period (due date from the period's first "
        "day to its last, inclusive; every plan year), the percentage on track at the period's "
        "end: Complete, or Green and due on the period's last day. An action past its due date "
        "and not Complete is overdue, and never on track, whatever its recorded RAG status (as "
        "the plan's documents show it). The status is the one last recorded, not the status on "
        "the period's end (the documents read each action's status at their date from its "
        "recorded history; this indicator does not)."
    ),
    numerator=(
        "actions due in the period that are Complete, or Green and not yet past their due date "
        "at the period's end"
    ),
    denominator="actions due in the period",
    unit="percent",
    polarity="higher_better",
    measure="period",
    sources=(ACTIONS,),
    dfe_reference=LOCAL,
    suppression="none: plan actions are not about individual children",
)
def plan_actions_on_track_pct(src: Sources, periods: ibis.Table) -> ibis.Table:
    j = _in_period(src.table(ACTIONS), periods, "due_date")
    overdue = j.due_date < j.period_end
    return _share(j, (j.status == "Complete") | ((j.status == "Green") & ~overdue))
