"""CIN census writer: the XML DfE collects (Message > Header > Children > Child ...).

Element names and nesting follow DfE's CIN census specification as D2I's ``cin_validator``
reads it (one ``Reviews`` block per review date). A year's census holds every child with a
CIN episode open at any time in the year; dates are ISO (YYYY-MM-DD). The header's DateTime
is fixed (the day after the reference date, noon) so the same seed gives the same bytes.
"""

from __future__ import annotations

import dataclasses
import math
from datetime import date
from pathlib import Path
from xml.sax.saxutils import escape

from selfeval.synth.authority import build_authority
from selfeval.synth.config import AuthorityConfig
from selfeval.synth.model import Authority, Child, CINEpisode, CINPlan, CPPlan

IN_CENSUS_SHARE = 0.5
"""About the share of a one-year authority's children that its census holds (measured 0.56)."""

SEX_FROM = 2025  # the 2024/25 census replaced GenderCurrent (1/2) with Sex (M/F)


def _d(d: date | None) -> str:
    return d.isoformat() if d else ""


class _Xml:
    def __init__(self) -> None:
        self.parts: list[str] = ['<?xml version="1.0" encoding="utf-8"?>\n']
        self.depth = 0

    def open(self, tag: str) -> None:
        self.parts.append(f"{'  ' * self.depth}<{tag}>\n")
        self.depth += 1

    def close(self, tag: str) -> None:
        self.depth -= 1
        self.parts.append(f"{'  ' * self.depth}</{tag}>\n")

    def leaf(self, tag: str, value: str | None) -> None:
        if value is None or value == "":
            return
        self.parts.append(f"{'  ' * self.depth}<{tag}>{escape(value)}</{tag}>\n")

    def header(
        self,
        collection: str,
        year: int,
        reference: date,
        la_code: str,
        made: date,
        *more: tuple[str, str],
    ) -> None:
        """Open the Message and write DfE's collection Header: its Source's leaves, then
        ``more`` (tag, value), then the DateTime the file was made (``made``, at noon)."""
        self.open("Message")
        self.open("Header")
        self.open("CollectionDetails")
        self.leaf("Collection", collection)
        self.leaf("Year", str(year))
        self.leaf("ReferenceDate", reference.isoformat())
        self.close("CollectionDetails")
        self.open("Source")
        self.leaf("SourceLevel", "L")
        self.leaf("LEA", la_code)
        self.leaf("SoftwareCode", "selfeval synth")
        for tag, value in more:
            self.leaf(tag, value)
        self.leaf("DateTime", f"{made.isoformat()}T12:00:00")
        self.close("Source")
        self.close("Header")

    def text(self) -> str:
        return "".join(self.parts)


def _episode_in_year(e: CINEpisode, ys: date, ye: date) -> bool:
    return e.referral_date <= ye and (e.closure_date is None or e.closure_date >= ys)


def census_xml(authority: Authority, year: int) -> str:
    """The CIN census for ``year`` (2019 = referrals and activity 1 April 2018 - 31 March 2019)."""
    ys, ye = date(year - 1, 4, 1), date(year, 3, 31)
    x = _Xml()
    made = date(year, 4, 1)
    x.header("CIN", year, ye, authority.la_code, made, ("Release", "1"), ("SerialNo", "001"))
    x.open("Children")
    for c in authority.children:
        eps = [e for e in c.cin_episodes if _episode_in_year(e, ys, ye)]
        if eps:
            _child(x, c, eps, year, ye)
    x.close("Children")
    x.close("Message")
    return x.text()


def _child(x: _Xml, c: Child, eps: list[CINEpisode], year: int, ye: date) -> None:
    x.open("Child")
    x.open("ChildIdentifiers")
    x.leaf("LAchildID", c.child_id)
    if c.upn and c.dob <= ye:
        x.leaf("UPN", c.upn)
    else:
        x.leaf("UPNunknown", "UN1" if c.dob > ye or c.age_on(ye) < 5 else "UN2")
    if c.dob <= ye:
        x.leaf("PersonBirthDate", _d(c.dob))
    else:
        x.leaf("ExpectedPersonBirthDate", _d(c.dob))
    if year >= SEX_FROM:
        x.leaf("Sex", "U" if c.dob > ye else "M" if c.sex == "1" else "F")
    else:
        x.leaf("GenderCurrent", "0" if c.dob > ye else c.sex)
    x.close("ChildIdentifiers")
    x.open("ChildCharacteristics")
    x.leaf("Ethnicity", c.ethnicity if c.dob <= ye else "NOBT")
    x.open("Disabilities")
    for d in c.disabilities or ["NONE"]:
        x.leaf("Disability", d)
    x.close("Disabilities")
    x.close("ChildCharacteristics")
    for e in eps:
        _details(x, e, ye)
    x.close("Child")


