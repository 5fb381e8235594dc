"""The library's figures for the pages, cached per state of the store.

Computing indicators reads Parquet through DuckDB; pages ask for the same figures again and
again, so results are cached under a key that changes whenever a load is added or undone (the
store's state, read once per request into the ``Scope``). Nothing here computes a figure: it
calls ``selfeval.indicators`` and keeps the answer, in Django's cache and, unpickled, in this
process (an entry under a state never changes, so a process may keep what it read).
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Literal, TypeVar, cast

import sqlalchemy as sa
from django.core.cache import cache
from django.core.exceptions import BadRequest
from django.http import Http404

from selfeval.access import Authorities
from selfeval.benchmarks.compare import Comparison, comparisons_at
from selfeval.benchmarks.reconcile import Reconciled, unreconciled
from selfeval.benchmarks.spc import ControlChart, chart_for_results
from selfeval.errors import SelfevalError
from selfeval.indicators import (
    ChildList,
    Indicator,
    Result,
    Sources,
    catalogue,
    children,
    compute,
    month_ends,
)
from selfeval.indicators import sources_from_store as _sources_from_store
from selfeval.indicators.published import has_benchmarks
from selfeval.outputs.disclosure import public_figures
from selfeval.outputs.formatting import long_date
from selfeval.region import RegionView, region_view
from selfeval.store import Store, db

SERIES_MONTHS = 24


@dataclass(frozen=True)
class Scope:
    """Which authority and which date the pages show."""

    la_code: str
    at: date
    la_codes: tuple[str, ...]
    state: str = ""
    """The store's state when the page asked (``store_state``): its figures' cache key."""


@dataclass(frozen=True)
class StoreLoads:
    """What a page needs to know of the store's loads, read in one small query: the state
    (a key that changes whenever a load is added or undone), the authorities with loads, and
    each authority's return years."""

    state: str
    years: dict[str, tuple[int, ...]]

    @property
    def la_codes(self) -> list[str]:
        return list(self.years)


def store_loads(store: Store) -> StoreLoads:
    """The store's loads as pages need them (``StoreLoads``): one query of four columns."""
    h = hashlib.sha256(str(store.engine.url).encode())
    years: dict[str, list[int]] = {}
    q = sa.select(
        db.loads.c.id, db.loads.c.content_hash, db.loads.c.la_code, db.loads.c.return_year
    ).order_by(db.loads.c.id)
    with store.engine.connect() as c:
        for load_id, chash, la_code, year in c.execute(q):
            h.update(f"{load_id}:{chash};".encode())
            ys = years.setdefault(la_code, [])
            if year:
                ys.append(year)
    return StoreLoads(h.hexdigest()[:16], {la: tuple(ys) for la, ys in years.items()})


def store_state(store: Store) -> str:
    """A short key that changes whenever the store's loads change (one small query)."""
    return store_loads(store).state


def _state(store: Store, sc: Scope) -> str:
    return sc.state or store_state(store)


def scope(
    store: Store,
    la: str | None = None,
    at: str | None = None,
    *,
    authorities: Authorities,
) -> Scope | None:
    """The authority asked for (else the first in the store) and the date (else the latest
    31 March that its loads cover), among the ``authorities`` someone may see (pages call
    ``selfeval.web.authorities.request_scope``). None when the store holds no loads of those.
    One query of the store (``store_loads``), whatever the page."""
    loads = store_loads(store)
    las = tuple(authorities.among(loads.la_codes))
    if not las:
        return None
    when = page_date(at) if at else None
    la_code = la if la in las else las[0]
    if when is None:
        years = loads.years[la_code]
        when = date(max(years), 3, 31) if years else date.today()
    return Scope(la_code, when, las, loads.state)


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
            f"The date must be written YYYY-MM-DD, between {long_date(EARLIEST)} and "
            f"{long_date(LATEST)}"
        )
    return when


def indicator_or_404(indicator_id: str) -> Indicator:
    ind = catalogue().get(indicator_id)
    if ind is None:
        raise Http404("there is no such indicator")
    return ind


V = TypeVar("V")

_LOCAL: OrderedDict[str, tuple[float, object]] = OrderedDict()
_LOCAL_SIZE = 256
_local_lock = threading.Lock()


