"""Strengths, areas for development and a draft grade for each judgement area, from evidence.

Each point is drawn from one piece of evidence and carries a weight, so that the strongest
comes first and the draft grade can say why:

- a **benchmark gap**: a rate or percentage at least ``GAP`` (a share) better or worse than
  the statistical neighbours' median (England's where there is no neighbours' figure), a
  percentage at least ``POINTS_GAP`` percentage points from it (near 100% a tenth is out of
  reach), or one in the best or worst quarter of the neighbours; weight the size of the gap
  (at most 2), one more in the best or worst quarter;
- a **trend**: a change judged real (:mod:`selfeval.evaluation.change`), weight 1;
- a **warning sign**: a figure below the least acceptable level (``FLOORS``) whatever its
  trend or benchmark (children on plans not visited in time), weight 3, always an area for
  development;
- **case audits** of this group of children: good or better in at least 70% (a strength) or
  under 50% (an area for development), weight 1.5; the weakest domain, weight 1; what
  auditors praised and asked for most often (their own words where several audits say the
  same), weight 0.5 each: what works where practice is good is a strength even when most
  audits are not;
- **feedback** from children, families and partners (compliments against complaints) and the
  review of last year's plan (priorities the data contradicts, actions overdue), for leaders.

The draft grade is for a person to accept or change: Good where strengths outweigh areas for
development and there is no warning sign; Inadequate where there are two warning signs or more
and areas for development outweigh strengths; otherwise Requires improvement to be good.
Outstanding is never drafted from data: it rests on evidence of impact a person must weigh.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from selfeval.assurance.records import Audit
from selfeval.assurance.summary import audit_themes, grade_shares
from selfeval.evaluation.benchmarking import Standing
from selfeval.evaluation.change import Change
from selfeval.indicators import Indicator, Result
from selfeval.outputs.disclosure import is_small, withhold_share
from selfeval.outputs.formatting import format_number
from selfeval.plans.records import Priority

GAP = 0.10
"""A gap to the benchmark counts when it is at least this share of the benchmark's value."""
POINTS_GAP = 5.0
"""Or, for a percentage, when it is at least this many percentage points."""
FLOORS: dict[str, float] = {
    "cp_visits_10wd_pct": 80.0,
    "cla_visits_timely_pct": 80.0,
    "health_check_pct": 80.0,
    "care_leavers_in_touch_pct": 80.0,
}
"""The least acceptable level of figures about children being seen and kept in touch with:
below it is a warning sign even when the trend is flat or the benchmark no better."""
GOOD_AUDITS, WEAK_AUDITS = 70.0, 50.0
"""Shares of audits good or better at or above which audits are a strength, below which an
area for development."""
MIN_AUDITS = 5
"""Fewer audits of a group than this say too little to weigh."""

GRADES = (
    "Outstanding",
    "Good",
    "Requires improvement to be good",
    "Inadequate",
)


@dataclass(frozen=True)
class Point:
    """One strength or area for development, with the evidence it rests on."""

    text: str
    weight: float
    kind: Literal["strength", "development"]
    source: Literal["benchmark", "trend", "warning", "audits", "feedback", "plan"]
    indicator_id: str | None = None
    audits: tuple[int, int, str] | None = None
    """For the share of a group's audits judged good or better: (good or better, audits, the
    group), which a priority can take as its measure."""


@dataclass
class AreaJudgement:
    """A judgement area's draft: its points (strongest first) and a draft grade with reasons."""

    area: str
    strengths: list[Point] = field(default_factory=list)
    developments: list[Point] = field(default_factory=list)
    grade: str = GRADES[2]
    reasons: list[str] = field(default_factory=list)

    @property
    def warnings(self) -> list[Point]:
        return [p for p in self.developments if p.source == "warning"]


@dataclass(frozen=True)
class Evidence:
    """What the judgement reads for one indicator: its figures, change and standing."""

    indicator: Indicator
    before: Result | None
    after: Result
    change: Change | None = None
    standing: Standing | None = None
    shown: str = ""
    """The latest figure as the audience may see it (``c`` when suppressed)."""
    shown_before: str = ""
    """The earlier figure as the audience may see it (empty: not given, written as computed)."""
    withheld: bool = False
    """The latest figure is withheld from the public (whoever reads this edition): it gives no
    point in any edition, so that the public and the internal editions draw the same findings."""
    withheld_before: bool = False
    """Likewise the earlier figure: no change is judged from it in any edition."""


def _better(polarity: str, value: float, reference: float) -> bool | None:
    if polarity == "neutral" or value == reference:
        return None
    return (value > reference) == (polarity == "higher_better")


