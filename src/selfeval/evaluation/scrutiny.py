"""The covering report that takes the self-evaluation to a council's scrutiny panel.

It follows the council template of the reference report: the table of who is responsible,
recommendations, purpose, background (the ILACS system), progress with the figures,
questions for scrutiny, and the implications sections. The council's details come from a TOML
file (``examples/council.toml``); the progress narrative from ``progress.md`` in a narrative
folder, or, without one, from the demand figures and the findings selfeval has drafted.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from selfeval.errors import InputError, Location, UsageError
from selfeval.evaluation.narrative import EvidenceRegister, Narrative, render_markdown
from selfeval.evaluation.placeholders import FigureCache
from selfeval.evaluation.sef import (
    AREAS,
    Built,
    SefOptions,
    build_sef,
    evidence_register_table,
    period_start,
)
from selfeval.indicators import catalogue
from selfeval.outputs.document import (
    BulletList,
    Document,
    Heading,
    Paragraph,
    Table,
    text,
)
from selfeval.outputs.formatting import long_date

DEMAND = (
    ("cla_count", "children and young people in care"),
    ("cp_count", "children who had a child protection plan"),
    ("cin_plan_count", "children who had a Child in Need Plan"),
)
"""The demand figures of the progress section (indicator id, what it counts)."""

IMPLICATIONS = (
    ("financial", "Financial implications"),
    ("legal", "Legal implications"),
    ("equalities", "Equalities implications"),
    ("environmental", "Environmental implications"),
    ("human_resources", "Human resources implications"),
    ("corporate_landlord", "Corporate landlord implications"),
)

REQUIRED_IMPLICATIONS = ("financial", "legal", "equalities")
"""Sections every council report has (a placeholder until the council writes them); the
others stand only when the council's configuration gives them."""

DEFAULT_RECOMMENDATIONS = (
    "Endorse the development priorities for {year} set out in the self-evaluation of social "
    "work practice.",
    "Consider whether the self-evaluation answers Ofsted's three questions: what the service "
    "knows about the quality and impact of its social work practice, how it knows it, and what "
    "it plans for the next 12 months.",
    "Identify any significant issue that the self-evaluation does not address.",
)

DEFAULT_QUESTIONS = (
    "Does the self-evaluation answer Ofsted's three questions, with evidence for each answer?",
    "Is the panel assured that the {service} knows itself well: its strengths, its weaknesses "
    "and how it knows them?",
    "Are there significant issues for children and families that the self-evaluation leaves out?",
)

ILACS_SYSTEM = (
    "local authorities sharing an annual self-evaluation of the quality and impact of social "
    "work practice",
    "an annual engagement meeting between Ofsted's regional representatives and the local "
    "authority to review the self-evaluation, reflect on what is happening in the local "
    "authority and inform how they engage with each other in future",
    "Ofsted's local authority intelligence system (LAIS), which brings data and information "
    "into a single record",
    "focused visits that look at a specific area of service or cohort of children",
    "standard and short inspections where Ofsted makes judgements using its four-point scale",
    "joint targeted area inspections (JTAI)",
)


@dataclass(frozen=True)
class Employee:
    name: str
    title: str = ""
    tel: str = ""
    email: str = ""


@dataclass(frozen=True)
class CouncilConfig:
    """A council's details for its scrutiny report, read from TOML."""

    council: str
    la_code: str
    panel: str
    meeting_date: date | None
    title: str
    cabinet_member: str | None
    wards: str
    accountable_director: str | None
    originating_service: str
    accountable_employees: tuple[Employee, ...]
    considered_by: tuple[tuple[str, date], ...]
    service: str = "Children and Young People's Service"
    sef_shared: str = ""
    recommendations: tuple[str, ...] = ()
    priorities: tuple[str, ...] = ()
    implications: dict[str, str] = field(default_factory=dict)
    implication_refs: dict[str, str] = field(default_factory=dict)


