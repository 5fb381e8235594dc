"""The annual engagement meeting pack: what Ofsted's regional team and one authority discuss.

One :class:`~selfeval.outputs.document.Document` per authority, rendered by the existing
renderers: its indicators beside England, its region and its statistical neighbours (where
DfE's published figures are imported), its audits, its improvement plan's progress, its ILACS
inspection history and next expected inspection, and where its self-evaluation stands.

The pack is read by people without child-level access, so every count of 1 to 5 children
(and every percentage resting on one) is shown as ``c`` (``selfeval.outputs.disclosure``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

import sqlalchemy as sa
from dateutil.relativedelta import relativedelta

from selfeval.assurance.repository import audits as stored_audits
from selfeval.assurance.summary import grade_shares, moderation
from selfeval.benchmarks.compare import (
    Comparison,
    area_names,
    comparisons_at,
    mapped_indicators,
)
from selfeval.benchmarks.reconcile import Reconciled, reconcile, return_year, summary
from selfeval.evaluation.benchmarking import SYNTHETIC_NOTE, benchmarks_synthetic
from selfeval.evaluation.placeholders import FigureCache
from selfeval.indicators import Result, catalogue
from selfeval.indicators.published import has_benchmarks
from selfeval.inspections.outcomes import Inspection
from selfeval.inspections.planner import expected_next
from selfeval.outputs.disclosure import (
    NOT_AVAILABLE,
    SUPPRESSED,
    grade_table,
    is_small,
    publish_count,
    publish_percent,
)
from selfeval.outputs.document import BulletList, Document, Heading, Paragraph, Table, text
from selfeval.outputs.formatting import format_number, long_date
from selfeval.plans.progress import action_summary, target_progress
from selfeval.plans.repository import plans_at
from selfeval.store import Store, db

if TYPE_CHECKING:
    from selfeval.outputs.document import Block


@dataclass(frozen=True)
class SelfEvaluationStatus:
    """People's decisions on the findings selfeval drafted for one authority."""

    accepted: int
    rejected: int

    @property
    def decided(self) -> int:
        return self.accepted + self.rejected

    def describe(self) -> str:
        if not self.decided:
            return "no drafted finding accepted or rejected yet"
        s = "" if self.accepted == 1 else "s"
        return f"{self.accepted} finding{s} accepted, {self.rejected} rejected"


def self_evaluation_status(store: Store, la_codes: list[str]) -> dict[str, SelfEvaluationStatus]:
    """Each authority's accepted and rejected findings, from the stored decisions."""
    t = db.finding_reviews
    counts: dict[tuple[str, str], int] = {}
    with store.engine.connect() as c:
        q = sa.select(t.c.la_code, t.c.status, sa.func.count()).group_by(t.c.la_code, t.c.status)
        for la, status, n in c.execute(q):
            counts[(la, status)] = n
    return {
        la: SelfEvaluationStatus(counts.get((la, "accepted"), 0), counts.get((la, "rejected"), 0))
        for la in la_codes
    }


def stored_inspections(store: Store, la_code: str) -> list[Inspection]:
    """The authority's ILACS inspections imported with the benchmarks (Ofsted's official
    outcomes where imported, else D2I's scrape of the reports), oldest first."""
    t = db.bench_inspections
    with store.engine.connect() as c:
        rows = c.execute(sa.select(t).where(t.c.la_code == la_code).order_by(t.c.start_date)).all()
    sources = {r.source for r in rows}
    source = "ofsted" if "ofsted" in sources else "ilacs_scrape"
    return [
        Inspection(
            la_code_new=la_code,
            la_name="",
            region="",
            start=r.start_date,
            published=r.publication_date,
            type=r.framework or "",
            judgements={
                "overall": r.overall_effectiveness,
                "leaders": r.impact_of_leaders,
                "help_and_protection": r.help_and_protection,
                "in_care": r.in_care,
                "care_leavers": r.care_leavers,
            },
        )
        for r in rows
        if r.source == source and r.start_date is not None
    ]


def _d(d: date | None) -> str:
    return long_date(d) if d else ""


def _pct(p: float | None) -> str:
    return NOT_AVAILABLE if p is None else format_number(p, "percent", rounded=True)


