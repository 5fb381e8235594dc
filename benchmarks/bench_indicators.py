"""The whole catalogue at one date and for 60 month-ends on a 10,000-children, 5-year authority.

Goals (issue 5): under 1 s at one date and under 10 s for 60 month-ends. Prints the time of the
first run in the process (which compiles every definition to SQL) and of a second run (the
compiled SQL reused, as a long-running process such as the web app sees it), wall and CPU
time, the machine's load, and the peak memory of the process (resident set size).

The authority is ``selfeval.synth``'s, in the real formats (903, CIN census, CSWW), loaded by
``selfeval ingest``'s library; a flat population of 60,000 children stands in for the ONS
estimate so that the rates run too.
"""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import pyarrow as pa
from figures import figure

from selfeval.indicators import Sources, catalogue, compute, month_ends, sources_from_store
from selfeval.ingest import ingest
from selfeval.store import Store
from selfeval.synth import AuthorityConfig, synthesise

CHILDREN = 10_000
YEARS = range(2016, 2021)
LA = "999"


def authority(folder: Path) -> Sources:
    """The synthetic authority's returns ingested into a store, as indicator sources."""
    returns = folder / "returns"
    synthesise(returns, AuthorityConfig(la_code=LA, children=CHILDREN, years=YEARS, seed=5))
    store = Store(f"sqlite:///{folder / 'selfeval.db'}")
    for kind in ("903", "cin", "workforce"):
        for year in sorted((returns / kind).iterdir()):
            ingest(store, [year], la_code=LA, return_year=int(year.name))
    src = sources_from_store(store)
    years = list(range(YEARS.start - 2, YEARS.stop))
    src.add(
        "population",
        pa.table(
            {"la_code": [LA] * len(years), "year": years, "population": [60_000] * len(years)}
        ),
    )
    store.engine.dispose()
    return src


def timed(label: str, fn) -> float:  # type: ignore[no-untyped-def]
    """Run ``fn``, print its wall time and CPU time (all threads), return the wall time."""
    t, c = time.perf_counter(), time.process_time()
    out = fn()
    s, cpu = time.perf_counter() - t, time.process_time() - c
    print(f"{label:<50}{s:7.2f} s wall {cpu:7.2f} s CPU  ({len(out):,} figures)", flush=True)
    return s


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        src = authority(Path(tmp))
        episodes = src.backend.to_pyarrow(src.table("ssda903_episodes")).num_rows
        print(
            f"authority: {CHILDREN:,} children, {len(YEARS)} return years, {episodes:,} episodes "
            f"(made and loaded in {time.perf_counter() - t:.1f} s)"
        )
        n = len(catalogue())
        at = [date(YEARS.stop - 1, 3, 31)]
        series = month_ends(date(YEARS.start - 1, 4, 1), date(YEARS.stop - 1, 3, 31))
        one_cold = timed(f"{n} indicators at one date, first run", lambda: compute(src, at))
        one = timed(f"{n} indicators at one date, again", lambda: compute(src, at))
        timed(f"{n} indicators x {len(series)} month-ends, first", lambda: compute(src, series))
        many = timed(
            f"{n} indicators x {len(series)} month-ends, again", lambda: compute(src, series)
        )
    print(
        "load average at the end: {:.1f} {:.1f} {:.1f} on {} cores".format(
            *os.getloadavg(), os.cpu_count()
        )
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (resident set size): {peak:,.0f} MiB")
    figure("indicators", f"{n} indicators at one date", one, "s", "< 1", one < 1)
    figure("indicators", f"{n} indicators x 60 month-ends", many, "s", "< 10", many < 10)
    figure("indicators", "peak memory", peak, "MiB")
    print(
        f"goals: one date < 1 s: {'met' if one < 1 else 'MISSED'} ({one:.2f} s; first run "
        f"{one_cold:.2f} s); 60 month-ends < 10 s: {'met' if many < 10 else 'MISSED'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
