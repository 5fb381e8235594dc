"""How the plan is going: each target's progress computed by the indicator engine, and the
actions' statuses."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import date

from selfeval.indicators import Sources, compute, get, sources_from_store
from selfeval.plans.records import ON_TRACK, STATUSES, Action, Plan, Target
from selfeval.store import Store


@dataclass(frozen=True)
class TargetProgress:
    """A target beside the indicator's value at ``at`` and how far it has moved from baseline.

    ``progress_pct`` is (value - baseline) / (target - baseline) x 100: 100 means reached.
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

    def as_dict(self) -> dict:
        d = asdict(self)
        d["target"] = {k: v for k, v in asdict(self.target).items() if k != "where"}
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


def assess(x: Target, values: dict, at: date) -> TargetProgress:
    """Progress of one target from computed results keyed by (indicator id, date)."""
    ind = get(x.indicator_id)
    r = values.get((x.indicator_id, at))
    value = r.value if r else None
    baseline = x.baseline_value
    if baseline is None and x.baseline_date:
        b = values.get((x.indicator_id, x.baseline_date))
        baseline = b.value if b else None
    if value is None:
        reason = r.reason if r else "not computed"
        return TargetProgress(x, ind.title, ind.unit, at, None, baseline, None, "no data", reason)
    up = {"higher_better": True, "lower_better": False}.get(ind.polarity)
    if up is None and baseline is not None and baseline != x.target_value:
        up = x.target_value > baseline
    pct = None
    if baseline is not None and baseline != x.target_value:
        pct = 100.0 * (value - baseline) / (x.target_value - baseline)
    if up is None:
        met = value == x.target_value
    else:
        met = value >= x.target_value if up else value <= x.target_value
    if met:
        status = "met"
    elif at >= x.target_date:
        status = "not met"
    elif pct is not None and pct < 0:
        status = "moving away"
    else:
        status = "in progress"
    return TargetProgress(x, ind.title, ind.unit, at, value, baseline, pct, status)


@dataclass(frozen=True)
class ActionSummary:
    total: int
    by_status: dict[str, int]
    on_track: int
    overdue: int

    @property
    def on_track_pct(self) -> float | None:
        return 100.0 * self.on_track / self.total if self.total else None

    def as_dict(self) -> dict:
        return {**asdict(self), "on_track_pct": self.on_track_pct}


def action_summary(actions: Iterable[Action], today: date | None = None) -> ActionSummary:
    """Actions by status; on track = Green or Complete; overdue = past due and not Complete."""
    acts: Sequence[Action] = list(actions)
    today = today or date.today()
    n = Counter(a.status for a in acts)
    return ActionSummary(
        len(acts),
        {s: n[s] for s in STATUSES},
        sum(n[s] for s in ON_TRACK),
        sum(1 for a in acts if a.overdue(today)),
    )
