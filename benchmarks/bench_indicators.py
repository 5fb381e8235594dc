"""The whole catalogue at one date and for 60 month-ends on a 10,000-children, 5-year authority.

Goals (issue 5): under 1 s at one date and under 10 s for 60 month-ends. Prints the time of the
first run in the process (which compiles every definition to SQL) and of a second run (the
compiled SQL reused, as a long-running process such as the web app sees it), and the peak
memory of the process (resident set size).

The authority is ``selfeval.synth``'s (903 header and episodes on main today). So that every
definition runs on data of that size, CIN census tables (details, assessments, section 47,
plans) of the same shape are derived from its episodes: their figures mean nothing, their cost
is what is measured.
"""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from selfeval.indicators import Sources, catalogue, compute, month_ends
from selfeval.indicators.store_sources import sources_from_store
from selfeval.ingest import ingest_903
from selfeval.store import Store
from selfeval.synth import write_903

CHILDREN = 10_000
YEARS = range(2016, 2021)
LA = "999"


def cin_tables(episodes: pa.Table) -> dict[str, pa.Table]:
    """CIN census tables of the episodes' size, one CIN episode per 903 episode."""
    child = episodes["CHILD"]
    start = pc.cast(episodes["DECOM"], pa.date32())
    end = episodes["DEC"]
    plus = pc.add(start, pa.scalar(timedelta(days=30)))
    base = {"la_code": episodes["la_code"], "LAchildID": child}
    details = pa.table(
        {
            **base,
            "CINreferralDate": start,
            "CINclosureDate": end,
            "ReferralNFA": pa.array(["false"] * len(child)),
        }
    )
    assessments = pa.table(
        {**base, "AssessmentActualStartDate": start, "AssessmentAuthorisationDate": plus}
    )
    s47 = pa.table({**base, "S47ActualStartDate": start, "DateOfInitialCPC": plus})
    plans = pa.table(
        {
            **base,
            "CPPstartDate": start,
            "CPPendDate": end,
            "NumberOfPreviousCPP": pa.array([0] * len(child), pa.int64()),
        }
    )
    plan_dates = pa.table({**base, "CINPlanStartDate": start, "CINPlanEndDate": end})
    return {
        "cin_details": details,
        "cin_assessments": assessments,
        "cin_section47": s47,
        "cin_cp_plans": plans,
        "cin_plan_dates": plan_dates,
    }


def authority(folder: Path) -> Sources:
    """The synthetic authority ingested into a store, as indicator sources (with CIN)."""
    write_903(folder / "returns", children=CHILDREN, years=YEARS, seed=5, la_code=LA)
    store = Store(f"sqlite:///{folder / 'selfeval.db'}")
    for y in YEARS:
        files = sorted((folder / "returns" / "903" / str(y)).glob("*.csv"))
        ingest_903(store, files, la_code=LA, return_year=y)
    src = sources_from_store(store)
    tables = {n: src.backend.to_pyarrow(t) for n, t in src._tables.items() if n != "calendar"}
    tables |= cin_tables(tables["ssda903_episodes"])
    tables["population"] = pa.table(
        {"la_code": [LA] * 6, "year": list(range(2015, 2021)), "population": [60_000] * 6}
    )
    store.engine.dispose()
    return Sources(tables, src.coverage)


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
    print(
        f"goals: one date < 1 s: {'met' if one < 1 else 'MISSED'} ({one:.2f} s; first run "
        f"{one_cold:.2f} s); 60 month-ends < 10 s: {'met' if many < 10 else 'MISSED'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