def indicator_points(e: Evidence) -> list[Point]:
    """The points one indicator's evidence gives (none for a neutral figure, or one withheld
    from the public in any edition: a finding rests only on figures every edition can show)."""
    ind, r = e.indicator, e.after
    if r.value is None or e.shown in ("", "c") or e.withheld:
        return []
    out: list[Point] = []
    floor = FLOORS.get(ind.id)
    if floor is not None and r.value < floor:
        out.append(
            Point(
                f"{ind.title}: {e.shown}, below the {floor:.0f}% that is the least acceptable "
                "level, whatever the trend.",
                3.0,
                "development",
                "warning",
                ind.id,
            )
        )
    s = e.standing
    if s is not None and ind.polarity != "neutral":
        ref, name = (s.median, "the statistical neighbours' median")
        if ref is None:
            ref, name = s.england, "England"
        if ref:
            gap = (r.value - ref) / abs(ref)
            better = _better(ind.polarity, r.value, ref)
            quarter = s.quarter(ind.polarity)
            wide = abs(gap) >= GAP or (ind.unit == "percent" and abs(r.value - ref) >= POINTS_GAP)
            edge = quarter in ("best quarter", "worst quarter") and name != "England"
            if (wide or edge) and better is not None:
                weight = min(2.0, abs(gap)) + (
                    1.0 if quarter in ("best quarter", "worst quarter") else 0.0
                )
                where = f"; {quarter} of neighbours" if quarter and quarter != "middle half" else ""
                eng = (
                    f", England {format_number(s.england, ind.unit)}"
                    if s.england is not None and name != "England"
                    else ""
                )
                out.append(
                    Point(
                        f"{ind.title}: {e.shown} against {format_number(ref, ind.unit)} for "
                        f"{name}{eng}{where}.",
                        weight,
                        "strength" if better else "development",
                        "benchmark",
                        ind.id,
                    )
                )
    c = e.change
    if (
        c is not None
        and c.verdict == "real"
        and c.judgement() != "neutral"
        and e.shown_before != "c"
        and not e.withheld_before
    ):
        word = "rose" if c.direction == "up" else "fell"
        before = e.shown_before or format_number(c.before.value, ind.unit)
        out.append(
            Point(
                f"{ind.title} {word} from {before} to "
                f"{e.shown} over the year: a real change, for the {c.judgement()}.",
                1.0,
                "strength" if c.judgement() == "better" else "development",
                "trend",
                ind.id,
            )
        )
    return out


def share_words(good: int, n: int, public: bool) -> str:
    """ "46% of 54", or, where it would reveal 1 to 5 children to the public, words only."""
    if public and withhold_share(good, n):
        return f"{'most' if 2 * good >= n else 'fewer than half'} of the {n}"
    return f"{format_number(100.0 * good / n, 'percent', rounded=True)} of {n}"


def audit_points(audits: Sequence[Audit], group: str, *, public: bool = True) -> list[Point]:
    """What the case audits of one group of children say (nothing for too few audits)."""
    if len(audits) < MIN_AUDITS:
        return []
    [share] = grade_shares(audits)
    pct = share.good_or_better_pct or 0.0
    out: list[Point] = []
    line = (
        f"Case audits of {group}: {share_words(share.good_or_better, share.audits, public)} judged "
        "good or better"
    )
    measured = (share.good_or_better, share.audits, group)
    if pct >= GOOD_AUDITS:
        out.append(Point(line + ".", 1.5, "strength", "audits", audits=measured))
    elif pct < WEAK_AUDITS:
        out.append(Point(line + ".", 1.5, "development", "audits", audits=measured))
    domains: dict[str, list[int]] = {}
    for a in audits:
        for d, g in a.domain_grades.items():
            domains.setdefault(d, []).append(1 if int(g) <= 2 else 0)
    if domains:
        worst = min(domains, key=lambda d: (sum(domains[d]) / len(domains[d]), d))
        w = 100.0 * sum(domains[worst]) / len(domains[worst])
        if w < WEAK_AUDITS:
            out.append(
                Point(
                    f"{worst} is the weakest part of practice in the audits of {group}: good or "
                    f"better in {share_words(sum(domains[worst]), len(domains[worst]), public)}.",
                    1.0,
                    "development",
                    "audits",
                )
            )
    asked = _said_most(audits, "areas_for_development", public)
    if asked:
        out.append(Point(f"Auditors most often asked for: {asked}.", 0.5, "development", "audits"))
    praised = _said_most(audits, "strengths", public)
    if praised:
        where = (
            "Auditors most often praised"
            if pct >= WEAK_AUDITS
            else ("Where practice was good, auditors most often praised")
        )
        out.append(Point(f"{where}: {praised}.", 0.5, "strength", "audits"))
    return out


