"""Ingest (validation apart): SSDA903, CIN census and Annex A for 10,000 children over 5 years.

The returns are ``selfeval.synth``'s (about 10,000 distinct children in the record over the five
return years 2020-2024). The ingest runs in a child process, so that its peak resident memory
is its own; the figures are the wall and CPU time of every load (read, type, stage, commit) and
that peak. Goal: under 10 s in all. (On a shared machine the wall time includes waiting for the
CPU; the CPU time does not.)
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from figures import figure

CHILDREN = 10_000
YEARS = range(2020, 2025)
KINDS = {"903": "903", "cin": "cin", "annex_a": "annex-a"}

CHILD = r"""
import json, resource, sys, time
from pathlib import Path
from selfeval.ingest import ingest
from selfeval.store import Store

returns, url = Path(sys.argv[1]), sys.argv[2]
years, kinds = json.loads(sys.argv[3]), json.loads(sys.argv[4])
def rss():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
base = rss()
store = Store(url)
times, cpu, rows = {}, {}, {}
t_all, c_all = time.perf_counter(), time.process_time()
for y in years:
    for folder, kind in kinds.items():
        t0, c0 = time.perf_counter(), time.process_time()
        res = ingest(store, [returns / folder / str(y)], kind=kind, return_year=y, la_code="999",
                     validate=False)
        times[kind] = times.get(kind, 0.0) + time.perf_counter() - t0
        cpu[kind] = cpu.get(kind, 0.0) + time.process_time() - c0
        rows[kind] = rows.get(kind, 0) + sum(sum(o.load.tables.values()) for o in res.loads)
total, total_cpu = time.perf_counter() - t_all, time.process_time() - c_all
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"times": times, "cpu": cpu, "rows": rows, "total": total,
                  "total_cpu": total_cpu, "peak": peak, "base": base}))
"""


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="selfeval-bench-ingest-") as tmp:
        from selfeval.synth import AuthorityConfig, synthesise

        returns = Path(tmp) / "returns"
        t0 = time.perf_counter()
        authority, _ = synthesise(
            returns,
            AuthorityConfig(la_code="999", children=CHILDREN, years=YEARS, seed=7),
            returns=tuple(KINDS),
        )
        made = time.perf_counter() - t0
        size = sum(p.stat().st_size for p in returns.rglob("*") if p.is_file()) / 1e6
        print(
            f"ingest input: synthetic authority, {len(authority.children):,} children, return "
            f"years {YEARS.start}-{YEARS.stop - 1}, {size:.1f} MB of 903 CSV, CIN XML and "
            f"Annex A xlsx (made in {made:.1f} s)"
        )
        url = f"sqlite:///{Path(tmp) / 'selfeval.db'}"
        r = subprocess.run(
            [sys.executable, "-c", CHILD, str(returns), url, json.dumps(list(YEARS)),
             json.dumps(KINDS)],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        if r.returncode != 0:
            print(r.stderr[-2000:])
            return 1
        m = json.loads(r.stdout.strip().splitlines()[-1])
        for kind, t in m["times"].items():
            print(
                f"ingest {kind:<8} 5 years: {m['rows'][kind]:>9,} rows in {t:6.2f} s "
                f"(CPU {m['cpu'][kind]:.2f} s)"
            )
        print(
            f"ingest total (903 + CIN + Annex A, validation apart): {m['total']:.2f} s, CPU "
            f"{m['total_cpu']:.2f} s "
            f"(goal < 10 s: {'met' if m['total'] < 10 else 'NOT met'}); peak memory "
            f"{m['peak'] / 2**20:,.0f} MiB ({(m['peak'] - m['base']) / 2**20:,.0f} MiB above "
            "the interpreter with selfeval imported)"
        )
        figure("ingest", "903 + CIN + Annex A, 5 years", m["total"], "s", "< 10", m["total"] < 10)
        figure("ingest", "peak memory", m["peak"] / 2**20, "MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
