"""Findings that selfeval drafts from the data, and the decisions people make on them.

A finding is drafted where an indicator changed for real between two dates (judged with all
the others at once, following the children across the dates: :mod:`selfeval.evaluation.change`)
or where a rate or percentage is further from a benchmark than a threshold (never a count:
an authority's count beside England's total says nothing). It stays a draft, marked as such in every
report, until a person accepts it (optionally rewording it) or rejects it; the decision is
kept in the application database (``se_finding_review``) against the finding's stable key,
so the same finding drafted again next month keeps its decision.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Literal

import sqlalchemy as sa

from selfeval.benchmarks.reconcile import Reconciled, unreconciled
from selfeval.errors import NoData, UsageError
from selfeval.evaluation.benchmarking import Comparator
from selfeval.evaluation.change import record_changes
from selfeval.evaluation.placeholders import COMPARATOR_NAMES, Evidence, FigureCache
from selfeval.indicators import catalogue
from selfeval.outputs.formatting import format_number, long_date
from selfeval.store import Store
from selfeval.store import db as store_db

Status = Literal["draft", "accepted", "rejected"]
BENCHMARK_GAP = 0.10
"""A gap to a benchmark is drafted when it exceeds this share of the benchmark's value."""


@dataclass(frozen=True)
class Finding:
    key: str
    """Stable identity: kind, indicator, dates (and comparator)."""
    indicator_id: str
    area: str
    kind: Literal["change", "benchmark_gap"]
    text: str
    evidence: Evidence
    judgement: Literal["better", "worse", "neutral"]
    p_value: float | None = None
    status: Status = "draft"
    decided_by: str | None = None
    decided_at: datetime | None = None
    dates: tuple[date, ...] = ()
    """The dates of the figures it rests on."""

    @property
    def is_draft(self) -> bool:
        return self.status == "draft"


def _judgement(polarity: str, before: float, after: float) -> Literal["better", "worse", "neutral"]:
    if polarity == "neutral" or before == after:
        return "neutral"
    up = after > before
    return "better" if up == (polarity == "higher_better") else "worse"


def draft_changes(
    record: FigureCache, before: date, after: date, ids: Iterable[str] | None = None
) -> list[Finding]:
    """Real changes of the indicators between two dates: judged all together, with the
    children followed across the dates and the false discovery rate held
    (:mod:`selfeval.evaluation.change`); the text names no test statistic."""
    cat = catalogue()
    wanted = set(ids or cat)
    changes = {i: c for i, c in record_changes(record, before, after).items() if i in wanted}
    out = []
    for ind_id, c in changes.items():
        if c.verdict != "real":
            continue
        a, b = c.before, c.after
        ind = cat[ind_id]
        shown_a, shown_b = record.show(a), record.show(b)
        if "c" in (shown_a, shown_b):
            continue  # a finding about a suppressed figure would disclose it
        word = "fell" if (b.value or 0) < (a.value or 0) else "rose"  # both known: a real change
        judgement = c.judgement()
        text = (
            f"{ind.title} {word} from {shown_a} at {long_date(before)} "
            f"to {shown_b} at {long_date(after)}: "
            "a real change" + (f", for the {judgement}." if judgement != "neutral" else ".")
        )
        out.append(
            Finding(
                key=f"change:{ind_id}:{before}:{after}",
                indicator_id=ind_id,
                area=ind.area,
                kind="change",
                text=text,
                evidence=record.evidence([a, b], None),
                judgement=judgement,
                p_value=c.p_value,
                dates=(before, after),
            )
        )
    return out


