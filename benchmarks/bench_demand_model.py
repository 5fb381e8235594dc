"""The children-looked-after stock by age band and placement type, every day of five years:
selfeval against cs-demand-model's PopulationStats on the same SSDA903 files (goal >= 20x,
identical counts).

One synthetic authority of SELFEVAL_BENCH_CHILDREN children (10,000: 113 looked after on
31 March 2020, 1,580 episode rows in its five returns) is written once; each size stacks copies
of it under distinct child ids, so its counts are the base's times the copies: 1 copy (a small
authority), 16 (a large one: about 1,800 looked after at a time, 25,000 episode rows over the
five years) and 735 (England: about 83,000 looked after, 1.2 million episode rows).
SELFEVAL_BENCH_DEMAND_COPIES overrides the list (e.g. "1,16" for a quicker run).

Both sides read the same ten files (each year's Header and Episodes, identified by their
header rows), clean the episodes by the model's rules and give the stock for each of the
1,827 days from 1 April 2015 to 31 March 2020; the counts are compared day by day. Imports are
untimed on both sides. cs-demand-model pins pandas < 2 and numpy < 2, so it runs in its own
environment, made here (under $SELFEVAL_CACHE or ~/.cache/selfeval) from wheels.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import pyarrow as pa
from figures import figure

from selfeval.indicators.stock import daily_stock
from selfeval.returns import ssda903
from selfeval.synth import AuthorityConfig, synthesise

CHILDREN = int(os.environ.get("SELFEVAL_BENCH_CHILDREN", "10000"))
COPIES = [int(c) for c in os.environ.get("SELFEVAL_BENCH_DEMAND_COPIES", "1,16,735").split(",")]
YEARS = range(2016, 2021)
FIRST, LAST = date(YEARS.start - 1, 4, 1), date(YEARS.stop - 1, 3, 31)
DAYS = [FIRST + timedelta(n) for n in range((LAST - FIRST).days + 1)]
PINS = ["cs-demand-model==0.5.1", "pandas<2", "numpy<2"]
TABLES = ("header.csv", "episodes.csv")
WORKER = r"""
import json, sys, time
import pandas as pd
from cs_demand_model import DemandModellingDataContainer, PopulationStats, fs_datastore
from cs_demand_model.config import Config
folder, first, last = sys.argv[1:4]
t0 = time.perf_counter()  # imports apart, as for selfeval
c0 = time.process_time()
config = Config()
dc = DemandModellingDataContainer(fs_datastore(folder), config)
view = dc.enriched_view
t1 = time.perf_counter()
stock = PopulationStats(view, config).stock
seconds = time.perf_counter() - t0
cpu = time.process_time() - c0
# The daily stock runs from the first start or end to the last; after it the stock stands still.
days = pd.date_range(first, last, freq="D")
at = stock.reindex(days, method="ffill").fillna(0)
out = {}
for d, row in zip(days, at.itertuples(index=False)):
    for (band, cat), n in zip(at.columns, row):
        if n:
            out[f"{d.date()}|{band}|{cat}"] = int(n)