def load_council(path: Path) -> CouncilConfig:
    """Read a council's TOML file; every problem names the file and the field."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"--config {path}: no such file") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise InputError(Location(str(path)), "toml", f"is not valid TOML: {e}") from None

    def get(table: str, key: str, kind: type = str, required: bool = True) -> Any:
        v = raw.get(table, {}).get(key)
        if v is None:
            if required:
                raise InputError(
                    Location(str(path), field=f"{table}.{key}"), "required", "is missing"
                )
            return None
        if not isinstance(v, kind):
            raise InputError(
                Location(str(path), field=f"{table}.{key}"),
                "type",
                f"must be a {kind.__name__}, not {type(v).__name__}",
            )
        return v

    la_code = get("council", "la_code")
    if not (len(la_code) == 3 and la_code.isdigit()):
        raise InputError(
            Location(str(path), field="council.la_code"), "la_code", "must be 3 digits"
        )

    def entries(key: str, named: str) -> list[dict[str, Any]]:
        """The report's ``key`` list: tables, each with its text ``named``."""
        out = []
        for i, e in enumerate(raw.get("report", {}).get(key, []), start=1):
            if not isinstance(e, dict) or not isinstance(e.get(named), str):
                raise InputError(
                    Location(str(path), field=f"report.{key}[{i}].{named}"),
                    "required",
                    "is missing",
                )
            out.append(e)
        return out

    employees = [
        Employee(e["name"], e.get("title", ""), e.get("tel", ""), e.get("email", ""))
        for e in entries("accountable_employees", "name")
    ]
    considered = []
    for i, c in enumerate(entries("considered_by", "body"), start=1):
        if not isinstance(c.get("date"), date):
            raise InputError(
                Location(str(path), field=f"report.considered_by[{i}].date"),
                "type",
                "must be a date (YYYY-MM-DD)",
            )
        considered.append((c["body"], c["date"]))
    implications = raw.get("implications", {})
    unknown = (
        set(implications) - {k for k, _ in IMPLICATIONS} - {f"{k}_ref" for k, _ in IMPLICATIONS}
    )
    if unknown:
        raise InputError(
            Location(str(path), field="implications." + sorted(unknown)[0]),
            "unknown",
            "is not an implications section ("
            + ", ".join(k for k, _ in IMPLICATIONS)
            + ", each with an optional _ref)",
        )
    return CouncilConfig(
        council=get("council", "name"),
        la_code=la_code,
        panel=get("council", "panel"),
        meeting_date=get("council", "meeting_date", date, required=False),
        title=get("report", "title"),
        cabinet_member=get("report", "cabinet_member", required=False),
        wards=get("report", "wards"),
        accountable_director=get("report", "accountable_director", required=False),
        originating_service=get("report", "originating_service"),
        accountable_employees=tuple(employees),
        considered_by=tuple(considered),
        service=get("report", "service", required=False) or CouncilConfig.service,
        sef_shared=get("report", "sef_shared", required=False) or "",
        recommendations=tuple(get("report", "recommendations", list, required=False) or ()),
        priorities=tuple(get("report", "priorities", list, required=False) or ()),
        implications={k: v for k, v in implications.items() if not k.endswith("_ref")},
        implication_refs={k[:-4]: v for k, v in implications.items() if k.endswith("_ref")},
    )


def default_progress(record: FigureCache, since: date, at: date) -> str:
    """The progress narrative selfeval writes when the council gives none: demand, then findings.

    The demand paragraph names the demand indicators whose returns the record holds.
    """
    cat = catalogue()
    demand = [
        (i, what)
        for i, what in DEMAND
        if i in cat and all(record.sources.has(s) for s in cat[i].sources)
    ]
    paras = []
    if demand:

        def listing(d: date) -> str:
            parts = [f"{{{{ {i} at {d.isoformat()} }}}} {what}" for i, what in demand]
            return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]

        paras.append(
            f"At {long_date(since)} there were {listing(since)}. "
            f"At {long_date(at)} there were {listing(at)}."
        )
    return "\n\n".join(paras)


def council_sef(
    record: FigureCache,
    cfg: CouncilConfig,
    *,
    at: date,
    since: date | None = None,
    narrative: Path | None = None,
) -> Built:
    """The self-evaluation the council's scrutiny report covers, for the record's audience:
    built once, and given to :func:`build_scrutiny` and the writers."""
    return build_sef(
        record,
        SefOptions(
            la_code=cfg.la_code,
            at=at,
            since=since,
            authority_name=cfg.council,
            narrative=narrative,
            public=record.public,
        ),
    )