def _cached(key: str, make: Callable[[], V]) -> V:
    """The value under ``key``: from this process's memory, else Django's cache, else made;
    kept no longer than Django's cache keeps it (figures from the application database, such
    as audits, may change under one store state)."""
    now = time.monotonic()
    with _local_lock:
        hit = _LOCAL.get(key)
        if hit is not None and hit[0] > now:
            _LOCAL.move_to_end(key)
            return cast(V, hit[1])  # a key names one kind of value: what ``make`` made
    value: V | None = cache.get(key)
    if value is None:
        value = make()
        cache.set(key, value)
    with _local_lock:
        _LOCAL[key] = (now + (cache.default_timeout or 0), value)
        while len(_LOCAL) > _LOCAL_SIZE:
            _LOCAL.popitem(last=False)
    return value


def cached(key: str, make: Callable[[], V]) -> V:
    """A value pages keep (a rendered fragment): ``key`` must name the store state it rests
    on (``Scope.state``) and everything else it depends on."""
    return _cached(key, make)


def forget_cached() -> None:
    """Empty this process's copies (tests that change the store behind a state's back)."""
    with _local_lock:
        _LOCAL.clear()


def _sources(store: Store, la_code: str) -> Sources:
    return _sources_from_store(store, la_code)


def results_at(store: Store, sc: Scope, ids: list[str] | None = None) -> list[Result]:
    """Every indicator (or those asked for) for the scope's authority at its date."""
    key = f"results:{_state(store, sc)}:{sc.la_code}:{sc.at}:{','.join(ids or [])}"

    def make() -> list[Result]:
        try:
            return compute(_sources(store, sc.la_code), [sc.at], ids=ids, la_codes=[sc.la_code])
        except SelfevalError:
            return []

    return _cached(key, make)


def series(store: Store, sc: Scope, indicator_id: str, months: int = SERIES_MONTHS) -> list[Result]:
    """The indicator at each month-end of the ``months`` up to the scope's date."""
    return all_series(store, sc, months).get(indicator_id, [])


def all_series(store: Store, sc: Scope, months: int = SERIES_MONTHS) -> dict[str, list[Result]]:
    """Every indicator at each month-end of the ``months`` up to the scope's date, computed
    in one pass (the dashboard charts them all), by indicator."""
    key = f"series:{_state(store, sc)}:{sc.la_code}:{sc.at}:{months}"

    def make() -> dict[str, list[Result]]:
        y, m = sc.at.year, sc.at.month - months + 1
        while m < 1:
            y, m = y - 1, m + 12
        ends = month_ends(date(y, m, 1), sc.at)
        try:
            results = compute(  # monthly values: events in each month, never rolling years
                _sources(store, sc.la_code), ends, period="month", la_codes=[sc.la_code]
            )
        except SelfevalError:
            return {}
        out: dict[str, list[Result]] = {}
        for r in results:
            out.setdefault(r.id, []).append(r)
        return out

    return _cached(key, make)


def control_chart(
    store: Store, sc: Scope, indicator_id: str, *, public: bool
) -> ControlChart | None:
    """The SPC chart of the indicator's monthly series (None when there is nothing to chart).
    For a ``public`` audience it is the chart of the points that audience may see only
    (``outputs.disclosure.public_figures``): its centre, limits and signals owe nothing to a
    suppressed point."""
    key = f"spc:{_state(store, sc)}:{sc.la_code}:{sc.at}:{indicator_id}:{public}"

    def make() -> ControlChart | Literal[False]:
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
    key = f"bench:{_state(store, sc)}:{sc.la_code}:{sc.at}"

    def make() -> dict[str, Comparison]:
        if not has_benchmarks(store):
            return {}
        try:
            return {c.id: c for c in comparisons_at(store, sc.la_code, sc.at)}
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
    key = f"children:{_state(store, sc)}:{sc.la_code}:{sc.at}:{indicator_id}"
    return _cached(
        key, lambda: children(_sources(store, sc.la_code), indicator_id, sc.at, la_code=sc.la_code)
    )


def region(store: Store, at: date, la_codes: tuple[str, ...]) -> RegionView:
    """Every indicator for these authorities at ``at``, with outliers and self-evaluation
    status (``selfeval.region``)."""
    key = f"region:{store_state(store)}:{','.join(la_codes)}:{at}"
    return _cached(key, lambda: region_view(store, at, la_codes=list(la_codes)))
