"""The audits workbook: its template, reading it into records, and writing records back.

Sheets: Instructions, Practice weeks, Audits (one row per audit, with a ``Grade: <domain>``
column per domain and the moderator's grade beside the auditor's), Dip samples, Evidence.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Literal, overload

from selfeval.assurance.grades import DEFAULT_DOMAINS, LABELS, Grade
from selfeval.assurance.records import (
    EVIDENCE_KINDS,
    AssuranceData,
    Audit,
    DipSample,
    EvidenceItem,
    PracticeWeek,
)
from selfeval.outputs.tables import CellValue
from selfeval.returns.detect import register
from selfeval.returns.workbook import (
    VALUES_ONLY,
    Column,
    Row,
    SheetSpec,
    has_sheets,
    open_workbook,
    read_sheet,
    write_workbook,
)

GRADES = tuple(LABELS.values())
DOMAIN_PREFIX = "Grade: "

WEEKS = SheetSpec(
    "Practice weeks",
    (
        Column(
            "Practice week",
            required=True,
            help="A name, e.g. Practice Week 3 (June 2019).",
            field="name",
        ),
        Column("Start date", "date", required=True, help="The week's first day."),
        Column("End date", "date", required=True, help="The week's last day."),
        Column("Notes", width=40, help="Focus of the week, who took part."),
    ),
    "one row per practice week; audits and dip samples name their week.",
)

AUDITS = SheetSpec(
    "Audits",
    (
        Column("Practice week", help="Its name on the Practice weeks sheet; blank if none."),
        Column("Child ID", required=True, help="The child's id as in the returns (CHILD)."),
        Column("Team", help="The team holding the case."),
        Column("Worker", help="The allocated worker."),
        Column("Auditor", required=True, help="Who audited the case."),
        Column("Audit date", "date", required=True, help="The day of the audit."),
        Column("Overall grade", "choice", required=True, choices=GRADES, width=30, field=""),
        Column("Strengths", width=40, help="What is working well."),
        Column("Areas for development", width=40, help="What needs to improve."),
        Column(
            "Difference made to the child",
            width=40,
            help="The impact on the child.",
            field="difference_made",
        ),
        Column("Actions", width=40, help="What will be done, by whom."),
        Column("Moderator", help="Who moderated the audit; blank if not moderated."),
        Column("Moderation date", "date", help="The day of the moderation."),
        Column(
            "Moderated grade",
            "choice",
            choices=GRADES,
            width=30,
            help="The moderator's overall grade, beside the auditor's.",
            field="",
        ),
        Column("Moderation notes", width=40),
    ),
    "one row per case audit, graded on Ofsted's four-point scale, overall and by domain.",
    extra_prefix=DOMAIN_PREFIX,
)

DIPS = SheetSpec(
    "Dip samples",
    (
        Column("Theme", required=True, width=30, help="What was checked across the cases."),
        Column("Sample date", "date", required=True),
        Column("Practice week", help="Its name on the Practice weeks sheet; blank if none."),
        Column("Sampled by"),
        Column("Child IDs", "ids", required=True, width=40, help="Separated by semicolons."),
        Column("Findings", width=60),
    ),
    "one row per dip sample: a theme checked across several cases.",
)

EVIDENCE = SheetSpec(
    "Evidence",
    (
        Column("Kind", "choice", required=True, choices=EVIDENCE_KINDS, width=26),
        Column(
            "Date", "date", required=True, help="The day it was received.", field="received_date"
        ),
        Column("Child ID", help="The child's id if it concerns one child."),
        Column("Team"),
        Column("Summary", required=True, width=60, help="What was said, in brief."),
        Column("Outcome", width=40, help="For a complaint: upheld, partly upheld, not upheld."),
    ),
    "feedback from children and families, compliments and complaints.",
)

SHEETS = (WEEKS, AUDITS, DIPS, EVIDENCE)


def domain_columns(domains: Sequence[str]) -> list[Column]:
    return [
        Column(DOMAIN_PREFIX + d, "choice", choices=GRADES, width=24, help=f"Grade for {d}.")
        for d in domains
    ]


def is_audits_workbook(path: Path) -> bool:
    """Whether a file is an audits workbook (by its sheets), for ``selfeval ingest``."""
    return has_sheets(path, AUDITS, WEEKS)


register("audits", is_audits_workbook)


def read_audits(path: Path, domains: Sequence[str] = DEFAULT_DOMAINS) -> AssuranceData:
    """Read an audits workbook into records; the first problem raises ``InputError`` naming the
    file, sheet, row and field. Domain columns must be among ``domains`` (the authority's)."""
    name = path.name
    with open_workbook(path) as wb:
        weeks = [_week(r) for r in read_sheet(wb, WEEKS, name)]
        audits = [_audit(r, domains) for r in read_sheet(wb, AUDITS, name)]
        dips = [DipSample(**r.fields(DIPS)) for r in read_sheet(wb, DIPS, name, required=False)]
        evidence = [
            EvidenceItem(**r.fields(EVIDENCE))
            for r in read_sheet(wb, EVIDENCE, name, required=False)
        ]
    return AssuranceData(tuple(weeks), tuple(audits), tuple(dips), tuple(evidence))


@overload
def _grade(row: Row, header: str, required: Literal[True]) -> Grade: ...
@overload
def _grade(row: Row, header: str, required: bool = False) -> Grade | None: ...
def _grade(row: Row, header: str, required: bool = False) -> Grade | None:
    t = row.text(header, required)
    if t is None:
        return None
    try:
        return Grade.parse(t)
    except ValueError as e:
        raise row.fail(header, "grade", str(e)) from None


def _week(r: Row) -> PracticeWeek:
    w = PracticeWeek(**r.fields(WEEKS))
    if w.end_date < w.start_date:
        raise r.fail("End date", "order", "the practice week ends before it starts")
    return w


def _audit(r: Row, domains: Sequence[str]) -> Audit:
    known = {d.lower(): d for d in domains}
    grades: dict[str, Grade] = {}
    for header in r.cells:
        if not header.startswith(DOMAIN_PREFIX):
            continue
        d = header[len(DOMAIN_PREFIX) :].strip()
        if d.lower() not in known:
            raise r.fail(
                header,
                "domain",
                f"{d!r} is not one of this authority's audit domains ({', '.join(domains)})",
            )
        g = _grade(r, header)
        if g is not None:
            grades[known[d.lower()]] = g
    moderated = _grade(r, "Moderated grade")
    if moderated is not None and not r.text("Moderator"):
        raise r.fail("Moderator", "required", "a moderated grade needs the moderator's name")
    fields = r.fields(AUDITS)
    overall = _grade(r, "Overall grade", True)
    return Audit(**fields, overall_grade=overall, domain_grades=grades, moderated_grade=moderated)


INSTRUCTIONS = [
    "Record practice weeks, case audits, moderation, dip samples and feedback here, then load the",
    "workbook with: selfeval ingest FILE --kind audits --la CODE",
    "",
    "Rules: grades are Ofsted's four-point scale (choose from the list). Child IDs are the ids in",
    "the returns (the 903's CHILD, the CIN census's LAchildID): never names. Dates may not be in",
    "the future. The same child audited on the same day by the same auditor is a duplicate.",
    *VALUES_ONLY,
    "Loading the same file again changes nothing.",
    "",
]


def write_audits_template(
    path: Path, domains: Sequence[str] = DEFAULT_DOMAINS, data: AssuranceData | None = None
) -> Path:
    """Write the audits workbook: instructions, header rows, drop-down lists; and ``data``'s
    records if given (that is the export, which reads back in unchanged)."""
    d = data or AssuranceData()
    weeks = [WEEKS.cells(w) for w in d.practice_weeks]
    dips = [DIPS.cells(s) for s in d.dip_samples]
    evidence = [EVIDENCE.cells(e) for e in d.evidence]
    return write_workbook(
        path,
        "Practice weeks and case audits",
        INSTRUCTIONS,
        [
            (WEEKS, weeks, ()),
            (AUDITS, [_audit_row(a, domains) for a in d.audits], domain_columns(domains)),
            (DIPS, dips, ()),
            (EVIDENCE, evidence, ()),
        ],
    )


def _audit_row(a: Audit, domains: Sequence[str]) -> tuple[CellValue, ...]:
    g = a.domain_grades
    grades = {
        "Overall grade": a.overall_grade.label,
        "Moderated grade": a.moderated_grade.label if a.moderated_grade else None,
    }
    return (*AUDITS.cells(a, grades), *(g[d].label if d in g else None for d in domains))