print(json.dumps({"seconds": seconds, "cpu": cpu, "read": t1 - t0, "stock": out}))
"""


def demand_model_python() -> Path:
    base = Path(os.environ.get("SELFEVAL_CACHE") or Path.home() / ".cache" / "selfeval")
    env = base / "demand-model-0.5.1"
    py = env / "bin" / "python"
    if not (env / ".ready").exists():
        subprocess.run([sys.executable, "-m", "venv", str(env)], check=True)
        subprocess.run(
            [str(py), "-m", "pip", "install", "--quiet", "--only-binary=:all:", *PINS],
            check=True,
        )
        (env / ".ready").write_text("\n".join(PINS))
    return py


def stack(base: Path, out: Path, copies: int) -> int:
    """Write ``copies`` of the base's Header and Episodes files, child ids made distinct by a
    prefix; the number of episode rows."""
    episodes = 0
    for year in YEARS:
        (out / str(year)).mkdir(parents=True)
        for name in TABLES:
            with open(base / str(year) / name, newline="") as f:
                rows = list(csv.reader(f))
            child = rows[0].index("CHILD")
            with open(out / str(year) / name, "w", newline="") as f:
                w = csv.writer(f)
                w.writerow(rows[0])
                for k in range(copies):
                    for r in rows[1:]:
                        w.writerow([*r[:child], f"{k:03d}{r[child]}", *r[child + 1 :]])
            if name == "episodes.csv":
                episodes += (len(rows) - 1) * copies
    return episodes


RUNS = 5
"""Each side's best of this many runs (theirs where a run is under 10 s): at the small sizes a
run takes milliseconds (ours) to a few tenths of a second (theirs), and one scheduling delay on
a shared machine moves a ratio by several times; the same number for both sides."""


def ours(folder: Path) -> tuple[float, float, float, dict[str, int]]:
    """Read the ten files with selfeval's 903 reader (identified, typed, checked) and count:
    (seconds, of which reading, CPU seconds, the stock)."""
    t0 = time.perf_counter()
    c0 = time.process_time()
    eps, heads = [], []
    for year in YEARS:
        for name in TABLES:
            table_name, t = ssda903.read_csv(folder / str(year) / name, return_year=year)
            (eps if table_name == "ssda903_episodes" else heads).append(t)
    t1 = time.perf_counter()
    stock = daily_stock(pa.concat_tables(eps), pa.concat_tables(heads), DAYS)
    seconds = time.perf_counter() - t0  # as theirs: the stock as a matrix, days by bins
    cpu = time.process_time() - c0
    counts = {f"{d}|{b}|{c}": n for (d, b, c), n in stock.as_dict().items()}
    return seconds, t1 - t0, cpu, counts


def theirs(py: Path, folder: Path) -> tuple[float, float, float, dict[str, int]]:
    """cs-demand-model on the folder: (seconds, of which reading and cleaning, CPU seconds,
    the stock)."""
    run = subprocess.run(
        [str(py), "-c", WORKER, str(folder), FIRST.isoformat(), LAST.isoformat()],
        capture_output=True,
        text=True,
        check=True,
    )
    out = json.loads(run.stdout)
    return out["seconds"], out["read"], out["cpu"], out["stock"]


def main() -> int:
    py = demand_model_python()
    ok = True
    print(
        f"CLA stock by age band x placement category, each of {len(DAYS):,} days "
        f"{FIRST:%d %B %Y} to {LAST:%d %B %Y}; base authority {CHILDREN:,} children, 5 returns"
    )
    print(
        "  both sides: read the 10 files (header + episodes, 5 years), clean the episodes, "
        "daily stock; imports untimed\n"
        "  cs-demand-model: DemandModellingDataContainer + enriched_view + PopulationStats.stock "
        f"(pandas 1.x, own venv), best of {RUNS} where under 10 s\n"
        "  selfeval: ssda903.read_csv x10 (typed, checked) + indicators.stock.daily_stock, "
        f"best of {RUNS}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        synthesise(Path(tmp), AuthorityConfig(children=CHILDREN, years=YEARS, seed=7), ("903",))
        ssda903.read_csv(Path(tmp) / "903" / str(YEARS.start) / "header.csv")  # warm imports
        for copies in COPIES:
            folder = Path(tmp) / f"x{copies}"
            episodes = stack(Path(tmp) / "903", folder, copies)
            t_theirs, r_theirs, c_theirs, s_theirs = theirs(py, folder)
            if t_theirs < 10:  # best of RUNS as for selfeval, where it is quick enough
                runs = [(t_theirs, r_theirs, c_theirs)]
                runs += [theirs(py, folder)[:3] for _ in range(RUNS - 1)]
                t_theirs, r_theirs, c_theirs = min(runs)
            t_ours, r_ours, c_ours, s_ours = min(
                (ours(folder) for _ in range(RUNS)), key=lambda r: r[0]
            )
            same = s_ours == s_theirs
            ok &= same
            cla = sum(n for k, n in s_ours.items() if k.startswith(LAST.isoformat()))
            ratio, cpu_ratio = t_theirs / t_ours, c_theirs / c_ours
            print(
                f"  x{copies:<4} {episodes:>9,} episode rows, {cla:>7,} looked after on "
                f"{LAST:%d/%m/%Y}: cs-demand-model {t_theirs:8.2f} s, selfeval {t_ours:6.3f} s,"
                f" ratio {ratio:6.1f}x (goal >= 20x); identical daily counts: {same}\n"
                f"        of which reading and cleaning (theirs: + enriching): cs-demand-model "
                f"{r_theirs:.2f} s, selfeval reading {r_ours:.3f} s; the stock itself: "
                f"{t_theirs - r_theirs:.2f} s vs {t_ours - r_ours:.3f} s\n"
                f"        CPU: cs-demand-model {c_theirs:.2f} s, selfeval {c_ours:.3f} s, "
                f"ratio {cpu_ratio:.1f}x; load average {os.getloadavg()[0]:.1f}",
                flush=True,
            )
            if not same:
                diff = sorted(set(s_ours) ^ set(s_theirs) | {
                    k for k in s_ours if s_ours[k] != s_theirs.get(k, s_ours[k])})  # fmt: skip
                eg = [f"{k}: ours {s_ours.get(k)} theirs {s_theirs.get(k)}" for k in diff[:3]]
                print(f"    {len(diff)} differ, e.g. " + ", ".join(eg))
            label = f"CLA stock vs cs-demand-model, x{copies} ({cla:,} CLA, {episodes:,} episodes)"
            figure("demand_model", label, ratio, "x", ">= 20", ratio >= 20 and same)
            figure("demand_model", f"{label}, CPU time", cpu_ratio, "x", ">= 20", cpu_ratio >= 20)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
