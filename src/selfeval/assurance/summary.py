"""What the audits say: shares good or better and inadequate by practice week, team and domain,
moderation agreement and its direction, and the themes most often named.

Pure functions over lists of ``Audit``, so the CLI, the web app and the report share them.
An audit's grade here is its final grade: the moderator's where it was moderated, else the
auditor's (the same rule as the catalogue's ``audits_good_or_better_pct``). Domain grades are
the auditor's (moderation grades the audit overall).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Literal

from selfeval.assurance.grades import Grade
from selfeval.assurance.records import Audit

By = Literal["week", "team", "domain"]
NO_WEEK = "(no practice week)"
NO_TEAM = "(no team)"


@dataclass(frozen=True)
class GradeShare:
    """The grades of one group of audits, with the number of audits behind them."""

    group: str
    audits: int
    outstanding: int
    good: int
    requires_improvement: int
    inadequate: int

    @property
    def good_or_better(self) -> int:
        return self.outstanding + self.good

    @property
    def good_or_better_pct(self) -> float | None:
        return 100.0 * self.good_or_better / self.audits if self.audits else None

    @property
    def inadequate_pct(self) -> float | None:
        return 100.0 * self.inadequate / self.audits if self.audits else None

    def as_dict(self) -> dict[str, Any]:
        return {
            **asdict(self),
            "good_or_better": self.good_or_better,
            "good_or_better_pct": self.good_or_better_pct,
            "inadequate_pct": self.inadequate_pct,
        }


def share(group: str, grades: Iterable[Grade]) -> GradeShare:
    n = Counter(grades)
    return GradeShare(
        group,
        sum(n.values()),
        n[Grade.OUTSTANDING],
        n[Grade.GOOD],
        n[Grade.REQUIRES_IMPROVEMENT],
        n[Grade.INADEQUATE],
    )


def grade_shares(audits: Sequence[Audit], by: By | None = None) -> list[GradeShare]:
    """One row for all audits, or one per practice week (in date order), team (by name) or
    domain (in the order first graded)."""
    if by is None:
        return [share("all audits", (a.final_grade for a in audits))]
    if by == "domain":
        groups: dict[str, list[Grade]] = {}
        for a in audits:
            for d, g in a.domain_grades.items():
                groups.setdefault(d, []).append(g)
        return [share(d, gs) for d, gs in groups.items()]
    if by == "week":
        ordered = sorted(audits, key=lambda a: (a.practice_week is None, a.audit_date))
        groups = {}
        for a in ordered:
            groups.setdefault(a.practice_week or NO_WEEK, []).append(a.final_grade)
        return [share(k, gs) for k, gs in groups.items()]
    if by == "team":
        groups = {}
        for a in audits:
            groups.setdefault(a.team or NO_TEAM, []).append(a.final_grade)
        return [share(k, groups[k]) for k in sorted(groups)]
    raise ValueError(f"by must be week, team or domain, not {by!r}")


@dataclass(frozen=True)
class Moderation:
    """How far moderators agreed with auditors' overall grades, and which way they differed.

    The moderator grading lower than the auditor means the auditor was generous; higher, harsh.
    """

    moderated: int
    agreed: int
    moderator_lower: int
    moderator_higher: int

    @property
    def agreement_pct(self) -> float | None:
        return 100.0 * self.agreed / self.moderated if self.moderated else None

    @property
    def direction(self) -> str:
        if not self.moderated:
            return "no audits moderated"
        if self.moderator_lower > self.moderator_higher:
            return "auditors generous"
        if self.moderator_higher > self.moderator_lower:
            return "auditors harsh"
        if self.moderator_lower:
            return "balanced"
        return "full agreement"

    def as_dict(self) -> dict[str, Any]:
        return {
            **asdict(self),
            "agreement_pct": self.agreement_pct,
            "direction": self.direction,
        }


def moderation(audits: Iterable[Audit]) -> Moderation:
    moderated = [
        (a.moderated_grade, a.overall_grade) for a in audits if a.moderated_grade is not None
    ]
    # A larger Ofsted number is a lower grade: the moderator graded lower than the auditor.
    lower = sum(1 for moderator, auditor in moderated if moderator > auditor)
    higher = sum(1 for moderator, auditor in moderated if moderator < auditor)
    return Moderation(len(moderated), len(moderated) - lower - higher, lower, higher)


STOP_WORDS = frozenset(
    """a about above after again all also an and any are as at be because been before being
    below between both but by can could did do does doing done down during each few for from
    further had has have having he her here hers him his how i if in into is it its itself just
    me more most my no nor not now of off on once only or other our ours out over own same she
    should so some such than that the their theirs them then there these they this those
    through to too under until up upon us very was we were what when where which while who whom
    why will with within would you your yours been being get got has make made making much many
    may might must need needs needed one ones see seen still well whilst yet""".split()  # noqa: SIM905
)
"""Words that name no theme; phrases are runs of the other words."""


@dataclass(frozen=True)
class Theme:
    phrase: str
    audits: int
    """How many audits name it."""
    example: str = ""
    """The theme in the auditors' words: the statement holding the phrase that most audits
    wrote, when at least two wrote it (one audit's words may name a child), else the phrase."""

    @property
    def words(self) -> str:
        """What a reader is shown: the auditors' statement, else the phrase."""
        return self.example or self.phrase


def themes(texts: Iterable[str | None], top: int = 10) -> list[Theme]:
    """The phrases most often named, counted once per text (audit).

    A phrase is two to four words within one clause, starting and ending with a word that is
    not on the stop list (``voice of the child``, ``direct work``). A phrase is dropped when a
    longer one containing it is named by as many audits: the longer phrase is the theme; and
    phrases named by exactly the same audits are one theme (the longest names it), since they
    are, all but always, parts of one statement. Each theme carries the statement it most
    often stands in (``Theme.example``).
    """
    where: dict[str, set[int]] = {}
    statements: list[list[str]] = []
    for k, text in enumerate(texts):
        statements.append(_statements(text or ""))
        for p in _phrases(text or ""):
            where.setdefault(p, set()).add(k)
    kept: dict[str, frozenset[int]] = {}
    for p, ks in sorted(where.items(), key=lambda kv: (-kv[0].count(" "), kv[0])):
        if any(len(m) >= len(ks) and f" {p} " in f" {q} " for q, m in kept.items()):
            continue
        if frozenset(ks) in kept.values():
            continue
        kept[p] = frozenset(ks)
    ranked = sorted(kept.items(), key=lambda kv: (-len(kv[1]), -kv[0].count(" "), kv[0]))
    return [Theme(p, len(ks), _example(p, ks, statements)) for p, ks in ranked[:top]]


def _statements(text: str) -> list[str]:
    """A text's statements: its sentences and semicolon-separated parts, as written."""
    return [s.strip() for s in re.split(r"[.;!?\n]+", text) if s.strip()]


def _example(phrase: str, audits: frozenset[int], statements: list[list[str]]) -> str:
    """The statement holding ``phrase`` that most of ``audits`` wrote (at least two)."""
    said: Counter[str] = Counter()
    shown: dict[str, str] = {}
    for k in audits:
        for s in set(statements[k]):
            key = " ".join(re.findall(r"[a-z][a-z'’-]*[a-z]|[a-z]", s.lower()))
            if f" {phrase} " in f" {key} ":
                said[key] += 1
                shown.setdefault(key, s)
    if not said:
        return ""
    key, n = min(said.items(), key=lambda kv: (-kv[1], len(kv[0]), kv[0]))
    return shown[key] if n >= 2 else ""


def _phrases(text: str) -> set[str]:
    found: set[str] = set()
    for clause in re.split(r"[.;:,!?()\n]+", text.lower()):
        words = re.findall(r"[a-z][a-z'’-]*[a-z]|[a-z]", clause)
        content = [w not in STOP_WORDS and len(w) > 2 for w in words]
        for i in range(len(words)):
            if not content[i]:
                continue
            for j in range(i + 1, min(i + 4, len(words))):
                if content[j]:
                    found.add(" ".join(words[i : j + 1]))
    return found


def audit_themes(audits: Sequence[Audit], top: int = 10) -> dict[str, list[Theme]]:
    """Themes most often named in strengths and in areas for development."""
    return {
        "strengths": themes((a.strengths for a in audits), top),
        "areas_for_development": themes((a.areas_for_development for a in audits), top),
    }


def summarise(audits: Sequence[Audit], by: By | None = None, top: int = 10) -> dict[str, Any]:
    """Everything the audits say, ready for JSON: grade shares overall and by group (each with
    the number of audits behind it), moderation and its direction, and themes."""
    dates = [a.audit_date for a in audits]
    return {
        "audits": len(audits),
        "first_audit": min(dates).isoformat() if dates else None,
        "last_audit": max(dates).isoformat() if dates else None,
        "overall": grade_shares(audits)[0].as_dict(),
        "by": by,
        "groups": [s.as_dict() for s in grade_shares(audits, by)] if by else [],
        "moderation": moderation(audits).as_dict(),
        "themes": {k: [asdict(t) for t in v] for k, v in audit_themes(audits, top).items()},
    }
