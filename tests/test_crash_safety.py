"""Crash safety (issue 12): an ingest or undo killed with SIGKILL at any point leaves the store
consistent, with the previous state intact, and running the command again succeeds.

The killed process is a real process: a child forked from a fork server that has already
imported selfeval (so each trial costs milliseconds, not an interpreter start). It dies either
by its own hand at a named step (``SELFEVAL_CRASH_AT``: every step of a load and of an undo) or
by the test's SIGKILL after a random delay.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import random
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from conftest import write_903_table
from selfeval.ingest import ingest
from selfeval.store import Store, db

LA = "999"
STEPS = [
    "staging-write:1",  # after the first table's Parquet file is written in staging/
    "staging-write:3",  # after the last one
    "staging-fsync",  # after the folder is fsynced, before its rename into loads/
    "rename",  # after the rename, before the database transaction
    "db-insert",  # inside the transaction, rows inserted, not committed
    "db-commit",  # after the commit, before the command returns
]
UNDO_STEPS = ["undo-db"]  # the row deleted and committed, the folder not yet removed


def returns(d: Path, year: int, children: int) -> Path:
    d.mkdir(parents=True)
    ids = [f"C{i:04d}" for i in range(children)]
    write_903_table(
        d / "header.csv",
        "ssda903_header",
        [{"CHILD": c, "SEX": "1", "DOB": "01/01/2010"} for c in ids],
    )
    write_903_table(
        d / "episodes.csv",
        "ssda903_episodes",
        [
            {"CHILD": c, "DECOM": f"0{1 + i % 9}/06/{year - 1}", "RNE": "S", "LS": "C2"}
            | {"PLACE": "U1"}
            for i, c in enumerate(ids)
        ],
    )
    write_903_table(
        d / "oc3.csv",
        "ssda903_oc3",
        [{"CHILD": c, "DOB": "01/01/2002", "IN_TOUCH": "YES", "ACTIV": "F2"} for c in ids[:50]],
    )
    return d


def _ingest_child(url: str, folder: str, crash_at: str | None) -> None:
    if crash_at:
        os.environ["SELFEVAL_CRASH_AT"] = crash_at
    s = Store(url)
    ingest(s, [Path(folder)], return_year=2020, la_code=LA, validate=False)


def _undo_child(url: str, load_id: int, crash_at: str | None) -> None:
    if crash_at:
        os.environ["SELFEVAL_CRASH_AT"] = crash_at
    Store(url).undo(load_id)


def logical(store: Store) -> tuple:
    """What the store says: its loads (without ids and times) and every merged table."""
    recs = store.loads()
    loads = sorted(
        (r.la_code, r.kind, r.return_year, r.content_hash, tuple(sorted(r.tables.items())))
        for r in recs
    )
    tables = {}
    for name in sorted({n for r in recs for n in r.tables}):
        t = store.table(name).drop_columns(["load_id"])
        tables[name] = sorted(map(repr, t.to_pylist()))
    return tuple(loads), tables


def check_consistent(store: Store) -> None:
    """Every recorded load has its folder and files, with the recorded row counts; nothing
    unrecorded is left in loads/ or staging/; every file row belongs to a load."""
    import pyarrow.parquet as pq

    loads_dir = store.data_dir / "loads"
    recs = store.loads()
    assert sorted(p.name for p in loads_dir.iterdir()) == sorted(r.folder for r in recs)
    assert list((store.data_dir / "staging").iterdir()) == []
    for r in recs:
        for name, n in r.tables.items():
            assert pq.read_metadata(loads_dir / r.folder / f"{name}.parquet").num_rows == n
    with store.engine.connect() as c:
        orphans = c.execute(
            sa.select(db.load_files.c.id).where(
                db.load_files.c.load_id.not_in([r.id for r in recs])
            )
        ).all()
    assert orphans == []


@pytest.mark.slow
def test_ingest_and_undo_killed_anywhere_leave_the_store_consistent(tmp_path):
    url = f"sqlite:///{tmp_path / 'selfeval.db'}"
    y2019 = returns(tmp_path / "2019", 2019, 300)
    y2020 = returns(tmp_path / "2020", 2020, 400)
    store = Store(url)
    ingest(store, [y2019], return_year=2019, la_code=LA, validate=False)
    before = logical(store)
    ingest(store, [y2020], return_year=2020, la_code=LA, validate=False)
    after = logical(store)
    new_id = store.loads()[-1].id
    store.undo(new_id)
    assert logical(store) == before and before != after

    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload(["selfeval.ingest", "selfeval.store", "test_crash_safety"])
    rng = random.Random(12)
    durations: list[float] = []

    def run(target, args, delay: float | None) -> bool:
        """Run a child; True if it died by SIGKILL."""
        p = ctx.Process(target=target, args=args)
        t0 = time.monotonic()
        p.start()
        if delay is not None:
            p.join(delay)
            if p.is_alive():
                p.kill()
        p.join()
        if p.exitcode == 0:
            durations.append(time.monotonic() - t0)
        return p.exitcode == -9

    def settle(expect_one_of: tuple) -> Store:
        s = Store(url)  # opening sweeps what the killed process left
        check_consistent(s)
        assert logical(s) in expect_one_of
        return s

    def ingest_trial(step: str | None) -> bool:
        if step is None:
            delay = rng.uniform(0, (max(durations) if durations else 0.5) * 1.1)
            died = run(_ingest_child, (url, str(y2020), None), delay)
        else:
            died = run(_ingest_child, (url, str(y2020), step), None)
            assert died, f"the ingest did not reach step {step}"
        s = settle((before, after))
        ingest(s, [y2020], return_year=2020, la_code=LA, validate=False)  # the re-run succeeds
        assert logical(s) == after
        s.undo(s.loads()[-1].id)
        assert logical(s) == before
        s.engine.dispose()
        return died

    def undo_trial(step: str | None) -> bool:
        s = Store(url)
        ingest(s, [y2020], return_year=2020, la_code=LA, validate=False)
        load_id = s.loads()[-1].id
        s.engine.dispose()
        if step is None:
            died = run(_undo_child, (url, load_id, None), rng.uniform(0, 0.3))
        else:
            died = run(_undo_child, (url, load_id, step), None)
            assert died, f"the undo did not reach step {step}"
        s = settle((before, after))
        if logical(s) == after:
            s.undo(load_id)  # the re-run succeeds
        assert logical(s) == before
        s.engine.dispose()
        return died

    named = sum(ingest_trial(step) for step in STEPS for _ in range(3))
    named += sum(undo_trial(step) for step in UNDO_STEPS for _ in range(3))
    at_random = sum(undo_trial(None) for _ in range(5))
    for _ in range(80):  # ingests killed after random delays, until 50 kills in all
        if named + at_random >= 50:
            break
        at_random += ingest_trial(None)
    print(f"crash safety: {named} kills at named steps, {at_random} at random moments")
    assert named == 3 * (len(STEPS) + len(UNDO_STEPS))
    assert named + at_random >= 50
