"""Several threads computing on one Sources at once (as the web app's threads may) get the
figures a single thread gets: each computation has its own periods and its own DuckDB cursor."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date
from threading import Barrier

from conftest import handmade_903
from selfeval.indicators import compute, sources_from_store
from selfeval.ingest import ingest_903

# The hand-made 2019/20 return (conftest.handmade_903): 01 looked after from 01/06/2019,
# 02 from 2018 (a move on 15/01/2020 counts once), 03 from 31/03/2020, 04 from 01/05/2019 to
# 31/03/2020 (not open on the day it ends). Children looked after on each date:
CLA_COUNT = {
    date(2019, 4, 30): 1,  # 02
    date(2019, 5, 1): 2,  # 02, 04 (starts on the date)
    date(2019, 5, 31): 2,  # 02, 04
    date(2019, 6, 1): 3,  # 01, 02, 04
    date(2019, 9, 30): 3,
    date(2020, 1, 15): 3,  # 02's move: one episode ends, the next starts, counted once
    date(2020, 3, 30): 3,
    date(2020, 3, 31): 3,  # 01, 02, 03 (starts); 04 ends on the date
}


def test_eight_threads_computing_different_dates_get_the_sequential_figures(store, tmp_path):
    ingest_903(store, handmade_903(tmp_path / "903"), la_code="999", return_year=2020)
    sources = sources_from_store(store)
    dates = list(CLA_COUNT)
    sequential = {d: compute(sources, [d]) for d in dates}
    assert {d: _cla(rs) for d, rs in sequential.items()} == CLA_COUNT

    start = Barrier(len(dates))

    def one(d: date) -> list:
        start.wait()  # all eight compute at the same moment
        return compute(sources, [d])

    for _ in range(3):  # a few rounds: a clash would not show every time
        with ThreadPoolExecutor(len(dates)) as pool:
            threaded = dict(zip(dates, pool.map(one, dates), strict=True))
        assert {d: _cla(rs) for d, rs in threaded.items()} == CLA_COUNT
        assert threaded == sequential  # every indicator of the catalogue, not only the count


def test_a_computation_of_several_dates_alongside_others_is_unchanged(store, tmp_path):
    """One thread asks for all eight dates while seven others ask for one each."""
    ingest_903(store, handmade_903(tmp_path / "903"), la_code="999", return_year=2020)
    sources = sources_from_store(store)
    dates = list(CLA_COUNT)
    start = Barrier(len(dates))

    def one(ends: list[date]) -> list:
        start.wait()
        return compute(sources, ends, ids=["cla_count"])

    jobs = [dates] + [[d] for d in dates[:7]]
    with ThreadPoolExecutor(len(jobs)) as pool:
        results = list(pool.map(one, jobs))
    assert {r.date: r.value for r in results[0]} == CLA_COUNT
    assert [r.value for rs in results[1:] for r in rs] == [CLA_COUNT[d] for d in dates[:7]]


def _cla(results: list) -> float:
    [r] = [r for r in results if r.id == "cla_count"]
    return r.value
