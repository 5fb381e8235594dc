"""The self-evaluation of social work practice, organised as Ofsted asks.

A one-page summary first (the draft self-assessment of each judgement area, its main
strengths and areas for development, a small dashboard); then the context (population,
demand against neighbours, the last inspection, the workforce, and prompts where a person
must write); then for each judgement area what we know (strengths and areas for development
drawn from the evidence, a draft grade with its reasons), how we know it (rates against
England, the region and the statistical neighbours; counts with their trend; monthly control
charts; case audits of that group of children); then what we will do in the next 12 months
(drafted from the areas for development, with measurable targets) and, separately, progress
against last year's priorities. Appendices: how change is judged, a glossary, and the
evidence register every figure cites.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from dateutil.relativedelta import relativedelta

from selfeval import schema
from selfeval.errors import SelfevalError, UsageError
from selfeval.evaluation import supporting
from selfeval.evaluation.benchmarking import (
    SYNTHETIC_NOTE,
    Standing,
    benchmarks_synthetic,
)
from selfeval.evaluation.change import WORDS, Change, methods_text, record_changes
from selfeval.evaluation.findings import Finding, draft_findings
from selfeval.evaluation.judgement import (
    FLOORS,
    GOOD_AUDITS,
    AreaJudgement,
    Evidence,
    Point,
    audit_points,
    feedback_points,
    indicator_points,
    judge_area,
    plan_points,
    share_words,
)
from selfeval.evaluation.narrative import EvidenceRegister, Narrative, render_markdown
from selfeval.evaluation.placeholders import FigureCache
from selfeval.evaluation.series import series_charts
from selfeval.indicators import Indicator, Result, catalogue
from selfeval.outputs.disclosure import SUPPRESSED
from selfeval.outputs.document import (
    Block,
    BulletList,
    Document,
    Heading,
    Paragraph,
    Span,
    Table,
    text,
)
from selfeval.outputs.formatting import format_number, long_date

if TYPE_CHECKING:
    from selfeval.assurance.records import Audit
    from selfeval.indicators.on_basis import BasisDifference
    from selfeval.inspections.outcomes import Inspection

THREE_QUESTIONS = (
    "What do we know about the quality and impact of social work practice?",
    "How do we know it?",
    "What are our plans for the next 12 months to maintain or improve practice?",
)
TREND_YEARS = 5
"""Years of trend a count shows (those the loaded returns or published figures give)."""


@dataclass(frozen=True)
class Area:
    """A judgement area of the self-evaluation and the catalogue areas that evidence it."""

    key: str
    title: str
    catalogue_areas: tuple[str, ...]
    short: str = ""
    audit_teams: tuple[str, ...] = ()
    """Words in a team's name that put its case audits in this area."""


AREAS: tuple[Area, ...] = (
    Area(
        "help_and_protection",
        "The experiences and progress of children who need help and protection",
        ("need", "protection"),
        "Help and protection",
        ("mash", "assessment", "need", "protection", "disab", "early help", "front door"),
    ),
    Area(
        "children_in_care",
        "The experiences and progress of children in care",
        ("looked_after",),
        "Children in care",
        ("in care", "looked after", "fostering", "adoption", "permanence"),
    ),
    Area(
        "care_leavers",
        "The experiences and progress of care leavers",
        ("care_leavers",),
        "Care leavers",
        ("leaver", "leaving care"),
    ),
    Area(
        "leadership",
        "The impact of leaders on social work practice, including the workforce and quality "
        "assurance",
        ("workforce", "quality", "plans"),
        "Leaders and the workforce",
    ),
)
SECTIONS = {"introduction", "context", "progress"} | {a.key for a in AREAS}
"""Narrative files a self-evaluation reads: ``SECTION.md`` in the narrative folder."""

DASHBOARD = (
    "rereferral_12m_pct",
    "cp_visits_10wd_pct",
    "cla_rate",
    "stability_3plus_placements_pct",
    "care_leavers_eet_19_21_pct",
    "sw_turnover_pct",
)
"""The summary's small dashboard: one or two figures a reader checks first in each area."""
DEMAND_RATES = ("referral_rate", "cin_rate", "cp_rate", "cla_rate")
CHARTS_PER_AREA = 2