def _said_most(audits: Sequence[Audit], field_name: str, public: bool) -> str | None:
    """What auditors wrote most often in one field, in their words and quoted, with how many
    audits said it (``audit_themes``); the count not for the public when 1 to 5."""
    th = audit_themes(audits, top=1)[field_name]
    if not th or th[0].audits < 2:
        return None
    t = th[0]
    n = "" if public and is_small(t.audits) else f" (in {t.audits} of {len(audits)} audits)"
    return f'"{t.words}"{n}'


def feedback_points(counts: dict[str, int]) -> list[Point]:
    """What children, families and partners told the service in the period: more compliments
    than complaints is a strength, more complaints an area for development, weight 0.5 (none
    when either is 1 to 5, in any edition: the comparison would say too much of so few to the
    public, and the editions draw the same findings)."""
    good, bad = counts.get("Compliment", 0), counts.get("Complaint", 0)
    if good == bad or is_small(good) or is_small(bad):
        return []
    said = (
        f"Feedback received: {good} compliment{'' if good == 1 else 's'} against "
        f"{bad} complaint{'' if bad == 1 else 's'}."
    )
    return [Point(said, 0.5, "strength" if good > bad else "development", "feedback")]


def plan_points(rated: Sequence[tuple[Priority, str, Sequence[str]]]) -> list[Point]:
    """What the review of last year's priorities says of leaders' grip: priorities Green on
    the data (a strength), Red on the data (an area for development, weight 1), and ratings
    recorded better than the data allows (an area for development, weight 1)."""
    if not rated:
        return []
    n = len(rated)
    title = {id(p): p.title for p, _, _ in rated}
    green = [p for p, rag, _ in rated if rag == "Green"]
    red = [p for p, rag, _ in rated if rag == "Red"]
    order = ("Green", "Amber", "Red")
    over = [
        p for p, rag, _ in rated if p.status in order and order.index(p.status) < order.index(rag)
    ]

    def are(ps: list[Priority], now: str = "are") -> str:
        return {"are": "is", "were": "was"}[now] if len(ps) == 1 else now

    found: list[tuple[list[Priority], str, float, Literal["strength", "development"]]] = [
        (
            green,
            f"{len(green)} of last year's {n} priorities {are(green)} Green on the data",
            min(1.5, 0.5 * len(green)),
            "strength",
        ),
        (
            red,
            f"{len(red)} of last year's {n} priorities {are(red)} Red on the data",
            1.0,
            "development",
        ),
        (
            over,
            f"{len(over)} of last year's priorities {are(over, 'were')} recorded better than the "
            "data allows",
            1.0,
            "development",
        ),
    ]
    return [
        Point(f"{said}: " + "; ".join(title[id(p)] for p in ps) + ".", weight, kind, "plan")
        for ps, said, weight, kind in found
        if ps
    ]


def judge_area(area: str, points: Sequence[Point]) -> AreaJudgement:
    """Rank the points by weight and draft a grade with its reasons."""
    strengths = sorted((p for p in points if p.kind == "strength"), key=lambda p: -p.weight)
    developments = sorted((p for p in points if p.kind == "development"), key=lambda p: -p.weight)
    s = sum(p.weight for p in strengths)
    d = sum(p.weight for p in developments)
    warnings = [p for p in developments if p.source == "warning"]
    reasons = [
        f"{_many(len(strengths), 'strength')} against "
        f"{_many(len(developments), 'area for development', 'areas for development')}."
    ]
    if warnings:
        reasons.append(
            f"{len(warnings)} warning sign{'s' if len(warnings) > 1 else ''}: "
            + "; ".join(p.text.split(":")[0] for p in warnings)
            + "."
        )
    if not points:
        grade = GRADES[2]
        reasons = ["Too little evidence to draft a grade: a person must judge this area."]
    elif not warnings and s > d:
        grade = GRADES[1]
        reasons.append("Strengths outweigh the areas for development and no warning sign.")
    elif len(warnings) >= 2 and d > s:
        grade = GRADES[3]
        reasons.append("Two or more warning signs, and the areas for development outweigh.")
    else:
        grade = GRADES[2]
        reasons.append(
            "A warning sign stands."
            if warnings
            else "The areas for development weigh at least as much as the strengths."
        )
    return AreaJudgement(area, strengths, developments, grade, reasons)


def _many(n: int, one: str, many: str | None = None) -> str:
    word = one if n == 1 else (many or one + "s")
    return f"{'No' if n == 0 else n} {word}"
