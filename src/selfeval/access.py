"""Which authorities' records someone may see, and which authority a stored record belongs to.

Every record in the store carries its authority's ``la_code``. An account may see some
authorities (a council's own staff: their council) or every one (regional and Ofsted staff,
and administrators, who manage accounts anyway). docs/security.md says who gets which.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa

from selfeval.errors import UsageError
from selfeval.store import Store, db, workbook_tables


def la_code(value: object) -> str:
    """A 3-digit DfE authority code, or a UsageError naming what was given."""
    v = str(value).strip()
    if not (len(v) == 3 and v.isascii() and v.isdigit()):
        raise UsageError(f"{value!r} is not a 3-digit local authority code")
    return v


@dataclass(frozen=True)
class Authorities:
    """The authorities someone may see: ``codes``, or every one when ``every``."""

    codes: frozenset[str] = frozenset()
    every: bool = False

    @classmethod
    def of(cls, codes: Iterable[object] = (), *, every: bool = False) -> Authorities:
        """From codes as people type them (checked: three digits each)."""
        return cls(frozenset(la_code(c) for c in codes), every)

    def permits(self, code: str | None) -> bool:
        return self.every or (code is not None and code in self.codes)

    def among(self, codes: Iterable[str]) -> list[str]:
        """Those of ``codes`` this permits, sorted."""
        return sorted(c for c in set(codes) if self.permits(c))

    def describe(self) -> str:
        if self.every:
            return "all authorities"
        return ", ".join(sorted(self.codes)) or "no authority"


EVERY = Authorities(every=True)
NONE = Authorities()

RECORDS: dict[str, sa.Table] = {
    "load": db.loads,
    "audit": workbook_tables.audits,
    "practice_week": workbook_tables.practice_weeks,
    "action": workbook_tables.actions,
}
"""The kinds of stored record a page or a form may name by id."""


def authority_of(store: Store, kind: str, record_id: int) -> str | None:
    """The authority whose record this is (None when there is no such record)."""
    t = RECORDS[kind]
    with store.engine.connect() as c:
        return c.execute(sa.select(t.c.la_code).where(t.c.id == record_id)).scalar()
