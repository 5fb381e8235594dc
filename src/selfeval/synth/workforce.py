"""Workforce (CSWW) writer: worker-level XML at 30 September, in ``schema.workforce``'s items.

One file per census year (``workforce/2020/csww_2020.xml`` is the census at 30 September
2020): a Header, the authority's ``LALevelVacancies`` and one ``CSWWWorker`` per worker in post
at 30 September or who left in the year before it. Vacancies are the posts not held by an
employed worker on the day (those covered by agency workers counted in ``NoAgencyFTE``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from selfeval.schema import ALL_TABLES
from selfeval.synth.cin_census import _Xml
from selfeval.synth.model import Authority, Child, Worker

ROLE = {"1": "3", "2": "4", "3": "5"}  # model role (manager/senior/case holder) to OrgRole
LEAVE_REASON = {"RES": "1", "RET": "2", "DIS": "4", "OTH": "7"}


def cases_at(authority: Authority, at: date) -> dict[str, int]:
    """Children allocated to each worker on ``at`` (open CIN episodes and care episodes)."""
    n: dict[str, int] = {}

    def add(worker_id: str) -> None:
        n[worker_id] = n.get(worker_id, 0) + 1

    for c in authority.children:
        _allocate(c, at, add)
    return n


def _allocate(c: Child, at: date, add: Callable[[str], None]) -> None:
    for w in c.workers:
        if w.start <= at and (w.end is None or w.end > at):
            add(w.worker_id)
            return
    for e in c.cin_episodes:
        if e.referral_date <= at and (e.closure_date is None or e.closure_date > at):
            add(e.worker_id)
            return


def workers_for_census(authority: Authority, year: int) -> list[tuple[Worker, bool]]:
    """(worker, in post at 30 September) for everyone in post then or leaving in the year."""
    at = date(year, 9, 30)
    since = at - timedelta(days=365)
    out = []
    for w in authority.workers:
        in_post = w.in_post(at)
        left = w.end is not None and since < w.end <= at
        if in_post or left:
            out.append((w, in_post))
    return out


def census_xml(authority: Authority, year: int) -> str:
    at = date(year, 9, 30)
    cases = cases_at(authority, at)
    listed = workers_for_census(authority, year)
    fields = ALL_TABLES["workforce_workers"].fields
    x = _Xml()
    x.header("CSWW", year, at, authority.la_code, at + timedelta(days=1))
    agency_fte = sum(w.fte for w, p in listed if p and w.agency)
    vacancy = vacancies_fte(authority, at, agency_fte)
    x.open("LALevelVacancies")
    x.leaf("NumberOfVacancies", f"{vacancy:.1f}")
    x.leaf("NoAgencyFTE", f"{agency_fte:.1f}")
    x.leaf("NoAgencyHeadcount", str(sum(1 for w, p in listed if p and w.agency)))
    x.close("LALevelVacancies")
    for w, in_post in listed:
        values = _worker_values(w, in_post, at, cases.get(w.worker_id, 0), year)
        x.open("CSWWWorker")
        for f in fields:
            x.leaf(f, values.get(f, ""))
        x.close("CSWWWorker")
    x.close("Message")
    return x.text()


def vacancies_fte(authority: Authority, at: date, agency_fte: float) -> float:
    """NumberOfVacancies: posts empty on ``at`` and those covered by agency workers."""
    return _vacant_posts(authority, at) + agency_fte


def _vacant_posts(authority: Authority, at: date) -> float:
    """Posts empty on ``at``: the headcount of posts (the peak held) less workers in post."""
    in_post = sum(1 for w in authority.workers if w.in_post(at))
    return max(0.0, authority.posts - in_post) * 0.93


def _worker_values(w: Worker, in_post: bool, at: date, cases: int, year: int) -> dict[str, str]:
    started = at - timedelta(days=365) < w.start <= at
    v = {
        "AgencyWorker": "1" if w.agency else "0",
        "SWENo": w.worker_id,
        "FTE": f"{w.fte:.2f}",
        "PersonBirthDate": w.dob.isoformat(),
        "GenderCurrent": "1" if w.sex == "M" else "2",
        "Ethnicity": w.ethnicity,
        "OrgRole": ROLE.get(w.role, "5"),
        "RoleStartDate": w.start.isoformat(),
        "Cases30": str(cases) if in_post else "",
        "FTE30": f"{w.fte:.2f}" if in_post else "",
        "WorkingDaysLost": f"{w.absence_days.get(year, 0):.1f}",
        "ContractWeeks": "52" if not w.agency else "",
    }
    if started:
        v["StartOrigin"] = "1"
    if not in_post and w.end:
        v["RoleEndDate"] = w.end.isoformat()
        v["ReasonLeave"] = LEAVE_REASON.get(w.leaving_reason or "OTH", "7")
        v["LeaverDestination"] = "1"
    if w.agency:  # DfE collects only identity, FTE and dates for agency workers
        v = {
            k: v[k]
            for k in (
                "AgencyWorker",
                "SWENo",
                "FTE",
                "FTE30",
                "RoleStartDate",
                "RoleEndDate",
                "Cases30",
            )
            if k in v
        }
    return v


def write_workforce_year(authority: Authority, year: int, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"csww_{year}.xml"
    path.write_text(census_xml(authority, year), encoding="utf-8")
    return path