def _bench(v: float | None, unit: str) -> str:
    return NOT_AVAILABLE if v is None else format_number(v, unit)


def _published(c: Comparison | None, unit: str) -> str:
    """DfE's own figure for the authority, or its suppression marker."""
    if c is None:
        return NOT_AVAILABLE
    return _bench(c.value, unit) if c.value is not None else (c.status or NOT_AVAILABLE)


def _share_pct(numerator: int, denominator: int) -> str:
    p = publish_percent(numerator, denominator)
    return format_number(p, "percent", rounded=True) if isinstance(p, float) else str(p)


def _indicators(store: Store, la_code: str, at: date, record: FigureCache) -> list[Block]:
    """The authority's computed indicators, and DfE's benchmarks for them when imported."""
    cat = catalogue()
    ids = [i for i, ind in cat.items() if all(record.sources.has(s) for s in ind.sources)]
    blocks: list[Block] = [Heading(2, "Indicators and benchmarks")]
    if not ids:
        blocks.append(Paragraph(text("The store holds none of this authority's returns.")))
        return blocks
    results = {r.id: r for r in record.results(ids, [at])}
    # Where Annex A and a return give the same figure, the return's wins where both have data
    # (``same_figure_as``): the Annex A row would repeat it, or stand empty beside it.
    ids = [i for i in ids if not _other_source_has(cat[i].same_figure_as, results)]
    if not has_benchmarks(store):
        blocks.append(
            Paragraph(
                text(
                    "DfE's published figures are not imported into this store, so there are no "
                    "England, regional or neighbour benchmarks; the authority's own figures are "
                    "shown alone."
                )
            )
        )
        shown = [i for i in ids if results[i].value is not None]
        alone = tuple((cat[i].title, record.show(results[i])) for i in shown)
        blocks.append(
            Table(f"Indicators at {_d(at)}", ("Indicator", "Value"), alone, numeric=frozenset({1}))
        )
        return blocks + _no_figure([results[i] for i in ids if results[i].value is None], at)
    # Each figure beside DfE's for the date it covers: a workforce figure at 31 March is the
    # census of the September before, which DfE publishes as that year's (as the SEF does).
    present = set(ids)
    mapped = [m.id for m in mapped_indicators() if m.id in present]
    computed: dict[str, Comparison] = {}
    published: dict[str, Comparison] = {}
    if mapped:
        computed = {c.id: c for c in comparisons_at(store, la_code, at, ids=mapped)}
        published = {
            c.id: c for c in comparisons_at(store, la_code, at, source="published", ids=mapped)
        }
    rows = []
    blank = []
    for i in ids:
        r = results[i]
        comp = computed.get(i) or published.get(i)
        pub = published.get(i)
        unit = r.unit
        own = (record.show(r) if r.value is not None else NOT_AVAILABLE, _published(pub, unit))
        # A count beside England's or the region's total, or the neighbours' median count,
        # says nothing of the authority: its rate per 10,000 children is the comparison.
        others = (
            ("", "", "")
            if unit == "count"
            else (
                _bench(comp.england if comp else None, unit),
                _bench(comp.region if comp else None, unit),
                _bench(comp.neighbours_median if comp else None, unit),
            )
        )
        figures = (*own, *others)
        if all(f in (NOT_AVAILABLE, "") for f in figures):
            blank.append(r)
        else:
            rows.append((cat[i].title, *figures))
    blocks.append(
        Paragraph(
            text(
                f"Computed from the authority's returns at {_d(at)} (a workforce figure: the "
                "census of the September before), beside DfE's published figures for the same "
                "dates (x: none published or none mapped). A count stands "
                "beside DfE's figure for the authority only: England's and the region's totals "
                "say nothing of it, and its rate per 10,000 children is compared instead."
            )
        )
    )
    blocks.append(
        Table(
            f"Indicators at {_d(at)} against their benchmarks",
            ("Indicator", "Computed", "Published", "England", "Region", "Neighbours (median)"),
            tuple(rows),
            numeric=frozenset({1, 2, 3, 4, 5}),
        )
    )
    return blocks + _no_figure(blank, at)


