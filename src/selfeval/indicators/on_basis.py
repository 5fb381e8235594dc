"""Figures from a store on a named basis, and where the two bases differ for a year.

On *as returned* each date is computed from the record of its own return year (a month-end
series crosses return years, so its months come from different records); *as now recorded*
is one record, every load merged.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

import ibis

from selfeval.indicators.basis import Basis, census_year, collection_year
from selfeval.indicators.engine import Result, compute
from selfeval.indicators.store_sources import sources_from_store
from selfeval.store import Store


def compute_from_store(
    store: Store,
    ends: Sequence[date],
    *,
    basis: Basis | str = Basis.AS_RECORDED,
    la_code: str | None = None,
    backend: ibis.BaseBackend | None = None,
    period: str = "year",
    ids: Iterable[str] | None = None,
    la_codes: Sequence[str] | None = None,
) -> list[Result]:
    """``compute`` over the store on ``basis``: as returned, each date from its own return
    year's record (the collection year containing it; the census year for workforce tables)."""
    basis = Basis.parse(basis)
    ids = list(ids) if ids is not None else None
    if basis is Basis.AS_RECORDED:
        src = sources_from_store(store, la_code, backend)
        return compute(src, ends, period=period, ids=ids, la_codes=la_codes)
    groups: dict[tuple[int, int], list[date]] = {}
    for d in sorted(set(ends)):
        groups.setdefault((collection_year(d), census_year(d)), []).append(d)
    out: list[Result] = []
    for days in groups.values():
        src = sources_from_store(store, la_code, backend, basis=basis, year=days[0])
        out += compute(src, days, period=period, ids=ids, la_codes=la_codes)
    order = {(r.id, r.la_code): n for n, r in enumerate(out)}
    return sorted(out, key=lambda r: (order[(r.id, r.la_code)], r.date))


@dataclass(frozen=True)
class BasisDifference:
    """One indicator's figure for an authority at a year's end on both bases."""

    id: str
    title: str
    unit: str
    as_returned: Result
    as_recorded: Result

    @property
    def difference(self) -> float | None:
        """As now recorded minus as returned (None when either has no figure)."""
        a, b = self.as_returned.value, self.as_recorded.value
        return None if a is None or b is None else b - a

    @property
    def differs(self) -> bool:
        """The figures differ, or one basis has a figure and the other none."""
        a, b = self.as_returned.value, self.as_recorded.value
        if a is None or b is None:
            return (a is None) != (b is None)
        return abs(b - a) > 1e-9


def basis_differences(
    store: Store,
    la_code: str,
    year: int,
    *,
    ids: Iterable[str] | None = None,
    period: str = "year",
) -> list[BasisDifference]:
    """Every indicator (or those asked for) at 31 March ``year`` for one authority, on both
    bases, with the difference: what a report says where the bases differ for a year."""
    at = date(year, 3, 31)
    ids = list(ids) if ids is not None else None
    returned = compute_from_store(
        store,
        [at],
        basis=Basis.AS_RETURNED,
        la_code=la_code,
        period=period,
        ids=ids,
        la_codes=[la_code],
    )
    recorded = {
        r.id: r
        for r in compute_from_store(
            store, [at], la_code=la_code, period=period, ids=ids, la_codes=[la_code]
        )
    }
    return [
        BasisDifference(r.id, r.title, r.unit, r, recorded[r.id])
        for r in returned
        if r.id in recorded
    ]
