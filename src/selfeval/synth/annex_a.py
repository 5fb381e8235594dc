"""Annex A writer: Ofsted's Lists 1-11 as the LA fills the template in, one workbook a year.

Headings are ``selfeval.schema.annex_a.HEADERS`` (the template's own). The workbook is taken at
31 March: Lists 1-5 cover the six months before it, Lists 6-8 children open at any time in
those six months, List 9 the year's care leavers, Lists 10-11 the adoption pathway. Codes are
written as LAs type them ("a) Male", "q) 6: Police"). Workbook properties have fixed times so
that the same seed gives the same bytes.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from selfeval.schema.annex_a import HEADERS
from selfeval.synth import codes
from selfeval.synth.measures import placements_in_year
from selfeval.synth.model import Authority, Child, Worker
from selfeval.synth.visits import visits
from selfeval.synth.workbooks import FIXED_TIME, fix_times

_ETHNIC_ORDER = [
    "WBRI",
    "WIRI",
    "WIRT",
    "WOTH",
    "WROM",
    "MWBC",
    "MWBA",
    "MWAS",
    "MOTH",
    "AIND",
    "APKN",
    "ABAN",
    "AOTH",
    "BCRB",
    "BAFR",
    "BOTH",
    "CHNE",
    "OOTH",
    "NOBT",
    "REFU",
]
ETHNICITY = {c: f"{chr(97 + i)}) {c}" for i, c in enumerate(_ETHNIC_ORDER)}
_SOURCES = (("1A", "Individual"), ("1B", "Individual"), ("1C", "Individual"), ("1D", "Individual"),
            ("2A", "Schools"), ("2B", "Education services"), ("3A", "Health services"),
            ("3B", "Health services"), ("3C", "Health services"), ("3D", "Health services"),
            ("3E", "Health services"), ("3F", "Health services"), ("4", "Housing"),
            ("5A", "LA services"), ("5B", "LA services"), ("5C", "LA services"),
            ("6", "Police"), ("7", "Other legal agency"), ("8", "Other"), ("9", "Anonymous"),
            ("10", "Unknown"))  # fmt: skip
SOURCE = {c: f"{chr(97 + i)}) {c}: {name}" for i, (c, name) in enumerate(_SOURCES)}
GENDER = {"1": "a) Male", "2": "b) Female"}
NEED = {"N1": "Abuse or Neglect", "N2": "Child's disability", "N3": "Parental illness/disability",
        "N4": "Family in acute stress", "N5": "Family dysfunction",
        "N6": "Socially unacceptable behaviour", "N7": "Low income", "N8": "Absent parenting",
        "N9": "Cases other than children in need"}  # fmt: skip
CATEGORY = {"NEG": "Neglect", "EMO": "Emotional abuse", "PHY": "Physical abuse",
            "SAB": "Sexual abuse", "MUL": "Multiple"}  # fmt: skip


def _yn(v: bool) -> str:
    return "a) Yes" if v else "b) No"


def _person(c: Child, at: date) -> dict[str, object]:
    return {
        "child_unique_id": c.child_id,
        "gender": GENDER[c.sex],
        "ethnicity": ETHNICITY.get(c.ethnicity, c.ethnicity),
        "date_of_birth": c.dob,
        "age": round((at - c.dob).days / 365.25, 2),
        "disability": _yn(bool(c.disabilities)),
    }


def lists(authority: Authority, year: int) -> dict[str, list[dict[str, object]]]:
    """Each list's rows (field name to value) for the workbook taken at 31 March ``year``."""
    at = date(year, 3, 31)
    since = at - timedelta(days=182)
    workers = {w.worker_id: w for w in authority.workers}
    out: dict[str, list[dict[str, object]]] = {k: [] for k in HEADERS}
    family = 0
    for c in authority.children:
        if c.dob > at:
            continue
        p = _person(c, at)
        seen = None
        for x in c.contacts:
            if since <= x.date <= at:
                out["annex_a_list1"].append(
                    {
                        **p,
                        "date_of_contact": x.date,
                        "contact_source": SOURCE.get(x.source, x.source),
                    }
                )
        for eh in c.early_help:
            if since <= eh.start <= at:
                out["annex_a_list2"].append(
                    {
                        **p,
                        "assessment_start_date": eh.start,
                        "assessment_completion_date": eh.end if eh.end and eh.end <= at else None,
                        "organisation_completing_assessment": eh.organisation,
                    }
                )
        refs = sorted(e.referral_date for e in c.cin_episodes)
        for e in c.cin_episodes:
            w = workers.get(e.worker_id)
            alloc = {"allocated_team": e.team, "allocated_worker": w.name if w else ""}
            if since <= e.referral_date <= at:
                prior = sum(
                    1 for r in refs if e.referral_date - timedelta(days=365) <= r < e.referral_date
                )
                out["annex_a_list3"].append(
                    {
                        **p,
                        "date_of_referral": e.referral_date,
                        "referral_source": SOURCE.get(e.source, e.source),
                        "referral_nfa": "Yes" if e.nfa else "No",
                        "referrals_in_last_12_months": prior,
                        **alloc,
                    }
                )
            for a in e.assessments:
                if since <= a.start <= at:
                    done = a.authorised if a.authorised and a.authorised <= at else None
                    out["annex_a_list4"].append(
                        {
                            **p,
                            "assessment_start_date": a.start,
                            "child_seen_during_assessment": "Yes",
                            "assessment_authorisation_date": done,
                            "assessed_as_requiring_support": ("Yes" if a.in_need else "No")
                            if done
                            else None,
                            **alloc,
                        }
                    )
            for s in e.section47s:
                if since <= s.start <= at:
                    n47 = sum(
                        1
                        for e2 in c.cin_episodes
                        for s2 in e2.section47s
                        if at - timedelta(days=365) <= s2.start <= at
                    )
                    nic = sum(
                        1
                        for e2 in c.cin_episodes
                        for s2 in e2.section47s
                        if s2.icpc_date and at - timedelta(days=365) <= s2.icpc_date <= at
                    )
                    icpc = s.icpc_date if s.icpc_date and s.icpc_date <= at else None
                    out["annex_a_list5"].append(
                        {
                            **p,
                            "s47_start_date": s.start,
                            "icpc_deemed_unnecessary": "Yes" if s.icpc_not_required else "No",
                            "icpc_date": icpc,
                            "icpc_resulted_in_cp_plan": ("Yes" if s.led_to_plan else "No")
                            if icpc
                            else None,
                            "s47_in_last_12_months": n47,
                            "icpcs_in_last_12_months": nic,
                            **alloc,
                        }
                    )
            if (
                e.referral_date <= at
                and (e.closure_date is None or e.closure_date >= since)
                and not e.nfa
            ):
                if seen is None:
                    seen = [v for v in visits(c, authority) if v.seen and v.date <= at]
                last_seen = max((v.date for v in seen if v.date >= e.referral_date), default=None)
                closed = e.closure_date if e.closure_date and e.closure_date <= at else None
                status = (
                    "a) Child protection plan"
                    if any(pl.start <= at and (pl.end is None or pl.end > at) for pl in e.cp_plans)
                    else "b) Looked after child"
                    if any(
                        ce.start <= at and (ce.end is None or ce.end > at) for ce in c.care_episodes
                    )
                    else "c) Child in need plan"
                    if any(pl.start <= at and (pl.end is None or pl.end > at) for pl in e.cin_plans)
                    else "d) Open case"
                )
                out["annex_a_list6"].append(
                    {
                        **p,
                        "cin_start_date": e.referral_date,
                        "primary_need_code": f"{e.need_code} - {NEED.get(e.need_code, '')}",
                        "date_child_last_seen": last_seen,
                        "cin_closure_date": closed,
                        "reason_for_closure": e.closure_reason if closed else None,
                        "case_status": status,
                        **alloc,
                    }
                )
            for pl in e.cp_plans:
                if pl.start <= at and (pl.end is None or pl.end >= since):
                    if seen is None:
                        seen = [v for v in visits(c, authority) if v.seen and v.date <= at]
                    cp_visits = [v for v in seen if v.kind == "cp" and v.date >= pl.start]
                    lastv = cp_visits[-1] if cp_visits else None
                    out["annex_a_list7"].append(
                        {
                            **p,
                            "cp_plan_start_date": pl.start,
                            "initial_category_of_abuse": CATEGORY[pl.initial_category],
                            "latest_category_of_abuse": CATEGORY[pl.latest_category],
                            "last_statutory_visit_date": lastv.date if lastv else None,
                            "child_seen_alone": _yn(lastv.alone) if lastv else None,
                            "latest_review_conference_date": max(
                                (r for r in pl.reviews if r <= at), default=None
                            ),
                            "cp_plan_end_date": pl.end if pl.end and pl.end <= at else None,
                            "epo_or_police_protection_in_last_6_months": _yn(
                                any(
                                    ce.legal_status in ("L1", "L2") and ce.start >= since
                                    for ce in c.care_episodes
                                )
                            ),
                            "previous_cp_plans": pl.previous_plans,
                            **alloc,
                        }
                    )
        _list8(out, c, p, at, since, year, workers, authority)
        for o in c.care_leaver:
            if o.year == year:
                out["annex_a_list9"].append(
                    {
                        **p,
                        "allocated_team": "Care Leavers Team",
                        "allocated_worker": "",
                        "eligibility_category": "b) Former relevant child",
                        "la_in_touch": "a) Yes" if o.in_touch == "YES" else "b) No",
                        "type_of_accommodation": o.accommodation,
                        "suitability_of_accommodation": (
                            "a) Suitable" if o.accommodation.endswith("1") else "b) Unsuitable"
                        )
                        if o.accommodation
                        else None,
                        "activity_status": o.activity,
                    }
                )
        adoption = c.adoption
        if (
            adoption
            and adoption.decision_date <= at
            and (adoption.adopted_date is None or adoption.adopted_date >= since)
            and (adoption.decision_reversed is None or adoption.decision_reversed >= since)
        ):
            family += 1
            fam = f"F{authority.la_code}{family:05d}"
            entered = max(
                (
                    ce.start
                    for ce in c.care_episodes
                    if ce.rne == "S" and ce.start <= adoption.decision_date
                ),
                default=None,
            )
            out["annex_a_list10"].append(
                {
                    "child_unique_id": c.child_id,
                    "family_identifier": fam,
                    "gender": p["gender"],
                    "ethnicity": p["ethnicity"],
                    "date_of_birth": c.dob,
                    "age": c.age_on(at),
                    "disability": p["disability"],
                    "date_entered_care": entered,
                    "date_of_decision_to_place_for_adoption": adoption.decision_date,
                    "date_of_placement_order": adoption.placement_order_date,
                    "date_of_matching": adoption.match_date,
                    "date_placed_for_adoption": adoption.placed_date,
                    "date_of_adoption_order": adoption.adopted_date,
                    "date_of_decision_no_longer_to_place": adoption.decision_reversed,
                    "reason_no_longer_placed": adoption.reversal_reason,
                    "date_placed_ffa_or_concurrent": adoption.placed_date
                    if adoption.foster_carer
                    else None,
                }
            )
            if adoption.match_date:
                for k in range(adoption.number_of_adopters):
                    sex = (
                        adoption.adopters_sex[k]
                        if adoption.number_of_adopters == 2
                        else adoption.adopters_sex[0]
                    )
                    enq = adoption.match_date - timedelta(days=300)
                    out["annex_a_list11"].append(
                        {
                            "adopter_id": f"{fam}-{k + 1}",
                            "family_identifier": fam,
                            "gender": "a) Male" if sex == "M" else "b) Female",
                            "ethnicity": ETHNICITY["WBRI"],
                            "disability": "b) No",
                            "fostering_for_adoption": "Yes" if adoption.foster_carer else "No",
                            "date_enquiry_received": enq,
                            "date_stage_1_started": enq + timedelta(days=20),
                            "date_stage_1_ended": enq + timedelta(days=80),
                            "date_stage_2_started": enq + timedelta(days=85),
                            "date_stage_2_ended": enq + timedelta(days=200),
                            "date_application_submitted": enq + timedelta(days=85),
                            "date_application_approved": enq + timedelta(days=210),
                            "date_matched": adoption.match_date,
                            "date_placed": adoption.placed_date,
                            "children_placed": 1,
                            "date_of_adoption_order": adoption.adopted_date,
                        }
                    )
    return out


