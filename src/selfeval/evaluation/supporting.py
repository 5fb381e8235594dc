"""The evidence besides the returns: case audits, feedback, and the improvement plan.

These come from :mod:`selfeval.assurance` and :mod:`selfeval.plans`; where the store holds
none, the report says so plainly rather than leaving a gap. Counts of audited cases and of
feedback are counts of children: tables of them go through disclosure control.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date

from selfeval.assurance import repository as assurance
from selfeval.assurance.records import Audit
from selfeval.assurance.summary import Theme, audit_themes, grade_shares, moderation
from selfeval.indicators import Sources
from selfeval.outputs.disclosure import (
    SMALL_MAX,
    SUPPRESSED,
    grade_table,
    is_small,
    suppress_column,
    withhold_share,
)
from selfeval.outputs.document import Block, BulletList, Paragraph, Span, Table, text
from selfeval.outputs.formatting import format_number, long_date
from selfeval.plans import repository as plans
from selfeval.plans.progress import priority_rag, target_progress
from selfeval.plans.records import Priority
from selfeval.store import Store

QUALITY_AREA = "leadership"
"""The area whose evidence holds the case audits and feedback (quality assurance)."""


def assurance_blocks(
    store: Store, la_code: str, area: str, since: date, at: date, *, public: bool = True
) -> list[Block]:
    """Audit findings and feedback: in the leadership area; the others point to it."""
    if area != QUALITY_AREA:
        return []
    audits = assurance.audits(store, la_code, start=since, end=at)
    items = [e for e in assurance.evidence_items(store, la_code) if since <= e.received_date <= at]
    if not audits and not items:
        return [
            Paragraph(
                text(
                    "No case audits, dip samples or feedback from children and families are "
                    f"recorded in the store for {long_date(since)} to {long_date(at)}."
                )
            )
        ]
    out: list[Block] = []
    if audits:
        shares = grade_shares(audits, by="week")
        counts = [[s.outstanding, s.good, s.requires_improvement, s.inadequate] for s in shares]
        shown = grade_table(counts, "public" if public else "internal")
        rows = [
            (s.group, *(str(c) for c in cells), str(total), gob)
            for s, (cells, total, gob, _) in zip(shares, shown, strict=False)
        ]
        out.append(
            Table(
                caption=f"Case audits by practice week, {long_date(since)} to {long_date(at)}: "
                "final grades",
                header=(
                    "Practice week",
                    "Outstanding",
                    "Good",
                    "Requires improvement",
                    "Inadequate",
                    "Audits",
                    "Good or better",
                ),
                rows=tuple(rows),
                numeric=frozenset(range(1, 7)),
            )
        )
        m = moderation(audits)
        if m.moderated and (not public or m.moderated > 5):
            out.append(
                Paragraph(
                    text(
                        f"Moderators re-graded {m.moderated} of the audits and agreed with the "
                        f"auditor's overall grade in {m.agreed} ({m.direction})."
                    )
                )
            )
        th = audit_themes(audits, top=5)
        for key, label in (
            ("strengths", "Strengths auditors named most often"),
            ("areas_for_development", "Areas for development auditors named most often"),
        ):
            if th[key]:
                out.append(Paragraph(text(f"{label}:")))
                out.append(BulletList(tuple(text(said(t, public)) for t in th[key])))
    if items:
        by_kind = Counter(e.kind for e in items)
        kinds = sorted(by_kind)
        values, total = (
            suppress_column([by_kind[k] for k in kinds])
            if public
            else (
                [by_kind[k] for k in kinds],
                len(items),
            )
        )
        out.append(
            Table(
                caption="Feedback, compliments and complaints received, "
                f"{long_date(since)} to {long_date(at)}",
                header=("Kind", "Received"),
                rows=(
                    *((k, str(v)) for k, v in zip(kinds, values, strict=True)),
                    ("All", str(total)),
                ),
                numeric=frozenset({1}),
            )
        )
    return out


def audits_in(store: Store, la_code: str, since: date, at: date) -> list[Audit]:
    """The case audits of the period (none when the store holds none)."""
    return list(assurance.audits(store, la_code, start=since, end=at))


def said(theme: Theme, public: bool = True) -> str:
    """A theme as a reader sees it: the auditors' words, quoted, with how many audits named
    it (not for the public when 1 to 5: a count of children's cases)."""
    n = "" if public and is_small(theme.audits) else f" ({theme.audits} audits)"
    return f'"{theme.words}"{n}'


def domain_blocks(audits: Sequence[Audit], group: str, *, public: bool = True) -> list[Block]:
    """Case audits of one group of children: good or better by domain and by practice week,
    with the themes auditors named; a share of 1 to 5 audits is withheld for the public."""
    if not audits:
        return []

    def pct(good: int, n: int) -> str:
        if public and withhold_share(good, n):
            return SUPPRESSED
        return format_number(100.0 * good / n, "percent", rounded=True) if n else "x"

    def count(n: int) -> str:
        return SUPPRESSED if public and is_small(n) else str(n)

    domains: dict[str, list[int]] = {}
    for a in audits:
        for d, g in a.domain_grades.items():
            domains.setdefault(d, []).append(1 if int(g) <= 2 else 0)
    [overall] = grade_shares(audits)
    rows = [("Overall grade", count(overall.audits), pct(overall.good_or_better, overall.audits))]
    rows += [(d, count(len(v)), pct(sum(v), len(v))) for d, v in domains.items()]
    weeks = grade_shares(audits, by="week")
    out: list[Block] = [
        Paragraph((Span("Practice quality", strong=True),)),
        Table(
            caption=f"Case audits of {group}: good or better, by part of practice",
            header=("Part of practice", "Audits", "Good or better"),
            rows=tuple(rows),
            numeric=frozenset({1, 2}),
            compact=True,
        ),
    ]
    if len(weeks) > 1:
        out.append(
            Paragraph(
                text(
                    "Good or better, practice week by practice week: "
                    + "; ".join(f"{w.group} {pct(w.good_or_better, w.audits)}" for w in weeks)
                    + "."
                )
            )
        )
    th = audit_themes(audits, top=3)
    for key, label in (
        ("strengths", "What auditors found working well"),
        ("areas_for_development", "What auditors asked to improve"),
    ):
        if th[key]:
            named = "; ".join(said(t, public) for t in th[key])
            out.append(Paragraph(text(f"{label}: {named}.")))
    m = moderation(audits)
    if m.moderated and (not public or m.moderated > SMALL_MAX):
        out.append(
            Paragraph(
                text(
                    f"Moderators re-graded {m.moderated} of these audits and agreed with the "
                    f"auditor's overall grade in {m.agreed}."
                )
            )
        )
    return out


Rated = tuple[str, list[tuple[Priority, str, list[str]]]]
"""Where last year's priorities come from, and each with its RAG rating and reasons."""


def priority_ratings(
    store: Store, la_code: str, *, at: date | None = None, sources: Sources | None = None
) -> Rated:
    """Last year's priorities and recommendations (where they come from, and each with its RAG
    rating from the data and the reasons, :func:`selfeval.plans.progress.priority_rag`).

    The plans are those of ``at`` (default: today), never a later one
    (:func:`selfeval.plans.repository.plans_at`): last year's is the evaluated plan; with none,
    the current plan's carried-forward priorities and inspection recommendations. Priorities'
    and actions' statuses are those of ``at``; one whose first status was recorded after ``at``
    is named among the reasons, with the day."""
    today = at or date.today()
    found = plans.plans_at(store, la_code, today)
    last, now = found.evaluated, found.current
    if last is not None:
        chosen, source, plan = list(last.priorities), f"the {last.plan_year} plan", last
    elif now is not None:
        chosen = [p for p in now.priorities if p.carried_forward]
        source = f"the {now.plan_year} plan (carried forward and inspection recommendations)"
        plan = now
    else:
        return "", []
    progress = target_progress(store, la_code, plan, at=at, sources=sources) if plan.targets else []
    out = []
    late = found.late(plan)
    late_priorities = found.late_priorities(plan)
    for p in chosen:
        targets = [t for t in progress if t.target.priority_ref == p.ref]
        rag, reasons = priority_rag(p, plan.actions_of(p.ref), targets, today)
        if p.ref in late_priorities and p.status:
            day = long_date(late_priorities[p.ref])
            reasons.append(f"priority {p.status} as first recorded, on {day}")
        reasons += [
            f"action {a.ref} {a.status} as first recorded, on {long_date(day)}"
            for a, day in late
            if a.priority_ref == p.ref
        ]
        out.append((p, rag, list(reasons)))
    return source, out


def priority_blocks(
    store: Store, la_code: str, *, at: date | None = None, rated: Rated | None = None
) -> list[Block]:
    """Last year's priorities and recommendations, each with a RAG rating the data cannot
    contradict and its reasons (:func:`priority_ratings`, unless given already)."""
    source, rated_ = rated or priority_ratings(store, la_code, at=at)
    if not rated_:
        return [
            Paragraph(
                text("No priorities or recommendations from last year are recorded in the store.")
            )
        ]
    rows = [
        (
            p.title,
            p.origin + (f" ({p.origin_detail})" if p.origin_detail else ""),
            p.status or "not recorded",
            rag,
            "; ".join(reasons) or (p.progress or ""),
        )
        for p, rag, reasons in rated_
    ]
    return [
        Table(
            caption=f"Progress against last year's priorities and recommendations: {source}",
            header=("Priority", "Origin", "Recorded", "From the data", "Why"),
            rows=tuple(rows),
            compact=True,
        )
    ]


def feedback_counts(store: Store, la_code: str, since: date, at: date) -> dict[str, int]:
    """Feedback, compliments and complaints received in the period, by kind."""
    items = assurance.evidence_items(store, la_code)
    return dict(Counter(e.kind for e in items if since <= e.received_date <= at))
