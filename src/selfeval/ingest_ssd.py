"""The Standard Safeguarding Dataset at ingest: its persons matched to the returns' children.

SSD files go through ``selfeval.ingest`` like every return (kind ``ssd``); this module adds the
check that only the store can make: are the extract's people the children of the authority's
903 and CIN returns?
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.compute as pc

from selfeval.returns.ssd import Problem
from selfeval.store import Store

RETURN_ID_FIELDS = (("ssda903_header", "CHILD"), ("cin_child_identifiers", "LAchildID"))


@dataclass
class PersonCheck:
    persons: int
    matched: int | None
    """Persons whose id is a child id of the store's returns (None: no returns loaded)."""
    problems: list[Problem] = field(default_factory=list)


def persons(tables: Mapping[str, pa.Table]) -> set[str]:
    """The extract's people: ssd_person's ids, else every ``*_person_id`` in its tables."""
    if "ssd_person" in tables:
        return {v for v in tables["ssd_person"].column("pers_person_id").to_pylist() if v}
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


def check_persons(store: Store, la_code: str, tables: Mapping[str, pa.Table]) -> PersonCheck:
    """Each person of the extract who is not a child of the returns is one breach."""
    people = persons(tables)
    known = return_child_ids(store, la_code)
    if known is None:
        return PersonCheck(len(people), None)
    table = "ssd_person" if "ssd_person" in tables else next(iter(tables), "")
    problems = [
        Problem(
            "ssd-person-unmatched",
            "person id is not a child id in the authority's 903 or CIN returns",
            table,
            child=pid,
        )
        for pid in sorted(people - known)
    ]
    return PersonCheck(len(people), len(people & known), problems)
