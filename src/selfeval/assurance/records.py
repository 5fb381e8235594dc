"""The records of practice quality, as plain values that the store, workbooks and web share."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from selfeval.assurance.grades import Grade
from selfeval.returns.workbook import WorkbookRecord

EVIDENCE_KINDS: tuple[str, ...] = (
    "Feedback from a child",
    "Feedback from a family",
    "Complaint",
    "Compliment",
)
"""What an evidence item is: what children and families told us, and complaints."""


@dataclass(frozen=True)
class PracticeWeek(WorkbookRecord):
    """A week in which senior managers audit a sample of cases."""

    name: str
    start_date: date
    end_date: date
    notes: str | None = None


@dataclass(frozen=True)
class Audit(WorkbookRecord):
    """One case audit: the auditor's grades, what they found, and any moderation beside them."""

    child_id: str
    audit_date: date
    auditor: str
    overall_grade: Grade
    team: str | None = None
    worker: str | None = None
    practice_week: str | None = None
    domain_grades: dict[str, Grade] = field(default_factory=dict)
    strengths: str | None = None
    areas_for_development: str | None = None
    difference_made: str | None = None
    actions: str | None = None
    moderator: str | None = None
    moderation_date: date | None = None
    moderated_grade: Grade | None = None
    moderation_notes: str | None = None
    la_code: str = ""

    @property
    def key(self) -> tuple[str, date, str]:
        """What makes an audit a duplicate: the same child, audited on the same day by the same
        auditor."""
        return (self.child_id, self.audit_date, self.auditor.strip().lower())

    @property
    def moderated(self) -> bool:
        return self.moderated_grade is not None

    @property
    def final_grade(self) -> Grade:
        """The grade that stands: the moderator's where the audit was moderated."""
        return self.moderated_grade if self.moderated_grade is not None else self.overall_grade


@dataclass(frozen=True)
class DipSample(WorkbookRecord):
    """A theme checked across several cases, and what was found."""

    theme: str
    sample_date: date
    child_ids: tuple[str, ...]
    findings: str | None = None
    sampled_by: str | None = None
    practice_week: str | None = None
    la_code: str = ""


@dataclass(frozen=True)
class EvidenceItem(WorkbookRecord):
    """Feedback from a child or family, a compliment or a complaint, as evidence of impact."""

    kind: str
    received_date: date
    summary: str
    child_id: str | None = None
    team: str | None = None
    outcome: str | None = None
    la_code: str = ""


@dataclass(frozen=True)
class AssuranceData:
    """Everything one audits workbook holds (or one authority's record of it)."""

    practice_weeks: tuple[PracticeWeek, ...] = ()
    audits: tuple[Audit, ...] = ()
    dip_samples: tuple[DipSample, ...] = ()
    evidence: tuple[EvidenceItem, ...] = ()

    def counts(self) -> dict[str, int]:
        return {
            "practice_weeks": len(self.practice_weeks),
            "audits": len(self.audits),
            "dip_samples": len(self.dip_samples),
            "evidence": len(self.evidence),
        }
