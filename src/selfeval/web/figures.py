"""The library's figures for the pages, cached per state of the store.

Computing indicators reads Parquet through DuckDB; pages ask for the same figures again and
again, so results are cached under a key that changes whenever a load is added or undone.
Nothing here computes a figure: it calls ``selfeval.indicators`` and keeps the answer.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from django.core.cache import cache
from django.core.exceptions import BadRequest
from django.http import Http404

from selfeval.access import Authorities
from selfeval.benchmarks.compare import Comparison, computed_comparisons, has_benchmarks
from selfeval.benchmarks.reconcile import Reconciled, unreconciled
from selfeval.benchmarks.spc import ControlChart, chart_for_results
from selfeval.errors import SelfevalError
from selfeval.indicators import (
    ChildList,
    Indicator,
    Result,
    catalogue,
    children,
    compute,
    month_ends,
)
from selfeval.indicators import sources_from_store as _sources_from_store
from selfeval.outputs.disclosure import public_figures
from selfeval.region import RegionView, region_view
from selfeval.store import Store

SERIES_MONTHS = 24


@dataclass(frozen=True)
class Scope:
    """Which authority and which date the pages show."""

    la_code: str
    at: date
    la_codes: tuple[str, ...]


def store_state(store: Store) -> str:
    """A short key that changes whenever the store's loads change."""
    h = hashlib.sha256()
    for rec in store.loads():
        h.update(f"{rec.id}:{rec.content_hash};".encode())
    return h.hexdigest()[:16]


def scope(
    store: Store,
    la: str | None = None,
    at: str | None = None,
    *,
    authorities: Authorities,
) -> Scope | None:
    """The authority asked for (else the first in the store) and the date (else the latest
    31 March that its loads cover), among the ``authorities`` someone may see (pages call
    ``selfeval.web.authorities.request_scope``). None when the store holds no loads of those."""
    las = tuple(authorities.among(store.la_codes()))
    if not las:
        return None
    la_code = la if la in las else las[0]
    when = page_date(at) if at else None
    if when is None:
        years = [r.return_year for r in store.loads(la_code) if r.return_year]
        when = date(max(years), 3, 31) if years else date.today()
    return Scope(la_code, when, las)


EARLIEST = date(1990, 1, 1)
LATEST = date(2100, 12, 31)
"""The dates a page may be asked for (``?at=``): statutory returns begin in the 1990s, and a
date far outside them (0001-01-01, 9999-12-31) only breaks the date arithmetic."""


def page_date(text: str) -> date:
    """The date ``?at=`` asks for, or a 400 saying what a date must be."""
    try:
        when = date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        when = None
    if when is None or not (EARLIEST <= when <= LATEST):
        raise BadRequest(
            f"The date must be written YYYY-MM-DD, between {EARLIEST:%-d %B %Y} and "
            f"{LATEST:%-d %B %Y}"
        )
    return when


def indicator_or_404(indicator_id: str) -> Indicator:
    ind = catalogue().get(indicator_id)
    if ind is None:
        raise Http404("there is no such indicator")
    return ind


def _cached(key: str, make):  # type: ignore[no-untyped-def]
    value = cache.get(key)
    if value is None:
        value = make()
        cache.set(key, value)
    return value


def _sources(store: Store, la_code: str):  # type: ignore[no-untyped-def]
    return _sources_from_store(store, la_code)


def results_at(store: Store, sc: Scope, ids: list[str] | None = None) -> list[Result]:
    """Every indicator (or those asked for) for the scope's authority at its date."""
    key = f"results:{store_state(store)}:{sc.la_code}:{sc.at}:{','.join(ids or [])}"

    def make() -> list[Result]:
        try:
            return compute(_sources(store, sc.la_code), [sc.at], ids=ids, la_codes=[sc.la_code])
        except SelfevalError:
            return []

    return _cached(key, make)


def series(store: Store, sc: Scope, indicator_id: str, months: int = SERIES_MONTHS) -> list[Result]:
    """The indicator at each month-end of the ``months`` up to the scope's date."""
    key = f"series:{store_state(store)}:{sc.la_code}:{sc.at}:{indicator_id}:{months}"

    def make() -> list[Result]:
        y, m = sc.at.year, sc.at.month - months + 1
        while m < 1:
            y, m = y - 1, m + 12
        ends = month_ends(date(y, m, 1), sc.at)
        try:
            return compute(  # monthly values: events in each month, never rolling years
                _sources(store, sc.la_code),
                ends,
                period="month",
                ids=[indicator_id],
                la_codes=[sc.la_code],
            )
        except SelfevalError:
            return []

    return _cached(key, make)


def control_chart(
    store: Store, sc: Scope, indicator_id: str, *, public: bool
) -> ControlChart | None:
    """The SPC chart of the indicator's monthly series (None when there is nothing to chart).
    For a ``public`` audience it is the chart of the points that audience may see only
    (``outputs.disclosure.public_figures``): its centre, limits and signals owe nothing to a
    suppressed point."""
    key = f"spc:{store_state(store)}:{sc.la_code}:{sc.at}:{indicator_id}:{public}"

    def make() -> ControlChart | bool:
        results = series(store, sc, indicator_id)
        if public:
            results = public_figures(results)
        try:
            return chart_for_results(results)
        except (ValueError, ZeroDivisionError, SelfevalError):
            return False  # cached as "no chart"

    return _cached(key, make) or None


def comparisons(store: Store, sc: Scope) -> dict[str, Comparison]:
    """The authority's computed figures against England, region and neighbours, by indicator
    (empty when the store has no published benchmarks)."""
    key = f"bench:{store_state(store)}:{sc.la_code}:{sc.at.year}"

    def make() -> dict[str, Comparison]:
        if not has_benchmarks(store):
            return {}
        try:
            return {c.id: c for c in computed_comparisons(store, sc.la_code, sc.at.year)}
        except SelfevalError:
            return {}

    return _cached(key, make)


def differing(store: Store, sc: Scope) -> dict[str, Reconciled]:
    """The figures at the scope's date (31 March of a return year) that differ from DfE's
    published ones beyond their rounding, by indicator (``selfeval reconcile``)."""
    key = f"reconcile:{store_state(store)}:{sc.la_code}:{sc.at}"

    def make() -> dict[str, Reconciled]:
        try:
            found = unreconciled(store, sc.la_code, [sc.at])
        except SelfevalError:
            return {}
        return {ind_id: r for (ind_id, _), r in found.items()}

    return _cached(key, make)


def children_at(store: Store, sc: Scope, indicator_id: str) -> ChildList:
    """The children the indicator counts for the scope (child-level: callers audit each view).
    Raises ``NotChildLevel`` or ``NoData`` as the library does."""
    key = f"children:{store_state(store)}:{sc.la_code}:{sc.at}:{indicator_id}"
    return _cached(
        key, lambda: children(_sources(store, sc.la_code), indicator_id, sc.at, la_code=sc.la_code)
    )


def region(store: Store, at: date, la_codes: tuple[str, ...]) -> RegionView:
    """Every indicator for these authorities at ``at``, with outliers and self-evaluation
    status (``selfeval.region``)."""
    key = f"region:{store_state(store)}:{','.join(la_codes)}:{at}"
    return _cached(key, lambda: region_view(store, at, la_codes=list(la_codes)))