def build_scrutiny(
    record: FigureCache,
    cfg: CouncilConfig,
    *,
    at: date,
    since: date | None = None,
    narrative: Path | None = None,
    sef: Built | None = None,
) -> Built:
    """The scrutiny panel's covering report for the self-evaluation at ``at`` (``sef``, when
    it is built already: :func:`council_sef`)."""
    since = period_start(at, since)
    notes = Narrative.from_folder(narrative)
    stray = notes.unknown({"progress"})
    if stray:
        raise UsageError(
            f"narrative files {', '.join(s + '.md' for s in stray)} match no section of the "
            "scrutiny report (it reads progress.md)"
        )
    doc = Document(
        title=cfg.panel,
        subtitle=long_date(cfg.meeting_date)
        if cfg.meeting_date
        else placeholder("date of the meeting"),
        meta={
            "kind": "scrutiny",
            "la": cfg.la_code,
            "at": at.isoformat(),
            "since": since.isoformat(),
        },
    )
    register = EvidenceRegister()
    employees = "; ".join(
        ", ".join(x for x in (e.name, e.title, f"Tel {e.tel}" if e.tel else "", e.email) if x)
        for e in cfg.accountable_employees
    )
    considered = "; ".join(
        f"{b}, {d.strftime('%d.%m.%Y')}" for b, d in cfg.considered_by
    ) or placeholder("the bodies that considered the report, and when")
    employees = employees or placeholder("the accountable employee: name, title, telephone, email")
    doc.add(
        Table(
            caption="About this report",
            header=None,
            rows=(
                ("Report title", cfg.title),
                (
                    "Cabinet member with lead responsibility",
                    cfg.cabinet_member or placeholder("the cabinet member"),
                ),
                ("Wards affected", cfg.wards),
                (
                    "Accountable director",
                    cfg.accountable_director or placeholder("the accountable director"),
                ),
                ("Originating service", cfg.originating_service),
                ("Accountable employee(s)", employees),
                ("Report to be/has been considered by", considered),
            ),
        )
    )
    year = next_plan_year(at)
    doc.add(
        Heading(2, "Recommendation(s) for action or decision"),
        Paragraph(text("The Scrutiny Panel is recommended to:")),
        BulletList(
            tuple(
                text(r.format(year=year)) for r in (cfg.recommendations or DEFAULT_RECOMMENDATIONS)
            ),
            ordered=True,
        ),
        Heading(2, "Purpose", "1.0"),
        Paragraph(
            text(
                "The purpose of this report is to present the draft Annual Self-Evaluation of "
                "Children's Social Care for the panel to consider and comment upon."
            ),
            "1.1",
        ),
        Heading(2, "Background", "2.0"),
        Paragraph(
            text(
                "Inspecting Local Authority Children's Services (ILACS) is a system of "
                "inspection. Under this system, Ofsted use the intelligence and information they "
                "have to inform decisions about how best to inspect each local authority. This "
                "system includes:"
            ),
            "2.1",
        ),
        BulletList(tuple(text(s) for s in ILACS_SYSTEM)),
        Paragraph(
            text(
                "This report relates to the annual self-evaluation"
                + (f", which was shared with Ofsted in {cfg.sef_shared}" if cfg.sef_shared else "")
                + ". Local authorities are asked to share a self-evaluation of social work "
                "practice, drawing on information that already exists within the local authority "
                "and is used to monitor the quality of services provided to children, young "
                "people and their families."
            ),
            "2.2",
        ),
        Paragraph(text("The Self-Evaluation should answer three questions:"), "2.3"),
        BulletList(
            (
                text(
                    "What do you know about the quality and impact of social work practice in "
                    "your local authority?"
                ),
                text("How do you know it?"),
                text("What are your plans for the next 12 months to improve?"),
            )
        ),
        Heading(2, "Progress", "3.0"),
    )
    progress_src = notes.get("progress") or default_progress(record, since, at)
    blocks, _ = render_markdown(progress_src, "progress", record, register, base_level=3)
    n = 0
    for b in blocks:
        if isinstance(b, Paragraph):
            n += 1
            b = Paragraph(b.spans, f"3.{n}", b.draft)
        doc.add(b)
    sef = sef or council_sef(record, cfg, at=at, since=since)
    if not notes.get("progress"):
        from selfeval.evaluation.benchmarking import SYNTHETIC_NOTE, benchmarks_synthetic

        if benchmarks_synthetic(record.store):
            n += 1
            doc.add(Paragraph(text(SYNTHETIC_NOTE), f"3.{n}"))
        for area in AREAS:
            j = sef.judgements[area.key]
            n += 1
            parts = [f"{area.short}: the draft grade is \u201c{j.grade}\u201d."]
            if j.strengths:
                parts.append("Main strength: " + _lower_first(j.strengths[0].text))
            if j.developments:
                parts.append("Main area for development: " + _lower_first(j.developments[0].text))
            doc.add(Paragraph(text(" ".join(parts)), f"3.{n}", draft=True))
        rags = _rag_counts(sef.document)
        if rags:
            n += 1
            doc.add(
                Paragraph(
                    text(
                        "Last year's priorities, rated on the evidence (a rating the data "
                        "contradict is lowered): " + ", ".join(f"{k} {v}" for k, v in rags) + "."
                    ),
                    f"3.{n}",
                )
            )
    priorities = list(cfg.priorities) or _drafted_priorities(sef.document)
    if priorities:
        n += 1
        doc.add(
            Paragraph(
                text(
                    f"The priorities for {next_plan_year(at)}"
                    + (
                        ", drafted from the areas for development, are:"
                        if not cfg.priorities
                        else " are:"
                    )
                ),
                f"3.{n}",
                draft=not cfg.priorities,
            ),
            BulletList(tuple(text(p) for p in priorities)),
        )
    doc.add(Heading(2, "Questions for Scrutiny to consider", "4.0"))
    for i, q in enumerate(DEFAULT_QUESTIONS, start=1):
        doc.add(Paragraph(text(q.format(service=cfg.service)), f"4.{i}"))
    sections = [
        (key, title)
        for key, title in IMPLICATIONS
        if key in REQUIRED_IMPLICATIONS or cfg.implications.get(key)
    ]
    for k, (key, title) in enumerate(sections, start=5):
        doc.add(Heading(2, title, f"{k}.0"))
        body = cfg.implications.get(key) or placeholder(
            f"the {title.lower()}"
            + (", with the clearance reference" if key in ("financial", "legal") else "")
        )
        ref = cfg.implication_refs.get(key)
        doc.add(Paragraph(text(body + (f" {ref}" if ref else "")), f"{k}.1"))
    doc.add(Heading(2, "Sources of the figures"))
    doc.add(evidence_register_table(register))
    return Built(doc, register, [], sef.judgements)