GLOSSARY = (
    ("Statistical neighbours", "the ten authorities most like this one (DfE's model)."),
    (
        "Median, middle half",
        "the neighbours' middle value, and the range holding the middle half of them.",
    ),
    ("Rank", "1 is the best of the authority and its neighbours (for a count: the lowest)."),
    ("A real change", "a change too large to be chance (see the methods appendix)."),
    ("Within normal variation", "a change of the size chance alone often gives."),
    (
        "Too few children to tell",
        "so few children that even a large change could be chance.",
    ),
    ("Control chart", "monthly figures with limits beyond which a month is unusual."),
    ("c", "a count of 1 to 5 children, or a figure that would reveal one, withheld."),
    ("x", "not available."),
    ("none", "no published benchmark: DfE publishes no such figure, or none for that date."),
    ("RAG", "Red, Amber, Green: how a priority is going."),
    ("ILACS", "Ofsted's inspections of local authority children's services."),
)


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
    inspections: tuple[Inspection, ...] = ()
    """The authority's ILACS inspections (``selfeval.inspections``), for the context."""


@dataclass
class Built:
    """A built report: the document and what it rests on."""

    document: Document
    register: EvidenceRegister
    findings: list[Finding] = field(default_factory=list)
    judgements: dict[str, AreaJudgement] = field(default_factory=dict)


@dataclass
class _Figures:
    """Everything the document reads, computed once."""

    pairs: dict[str, tuple[Result, Result]]
    changes: dict[str, Change]
    standings: dict[str, Standing]
    trends: dict[str, list[tuple[int, float | None, str]]]
    """For counts: (year, value, 'returns' or 'published') oldest first."""
    differences: list[BasisDifference] = field(default_factory=list)
    """Indicators whose figure as returned differs from the figure as now recorded."""


def period_start(at: date, since: date | None) -> date:
    """The start of the period a report evaluates: ``since``, or a year before ``at``."""
    since = since or at - relativedelta(years=1)
    if since >= at:
        raise UsageError("the period's start must be before its end")
    return since


