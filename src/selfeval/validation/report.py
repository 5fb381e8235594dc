"""What DfE's rules found: every issue, counts by rule, and every rule that crashed."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class ValidationIssue:
    """One place where one rule failed: the rule, its message, the child, table, row, field."""

    rule: str
    message: str
    severity: str
    """``error`` (DfE rejects the return) or ``query`` (DfE asks the LA to check it)."""
    child: str | None
    table: str | None
    row: int | None
    """The row of the validator's table, counted from 1 (for a 903 CSV, the file row less 1)."""
    field: str | None


@dataclass(frozen=True)
class CrashedRule:
    """A rule that raised inside the validator: it did not run, so its silence means nothing."""

    rule: str
    message: str
    error: str


@dataclass
class ValidationReport:
    """The result of one validator over one return's files."""

    validator: str
    """``903`` or ``cin``."""
    package: str
    version: str
    ruleset: str
    return_year: int
    files: list[str]
    issues: list[ValidationIssue] = field(default_factory=list)
    crashed: list[CrashedRule] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    rules_run: int = 0
    failure: str | None = None
    """Why the validator could not judge the files at all (it could not read them)."""
    previous_year: int | None = None
    """The return year of last year's return given beside this one (SSDA903), if any."""
    notes: list[str] = field(default_factory=list)
    """What was left out of the validator's input, and why (a blank table, a provider list)."""

    @property
    def counts_by_rule(self) -> list[tuple[str, str, str, int]]:
        """(rule, severity, message, number of issues), most frequent first."""
        counts = Counter((i.rule, i.severity, i.message) for i in self.issues)
        return sorted(((*k, n) for k, n in counts.items()), key=lambda r: (-r[3], r[0]))

    @property
    def errors(self) -> int:
        return sum(1 for i in self.issues if i.severity == "error")

    @property
    def queries(self) -> int:
        return sum(1 for i in self.issues if i.severity != "error")

    @property
    def passed(self) -> bool:
        """No error-level rule failed, and the validator could read the files."""
        return self.errors == 0 and self.failure is None

    def summary(self) -> str:
        what = (
            f"{self.validator} {self.return_year} ({self.package} {self.version}, {self.ruleset})"
        )
        if self.failure:
            return f"{what}: the validator could not read the files: {self.failure}"
        last = (
            f", with the {self.previous_year} return as last year's" if self.previous_year else ""
        )
        return (
            f"{what}{last}: {self.errors} errors and {self.queries} queries from "
            f"{len({i.rule for i in self.issues})} rules; {len(self.crashed)} rules crashed"
        )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ValidationReport:
        d = dict(d)
        d["issues"] = [ValidationIssue(**i) for i in d.get("issues", [])]
        d["crashed"] = [CrashedRule(**c) for c in d.get("crashed", [])]
        return cls(**d)