def _list8(
    out: dict[str, list[dict[str, object]]],
    c: Child,
    p: dict[str, object],
    at: date,
    since: date,
    year: int,
    workers: dict[str, Worker],
    authority: Authority,
) -> None:
    eps = [e for e in c.care_episodes if e.legal_status not in ("V3", "V4")]
    cur = [e for e in eps if e.start <= at and (e.end is None or e.end >= since)]
    if not cur:
        return
    last = cur[-1]
    i = eps.index(last)
    start = i
    while start > 0 and eps[start - 1].end == eps[start].start:
        start -= 1
    ls_start = i
    while ls_start > start and eps[ls_start - 1].legal_status == last.legal_status:
        ls_start -= 1
    pl_start = i
    while pl_start > start and eps[pl_start].rne == "L":
        pl_start -= 1
    reviews = [r.date for r in c.care_reviews if r.date <= at]
    ceased = last.end if last.end and last.end <= at else None
    sw = next((w for w in reversed(c.workers) if w.start <= at), None)
    worker = workers.get(sw.worker_id) if sw else None
    earlier = [e for e in eps[:start] if e.end and e.end >= at - timedelta(days=365)]
    until = min(ceased or at, at)
    cla_visits = [
        v.date
        for v in visits(c, authority)
        if v.kind == "cla" and v.seen and eps[start].start <= v.date <= until
    ]
    out["annex_a_list8"].append(
        {
            **p,
            "uasc_in_last_12_months": _yn(c.uasc),
            "date_started_looked_after": eps[start].start,
            "category_of_need": f"{last.need_code} - {NEED.get(last.need_code, '')}",
            "second_period_looked_after_in_last_12_months": _yn(bool(earlier)),
            "legal_status_start_date": eps[ls_start].start,
            "legal_status": last.legal_status,
            "latest_statutory_review_date": reviews[-1] if reviews else None,
            "last_social_work_visit_date": cla_visits[-1] if cla_visits else None,
            "permanence_plan": "Adoption" if c.adoption else None,
            "last_iro_contact_date": reviews[-1] if reviews else None,
            "placements_in_last_12_months": placements_in_year(c, year),
            "date_ceased_looked_after": ceased,
            "reason_ceased_looked_after": last.reason_ceased if ceased else None,
            "latest_placement_start_date": eps[pl_start].start,
            "placement_type": last.place,
            "placement_provider": last.provider,
            "placement_postcode": last.placement_postcode,
            "placement_urn": last.urn,
            "placement_location": None,
            "placement_la": authority.la_name,
            "missing_episodes_in_last_12_months": sum(
                1 for m in c.missing if m.kind == "M" and at - timedelta(days=365) <= m.start <= at
            ),
            "absent_episodes_in_last_12_months": sum(
                1 for m in c.missing if m.kind == "A" and at - timedelta(days=365) <= m.start <= at
            ),
            "allocated_team": worker.team if worker else "",
            "allocated_worker": worker.name if worker else "",
        }
    )
    if c.health:
        h = [x for x in c.health if x.year <= year]
        if h and h[-1].health_assessment:
            out["annex_a_list8"][-1]["last_health_assessment_date"] = at - timedelta(days=120)
        if h and h[-1].teeth_check:
            out["annex_a_list8"][-1]["last_dental_check_date"] = at - timedelta(days=200)


def write_annex_a_year(authority: Authority, year: int, folder: Path) -> Path:
    """Write the workbook for 31 March ``year``: one sheet per list, headings in row 1."""
    folder.mkdir(parents=True, exist_ok=True)
    wb = Workbook(write_only=True)
    data = lists(authority, year)
    for n, (table, headings) in enumerate(HEADERS.items(), start=1):
        ws = wb.create_sheet(f"List {n}")
        fields = list(headings)
        ws.append([headings[f] for f in fields])
        for row in data[table]:
            ws.append([_cell(ws, row.get(f)) for f in fields])
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    wb.properties.creator = "selfeval synth"
    path = folder / f"annex_a_{year}.xlsx"
    wb.save(path)
    fix_times(path)
    return path


def _cell(ws: WriteOnlyWorksheet, value: object) -> object:
    """A date as a cell in the DD/MM/YYYY format the lists use; anything else as it is."""
    if isinstance(value, date):
        cell = WriteOnlyCell(ws)
        cell.value = value  # set apart: the stubs' WriteOnlyCell(value=) leaves out date
        cell.number_format = "DD/MM/YYYY"
        return cell
    return value


__all__ = ["codes", "lists", "write_annex_a_year"]