def build_sef(record: FigureCache, opts: SefOptions) -> Built:
    """The self-evaluation at ``opts.at`` as a document (render it with outputs.render)."""
    at = opts.at
    since = period_start(at, opts.since)
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
        subtitle=f"Figures at {long_date(at)}, compared with {long_date(since)}. "
        "A draft for the service to accept or change. "
        + (
            "Public edition: counts of 1 to 5 children are withheld."
            if opts.public
            else "Edition for the service and Ofsted (readers with access to children's "
            "records): not for publication."
        ),
        meta={"kind": "sef", "la": opts.la_code, "at": at.isoformat(), "since": since.isoformat()},
    )
    register = EvidenceRegister()
    cat = catalogue()
    figs = _figures(record, since, at)
    findings = [
        f
        for f in draft_findings(record, since, at)
        if opts.include_rejected or f.status != "rejected"
    ]
    audits = supporting.audits_in(record.store, opts.la_code, since, at)
    rated = supporting.priority_ratings(record.store, opts.la_code, at=at, sources=record.sources)
    judgements: dict[str, AreaJudgement] = {}
    for area in AREAS:
        points: list[Point] = []
        for ind_id, (a, b) in figs.pairs.items():
            ind = cat[ind_id]
            if ind.area not in area.catalogue_areas:
                continue
            ev = Evidence(
                ind,
                a,
                b,
                figs.changes.get(ind_id),
                figs.standings.get(ind_id),
                record.show(b),
                _shown(record, a),
                withheld=record.withheld_from_public(b),
                withheld_before=a.value is not None and record.withheld_from_public(a),
            )
            points += indicator_points(ev)
        mine = _audits_of(area, audits)
        if mine:
            points += audit_points(mine, _group(area), public=record.public)
        if area.key == supporting.QUALITY_AREA:  # leaders: all audits, feedback, last year's plan
            points += audit_points(audits, "all children", public=record.public)
            points += feedback_points(
                supporting.feedback_counts(record.store, opts.la_code, since, at)
            )
            points += plan_points(rated[1])
        judgements[area.key] = judge_area(area.key, points)

    def section(key: str, level: int = 3) -> None:
        src = narrative.get(key)
        if src:
            blocks, _ = render_markdown(src, key, record, register, base_level=level)
            doc.add(*blocks)

    synthetic = benchmarks_synthetic(record.store)
    doc.add(*_summary(record, figs, judgements, at, synthetic))

    doc.add(Heading(2, "Introduction", new_page=True))
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
                "Every figure comes from the authority's statutory returns and cites its source "
                "in the evidence register (appendix C). Rates and percentages are set beside "
                "England, the region and the statistical neighbours; counts beside their own "
                "trend. Strengths, areas for development and grades marked as drafts were "
                "drawn from the evidence and wait for a person to accept or change them."
                + (
                    " As in DfE's statistics, counts of 1 to 5 children are shown as c, and so "
                    "are percentages and rates resting on so few and any count in a table "
                    "from which a withheld one could be worked out."
                    if record.public
                    else " This edition is for readers with access to children's records "
                    "(internal and Ofsted): nothing is withheld."
                )
            )
        ),
    )
    if synthetic:
        doc.add(Paragraph(text(SYNTHETIC_NOTE)))
    section("introduction")

    doc.add(*_context(record, register, figs, since, at, opts, synthetic))
    section("context")

    for area in AREAS:
        j = judgements[area.key]
        ids = [i for i in figs.pairs if cat[i].area in area.catalogue_areas]
        doc.add(Heading(2, area.title, new_page=True))
        doc.add(Heading(3, "What we know"))
        doc.add(*_judgement_blocks(j))
        section(area.key, level=4)
        for f in (f for f in findings if f.area in area.catalogue_areas and not f.is_draft):
            doc.add(Paragraph((Span(f.text), Span("", note=register.cite(f.evidence)))))
        doc.add(Heading(3, "How we know it"))
        rates = [i for i in ids if cat[i].unit != "count"]
        counts = [i for i in ids if cat[i].unit == "count"]
        if rates:
            doc.add(_rates_table(record, register, figs, rates, since, at, area, synthetic))
        if counts:
            doc.add(_counts_table(record, register, figs, counts, area))
        if not ids:
            doc.add(Paragraph(text("No indicator in the catalogue evidences this area yet.")))
        doc.add(*series_charts(record, _chart_ids(figs, ids), since, at))
        for ind_id in MONTHLY:
            if cat[ind_id].area in area.catalogue_areas:
                monthly = _monthly_table(record, register, ind_id, since, at)
                if monthly is not None:
                    doc.add(monthly)
        mine = _audits_of(area, audits)
        if area.key == supporting.QUALITY_AREA:
            doc.add(
                *supporting.assurance_blocks(
                    record.store, opts.la_code, area.key, since, at, public=record.public
                )
            )
        elif mine:
            doc.add(*supporting.domain_blocks(mine, _group(area), public=record.public))
        else:
            doc.add(
                Paragraph(
                    text(
                        f"No case audit of {_group(area)} is recorded for the period. "
                        "[To write: what practice observation, children's and families' "
                        "feedback and learning reviews say about this area.]"
                    )
                )
            )

    doc.add(Heading(2, "What we will do in the next 12 months", new_page=True))
    doc.add(*_next_plan(record, figs, judgements, at))
    doc.add(Heading(2, "Progress against last year's priorities and recommendations"))
    section("progress")
    doc.add(*supporting.priority_blocks(record.store, opts.la_code, at=at, rated=rated))

    doc.add(Heading(2, "Appendix A: how change is judged", new_page=True))
    judged = sum(1 for c in figs.changes.values() if c.p_value is not None)
    doc.add(*(Paragraph(text(p)) for p in methods_text(judged)))
    doc.add(*_basis_blocks(record, figs))
    doc.add(Heading(2, "Appendix B: glossary"))
    doc.add(
        Table(
            caption="Words and signs used in this document",
            header=("Term", "Meaning"),
            # Nothing is withheld from readers with access to children's records.
            rows=GLOSSARY if record.public else tuple(g for g in GLOSSARY if g[0] != "c"),
        )
    )
    doc.add(Heading(2, "Appendix C: evidence register"))
    doc.add(evidence_register_table(register))
    return Built(doc, register, findings, judgements)


# -- the figures ----------------------------------------------------------------------------------


