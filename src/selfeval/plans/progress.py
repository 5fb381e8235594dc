"""How the plan is going: each target's progress computed by the indicator engine, and the
actions' statuses."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from selfeval.indicators import Sources, compute, get, sources_from_store
from selfeval.outputs.formatting import format_number, long_date
from selfeval.plans.records import ON_TRACK, STATUSES, Action, Plan, Priority, Target
from selfeval.plans.repository import plan as load_plan
from selfeval.store import Store


@dataclass(frozen=True)
class TargetProgress:
    """A target beside the indicator's value at ``at`` and how far it has moved from baseline.

    ``progress_pct`` is (value - baseline) / (target - baseline) x 100, at most 100 (reached),
    negative when it moved away; None where the baseline already met the target.
    """

    target: Target
    title: str
    unit: str
    at: date
    value: float | None
    baseline: float | None
    progress_pct: float | None
    status: str
    reason: str | None = None
    numerator: float | None = None
    denominator: float | None = None
    baseline_numerator: float | None = None
    baseline_denominator: float | None = None
    suppressed: tuple[str, ...] = ()
    """Which of ``value`` and ``baseline`` disclosure control hid (``outputs.disclosure``)."""
    moved_away: bool = False
    """Worse than the baseline, by the indicator's polarity (or the plan's direction)."""

    def describe(self, *, for_people: bool = False) -> str:
        """One line: the target, the value now and how far it has come; with the indicator's
        id and ISO dates (``selfeval plan show``), or ``for_people`` without the id and with
        dates in words (the quality page)."""
        x = self.target
        target = format_number(x.target_value, self.unit)
        day = long_date if for_people else date.isoformat
        name = self.title if for_people else f"{self.title} ({x.indicator_id})"
        s = f"{name}: {target} by {day(x.target_date)}"
        if self.value is None:
            return f"{s}; no value at {day(self.at)} ({self.reason})"
        s += f"; {format_number(self.value, self.unit)} at {day(self.at)}"
        if self.baseline is not None:
            s += f" from a baseline of {format_number(self.baseline, self.unit)}"
        return s + f": {self.words()}"

    def words(self) -> str:
        """How far the target has come, bounded and in the target's direction: "target
        reached", "moved 40% of the way", "moved away", "no movement", or "not met"."""
        if self.status == "met":
            return "target reached"
        if self.moved_away:
            return "moved away from the target"
        if self.progress_pct is None:
            return self.status
        if self.progress_pct == 0:
            return "no movement" + (" (target date passed)" if self.status == "not met" else "")
        moved = f"moved {min(self.progress_pct, 99.0):.0f}% of the way"
        return moved + (" (target date passed)" if self.status == "not met" else "")

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["target"] = self.target.as_dict()
        return d


def latest_data_date(store: Store, la_code: str) -> date:
    """The last day the authority's loaded returns cover (31 March of the latest return year),
    or today when it has none."""
    years = [r.return_year for r in store.loads(la_code) if r.return_year]
    return date(max(years), 3, 31) if years else date.today()


def target_progress(
    store: Store,
    la_code: str,
    plan: Plan,
    *,
    at: date | None = None,
    sources: Sources | None = None,
) -> list[TargetProgress]:
    """Each target measured at ``at`` (default: the latest data, or its target date if that is
    earlier), with its baseline computed at the baseline date when not given."""
    latest = at or latest_data_date(store, la_code)
    src = sources or sources_from_store(store, la_code)
    wanted: dict[date, set[str]] = {}
    for x in plan.targets:
        wanted.setdefault(min(latest, x.target_date), set()).add(x.indicator_id)
        if x.baseline_value is None and x.baseline_date:
            wanted.setdefault(x.baseline_date, set()).add(x.indicator_id)
    values = {}
    for d, ids in wanted.items():
        for r in compute(src, [d], ids=sorted(ids), la_codes=[la_code]):
            values[(r.id, d)] = r
    return [assess(x, values, min(latest, x.target_date)) for x in plan.targets]


