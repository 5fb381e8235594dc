"""The Standard Safeguarding Dataset at ingest: its persons matched to the returns' children.

SSD files go through ``selfeval.ingest`` like every return (kind ``ssd``); this module adds the
check that only the store can make: are the extract's children the children of the authority's
903 and CIN returns? Only children the returns must report are checked: those referred or
looked after at some time in a loaded return year (a child known only at a contact, or whose
involvement ended before the first loaded year, is rightly in no return).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

import pyarrow as pa
import pyarrow.compute as pc

from selfeval.returns.ssd import Problem
from selfeval.store import Store


@dataclass
class PersonCheck:
    persons: int
    matched: int | None
    """Persons whose id is a child id of the store's returns (None: no returns loaded)."""
    problems: list[Problem] = field(default_factory=list)


ACTIVE = (
    ("ssd_cin_episodes", "cine_person_id", "cine_referral_date", "cine_close_date"),
    (
        "ssd_cla_episodes",
        "clae_person_id",
        "clae_cla_episode_start_date",
        "clae_cla_episode_ceased_date",
    ),
)


def returned_children(tables: Mapping[str, pa.Table], span: tuple[date, date]) -> set[str] | None:
    """Persons referred or looked after at some time in ``span`` (None: no such table)."""
    found: set[str] | None = None
    first, last = span
    for table, person, start, end in ACTIVE:
        if table not in tables:
            continue
        t = tables[table]
        keep = pc.and_(
            pc.less_equal(t.column(start), pa.scalar(last, pa.date32())),
            pc.or_(
                pc.is_null(t.column(end)),
                pc.greater_equal(t.column(end), pa.scalar(first, pa.date32())),
            ),
        )
        ids = pc.filter(t.column(person), keep).to_pylist()  # a null (unknown) is dropped
        found = (found or set()) | {v for v in ids if v}
    return found


def return_span(store: Store, la_code: str) -> tuple[date, date] | None:
    """From 1 April of the first loaded 903 or CIN return year to 31 March of the last."""
    years = [
        r.return_year for r in store.loads(la_code) if r.kind in ("903", "cin") and r.return_year
    ]
    return (date(min(years) - 1, 4, 1), date(max(years), 3, 31)) if years else None


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


def check_persons(store: Store, la_code: str, tables: Mapping[str, pa.Table]) -> PersonCheck:
    """Each child the returns must report who is not a child of the returns is one breach."""
    people = persons(tables)
    known = store.child_ids(la_code)
    span = return_span(store, la_code)
    if known is None or span is None:
        return PersonCheck(len(people), None)
    active = returned_children(tables, span)
    if active is not None:
        people = active
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