def _figures(record: FigureCache, since: date, at: date) -> _Figures:
    cat = catalogue()
    ids = [i for i, ind in cat.items() if _has_sources(record, ind)]
    results = record.results(ids, [since, at])
    by: dict[str, list[Result]] = {}
    for r in results:
        by.setdefault(r.id, []).append(r)
    pairs = {i: (a, b) for i, (a, b) in by.items() if b.value is not None}
    changes = record_changes(record, since, at)
    standings: dict[str, Standing] = {}
    differences: list[BasisDifference] = []
    standing = getattr(record.comparators, "standing", None)
    if standing is not None:
        published = [i for i in pairs if cat[i].published is not None and cat[i].unit != "count"]
        returned = _as_returned(record, published, at, differences)
        for i, (_, b) in pairs.items():
            s = standing(returned.get(i, b), cat[i].polarity)  # DfE's basis: as returned
            if s is not None:
                standings[i] = s
    counts = [i for i in pairs if cat[i].unit == "count"]
    dates = [at - relativedelta(years=k) for k in range(TREND_YEARS - 1, -1, -1)]
    record.results(counts, dates)  # every count at every year's date in one computation
    trends = {i: _trend(record, i, at) for i in counts}
    return _Figures(pairs, changes, standings, trends, differences)


def _as_returned(
    record: FigureCache, ids: list[str], at: date, differences: list[BasisDifference]
) -> dict[str, Result]:
    """The figures at ``at`` as returned (each year from its own returns, as DfE computes its
    published figures), for the comparisons; the ones that differ from the figures as now
    recorded are added to ``differences``. Dates other than 31 March use the record as is."""
    if not ids or (at.month, at.day) != (3, 31):
        return {}
    from selfeval.indicators.on_basis import basis_differences

    try:
        found = record.memo(
            ("basis_differences", at.year, tuple(ids)),
            lambda: basis_differences(record.store, record.la_code, at.year, ids=ids),
        )
    except SelfevalError:
        return {}
    differences.extend(d for d in found if d.differs)
    return {d.id: d.as_returned for d in found if d.as_returned.value is not None}


def _trend(record: FigureCache, ind_id: str, at: date) -> list[tuple[int, float | None, str]]:
    """Up to ``TREND_YEARS`` yearly values at the same day of the year: from the loaded returns,
    else the authority's own published figure."""
    dates = [at - relativedelta(years=k) for k in range(TREND_YEARS - 1, -1, -1)]
    rs = record.results([ind_id], dates)
    published = getattr(record.comparators, "own_published", None)
    out: list[tuple[int, float | None, str]] = []
    for d, r in zip(dates, rs, strict=True):
        if r.value is not None:
            out.append((d.year, r.value, "returns"))
            continue
        v = published(r) if published else None
        if v is not None:
            out.append((d.year, v, "published"))
    return out


MONTHLY = ("seen_within_5wd_of_referral_pct",)
"""Local measures a self-evaluation reports month by month (the reference report's 'seen
within 5 days' moved from 55.3% in March to 77.5% in September)."""


def _monthly_table(
    record: FigureCache, register: EvidenceRegister, ind_id: str, since: date, at: date
) -> Table | None:
    """One indicator for each calendar month of the period, with its numerator and cohort."""
    from selfeval.indicators import month_ends
    from selfeval.outputs.disclosure import is_small

    ind = catalogue()[ind_id]
    if not _has_sources(record, ind):
        return None
    ends = [e for e in month_ends(since, at) if e > since]
    results = [r for r in record.results([ind_id], ends, period="month") if r.reason is None]
    if not results:
        return None
    note = register.cite(record.evidence(results, None))
    rows = []
    for r in results:
        small = record.public and (is_small(r.numerator) or is_small(r.denominator))
        rows.append(
            (
                r.period_end.strftime("%B %Y"),
                "c" if small else format_number(r.numerator, "count"),
                "c" if small else format_number(r.denominator, "count"),
                "c" if small else record.show(r),
            )
        )
    return Table(
        caption=f"{ind.title}, month by month [{note}]",
        header=("Month", "Met", "Of", "Share"),
        rows=tuple(rows),
    )


def _has_sources(record: FigureCache, ind: Indicator) -> bool:
    return all(record.sources.has(s) for s in ind.sources)


def _chart_ids(figs: _Figures, ids: Sequence[str]) -> list[str]:
    """The area's indicators worth a monthly chart: real changes first, then warning signs."""
    cat = catalogue()
    real = [i for i in ids if figs.changes.get(i) and figs.changes[i].verdict == "real"]
    warn = [
        i
        for i in ids
        if i in FLOORS and (v := figs.pairs[i][1].value) is not None and v < FLOORS[i]
    ]
    chosen = list(dict.fromkeys(warn + real))
    return [i for i in chosen if cat[i].measure != "annual"][:CHARTS_PER_AREA]