def assess(x: Target, values: dict[Any, Any], at: date) -> TargetProgress:
    """Progress of one target from computed results keyed by (indicator id, date)."""
    ind = get(x.indicator_id)
    r = values.get((x.indicator_id, at))
    value = r.value if r else None
    parts = {"numerator": r.numerator, "denominator": r.denominator} if r else {}
    baseline = x.baseline_value
    if baseline is None and x.baseline_date:
        b = values.get((x.indicator_id, x.baseline_date))
        baseline = b.value if b else None
        if b is not None:
            parts |= {"baseline_numerator": b.numerator, "baseline_denominator": b.denominator}
    if value is None:
        reason = r.reason if r else "not computed"
        return TargetProgress(
            x, ind.title, ind.unit, at, None, baseline, None, "no data", reason, **parts
        )
    up = {"higher_better": True, "lower_better": False}.get(ind.polarity)
    if up is None and baseline is not None and baseline != x.target_value:
        up = x.target_value > baseline  # a neutral indicator: the direction the plan set

    def better(a: float, b: float) -> bool:
        return a > b if up else a < b

    if up is None:
        met = value == x.target_value
    else:
        met = value >= x.target_value if up else value <= x.target_value
    pct = None
    moved_away = False
    if baseline is not None and up is not None:
        if better(x.target_value, baseline):  # the baseline fell short of the target
            pct = min(100.0, 100.0 * (value - baseline) / (x.target_value - baseline))
            moved_away = pct < 0
        else:  # the baseline already met it: only a move the wrong way is news
            moved_away = better(baseline, value)
    if met:
        status = "met"
    elif at >= x.target_date:
        status = "not met"
    elif moved_away:
        status = "moving away"
    else:
        status = "in progress"
    return TargetProgress(
        x, ind.title, ind.unit, at, value, baseline, pct, status, moved_away=moved_away, **parts
    )


RAG_ORDER = ("Complete", "Green", "Amber", "Red")


def priority_rag(
    priority: Priority,
    actions: Sequence[Action],
    targets: Sequence[TargetProgress],
    today: date,
) -> tuple[str, list[str]]:
    """A priority's RAG rating that the data cannot contradict, with the reasons.

    The data can only lower the recorded status: a target that moved away from its baseline,
    or whose date passed unmet, makes it Red (a target reached stays reached, even when the
    figure fell back from a baseline already beyond it); an overdue action makes it at best Amber; a
    target not yet reached keeps it from Complete. With nothing recorded, it is drawn from the
    targets and actions alone (Green only when every target is reached or on its way and no
    action is late).
    """
    worst = "Complete"
    reasons: list[str] = []

    def lower(to: str, why: str) -> None:
        nonlocal worst
        reasons.append(why)
        if RAG_ORDER.index(to) > RAG_ORDER.index(worst):
            worst = to

    for t in targets:
        if t.value is None:
            continue
        w = t.words()
        if t.status == "met":
            reasons.append(f"{t.title}: {w}")
        elif t.moved_away:
            lower("Red", f"{t.title}: {w}")
        elif t.status == "not met":
            lower("Red", f"{t.title}: target not met by {long_date(t.target.target_date)}")
        else:
            lower("Green", f"{t.title}: {w}")
    late = [a for a in actions if a.overdue(today)]
    if late:
        lower("Amber", f"{len(late)} action{'s' if len(late) > 1 else ''} overdue")
    if worst == "Complete" and (not all(a.status == "Complete" for a in actions) or not actions):
        worst = "Green"
    reasons = [r for r in reasons if r]
    recorded = priority.status if priority.status in RAG_ORDER else None
    if recorded is None:
        return worst, reasons
    status = max(recorded, worst, key=RAG_ORDER.index)
    if status != recorded:
        reasons.insert(0, f"recorded {recorded}, which the data contradict")
    return status, reasons


@dataclass(frozen=True)
class ActionSummary:
    total: int
    by_status: dict[str, int]
    on_track: int
    overdue: int

    @property
    def on_track_pct(self) -> float | None:
        return 100.0 * self.on_track / self.total if self.total else None

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "on_track_pct": self.on_track_pct}


