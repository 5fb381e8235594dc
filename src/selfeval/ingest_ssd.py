"""Loading a Standard Safeguarding Dataset extract: every table read, checked, then one load."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from selfeval.errors import UsageError
from selfeval.returns import ssd
from selfeval.schema.ssd import load_specs
from selfeval.store import FileInfo, LoadRecord, Store

RETURN_ID_FIELDS = (("ssda903_header", "CHILD"), ("cin_child_identifiers", "LAchildID"))


@dataclass(frozen=True)
class SsdIngestResult:
    load: LoadRecord
    created: bool
    problems: list[ssd.Problem]
    persons: int
    persons_matched: int | None
    """SSD persons whose id is a child id in the store's returns (None: no returns loaded)."""


def _persons(tables: dict[str, pa.Table]) -> set[str]:
    if "ssd_person" in tables:
        col = tables["ssd_person"].column("pers_person_id")
        return {v for v in col.to_pylist() if v}
    ids: set[str] = set()
    for t in tables.values():
        for name in t.column_names:
            if name.endswith("_person_id"):
                ids.update(v for v in t.column(name).to_pylist() if v)
    return ids


def return_child_ids(store: Store, la_code: str) -> set[str] | None:
    """The child ids of the authority's 903 and CIN returns in the store (None if none)."""
    found: set[str] | None = None
    for table, column in RETURN_ID_FIELDS:
        t = store.table(table, la_code)
        if t is not None:
            found = (found or set()) | {v for v in pc.unique(t.column(column)).to_pylist() if v}
    return found


def ingest_ssd(
    store: Store,
    paths: list[Path],
    *,
    la_code: str,
    spec_folder: Path | None = None,
    strict: bool = False,
    loaded_by: str | None = None,
) -> SsdIngestResult:
    """Read every SSD table file, check it against the specifications, record one load.

    With ``strict``, any breach refuses the load (exit 1, store unchanged).
    """
    if not paths:
        raise UsageError("no files given")
    specs = load_specs(spec_folder)
    read: dict[str, ssd.SsdFile] = {}
    files = []
    for p in paths:
        f = ssd.read_csv(p, la_code=la_code, specs=specs)
        if f.table in read:
            raise UsageError(f"two files hold {f.table}: give one file per SSD table")
        read[f.table] = f
        files.append(FileInfo.of(p, f.table))
    tables = {name: f.data for name, f in read.items()}
    problems = [p for f in read.values() for p in f.problems]
    persons = _persons(tables)
    known = return_child_ids(store, la_code)
    matched = None
    if known is not None:
        matched = len(persons & known)
        for pid in sorted(persons - known):
            problems.append(
                ssd.Problem(
                    "ssd-person-unmatched",
                    "person id is not a child id in the authority's 903 or CIN returns",
                    "ssd_person" if "ssd_person" in tables else "",
                    child=pid,
                )
            )
    if strict and problems:
        from selfeval.errors import SelfevalError

        first = problems[0]
        raise SelfevalError(
            f"refused (--strict): {len(problems)} breaches of the SSD specification, the first "
            f"{first.table} row {first.row} {first.field or ''}: {first.message}"
        )
    validation = {
        "validator": "selfeval SSD specification checks",
        "problems": [p.as_dict() for p in problems],
        "counts": _counts(problems),
        "persons": len(persons),
        "persons_matched": matched,
        "missing_fields": {n: list(f.missing_fields) for n, f in read.items() if f.missing_fields},
    }
    rec, created = store.add_load(
        la_code=la_code,
        kind="ssd",
        return_year=None,
        files=files,
        tables=tables,
        validation=validation,
        loaded_by=loaded_by,
    )
    return SsdIngestResult(rec, created, problems, len(persons), matched)


def _counts(problems: list[ssd.Problem]) -> dict[str, int]:
    out: dict[str, int] = {}
    for p in problems:
        out[p.rule] = out.get(p.rule, 0) + 1
    return out