def _other_source_has(other: str | None, results: dict[str, Result]) -> bool:
    """Whether the indicator of the same figure from another source has a value here."""
    return other is not None and other in results and results[other].value is not None


def _no_figure(results: list[Result], at: date) -> list[Block]:
    """The indicators with no figure of any kind at ``at``, each with the reason, in a table of
    their own rather than as rows of x."""
    if not results:
        return []
    rows = tuple((r.title, (r.reason or "not computed").removeprefix("no data: ")) for r in results)
    return [Table(f"Indicators with no figure at {_d(at)}", ("Indicator", "Why"), rows)]


def _reconciliation(store: Store, la_code: str, at: date) -> list[Block]:
    """The figures that differ from DfE's published ones for the return year ending at
    ``at`` (``selfeval reconcile``): none of them is drafted into a finding."""
    year = return_year(at)
    if year is None or not has_benchmarks(store):
        return []
    rows = reconcile(store, la_code, year)
    blocks: list[Block] = [Heading(2, "Reconciliation with DfE's published figures")]
    differ = [r for r in rows if r.verdict == "differs"]
    blocks.append(
        Paragraph(
            text(
                f"The authority's figures for {year - 1}/{str(year)[2:]} computed as returned, "
                f"beside DfE's published figures: {summary(rows)}. "
                + (
                    "The figures below differ beyond DfE's rounding; no finding is drafted from "
                    "them until the difference is explained."
                    if differ
                    else "Every figure DfE publishes matches or lies within its rounding."
                )
            )
        )
    )
    if differ:
        table = tuple(
            (
                r.title,
                _reconciled_value(r),
                _bench(r.published, r.unit)
                if r.published is not None
                else (r.status or NOT_AVAILABLE),
                f"{r.difference:+.1f}" if r.difference is not None else "",
            )
            for r in differ
        )
        blocks.append(
            Table(
                f"Figures that differ from DfE's published figures for {year}",
                ("Indicator", "Computed", "Published", "Difference"),
                table,
                numeric=frozenset({1, 2, 3}),
            )
        )
    return blocks


def _reconciled_value(r: Reconciled) -> str:
    """A computed figure as the public may see it: c where it rests on 1 to 5 children."""
    if r.unit == "count":
        shown = publish_count(r.computed)
        return shown if isinstance(shown, str) else format_number(float(shown), r.unit)
    if is_small(r.numerator) or is_small(r.denominator):
        return SUPPRESSED
    return _bench(r.computed, r.unit)


def _audits(store: Store, la_code: str, at: date) -> list[Block]:
    """The year's audits by practice week and in all, with the same disclosure as the
    self-evaluation's table (:func:`outputs.disclosure.grade_table`): one public set of
    figures, so that no share here gives back a count withheld there."""
    blocks: list[Block] = [Heading(2, "Case audits")]
    since = at - relativedelta(years=1)
    found = stored_audits(store, la_code, start=since, end=at)
    if not found:
        blocks.append(Paragraph(text("No case audits are recorded for this authority.")))
        return blocks
    weeks = grade_shares(found, "week")
    counts = [[s.outstanding, s.good, s.requires_improvement, s.inadequate] for s in weeks]
    shown = grade_table(counts, "public")
    groups = [s.group for s in weeks] + ["All audits in the year"]
    blocks.append(
        Table(
            "Audits' final grades in the year, by practice week and in all (c: withheld)",
            ("Audits", "Number", "Good or better", "Inadequate"),
            tuple(
                (g, str(total), gob, inad)
                for g, (_, total, gob, inad) in zip(groups, shown, strict=True)
            ),
            numeric=frozenset({1, 2, 3}),
        )
    )
    m = moderation(found)
    if m.moderated:
        blocks.append(
            Paragraph(
                text(
                    f"Moderation: {publish_count(m.moderated)} audits moderated, agreement "
                    f"{_share_pct(m.agreed, m.moderated)} ({m.direction})."
                )
            )
        )
    else:
        blocks.append(Paragraph(text("Moderation: no audits moderated.")))
    return blocks