def _lower_first(s: str) -> str:
    return s[:1].lower() + s[1:] if s[:2] != s[:2].upper() else s


def _rag_counts(doc: Document) -> list[tuple[str, int]]:
    """How many of last year's priorities the self-evaluation rates Red, Amber, Green."""
    for b in doc.blocks:
        if isinstance(b, Table) and b.caption.startswith("Progress against last year's"):
            col = (b.header or ()).index("From the data")
            seen: dict[str, int] = {}
            for r in b.rows:
                seen[r[col]] = seen.get(r[col], 0) + 1
            return [(k, seen[k]) for k in ("Complete", "Green", "Amber", "Red") if k in seen]
    return []


def _drafted_priorities(doc: Document) -> list[str]:
    """The self-evaluation's drafted priorities for the next 12 months, with their targets."""
    for b in doc.blocks:
        if isinstance(b, Table) and b.caption.startswith("Draft priorities for the 12 months"):
            return [f"{r[0]}: from {r[1]} to {r[2]} by {r[3]}" for r in b.rows]
    return []


def placeholder(what: str) -> str:
    """A visible gap for a person to fill: selfeval never invents a date, a name or a
    sign-off the council's configuration did not give."""
    return f"[To complete: {what}]"


def next_plan_year(at: date) -> str:
    """The plan year of the 12 months after ``at`` (31 March 2020: 2020-21)."""
    start = at.year if at.month > 3 or (at.month == 3 and at.day == 31) else at.year - 1
    return f"{start}-{(start + 1) % 100:02d}"