def action_summary(actions: Iterable[Action], today: date | None = None) -> ActionSummary:
    """Actions by status; overdue = past its due date and not Complete; on track = Complete,
    or Green and not overdue (an overdue action is never Green: :meth:`Action.rag`), so that no
    action is counted both on track and overdue."""
    acts: Sequence[Action] = list(actions)
    today = today or date.today()
    n = Counter(a.status for a in acts)
    return ActionSummary(
        len(acts),
        {s: n[s] for s in STATUSES},
        sum(1 for a in acts if a.rag(today) in ON_TRACK),
        sum(1 for a in acts if a.overdue(today)),
    )


@dataclass(frozen=True)
class PlanReport:
    """A plan with its actions' statuses and its targets' progress, as of ``today``."""

    la_code: str
    plan: Plan
    today: date
    actions: ActionSummary
    targets: list[TargetProgress]

    @property
    def carried_forward(self) -> list[Priority]:
        return [p for p in self.plan.priorities if p.carried_forward]

    def as_dict(self) -> dict[str, Any]:
        return {
            "la_code": self.la_code,
            "plan_year": self.plan.plan_year,
            "today": self.today.isoformat(),
            "actions_summary": self.actions.as_dict(),
            "priorities": [
                {
                    **p.as_dict(),
                    "actions": [
                        {**a.as_dict(), "overdue": a.overdue(self.today)}
                        for a in self.plan.actions_of(p.ref)
                    ],
                    "targets": [
                        t.as_dict() for t in self.targets if t.target.priority_ref == p.ref
                    ],
                }
                for p in self.plan.priorities
            ],
        }

    def lines(self) -> list[str]:
        """The plan as text: priorities, their actions and targets, then what was carried."""
        p, s = self.plan, self.actions
        pct = "—" if s.on_track_pct is None else format_number(s.on_track_pct, "percent")
        out = [
            f"Improvement plan {p.plan_year} for {self.la_code}: {len(p.priorities)} priorities "
            f"({len(self.carried_forward)} carried forward), {s.total} actions",
            "Actions on track (Complete, or Green and not overdue): "
            f"{s.on_track} of {s.total} = {pct}; "
            + ", ".join(f"{k} {v}" for k, v in s.by_status.items())
            + f"; overdue on {self.today}: {s.overdue}",
        ]
        for pr in p.priorities:
            origin = pr.origin + (f": {pr.origin_detail}" if pr.origin_detail else "")
            out += [
                "",
                f"{pr.ref}  {pr.title}  [{origin}]" + (f"  {pr.status}" if pr.status else ""),
            ]
            for a in p.actions_of(pr.ref):
                late = "  OVERDUE" if a.overdue(self.today) else ""
                out.append(
                    f"    {a.ref:<7}{a.status:<9}due {a.due_date}  {a.owner}: {a.action}{late}"
                )
            for t in self.targets:
                if t.target.priority_ref == pr.ref:
                    out.append("    target " + t.describe())
        if self.carried_forward:
            out += ["", "Carried forward (last year's priorities, inspection recommendations):"]
            for pr in self.carried_forward:
                out.append(
                    f"    {pr.ref} {pr.title} [{pr.origin_detail or pr.origin}]: "
                    f"{pr.status or 'no status'}. {pr.progress or ''}".rstrip()
                )
        return out


def plan_report(
    store: Store,
    la_code: str,
    plan_year: str | None = None,
    *,
    at: date | None = None,
    today: date | None = None,
    plan: Plan | None = None,
) -> PlanReport:
    """The plan for ``plan_year`` (default: latest; or ``plan``, as read already) with
    progress; what `selfeval plan show` prints and the web app shows. Actions are overdue as of
    ``today`` (default: ``at``, else today)."""
    p = plan or load_plan(store, la_code, plan_year)
    today = today or at or date.today()
    return PlanReport(
        la_code,
        p,
        today,
        action_summary(p.actions, today),
        target_progress(store, la_code, p, at=at) if p.targets else [],
    )