# -- blocks ---------------------------------------------------------------------------------------


def _summary(
    record: FigureCache,
    figs: _Figures,
    judgements: dict[str, AreaJudgement],
    at: date,
    synthetic: bool,
) -> list[Block]:
    """One page: the draft self-assessment of each area, and a small dashboard."""
    rows = []
    for area in AREAS:
        j = judgements[area.key]
        rows.append(
            (
                area.short,
                j.grade,
                _first(j.strengths, "[To write]"),
                _first(j.developments, "[To write]"),
            )
        )
    out: list[Block] = [
        Heading(2, "Summary"),
        Table(
            caption="Draft self-assessment by judgement area, drawn from the evidence, for the "
            "service's leaders to accept or change (each area's section gives every strength "
            "and area for development, and the reasons)",
            header=("Area", "Draft grade", "Main strength", "Main area for development"),
            rows=tuple(rows),
            compact=True,
        ),
    ]
    cat = catalogue()
    dash = []
    for i in DASHBOARD:
        if i not in figs.pairs:
            continue
        _a, b = figs.pairs[i]
        s = figs.standings.get(i)
        none = _no_benchmark(cat[i])
        dash.append(
            (
                cat[i].title + _dated(b, at),
                record.show(b),
                _b(s.england, cat[i].unit) if s else none,
                _b(s.region, cat[i].unit) if s else none,
                _b(s.median, cat[i].unit) if s else none,
                _change_words(record, figs, i),
            )
        )
    if dash:
        out.append(
            Table(
                caption=f"Dashboard at {long_date(at)}"
                + (" (England, region and neighbours synthetic)" if synthetic else ""),
                header=(
                    "Indicator",
                    "Us",
                    "England",
                    "Region",
                    "Neighbours",
                    "Change over the year",
                ),
                rows=tuple(dash),
                numeric=frozenset({1, 2, 3, 4}),
                compact=True,
            )
        )
    return out


def _basis_blocks(record: FigureCache, figs: _Figures) -> list[Block]:
    """Where the figures as returned (DfE's basis, used for every comparison) differ from the
    figures as now recorded (with later corrections), and by how much."""
    lead = (
        "Comparisons with England, the region and the neighbours use each year's figures as "
        "returned, the basis of DfE's published statistics; the tables show the figures as now "
        "recorded, with later corrections."
    )
    if not figs.differences:
        return [Paragraph(text(lead + " For the indicators compared, the two agree."))]
    rows = tuple(
        (d.title, record.show(d.as_returned), record.show(d.as_recorded)) for d in figs.differences
    )
    return [
        Paragraph(text(lead + " Where they differ:")),
        Table(
            caption="Figures as returned and as now recorded",
            header=("Indicator", "As returned", "As now recorded"),
            rows=rows,
            numeric=frozenset({1, 2}),
            compact=True,
        ),
    ]


def _first(points: Sequence[Point], empty: str) -> str:
    """The strongest point in short: its first clause, without England's figure."""
    if not points:
        return empty
    short = points[0].text.split(";")[0].split(", England ")[0].split(", below the ")[0]
    return short.rstrip(".") + "."


def _judgement_blocks(j: AreaJudgement) -> list[Block]:
    out: list[Block] = [
        Paragraph(
            (
                Span("Self-assessment: ", strong=True),
                Span(f"{j.grade}. " + " ".join(j.reasons)),
            ),
            draft=True,
        )
    ]
    for title, pts in (("Strengths", j.strengths), ("Areas for development", j.developments)):
        out.append(Paragraph((Span(title, strong=True),)))
        if pts:
            out.append(BulletList(tuple(text(p.text) for p in pts)))  # every one counted
        else:
            out.append(
                Paragraph(
                    text(
                        "None drawn from the data. [To write: what audits, observation and "
                        "feedback show.]"
                    )
                )
            )
    return out


