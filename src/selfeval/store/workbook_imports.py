"""Workbook imports into the application database, shared by practice quality and the plan.

An import is one row of ``se_assurance_import`` (the table's name is older than the plan):
which authority, which kind of workbook (``audits``, ``plan``), the file's name and content
hash, who and when, and how many records of each kind it brought. Every record an import
brings carries its ``import_id``, so that the same file again changes nothing and undoing an
import removes exactly what it brought, in one transaction. The imported tables and how
their rows go are ``selfeval.store.workbook_tables``'s.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Protocol, TypedDict, Unpack

import sqlalchemy as sa

from selfeval.errors import InputError, Location, NoData
from selfeval.returns.workbook import WorkbookRecord
from selfeval.store.db import inserted_id
from selfeval.store.store import Store, whoami
from selfeval.store.workbook_tables import imports, remove_imported

# -- the bookkeeping ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportRecord:
    id: int
    la_code: str
    kind: str
    file_name: str
    sha256: str
    imported_by: str
    imported_at: datetime
    counts: dict[str, int]


@dataclass(frozen=True)
class ImportResult:
    """What a workbook import did: its record, whether it was new, and any warnings."""

    record: ImportRecord
    created: bool
    warnings: tuple[str, ...] = field(default=())


class Importing(TypedDict, total=False):
    """Who imports records and when, as every import function takes it."""

    imported_by: str | None
    """Who imported them (default: this process's user)."""
    today: date | None
    """The day dates are checked against (none may be later)."""


class ImportOptions(Importing, total=False):
    """How records came to be saved, as every save function takes it."""

    file_name: str
    """The workbook's name ("entered" for records entered another way, e.g. the web)."""
    sha256: str | None
    """The workbook's content hash (for records entered another way: that of the records)."""


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def import_workbook(
    store: Store,
    path: Path,
    la_code: str,
    kind: str,
    read: Callable[[], object],
    save: Callable[..., ImportResult],
    **how: Unpack[Importing],
) -> ImportResult:
    """Read a workbook and save it, unless the same file (by content) was imported before."""
    sha = file_sha256(path)
    existing = find_import(store, la_code, kind, sha)
    if existing:
        return ImportResult(existing, False)
    return save(store, la_code, read(), file_name=path.name, sha256=sha, **how)


class Counted(Protocol):
    def counts(self) -> dict[str, int]: ...


@contextmanager
def new_import(
    store: Store,
    la_code: str,
    kind: str,
    data: Counted,
    **how: Unpack[ImportOptions],
) -> Iterator[tuple[sa.Connection, int]]:
    """One transaction that records an import of ``data`` and yields (connection, its id) for
    writing the rows it brings: all committed together, or (on any error) nothing. Records
    entered without a file are identified by the hash of what was entered."""
    with store.engine.begin() as c:
        import_id = inserted_id(
            c.execute(
                sa.insert(imports).values(
                    la_code=la_code,
                    kind=kind,
                    file_name=how.get("file_name", "entered"),
                    sha256=how.get("sha256") or hashlib.sha256(repr(data).encode()).hexdigest(),
                    imported_by=how.get("imported_by") or whoami(),
                    imported_at=datetime.now(UTC),
                    counts=data.counts(),
                )
            )
        )
        yield c, import_id


def find_import(store: Store, la_code: str, kind: str, sha: str) -> ImportRecord | None:
    i = imports
    with store.engine.connect() as c:
        r = c.execute(
            sa.select(i).where(i.c.la_code == la_code, i.c.kind == kind, i.c.sha256 == sha)
        ).first()
    return _import_record(r) if r else None


def import_record(store: Store, import_id: int) -> ImportRecord:
    with store.engine.connect() as c:
        r = c.execute(sa.select(imports).where(imports.c.id == import_id)).first()
    if r is None:
        raise NoData(f"there is no import {import_id}")
    return _import_record(r)


def imports_of(
    store: Store, la_code: str | None = None, kind: str | None = None
) -> list[ImportRecord]:
    """The imports in the store, oldest first: of one authority and kind when given."""
    q = sa.select(imports).order_by(imports.c.id)
    if la_code:
        q = q.where(imports.c.la_code == la_code)
    if kind:
        q = q.where(imports.c.kind == kind)
    with store.engine.connect() as c:
        return [_import_record(r) for r in c.execute(q)]


def undo_import(store: Store, import_id: int) -> ImportRecord:
    """Remove everything one workbook import (audits or plan) brought, in one transaction."""
    rec = import_record(store, import_id)
    with store.engine.begin() as c:
        remove_imported(c, import_id)
        c.execute(sa.delete(imports).where(imports.c.id == import_id))
    return rec


def _import_record(r: sa.Row[Any]) -> ImportRecord:
    m = r._mapping
    return ImportRecord(
        m["id"],
        m["la_code"],
        m["kind"],
        m["file_name"],
        m["sha256"],
        m["imported_by"],
        m["imported_at"],
        dict(m["counts"]),
    )


# -- row checks --------------------------------------------------------------------------------


def location_of(rec: WorkbookRecord, field_: str | None, file_name: str) -> Location:
    """Where a record came from (its sheet and row), with the field named; else the file."""
    w = rec.where
    return replace(w, field=field_) if w else Location(file_name, field=field_)


def check_not_future(
    rec: WorkbookRecord, d: date | None, field_: str, today: date, file_name: str
) -> None:
    """A date that has not happened yet is refused (audits, moderation, baselines)."""
    if d is not None and d > today:
        raise InputError(
            location_of(rec, field_, file_name), "future", f"{d.isoformat()} is in the future"
        )
