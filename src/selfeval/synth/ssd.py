"""The synthetic authority's Standard Safeguarding Dataset extract: one CSV per SSD table.

Written from the same life courses as the returns, so the extract and the returns agree: the
same person ids, referrals, plans and care episodes, plus what only the SSD holds: contacts,
visits (the dates a worker saw the child, from ``selfeval.synth.visits``), placements,
professionals and their involvements. Each file has every field of its table, in the order of
the SSD's own specification (read from its YAML files), blank where the model has no value.
Dates are ISO (YYYY-MM-DD), as SQL extracts write them.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from datetime import date
from pathlib import Path

from selfeval.schema.ssd import load_specs
from selfeval.synth.model import Authority, Child
from selfeval.synth.visits import visits as child_visits

TABLES = (
    "ssd_person",
    "ssd_contacts",
    "ssd_cin_episodes",
    "ssd_cin_assessments",
    "ssd_cin_visits",
    "ssd_cp_plans",
    "ssd_cp_visits",
    "ssd_cla_episodes",
    "ssd_cla_placement",
    "ssd_cla_visits",
    "ssd_professionals",
    "ssd_involvements",
)
NEW_PLACEMENT = ("S", "P", "B", "T", "U")


def _d(v: date | None) -> str:
    return v.isoformat() if v else ""


def _yn(v: bool) -> str:
    return "Y" if v else "N"


def _rows(authority: Authority, last: date) -> dict[str, list[dict[str, object]]]:
    rows: dict[str, list[dict[str, object]]] = {t: [] for t in TABLES}
    for w in authority.workers:
        rows["ssd_professionals"].append(
            {
                "prof_professional_id": w.worker_id,
                "prof_staff_id": w.worker_id,
                "prof_professional_name": w.name,
                "prof_professional_job_title": "Social worker",
                "prof_professional_department": w.team,
                "prof_full_time_equivalency": f"{w.fte:.2f}",
                "prof_agency_worker_flag": _yn(w.agency),
            }
        )
    for child in authority.children:
        _child(rows, child, authority, last)
    return rows


def _child(rows: dict[str, list[dict[str, object]]], c: Child, a: Authority, last: date) -> None:
    pid = c.child_id
    if c.dob > last:
        return
    rows["ssd_person"].append(
        {
            "pers_person_id": pid,
            "pers_sex": c.sex,
            "pers_ethnicity": c.ethnicity,
            "pers_dob": _d(c.dob),
            "pers_common_child_id": c.upn,
            "pers_is_mother": "N",
        }
    )
    for i, ct in enumerate(k for k in c.contacts if k.date <= last):
        rows["ssd_contacts"].append(
            {
                "cont_contact_id": f"{pid}-C{i}",
                "cont_person_id": pid,
                "cont_contact_date": _d(ct.date),
                "cont_contact_source_code": ct.source,
                "cont_contact_outcome_json": json.dumps({"outcome": ct.outcome}),
            }
        )
    all_visits = child_visits(c, a)
    cp_plans: list[tuple[str, date, date | None]] = []
    for r, e in enumerate(x for x in c.cin_episodes if x.referral_date <= last):
        rid = f"{pid}-R{r}"
        closed = e.closure_date if e.closure_date and e.closure_date <= last else None
        rows["ssd_cin_episodes"].append(
            {
                "cine_referral_id": rid,
                "cine_person_id": pid,
                "cine_referral_date": _d(e.referral_date),
                "cine_cin_primary_need_code": e.need_code,
                "cine_referral_source_code": e.source,
                "cine_referral_nfa": _yn(e.nfa),
                "cine_close_reason": e.closure_reason if closed else "",
                "cine_close_date": _d(closed),
                "cine_referral_team": e.team,
                "cine_referral_worker_id": e.worker_id,
            }
        )
        for n, s in enumerate(x for x in e.assessments if x.start <= last):
            auth = s.authorised if s.authorised and s.authorised <= last else None
            rows["ssd_cin_assessments"].append(
                {
                    "cina_assessment_id": f"{rid}-A{n}",
                    "cina_person_id": pid,
                    "cina_referral_id": rid,
                    "cina_assessment_start_date": _d(s.start),
                    "cina_assessment_child_seen": "Y",
                    "cina_assessment_auth_date": _d(auth),
                    "cina_assessment_outcome_nfa": _yn(not s.in_need) if auth else "",
                    "cina_assessment_team": e.team,
                    "cina_assessment_worker_id": s.worker_id,
                }
            )
        for n, p in enumerate(x for x in e.cp_plans if x.start <= last):
            plan_id = f"{rid}-P{n}"
            end = p.end if p.end and p.end <= last else None
            cp_plans.append((plan_id, p.start, end))
            rows["ssd_cp_plans"].append(
                {
                    "cppl_cp_plan_id": plan_id,
                    "cppl_referral_id": rid,
                    "cppl_person_id": pid,
                    "cppl_cp_plan_start_date": _d(p.start),
                    "cppl_cp_plan_end_date": _d(end),
                    "cppl_cp_plan_initial_category": p.initial_category,
                    "cppl_cp_plan_latest_category": p.latest_category,
                }
            )
    cla_id, placement_id = "", ""
    placements: list[dict[str, object]] = []
    for n, ep in enumerate(x for x in c.care_episodes if x.start <= last):
        end = ep.end if ep.end and ep.end <= last else None
        if ep.rne == "S":
            cla_id = f"{pid}-L{n}"
        if ep.rne in NEW_PLACEMENT:
            placement_id = f"{pid}-PL{n}"
            placements.append(
                {
                    "clap_cla_placement_id": placement_id,
                    "clap_cla_placement_start_date": _d(ep.start),
                    "clap_cla_placement_type": ep.place,
                    "clap_cla_placement_urn": ep.urn,
                    "clap_cla_id": cla_id,
                    "clap_cla_placement_provider": ep.provider,
                    "clap_cla_placement_postcode": ep.placement_postcode,
                    "clap_cla_placement_end_date": _d(end),
                    "clap_cla_placement_change_reason": ep.reason_place_change or "",
                    "clap_person_id": pid,
                }
            )
        elif placements:
            placements[-1]["clap_cla_placement_end_date"] = _d(end)
        rows["ssd_cla_episodes"].append(
            {
                "clae_cla_episode_id": f"{pid}-E{n}",
                "clae_person_id": pid,
                "clae_cla_episode_start_date": _d(ep.start),
                "clae_cla_episode_start_reason": ep.rne,
                "clae_cla_primary_need_code": ep.need_code,
                "clae_cla_episode_ceased_date": _d(end),
                "clae_cla_episode_ceased_reason": ep.reason_ceased if end else "",
                "clae_cla_id": cla_id,
                "clae_cla_placement_id": placement_id,
            }
        )
    rows["ssd_cla_placement"] += placements
    for n, v in enumerate(x for x in all_visits if x.date <= last):
        vid = f"{pid}-V{n}"
        if v.kind in ("cin", "assessment", "s47"):
            rows["ssd_cin_visits"].append(
                {
                    "cinv_cin_visit_id": vid,
                    "cinv_person_id": pid,
                    "cinv_cin_visit_date": _d(v.date),
                    "cinv_cin_visit_seen": _yn(v.seen),
                    "cinv_cin_visit_seen_alone": _yn(v.alone),
                }
            )
        elif v.kind == "cp":
            plan = next(
                (p for p, s, e in cp_plans if s <= v.date and (e is None or v.date <= e)), ""
            )
            rows["ssd_cp_visits"].append(
                {
                    "cppv_cp_visit_id": vid,
                    "cppv_person_id": pid,
                    "cppv_cp_plan_id": plan,
                    "cppv_cp_visit_date": _d(v.date),
                    "cppv_cp_visit_seen": _yn(v.seen),
                    "cppv_cp_visit_seen_alone": _yn(v.alone),
                }
            )
        elif v.kind == "cla":
            rows["ssd_cla_visits"].append(
                {
                    "clav_cla_visit_id": vid,
                    "clav_person_id": pid,
                    "clav_cla_visit_date": _d(v.date),
                    "clav_cla_visit_seen": _yn(v.seen),
                    "clav_cla_visit_seen_alone": _yn(v.alone),
                }
            )
    for n, w in enumerate(x for x in c.workers if x.start <= last):
        end = w.end if w.end and w.end <= last else None
        rows["ssd_involvements"].append(
            {
                "invo_involvements_id": f"{pid}-I{n}",
                "invo_professional_id": w.worker_id,
                "invo_involvement_start_date": _d(w.start),
                "invo_involvement_end_date": _d(end),
                "invo_worker_change_reason": w.reason or "",
                "invo_person_id": pid,
            }
        )


def write_ssd(authority: Authority, out: Path, spec_folder: Path | None = None) -> list[Path]:
    """Write the extract as at the last return's 31 March: ``out/ssd_<table>.csv``."""
    specs = load_specs(spec_folder)
    last = date(authority.years.stop - 1, 3, 31)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for table, rows in _rows(authority, last).items():
        fields = specs[table].fields
        path = out / f"{table}.csv"
        with open(path, "w", newline="", encoding="utf-8") as f:
            w = csv.DictWriter(f, fieldnames=fields, extrasaction="raise", lineterminator="\n")
            w.writeheader()
            w.writerows(_complete(rows, fields))
        paths.append(path)
    return paths


def _complete(
    rows: Iterable[dict[str, object]], fields: tuple[str, ...]
) -> Iterable[dict[str, object]]:
    for r in rows:
        yield {f: r.get(f, "") for f in fields}