def _rates_table(
    record: FigureCache,
    register: EvidenceRegister,
    figs: _Figures,
    ids: Sequence[str],
    since: date,
    at: date,
    area: Area,
    synthetic: bool,
) -> Table:
    """Rates and percentages: the two dates, the change in words, and the benchmarks."""
    cat = catalogue()
    rows = []
    for i in ids:
        a, b = figs.pairs[i]
        ind = cat[i]
        s = figs.standings.get(i)
        note = register.cite(record.evidence([r for r in (a, b) if r.value is not None], None))
        band = (
            f"{_n(s.median, ind.unit)} ({_n(s.lower_quartile, ind.unit)} to "
            f"{_n(s.upper_quartile, ind.unit)})"
            if s and s.median is not None and s.lower_quartile is not None
            else _b(s.median if s else None, ind.unit)
        )
        shown = record.show(b)
        # A withheld figure's rank would say where it lies: withheld with it.
        rank = SUPPRESSED if shown == SUPPRESSED else f"{s.rank} of {s.of}" if s and s.rank else "x"
        none = _no_benchmark(ind)
        rows.append(
            (
                f"{ind.title}{_dated(b, at, a, since)} [{note}]",
                _shown(record, a),
                shown,
                _change_words(record, figs, i),
                _b(s.england, ind.unit) if s else none,
                _b(s.region, ind.unit) if s else none,
                band if s else none,
                rank,
            )
        )
    return Table(
        caption=f"{area.short}: rates and percentages at {long_date(since)} and "
        f"{long_date(at)}, against England, the region and the statistical neighbours"
        + (" (synthetic)" if synthetic else "")
        + "; higher is better or worse as each indicator's definition says",
        header=(
            "Indicator",
            str(since.year),
            str(at.year),
            "Change",
            "England",
            "Region",
            "Neighbours: median (middle half)",
            "Rank",
        ),
        rows=tuple(rows),
        numeric=frozenset({1, 2, 4, 5}),
        compact=True,
    )


def _dated(b: Result, at: date, a: Result | None = None, since: date | None = None) -> str:
    """The dates a row's figures are of, where they are not the table's (a workforce figure
    at 31 March is the census of the September before): " (at 30 September 2023)", or with
    the earlier figure ``a`` " (at 30 September 2022 and 2023)"."""
    if b.period_end == at and (a is None or a.period_end == since):
        return ""
    if a is None:
        return f" (at {long_date(b.period_end)})"
    then, now = a.period_end, b.period_end
    if (then.month, then.day) == (now.month, now.day):
        return f" (at {now.day} {now:%B} {then.year} and {now.year})"
    return f" (at {long_date(then)} and {long_date(now)})"


def _counts_table(
    record: FigureCache,
    register: EvidenceRegister,
    figs: _Figures,
    ids: Sequence[str],
    area: Area,
) -> Table:
    """Counts with their trend over the years loaded or published: never against England."""
    cat = catalogue()
    years = sorted({y for i in ids for y, v, _ in figs.trends.get(i, []) if v is not None})
    rows = []
    for i in ids:
        a, b = figs.pairs[i]
        ind = cat[i]
        trend = {y: (v, src) for y, v, src in figs.trends.get(i, [])}
        note = register.cite(record.evidence([r for r in (a, b) if r.value is not None], None))
        cells = []
        for y in years:
            v, src = trend.get(y, (None, ""))
            if v is None:
                cells.append("x")
            elif y == b.period_end.year and src == "returns":
                cells.append(record.show(b))
            elif y == a.period_end.year and src == "returns":
                cells.append(_shown(record, a))
            else:
                cells.append(_count_shown(record, v) + ("*" if src == "published" else ""))
        rows.append((f"{ind.title} [{note}]", *cells, _change_words(record, figs, i)))
    published = any(src == "published" for i in ids for _, _, src in figs.trends.get(i, []))
    return Table(
        caption=f"{area.short}: numbers of children, year by year"
        + (" (* as DfE published it)" if published else ""),
        header=("Indicator", *(str(y) for y in years), "Change over the year"),
        rows=tuple(rows),
        numeric=frozenset(range(1, len(years) + 1)),
        compact=True,
    )


def _change_words(record: FigureCache, figs: _Figures, ind_id: str) -> str:
    """The change over the year in words; not judged where either figure is withheld from the
    reader (its direction would say something of a count of 1 to 5)."""
    c = figs.changes.get(ind_id)
    if c is None or any(
        r.value is not None and record.show(r) == SUPPRESSED for r in figs.pairs[ind_id]
    ):
        return WORDS["not_judged"]
    return c.words


def _count_shown(record: FigureCache, v: float) -> str:
    from selfeval.outputs.disclosure import is_small

    return "c" if record.public and is_small(v) else format_number(v, "count")