def _open_in(start: date, end: date | None, ys: date) -> bool:
    return end is None or end >= ys


def _plan_opened(
    x: _Xml, tag: str, dates: tuple[str, str], plan: CINPlan | CPPlan, ys: date, ye: date
) -> bool:
    """Open a plan's element with its start and end (an end after the year left blank) when
    the plan is open in the year starting ``ys``; False, writing nothing, when it is not."""
    if plan.start > ye or not _open_in(plan.start, plan.end, ys):
        return False
    x.open(tag)
    x.leaf(dates[0], _d(plan.start))
    x.leaf(dates[1], _d(plan.end) if plan.end and plan.end <= ye else "")
    return True


def _details(x: _Xml, e: CINEpisode, ye: date) -> None:
    """One CIN episode; modules finished before the census year are not re-reported."""
    ys = date(ye.year - 1, 4, 1)
    closed = e.closure_date is not None and e.closure_date <= ye
    x.open("CINdetails")
    x.leaf("CINreferralDate", _d(e.referral_date))
    x.leaf("ReferralSource", e.source)
    x.leaf("PrimaryNeedCode", e.need_code)
    if closed:
        x.leaf("CINclosureDate", _d(e.closure_date))
        x.leaf("ReasonForClosure", e.closure_reason)
    x.leaf("ReferralNFA", "1" if e.nfa else "0")
    for a in e.assessments:
        if a.start > ye or not _open_in(a.start, a.authorised, ys):
            continue
        x.open("Assessments")
        x.leaf("AssessmentActualStartDate", _d(a.start))
        if a.authorised and a.authorised <= ye:
            x.leaf("AssessmentAuthorisationDate", _d(a.authorised))
            x.open("FactorsIdentifiedAtAssessment")
            for f in a.factors:
                x.leaf("AssessmentFactors", f)
            x.close("FactorsIdentifiedAtAssessment")
        x.close("Assessments")
    for p in e.cin_plans:
        if _plan_opened(x, "CINPlanDates", ("CINPlanStartDate", "CINPlanEndDate"), p, ys, ye):
            x.close("CINPlanDates")
    for s in e.section47s:
        if s.start > ye or not (s.start >= ys or (s.icpc_date and s.icpc_date >= ys)):
            continue
        x.open("Section47")
        x.leaf("S47ActualStartDate", _d(s.start))
        x.leaf("InitialCPCtarget", _d(s.icpc_target))
        x.leaf("DateOfInitialCPC", _d(s.icpc_date) if s.icpc_date and s.icpc_date <= ye else "")
        x.leaf("ICPCnotRequired", "true" if s.icpc_not_required else "false")
        x.close("Section47")
    for cp in e.cp_plans:
        if not _plan_opened(x, "ChildProtectionPlans", ("CPPstartDate", "CPPendDate"), cp, ys, ye):
            continue
        x.leaf("InitialCategoryOfAbuse", cp.initial_category)
        x.leaf("LatestCategoryOfAbuse", cp.latest_category)
        x.leaf("NumberOfPreviousCPP", str(cp.previous_plans))
        for r in cp.reviews:
            if ys <= r <= ye:
                x.open("Reviews")
                x.leaf("CPPreviewDate", _d(r))
                x.close("Reviews")
        x.close("ChildProtectionPlans")
    x.close("CINdetails")


def write_cin_year(authority: Authority, year: int, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"cin_{year}.xml"
    path.write_text(census_xml(authority, year), encoding="utf-8")
    return path


def census_children(authority: Authority, year: int) -> list[Child]:
    """The children a year's census holds: those with a CIN episode open in the year."""
    ys, ye = date(year - 1, 4, 1), date(year, 3, 31)
    return [
        c for c in authority.children if any(_episode_in_year(e, ys, ye) for e in c.cin_episodes)
    ]


def write_cin_census(
    path: Path, children: int, *, year: int = 2024, seed: int = 1, la_code: str = "999"
) -> Path:
    """One year's CIN census holding exactly ``children`` children (for benchmarks and tests):
    an authority simulated over that year, large enough, and the first ``children`` of its
    census's children (each child's record whole)."""
    size = math.ceil(children / IN_CENSUS_SHARE) + 20
    while True:
        years = range(year, year + 1)
        authority = build_authority(
            AuthorityConfig(la_code=la_code, children=size, years=years, seed=seed)
        )
        chosen = census_children(authority, year)
        if len(chosen) >= children:
            break
        size = math.ceil(size * 1.25)
    kept = dataclasses.replace(authority, children=chosen[:children])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(census_xml(kept, year), encoding="utf-8")
    return path