def draft_benchmark_gaps(
    record: FigureCache,
    at: date,
    ids: Iterable[str] | None = None,
    versus: Comparator = "england",
    threshold: float = BENCHMARK_GAP,
) -> list[Finding]:
    """Indicators further than ``threshold`` (a share of the benchmark) from a benchmark."""
    cat = catalogue()
    ids = [i for i in (ids or cat) if i in cat]
    out = []
    for r in record.results(ids, [at]):
        if r.value is None or r.unit == "count":
            continue  # a count is never set beside England's (or a region's) total
        cmp = record.comparators.compare(r, versus)
        if cmp is None or not cmp.value:
            continue
        gap = (r.value - cmp.value) / abs(cmp.value)
        if abs(gap) <= threshold:
            continue
        shown = record.show(r)
        if shown == "c":
            continue
        ind = cat[r.id]
        judgement = _judgement(ind.polarity, cmp.value, r.value)
        name = COMPARATOR_NAMES[versus]
        text = (
            f"{ind.title} was {shown} at {long_date(at)}, "
            f"{'above' if gap > 0 else 'below'} {name} ({format_number(cmp.value, r.unit)})"
            + (f", for the {judgement}." if judgement != "neutral" else ".")
        )
        out.append(
            Finding(
                key=f"gap:{r.id}:{at}:{versus}",
                indicator_id=r.id,
                area=ind.area,
                kind="benchmark_gap",
                text=text,
                evidence=record.evidence([r], cmp),
                judgement=judgement,
                dates=(at,),
            )
        )
    return out


def draft_findings(record: FigureCache, before: date, after: date) -> list[Finding]:
    """Every drafted finding for a self-evaluation at ``after``, with people's decisions."""
    found = draft_changes(record, before, after) + draft_benchmark_gaps(record, after)
    found, _ = reconciled_only(record, found)
    return apply_decisions(record.store, record.la_code, found)


def reconciled_only(
    record: FigureCache, found: list[Finding]
) -> tuple[list[Finding], dict[tuple[str, date], Reconciled]]:
    """(the findings none of whose figures differs from DfE's published figure beyond its
    rounding, the figures that differ): a figure that does not reconcile is never drafted into
    a finding (``selfeval reconcile``). Without imported benchmarks nothing is left out."""
    dates = tuple(sorted({d for f in found for d in f.dates}))
    differ = record.memo(
        ("unreconciled", dates), lambda: unreconciled(record.store, record.la_code, dates)
    )
    kept = [f for f in found if not any((f.indicator_id, d) in differ for d in f.dates)]
    return kept, differ


def apply_decisions(store: Store, la_code: str, found: list[Finding]) -> list[Finding]:
    """Findings with the stored decisions applied: accepted wording, or rejected status."""
    t = store_db.finding_reviews
    with store.engine.connect() as c:
        rows = {
            r.key: r
            for r in c.execute(
                sa.select(t).where(t.c.la_code == la_code, t.c.key.in_([f.key for f in found]))
            )
        }
    out = []
    for f in found:
        r = rows.get(f.key)
        if r is None:
            out.append(f)
        else:
            out.append(
                replace(
                    f,
                    status=r.status,
                    text=r.final_text or f.text,
                    decided_by=r.decided_by,
                    decided_at=r.decided_at,
                )
            )
    return out


def decide(
    store: Store,
    la_code: str,
    finding: Finding,
    status: Status,
    *,
    by: str,
    text: str | None = None,
) -> Finding:
    """Record a person's decision on a drafted finding (``accepted`` or ``rejected``)."""
    if status not in ("accepted", "rejected"):
        raise UsageError(f"a finding is accepted or rejected, not {status!r}")
    if not by.strip():
        raise UsageError("a decision on a finding needs the name of who made it")
    t = store_db.finding_reviews
    now = datetime.now(UTC)
    with store.engine.begin() as c:
        c.execute(sa.delete(t).where(t.c.la_code == la_code, t.c.key == finding.key))
        c.execute(
            sa.insert(t).values(
                la_code=la_code,
                key=finding.key,
                status=status,
                drafted_text=finding.text,
                final_text=text,
                decided_by=by,
                decided_at=now,
            )
        )
    return replace(finding, status=status, text=text or finding.text, decided_by=by, decided_at=now)


def undecide(store: Store, la_code: str, key: str) -> None:
    """Return a finding to draft."""
    t = store_db.finding_reviews
    with store.engine.begin() as c:
        n = c.execute(sa.delete(t).where(t.c.la_code == la_code, t.c.key == key)).rowcount
    if not n:
        raise NoData(f"there is no decision on finding {key!r} for authority {la_code}")
