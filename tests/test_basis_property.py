"""The property behind the two bases, over the returns synth writes (consistent between years):

- every 903 and CIN indicator at 31 March Y is the same as now recorded (every year loaded)
  and as returned for Y (the loads of Y and earlier): a later return that agrees with the
  earlier ones changes nothing;
- an indicator that needs no look-back (``lookback_years`` 0) gives at 31 March Y from a store
  holding Y's returns alone what it gives from the store of every year;
- one that looks back k years gives from the store of years Y-k..Y what it gives from them all.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from selfeval.demo import ingest_synthetic
from selfeval.indicators import AS_RETURNED, catalogue, compute, sources_from_store
from selfeval.store import Store
from selfeval.synth import AuthorityConfig, synthesise

pytestmark = pytest.mark.slow

LA = "999"
YEARS = range(2017, 2021)
RETURN_KINDS = ("ssda903_", "cin_", "population")


def _returns_only(ind) -> bool:  # type: ignore[no-untyped-def]
    return all(s.startswith(RETURN_KINDS) for s in ind.sources)


IDS = [i.id for i in catalogue().values() if _returns_only(i)]


SEEDS = [int(s) for s in os.environ.get("SELFEVAL_PROPERTY_SEEDS", "1").split(",")]
"""synth's seeds to hold the property on (about 3 minutes each); e.g. ``1,2,3``."""


@pytest.fixture(scope="module", params=SEEDS, ids=[f"seed{n}" for n in SEEDS])
def full(request, tmp_path_factory) -> Store:  # type: ignore[no-untyped-def]
    d: Path = tmp_path_factory.mktemp(f"synth{request.param}")
    cfg = AuthorityConfig(la_code=LA, children=1200, years=YEARS, seed=request.param)
    synthesise(d / "returns", cfg, returns=("903", "cin"))
    store = Store(f"sqlite:///{d / 'full.db'}")
    ingest_synthetic(store, d / "returns", YEARS, LA, validate_ssd=False)
    yield store
    store.engine.dispose()


@pytest.fixture(scope="module")
def recorded(full: Store) -> dict[date, dict[str, tuple]]:
    """Every indicator as now recorded at each 31 March: one computation for all the dates
    (the engine joins the dates as a table), shared by the tests below."""
    ends = [date(y, 3, 31) for y in YEARS]
    out: dict[date, dict[str, tuple]] = {at: {} for at in ends}
    for r in compute(sources_from_store(full), ends, ids=IDS, la_codes=[LA]):
        out[r.date][r.id] = (r.value, r.numerator, r.denominator, r.reason)
    return out


@pytest.fixture(scope="module")
def returned(full: Store):  # type: ignore[no-untyped-def]
    """``returned(year)``: every indicator at 31 March of the year as returned for it,
    computed once per year for the tests below."""
    cache: dict[int, dict[str, tuple]] = {}

    def get(year: int) -> dict[str, tuple]:
        if year not in cache:
            src = sources_from_store(full, basis=AS_RETURNED, year=year)
            cache[year] = _figures(src, date(year, 3, 31), IDS)
        return cache[year]

    return get


def _store_of(full: Store, years: range, where: Path) -> Store:
    """A store holding only these years' returns: the full store's loads, copied as loaded."""
    s = Store(f"sqlite:///{where / f'y{years.start}-{years.stop - 1}.db'}")
    for rec in full.loads():
        if rec.return_year in years:
            s.add_load(
                la_code=rec.la_code,
                kind=rec.kind,
                return_year=rec.return_year,
                files=list(rec.files),
                tables=full.load_tables(rec),
            )
    return s


def _figures(src, at: date, ids: list[str]) -> dict[str, tuple]:  # type: ignore[no-untyped-def]
    return {
        r.id: (r.value, r.numerator, r.denominator, r.reason)
        for r in compute(src, [at], ids=ids, la_codes=[LA])
    }


def _differences(a: dict, b: dict) -> dict:
    return {k: (a[k], b[k]) for k in a if a[k] != b[k]}


def test_the_case_is_not_trivial(full):
    """Children in care, in need and on plans at the last 31 March: the property says something."""
    at = date(YEARS.stop - 1, 3, 31)
    figs = _figures(sources_from_store(full), at, ["cla_count", "cin_count", "cp_count"])
    assert all(v[0] and v[0] > 5 for v in figs.values()), figs


@pytest.mark.parametrize("year", list(YEARS))
def test_as_returned_equals_as_now_recorded_for_consistent_returns(recorded, returned, year):
    assert _differences(returned(year), recorded[date(year, 3, 31)]) == {}


@pytest.mark.parametrize("year", list(YEARS)[1:])  # the first year's store is the full one
def test_each_years_own_returns_give_its_figures(full, returned, year, tmp_path):
    """For every indicator, the returns of the years it needs give what the full store gives;
    those that need only their own year are computed from a store of that year alone."""
    at = date(year, 3, 31)
    cat = catalogue()
    whole = returned(year)
    by_need: dict[int, list[str]] = {}
    for i in IDS:
        k = cat[i].lookback_years
        if k is not None and year - k > YEARS.start:  # else the window is the whole store
            by_need.setdefault(k, []).append(i)
    assert 0 in by_need
    for k, ids in sorted(by_need.items()):
        part = _store_of(full, range(year - k, year + 1), tmp_path)
        try:
            got = _figures(sources_from_store(part), at, ids)
        finally:
            part.engine.dispose()
        assert _differences(got, {i: whole[i] for i in ids}) == {}, f"look-back {k} years"
