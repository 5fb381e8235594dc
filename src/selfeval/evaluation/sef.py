"""The self-evaluation of social work practice, organised as Ofsted asks.

Context first (demand), then for each judgement area what we know (findings and narrative),
how we know it (the evidence: indicators with benchmarks and significance, audits, feedback),
and what we will do (plan items); then progress against last year's priorities, and the
evidence register every figure cites.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from dateutil.relativedelta import relativedelta

from selfeval.errors import UsageError
from selfeval.evaluation import supporting
from selfeval.evaluation.benchmarking import series_charts
from selfeval.evaluation.figures import NoComparators, Record, format_number
from selfeval.evaluation.findings import (
    Finding,
    draft_findings,
    poisson_counts_p,
    two_proportion_p,
)
from selfeval.evaluation.narrative import EvidenceRegister, Narrative, render_markdown
from selfeval.indicators import Indicator, Result, catalogue
from selfeval.outputs.disclosure import is_small
from selfeval.outputs.document import (
    BulletList,
    Document,
    Heading,
    Paragraph,
    Span,
    Table,
    text,
)

THREE_QUESTIONS = (
    "What do we know about the quality and impact of social work practice?",
    "How do we know it?",
    "What are our plans for the next 12 months to maintain or improve practice?",
)


@dataclass(frozen=True)
class Area:
    """A judgement area of the self-evaluation and the catalogue areas that evidence it."""

    key: str
    title: str
    catalogue_areas: tuple[str, ...]


AREAS: tuple[Area, ...] = (
    Area(
        "help_and_protection",
        "The experiences and progress of children who need help and protection",
        ("need", "protection"),
    ),
    Area(
        "children_in_care",
        "The experiences and progress of children in care",
        ("looked_after",),
    ),
    Area("care_leavers", "The experiences and progress of care leavers", ("care_leavers",)),
    Area(
        "leadership",
        "The impact of leaders on social work practice, including the workforce and quality "
        "assurance",
        ("workforce", "quality", "plans"),
    ),
)
SECTIONS = {"introduction", "context", "progress"} | {a.key for a in AREAS}
"""Narrative files a self-evaluation reads: ``SECTION.md`` in the narrative folder."""


@dataclass(frozen=True)
class SefOptions:
    la_code: str
    at: date
    since: date | None = None
    """The start of the period evaluated (default: a year before ``at``)."""
    authority_name: str | None = None
    narrative: Path | None = None
    public: bool = True
    """Readers without child-level access: disclosure control on (the default)."""
    include_rejected: bool = False


@dataclass
class Built:
    """A built report: the document and what it rests on."""

    document: Document
    register: EvidenceRegister
    findings: list[Finding] = field(default_factory=list)


def build_sef(record: Record, opts: SefOptions) -> Built:
    """The self-evaluation at ``opts.at`` as a document (render it with outputs.render)."""
    at = opts.at
    since = opts.since or at - relativedelta(years=1)
    if since >= at:
        raise UsageError("the period's start must be before its end")
    record.public = opts.public  # the audience decides disclosure control for every figure
    narrative = Narrative.from_folder(opts.narrative)
    stray = narrative.unknown(SECTIONS)
    if stray:
        raise UsageError(
            f"narrative files {', '.join(s + '.md' for s in stray)} match no section of the "
            f"self-evaluation (sections: {', '.join(sorted(SECTIONS))})"
        )
    name = opts.authority_name or f"Local authority {opts.la_code}"
    doc = Document(
        title=f"{name}: self-evaluation of social work practice",
        subtitle=f"Figures at {_d(at)}, compared with {_d(since)}",
        meta={"kind": "sef", "la": opts.la_code, "at": at.isoformat(), "since": since.isoformat()},
    )
    register = EvidenceRegister()
    cat = catalogue()
    findings = [
        f
        for f in draft_findings(record, since, at)
        if opts.include_rejected or f.status != "rejected"
    ]

    def section(key: str, level: int = 3) -> None:
        src = narrative.get(key)
        if src:
            blocks, _ = render_markdown(src, key, record, register, base_level=level)
            doc.add(*blocks)

    doc.add(Heading(2, "Introduction"))
    doc.add(
        Paragraph(
            text(
                "This self-evaluation answers the three questions Ofsted asks of every local "
                "authority's children's services:"
            )
        ),
        BulletList(tuple(text(q) for q in THREE_QUESTIONS), ordered=True),
        Paragraph(
            text(
                "Every figure is computed from the authority's statutory returns and cites its "
                "source in the evidence register at the end. Findings marked as drafts were "
                "drafted from the data and have not yet been accepted by a person. Counts of 1 "
                "to 5 children, and figures from which they could be worked out, are shown as "
                "c."
            )
        ),
    )
    section("introduction")

    doc.add(Heading(2, "Context: the demand for services"))
    context_ids = [
        i.id
        for i in cat.values()
        if i.area in ("need", "protection", "looked_after")
        and i.measure == "stock"
        and i.unit in ("count", "rate_per_10k")
    ]
    doc.add(_evidence_table(record, register, context_ids, since, at, "Demand"))
    demand_with_data = [
        i for i in context_ids if cat[i].unit == "count" and _has_sources(record, cat[i])
    ]
    doc.add(*series_charts(record, demand_with_data, since, at))
    section("context")

    for area in AREAS:
        ids = [i.id for i in cat.values() if i.area in area.catalogue_areas]
        doc.add(Heading(2, area.title))
        doc.add(Heading(3, "What we know"))
        section(area.key, level=4)
        mine = [f for f in findings if f.area in area.catalogue_areas]
        for f in mine:
            note = register.cite(f.evidence)
            doc.add(Paragraph((Span(f.text), Span("", note=note)), draft=f.is_draft))
        if not mine and not narrative.get(area.key):
            doc.add(
                Paragraph(
                    text(
                        "The data show no significant change in this area over the period, and "
                        "no narrative has been written for it yet."
                    )
                )
            )
        doc.add(Heading(3, "How we know it"))
        if ids:
            doc.add(_evidence_table(record, register, ids, since, at, area.title))
            changed = list(dict.fromkeys(f.indicator_id for f in mine if f.kind == "change"))
            doc.add(*series_charts(record, changed, since, at))
            for ind_id in MONTHLY:
                if cat.get(ind_id) and cat[ind_id].area in area.catalogue_areas:
                    table = _monthly_table(record, register, ind_id, since, at)
                    if table is not None:
                        doc.add(table)
        else:
            doc.add(Paragraph(text("No indicator in the catalogue evidences this area yet.")))
        evidence = supporting.assurance_blocks(
            record.store, opts.la_code, area.key, since, at, public=record.public
        )
        doc.add(*evidence)
        if not evidence:
            doc.add(
                Paragraph(
                    text(
                        "Case audits and feedback from children and families are reported "
                        "under leadership and quality assurance."
                    )
                )
            )
        doc.add(Heading(3, "What we will do"))
        doc.add(*supporting.plan_blocks(record.store, opts.la_code, area.key, area.catalogue_areas))

    doc.add(Heading(2, "Progress against last year's priorities and recommendations"))
    section("progress")
    doc.add(*supporting.priority_blocks(record.store, opts.la_code))

    doc.add(Heading(2, "Evidence register"))
    doc.add(evidence_register_table(register))
    return Built(doc, register, findings)


def _evidence_table(
    record: Record,
    register: EvidenceRegister,
    ids: list[str],
    since: date,
    at: date,
    caption: str,
) -> Table:
    """Indicators at the two dates, the change and whether it is significant, with citations."""
    cat = catalogue()
    results = record.results(ids, [since, at])
    pairs: dict[str, list[Result]] = {}
    for r in results:
        pairs.setdefault(r.id, []).append(r)
    benchmarked = not isinstance(record.comparators, NoComparators)
    rows = []
    for ind_id, (a, b) in pairs.items():
        ind = cat[ind_id]
        if a.value is None and b.value is None:
            continue
        england = record.comparators.compare(b, "england") if b.value is not None else None
        note = register.cite(record.evidence([r for r in (a, b) if r.value is not None], england))
        row = [ind.title, _shown(record, a), _shown(record, b)]
        if benchmarked:
            row.append(format_number(england.value, ind.unit) if england else "x")
        row += [_significance(record, ind, a, b), _polarity(ind), f"[{note}]"]
        rows.append(tuple(row))
    header = ["Indicator", _d(since), _d(at)]
    if benchmarked:
        header.append(f"England, {_d(at)}")
    header += ["Change", "Better when", "Evidence"]
    return Table(
        caption=f"{caption}: indicators at {_d(since)} and {_d(at)}",
        header=tuple(header),
        rows=tuple(rows),
        numeric=frozenset({1, 2, 3} if benchmarked else {1, 2}),
    )


MONTHLY = ("seen_within_5wd_of_referral_pct",)
"""Local measures a self-evaluation reports month by month (the reference report's 'seen
within 5 days' moved from 55.3% in March to 77.5% in September)."""


def _monthly_table(
    record: Record, register: EvidenceRegister, ind_id: str, since: date, at: date
) -> Table | None:
    """One indicator for each calendar month of the period, with its numerator and cohort."""
    ind = catalogue()[ind_id]
    if not _has_sources(record, ind):
        return None
    from selfeval.indicators import month_ends

    ends = [e for e in month_ends(since, at) if e > since]
    results = [r for r in record.results([ind_id], ends, period="month") if r.reason is None]
    if not results:
        return None
    note = register.cite(record.evidence(results, None))
    rows = []
    for r in results:
        small = record.public and (is_small(r.numerator) or is_small(r.denominator))
        count = (lambda v: "c") if small else (lambda v: format_number(v, "count"))
        rows.append(
            (
                r.period_end.strftime("%B %Y"),
                count(r.numerator),
                count(r.denominator),
                record.show(r),
            )
        )
    return Table(
        caption=f"{ind.title}, month by month [{note}]",
        header=("Month", "Met", "Of", "Share"),
        rows=tuple(rows),
        numeric=frozenset({1, 2, 3}),
    )


def _has_sources(record: Record, ind: Indicator) -> bool:
    return all(record.sources.has(s) for s in ind.sources)


def _shown(record: Record, r: Result) -> str:
    return record.show(r) if r.value is not None else "x"


def _significance(record: Record, ind: Indicator, a: Result, b: Result) -> str:
    if a.value is None or b.value is None:
        return "no comparison"
    if "c" in (record.show(a), record.show(b)):
        return "c"
    if ind.unit == "percent" and a.denominator and b.denominator:
        p = two_proportion_p(a.numerator or 0, a.denominator, b.numerator or 0, b.denominator)
    elif ind.unit == "count":
        p = poisson_counts_p(a.value, b.value)
    else:
        p = None
    word = "down" if b.value < a.value else "up" if b.value > a.value else "unchanged"
    if p is None:
        return word
    return f"{word}, {'significant' if p < 0.05 else 'not significant'}"


def _polarity(ind: Indicator) -> str:
    return {"higher_better": "higher", "lower_better": "lower"}.get(ind.polarity, "neither")


def evidence_register_table(register: EvidenceRegister) -> Table:
    rows = []
    for n, ev in enumerate(register.entries, start=1):
        rows.append(
            (
                f"[{n}]",
                f"{ev.title} ({ev.indicator_id})",
                ev.describe_periods(),
                ", ".join(ev.source_tables),
                ", ".join(f"load {i}" for i in ev.load_ids) or "none",
                ev.comparison or "",
            )
        )
    return Table(
        caption="Evidence register: the source of every figure",
        header=("Ref", "Indicator", "Date or period", "Source tables", "Loads", "Benchmark"),
        rows=tuple(rows),
        anchors=tuple(f"evidence-{n}" for n in range(1, len(rows) + 1)),
    )


def _d(d: date) -> str:
    return d.strftime("%-d %B %Y")