def _plan(store: Store, la_code: str, at: date, record: FigureCache) -> list[Block]:
    blocks: list[Block] = [Heading(2, "Improvement plan")]
    found = plans_at(store, la_code, at)  # the plan of the pack's date, not a later one
    p = found.current
    if p is None:
        blocks.append(Paragraph(text("No improvement plan is recorded for this authority.")))
        return blocks
    acts = action_summary(p.actions, at)
    late = found.late(p)
    when = ""
    if late:
        days = sorted({d for _, d in late})
        when = (
            f" Statuses as recorded on or before {_d(at)}; {len(late)} of the actions had no "
            f"status recorded by then and show the first recorded after it (on "
            f"{', '.join(_d(d) for d in days)})."
        )
    blocks.append(
        Paragraph(
            text(
                f"Plan {p.plan_year}: {acts.total} action{'' if acts.total == 1 else 's'}, "
                f"{acts.on_track} on track "
                f"({_pct(acts.on_track_pct)}), {acts.overdue} overdue.{when}"
            )
        )
    )
    progress = target_progress(store, la_code, p, at=at)
    if progress:
        rows = []
        for tp in progress:
            r = record.result(tp.target.indicator_id, tp.at)
            small = tp.unit == "count" and is_small(tp.target.target_value)
            rows.append(
                (
                    tp.title,
                    record.show(r) if r.value is not None else NOT_AVAILABLE,
                    SUPPRESSED if small else _bench(tp.target.target_value, tp.unit),
                    _d(tp.target.target_date),
                    tp.status,
                )
            )
        blocks.append(
            Table(
                f"Targets at {_d(min(at, max(tp.at for tp in progress)))}",
                ("Target", "Value", "Target value", "By", "Status"),
                tuple(rows),
                numeric=frozenset({1, 2}),
            )
        )
    return blocks


def _inspections(store: Store, la_code: str, at: date) -> list[Block]:
    blocks: list[Block] = [Heading(2, "ILACS inspections")]
    history = [i for i in stored_inspections(store, la_code) if i.start <= at]
    if not history:
        blocks.append(
            Paragraph(text("No Ofsted inspection outcomes are loaded for this authority."))
        )
        return blocks
    blocks.append(
        Table(
            "Inspections and visits",
            ("Started", "Type", "Overall effectiveness", "Published"),
            tuple(
                (_d(i.start), i.type, i.overall or "not judged", _d(i.published)) for i in history
            ),
        )
    )
    e = expected_next(history, at)
    if e is None:
        blocks.append(Paragraph(text("No judged inspection to plan the next one from.")))
    else:
        extra = []
        if e.monitoring_visits:
            extra.append("monitoring visits until then")
        if e.focused_visit_eligible:
            extra.append("eligible for a focused visit")
        blocks.append(
            Paragraph(
                text(
                    f"Next expected: a {e.next_type} inspection, window {_d(e.window_start)} to "
                    f"{_d(e.window_end)} ({e.status})"
                    + (f"; {', '.join(extra)}" if extra else "")
                    + "."
                )
            )
        )
    return blocks


def _status(store: Store, la_code: str) -> list[Block]:
    s = self_evaluation_status(store, [la_code])[la_code]
    return [
        Heading(2, "Self-evaluation"),
        BulletList((text(f"Findings selfeval drafted for it: {s.describe()}."),)),
    ]


def engagement_pack(store: Store, la_code: str, at: date) -> Document:
    """The annual engagement meeting pack for one authority, as at ``at``."""
    name = area_names(store).get(la_code) if has_benchmarks(store) else None
    who = f"{name} ({la_code})" if name else f"Authority {la_code}"
    doc = Document(
        title=f"Annual engagement meeting: {who}",
        subtitle=f"Figures at {_d(at)}; prepared {_d(date.today())}",
        meta={"kind": "engagement pack", "la": la_code, "at": at.isoformat()},
    )
    record = FigureCache(store, la_code, public=True)
    if has_benchmarks(store) and benchmarks_synthetic(store):
        doc.add(Paragraph(text(SYNTHETIC_NOTE)))
    doc.add(*_indicators(store, la_code, at, record))
    doc.add(*_reconciliation(store, la_code, at))
    doc.add(*_audits(store, la_code, at))
    doc.add(*_plan(store, la_code, at, record))
    doc.add(*_inspections(store, la_code, at))
    doc.add(*_status(store, la_code))
    return doc