def _context(
    record: FigureCache,
    register: EvidenceRegister,
    figs: _Figures,
    since: date,
    at: date,
    opts: SefOptions,
    synthetic: bool,
) -> list[Block]:
    """Population, demand against neighbours, the last inspection, the workforce, prompts."""
    cat = catalogue()
    out: list[Block] = [Heading(2, "Context", new_page=True)]
    pop = _population(record, since, at)
    if pop:
        y2, p2 = pop[-1]
        said = (
            f"About {format_number(p2, 'count')} children aged 0 to 17 live in the authority "
            f"(ONS mid-{y2} estimate)"
        )
        if len(pop) == 2 and pop[0][1]:
            y1, p1 = pop[0]
            change = 100.0 * (p2 - p1) / p1
            said += (
                f", {'up' if change > 0 else 'down'} {abs(change):.1f}% on mid-{y1}."
                if round(change, 1)
                else f", much as in mid-{y1}."
            )
        else:
            said += ". [To write: how the number of children has changed; no earlier estimate "
            said += "is imported.]"
        out.append(Paragraph(text(said)))
    else:
        out.append(
            Paragraph(
                text(
                    "[To write: the population of children and its change; no ONS estimate is "
                    "imported (selfeval benchmarks import).]"
                )
            )
        )
    out.append(Paragraph(text(_inspection_text(opts, at))))
    demand = [i for i in DEMAND_RATES if i in figs.pairs]
    if demand:
        out.append(
            _rates_table(
                record,
                register,
                figs,
                demand,
                since,
                at,
                Area("context", "Demand", (), "Demand"),
                synthetic,
            )
        )
    workforce = [i for i in figs.pairs if cat[i].area == "workforce"]
    lines = []
    for i in workforce:
        a, b = figs.pairs[i]
        s = figs.standings.get(i)
        u = cat[i].unit
        extra = (
            f"; England {_b(s.england, u)}, region {_b(s.region, u)}, neighbours {_b(s.median, u)}"
            if s
            else f"; England, region and neighbours: {_no_benchmark(cat[i])}"
        )
        lines.append(
            text(f"{cat[i].title}: {record.show(b)} (a year before: {_shown(record, a)}{extra}).")
        )
    if lines:
        census = _dated(figs.pairs[workforce[0]][1], at)  # the September before ``at``
        out.append(Paragraph((Span(f"Workforce stability{census}", strong=True),)))
        out.append(BulletList(tuple(lines)))
    out.append(
        Paragraph(
            text(
                "[To write: the service's structure and practice model, the budget and its "
                "pressures, deprivation, and the year's events.]"
            )
        )
    )
    return out


def _population(record: FigureCache, since: date, at: date) -> list[tuple[int, float]] | None:
    """(mid-year, children aged 0-17) for the estimates behind the two dates' rates, oldest
    first: both where both are imported, else the one there is."""
    for ind_id in ("cla_rate", "cin_rate", "cp_rate", "referral_rate"):
        if ind_id not in catalogue():
            continue
        rs = [
            (r.period_end.year - 1, float(r.denominator))
            for r in record.results([ind_id], [since, at])
            if r.denominator
        ]
        if rs:
            return rs
    return None


def _inspection_text(opts: SefOptions, at: date) -> str:
    from selfeval.inspections.planner import expected_next

    nxt = expected_next(opts.inspections, at) if opts.inspections else None
    if nxt is None:
        return (
            "[To write: the last ILACS inspection, its judgements and recommendations, and what "
            "has changed since. No Ofsted inspection outcome is loaded for this authority.]"
        )
    last = nxt.last
    what = "monitoring visits until a " if nxt.monitoring_visits else "a "
    return (
        f"Ofsted's last ILACS {last.type} inspection began on {long_date(last.start)} and judged "
        f"overall effectiveness {last.overall}. The next is expected to be {what}"
        f"{nxt.next_type} inspection between {long_date(nxt.window_start)} and "
        f"{long_date(nxt.window_end)}"
        + (", with a focused visit possible before then." if nxt.focused_visit_eligible else ".")
        + " [To write: the recommendations made then and what has changed since.]"
    )


