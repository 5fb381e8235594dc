"""SSDA903 writer: one folder per return year, one CSV per table, with DfE's exact headers.

Each year's return holds every child looked after at any time in the year (short breaks
included) and every care leaver with an OC3 row; episodes open on 1 April are re-reported and
an episode still open on 31 March has DEC and REC blank, as real returns do.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterable
from datetime import date
from pathlib import Path

from selfeval.schema import SSDA903
from selfeval.synth.model import Authority, Child

FILES = {
    "ssda903_header": "header.csv",
    "ssda903_episodes": "episodes.csv",
    "ssda903_reviews": "reviews.csv",
    "ssda903_uasc": "uasc.csv",
    "ssda903_oc2": "oc2.csv",
    "ssda903_oc3": "oc3.csv",
    "ssda903_ad1": "ad1.csv",
    "ssda903_placed_adoption": "placed_adoption.csv",
    "ssda903_prev_perm": "prev_perm.csv",
    "ssda903_missing": "missing.csv",
    "ssda903_sw_episodes": "sw_episodes.csv",
}
SW_EPISODES_FROM = 2024  # SWEpisodes were first collected in the 2023/24 return
SEX_LETTERS_FROM = 2025  # the 2024/25 return codes SEX as M, F (U unknown) instead of 1, 2


H5_URN_FROM = 2024  # the 2023/24 return: Ofsted registered supported accommodation


def _h5_urn(child: Child, postcode: str) -> str:
    """A stable Ofsted URN for a child's supported accommodation (the same in every year)."""
    n = int(hashlib.sha256(f"{child.child_id}{postcode}".encode()).hexdigest()[:8], 16)
    return f"SC{100000 + n % 900000}"


def _sex(child: Child, year: int) -> str:
    if year >= SEX_LETTERS_FROM:
        return "M" if child.sex == "1" else "F"
    return child.sex


def fmt(d: date | None) -> str:
    """A 903 date: dd/mm/yyyy, blank when absent."""
    return d.strftime("%d/%m/%Y") if d else ""


def _in_year(start: date, end: date | None, ys: date, ye: date) -> bool:
    return start <= ye and (end is None or end >= ys)


def _upn(child: Child, ye: date) -> str:
    if child.upn:
        return child.upn
    return "UN1" if child.age_on(ye) < 5 else "UN2"


def rows_for_year(authority: Authority, year: int) -> dict[str, list[list[str]]]:
    """Every 903 table's rows for the return ``year`` (2019 = 1 April 2018 to 31 March 2019)."""
    ys, ye = date(year - 1, 4, 1), date(year, 3, 31)
    t: dict[str, list[list[str]]] = {name: [] for name in FILES}
    for c in authority.children:
        eps = [e for e in c.care_episodes if _in_year(e.start, e.end, ys, ye)]
        oc3 = [o for o in c.care_leaver if o.year == year]
        if not eps and not oc3:
            continue
        dob = fmt(c.dob)
        mother = ""
        if c.sex == "2" and any(e.legal_status not in ("V3", "V4") for e in eps):
            mother = "1" if c.mother_child_dob else "0"
        t["ssda903_header"].append(
            [
                c.child_id,
                _sex(c, year),
                dob,
                c.ethnicity,
                _upn(c, ye),
                mother,
                fmt(c.mother_child_dob),
            ]
        )
        for e in eps:
            ended = e.end is not None and e.end <= ye
            urn = e.urn
            if e.place == "H5":  # URNs for supported accommodation only from 28 October 2023
                urn = _h5_urn(c, e.placement_postcode) if year >= H5_URN_FROM else "XXXXXXX"
            t["ssda903_episodes"].append(
                [
                    c.child_id, fmt(e.start), e.rne, e.legal_status, e.need_code, e.place,
                    e.provider, fmt(e.end) if ended else "", (e.reason_ceased or "") if ended
                    else "", e.reason_place_change or "", e.home_postcode,
                    e.placement_postcode, urn,
                ]
            )  # fmt: skip
        for r in c.care_reviews:
            if ys <= r.date <= ye:
                t["ssda903_reviews"].append([c.child_id, dob, fmt(r.date), r.participation])
        if c.uasc and eps:
            t["ssda903_uasc"].append([c.child_id, _sex(c, year), dob, fmt(c.birthday(18))])
        for h in c.health:
            if h.year == year:
                t["ssda903_oc2"].append(
                    [
                        c.child_id, dob, "" if h.sdq_score is None else str(h.sdq_score),
                        h.sdq_reason, _opt(h.convicted), _opt(h.health_check),
                        str(h.immunisations), str(h.teeth_check), str(h.health_assessment),
                        _opt(h.substance_misuse), _opt(h.intervention_received),
                        _opt(h.intervention_offered),
                    ]
                )  # fmt: skip
        for o in oc3:
            t["ssda903_oc3"].append([c.child_id, dob, o.in_touch, o.activity, o.accommodation])
        a = c.adoption
        if a and a.adopted_date and ys <= a.adopted_date <= ye:
            t["ssda903_ad1"].append(
                [
                    c.child_id, dob, fmt(a.decision_date), fmt(a.match_date),
                    "1" if a.foster_carer else "0", str(a.number_of_adopters), a.adopters_sex,
                    a.adopters_status,
                ]
            )  # fmt: skip
        if a and a.decision_date <= ye and eps:
            # DATE_PLACED_CEASED: the decision no longer to place for adoption (not adoption)
            ceased = a.decision_reversed
            if (ceased is None or ceased >= ys) and not (a.adopted_date and a.adopted_date < ys):
                done = ceased is not None and ceased <= ye
                t["ssda903_placed_adoption"].append(
                    [
                        c.child_id, dob, fmt(a.decision_date), fmt(ceased) if done else "",
                        (a.reversal_reason or "") if done else "",
                    ]
                )  # fmt: skip
        if any(e.rne == "S" and ys <= e.start <= ye for e in eps):
            t["ssda903_prev_perm"].append([c.child_id, dob, c.previous_permanence, "", ""])
        for m in c.missing:
            if _in_year(m.start, m.end, ys, ye):
                end = fmt(m.end) if m.end and m.end <= ye else ""
                t["ssda903_missing"].append([c.child_id, dob, m.kind, fmt(m.start), end])
        if year >= SW_EPISODES_FROM:
            for w in c.workers:
                if _in_year(w.start, w.end, ys, ye):
                    closed = w.end is not None and w.end <= ye
                    t["ssda903_sw_episodes"].append(
                        [
                            c.child_id, dob, w.worker_id, fmt(w.start),
                            fmt(w.end) if closed else "", w.reason or "",
                        ]
                    )  # fmt: skip
    return t


def _opt(v: int | None) -> str:
    return "" if v is None else str(v)


def csv_text(fields: Iterable[str], rows: list[list[str]]) -> str:
    """CSV with a header row and CRLF-free line ends, identical for identical rows."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(list(fields))
    w.writerows(rows)
    return buf.getvalue()


def write_903_year(authority: Authority, year: int, folder: Path) -> list[Path]:
    """Write the ``year`` return's tables into ``folder``; SWEpisodes only from 2023/24."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for table, rows in rows_for_year(authority, year).items():
        if table == "ssda903_sw_episodes" and year < SW_EPISODES_FROM:
            continue
        path = folder / FILES[table]
        path.write_text(csv_text(SSDA903[table].fields, rows), encoding="utf-8")
        paths.append(path)
    return paths
