"""Ofsted's official statistics on local authority inspection outcomes (ODS), read safely.

The workbook ``LA_Inspection_Outcomes_as_at_31_March_YYYY.ods`` has a sheet
``ILACS_inspection_history`` (one row per short or standard ILACS inspection since 2018, with
the judgements) and ``In-year_inspections`` (also focused and monitoring visits). Each table
starts at its third row, as the sheets' own notes say.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from selfeval.errors import InputError, Location

GRADES = {
    "outstanding": "outstanding",
    "good": "good",
    "requires improvement to be good": "requires improvement",
    "requires improvement": "requires improvement",
    "inadequate": "inadequate",
}
TYPES = {
    "ilacs standard inspection": "standard",
    "ilacs short inspection": "short",
    "ilacs focused visit": "focused visit",
    "la monitoring visit": "monitoring visit",
}
JUDGEMENT_COLUMNS = {
    "overall": "Overall effectiveness",
    "leaders": "The impact of leaders on social work practice with children and families",
    "help_and_protection": (
        "The experiences and progress of children who need help and protection"
    ),
    "in_care": "The experiences and progress of children in care",
    "care_leavers": "The experiences and progress of care leavers",
}
MAX_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class Inspection:
    """One ILACS inspection or visit of one authority."""

    la_code_new: str
    """The ONS code, e.g. E08000031 (Wolverhampton)."""
    la_name: str
    region: str
    start: date
    published: date | None
    type: str
    """standard, short, focused visit or monitoring visit."""
    judgements: dict[str, str | None]
    """overall, leaders, help_and_protection, in_care, care_leavers (from 2023)."""
    current: bool = True
    """False where Ofsted's workbook marks the authority "No longer exists" (its "Local
    authority status", from the 2025 edition): Bournemouth, Cumbria, Northamptonshire."""
    inspected_as: str | None = None
    """The authority that was inspected, when this is its successor's history (Cumbria's
    inspection carried to Cumberland); None when it is the authority's own."""

    @property
    def overall(self) -> str | None:
        return self.judgements.get("overall")


def _date(v: object, where: Location) -> date | None:
    if v is None or v == "" or (isinstance(v, float) and v != v):
        return None
    if isinstance(v, datetime):
        return v.date()
    if isinstance(v, date):
        return v
    try:
        return date.fromisoformat(str(v)[:10])
    except ValueError:
        raise InputError(where, "date", f"{v!r} is not a date") from None


def _grade(v: object) -> str | None:
    if v is None or (isinstance(v, float) and v != v):
        return None
    return GRADES.get(str(v).strip().lower())


def read_outcomes(path: Path, sheet: str = "ILACS_inspection_history") -> list[Inspection]:
    """Every inspection in the outcomes workbook's history sheet, oldest first per authority."""
    import pandas as pd

    path = Path(path)
    if not path.exists():
        raise InputError(Location(path.name), "missing", "the file does not exist")
    if path.stat().st_size > MAX_BYTES:
        raise InputError(Location(path.name), "file-too-large", f"over {MAX_BYTES} bytes")
    try:
        frame = pd.read_excel(path, engine="odf", sheet_name=sheet, header=2, dtype=object)
    except ValueError as e:
        raise InputError(Location(path.name), "sheet", f"no readable sheet {sheet!r} ({e})") from e
    except Exception as e:  # odfpy raises several kinds on a file that is not ODS
        raise InputError(
            Location(path.name), "ods", f"not an Ofsted outcomes workbook ({e})"
        ) from e
    type_col = "Inspection type" if "Inspection type" in frame.columns else "Inspection/Visit type"
    date_col = "Inspection date" if "Inspection date" in frame.columns else "Inspection/Visit date"
    region_col = "Ofsted region" if "Ofsted region" in frame.columns else "Region"
    status_col = "Local authority status"
    needed = ["Local authority area code", "Local authority name", date_col, type_col]
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise InputError(
            Location(path.name, 3), "header", f"sheet {sheet!r} has no column {missing[0]!r}"
        )
    out = []
    for i, row in enumerate(frame.to_dict("records"), start=4):
        where = Location(f"{path.name} [{sheet}]", i)
        kind = TYPES.get(str(row[type_col]).strip().lower())
        start = _date(row[date_col], Location(where.file, i, date_col))
        if kind is None or start is None:
            continue
        out.append(
            Inspection(
                la_code_new=str(row["Local authority area code"]).strip(),
                la_name=str(row["Local authority name"]).strip(),
                region=str(row.get(region_col) or "").strip(),
                start=start,
                published=_date(row.get("Publication date"), where),
                type=kind,
                judgements={k: _grade(row.get(c)) for k, c in JUDGEMENT_COLUMNS.items()},
                current=str(row.get(status_col) or "").strip().lower() != "no longer exists",
            )
        )
    out.sort(key=lambda x: (x.la_code_new, x.start))
    return out


def read_successors(path: Path) -> dict[str, list[tuple[str, str]]]:
    """Authorities that replaced others, from provider_la_lookup.csv: the old ONS code to the
    (new ONS code, name) of each successor, where a current authority's row names an older
    authority's code as its lower- or upper-tier area (Cumberland and Westmorland and Furness
    name Cumbria, E10000006). Where the lookup names none (Bournemouth, Northamptonshire),
    there is no successor to carry history to."""
    out: dict[str, list[tuple[str, str]]] = {}
    with open(path, encoding="utf-8-sig", newline="") as f:
        for r in csv.DictReader(f):
            new = (r.get("la_code_new") or "").strip()
            name = (r.get("local_authority_ons_name") or "").strip()
            if not new:
                continue
            for col in ("ltla23cd", "ltla23_ons"):
                old = (r.get(col) or "").strip()
                if old and old != new and (new, name) not in out.get(old, []):
                    out.setdefault(old, []).append((new, name))
    return out


def read_la_lookup(path: Path) -> dict[str, str]:
    """ONS code (E08000031) to DfE's 3-digit code (336), from provider_la_lookup.csv."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        if not reader.fieldnames or not {"la_code", "la_code_new"} <= set(reader.fieldnames):
            raise InputError(Location(Path(path).name, 1), "header", "no la_code/la_code_new")
        return {r["la_code_new"].strip(): r["la_code"].strip() for r in reader}