def _next_plan(
    record: FigureCache, figs: _Figures, judgements: dict[str, AreaJudgement], at: date
) -> list[Block]:
    """The next 12 months' priorities, drafted from the areas for development: each tied to an
    indicator with a measurable target (the neighbours' median, England's, or the least
    acceptable level), or to the share of a group's case audits judged good or better (the
    share this self-evaluation counts a strength), by a year after ``at``."""
    cat = catalogue()
    by = at + relativedelta(years=1)
    rows = []
    for area in AREAS:
        for p in judgements[area.key].developments:
            if p.audits is not None:  # the quality of practice the audits found
                good, n, group = p.audits
                rows.append(
                    (
                        f"{area.short}: case audits of {group} judged good or better",
                        share_words(good, n, record.public),
                        f"{GOOD_AUDITS:.0f}% (the level counted a strength)",
                        long_date(by),
                        "[To assign]",
                    )
                )
                continue
            if p.indicator_id is None or p.indicator_id not in figs.pairs:
                continue
            ind = cat[p.indicator_id]
            now = figs.pairs[p.indicator_id][1]
            s = figs.standings.get(p.indicator_id)
            target, basis = None, ""
            if p.source == "warning":
                target, basis = FLOORS[p.indicator_id], "the least acceptable level"
            elif s is not None and s.median is not None:
                target, basis = s.median, "the neighbours' median"
            elif s is not None and s.england is not None:
                target, basis = s.england, "England"
            elif p.source == "trend" and figs.pairs[p.indicator_id][0].value is not None:
                target, basis = figs.pairs[p.indicator_id][0].value, "last year's level"
            if target is None:
                continue
            rows.append(
                (
                    f"{area.short}: {ind.title}",
                    record.show(now),
                    f"{format_number(target, ind.unit)} ({basis})",
                    long_date(by),
                    "[To assign]",
                )
            )
    if not rows:
        return [
            Paragraph(
                text(
                    "No area for development with a measurable indicator was drawn from the "
                    "data. [To write: the priorities for the next 12 months.]"
                )
            )
        ]
    first: dict[str, tuple[str, ...]] = {}
    for r in rows:
        first.setdefault(r[0], r)
    unique = list(first.values())
    return [
        Paragraph(
            text(
                "Priorities drafted from the areas for development above, each with a "
                "measurable target; owners and actions are for the service to set."
            ),
            draft=True,
        ),
        Table(
            caption=f"Draft priorities for the 12 months to {long_date(by)}",
            header=("Priority", "Now", "Target", "By", "Owner"),
            rows=tuple(unique),
            numeric=frozenset({1}),
            compact=True,
        ),
    ]


def _audits_of(area: Area, audits: Sequence[Audit]) -> list[Audit]:
    """The case audits of this area's group of children, by the audited team's name."""
    if not area.audit_teams:
        return []
    return [a for a in audits if a.team and any(w in a.team.lower() for w in area.audit_teams)]


def _group(area: Area) -> str:
    return {
        "help_and_protection": "children in need of help and protection",
        "children_in_care": "children in care",
        "care_leavers": "care leavers",
    }.get(area.key, "children")


def _no_benchmark(ind: Indicator) -> str:
    """What stands where a rate has no benchmark (DfE publishes no such figure, none for this
    date, or none is imported): "none", short enough for a narrow column (the glossary)."""
    return "none"


def _b(v: float | None, unit: str) -> str:
    """A benchmark's value, or "none" where DfE published none (withheld or missing)."""
    return "none" if v is None else format_number(v, unit)


def _shown(record: FigureCache, r: Result) -> str:
    return record.show(r) if r.value is not None else "x"


def _n(v: float | None, unit: str) -> str:
    return "x" if v is None else format_number(v, unit)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def evidence_register_table(register: EvidenceRegister) -> Table:
    rows = []
    compared = any(ev.comparison for ev in register.entries)
    for n, ev in enumerate(register.entries, start=1):
        sources = ", ".join(_capital(schema.title(t)) for t in ev.source_tables)
        row = (f"[{n}]", ev.title, ev.describe_periods(), sources)
        rows.append((*row, ev.comparison or "") if compared else row)
    header = ("Ref", "Indicator", "Date or period", "Sources")
    return Table(
        caption="Evidence register: the source of every figure",
        header=(*header, "Benchmark") if compared else header,
        rows=tuple(rows),
        anchors=tuple(f"evidence-{n}" for n in range(1, len(rows) + 1)),
        compact=True,
    )
