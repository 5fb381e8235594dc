"""The children-looked-after stock by age band and placement type over five years: selfeval
against cs-demand-model's PopulationStats on the same SSDA903 files (goal >= 20x, identical).

cs-demand-model pins pandas < 2 and numpy < 2, so it runs in its own environment, made here
(under $SELFEVAL_CACHE or ~/.cache/selfeval) from wheels; both sides read the same CSV files.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import pyarrow as pa

from selfeval.indicators.engine import month_ends
from selfeval.indicators.stock import cla_stock
from selfeval.returns import ssda903
from selfeval.synth import AuthorityConfig, synthesise

CHILDREN = int(os.environ.get("SELFEVAL_BENCH_CHILDREN", "10000"))
YEARS = range(2016, 2021)
PINS = ["cs-demand-model==0.5.1", "pandas<2", "numpy<2"]
WORKER = r"""
import json, sys, time
import pandas as pd
from cs_demand_model import DemandModellingDataContainer, PopulationStats, fs_datastore
from cs_demand_model.config import Config
t0 = time.perf_counter()  # imports apart, as for selfeval
config = Config()
dc = DemandModellingDataContainer(fs_datastore(sys.argv[1]), config)
stock = PopulationStats(dc.enriched_view, config).stock
seconds = time.perf_counter() - t0
dates = json.loads(sys.argv[2])
# The daily stock runs to the last start or end; after it the stock stands still.
at = stock.reindex(pd.to_datetime(dates), method="ffill").fillna(0)
out = {}
for d, row in zip(dates, at.itertuples(index=False)):
    for (band, cat), n in zip(at.columns, row):
        if n:
            out[f"{d}|{band}|{cat}"] = int(n)
print(json.dumps({"seconds": seconds, "stock": out}))
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


def ours(folder: Path, dates: list[date]) -> tuple[float, dict]:
    ssda903.read_csv(folder / str(YEARS.start) / "header.csv")  # load lazy modules, untimed
    t0 = time.perf_counter()
    eps, heads = [], []
    for year in YEARS:
        for name in ("episodes.csv", "header.csv"):
            table_name, t = ssda903.read_csv(folder / str(year) / name, return_year=year)
            t = t.set_column(
                t.schema.get_field_index("return_year"),
                "return_year",
                pa.array([year] * t.num_rows, pa.int32()),
            )
            (eps if table_name == "ssda903_episodes" else heads).append(t)
    stock = cla_stock(pa.concat_tables(eps), pa.concat_tables(heads), dates)
    seconds = time.perf_counter() - t0
    return seconds, {f"{d}|{b}|{c}": n for (d, b, c), n in stock.items()}


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        cfg = AuthorityConfig(children=CHILDREN, years=YEARS, seed=7)
        synthesise(Path(tmp), cfg, returns=("903",))
        folder = Path(tmp) / "903"
        dates = month_ends(date(YEARS.start - 1, 4, 1), date(YEARS.stop - 1, 3, 31))
        py = demand_model_python()
        run = subprocess.run(
            [str(py), "-c", WORKER, str(folder), json.dumps([d.isoformat() for d in dates])],
            capture_output=True,
            text=True,
            check=True,
        )
        theirs = json.loads(run.stdout)
        seconds, mine = ours(folder, dates)
    same = mine == theirs["stock"]
    print(
        f"CLA stock by age band x placement, {CHILDREN:,} children, {len(YEARS)} years, "
        f"{len(dates)} month-ends: {sum(theirs['stock'].values()):,} child-days counted"
    )
    print(f"cs-demand-model PopulationStats: {theirs['seconds']:.2f} s")
    print(f"selfeval (read + DuckDB): {seconds:.2f} s")
    print(f"ratio: {theirs['seconds'] / seconds:.1f}x (goal >= 20x); identical counts: {same}")
    if not same:
        diff = {
            k for k in set(mine) | set(theirs["stock"]) if mine.get(k) != theirs["stock"].get(k)
        }
        print(
            f"differences: {len(diff)}, e.g. "
            + ", ".join(
                f"{k}: ours {mine.get(k)} theirs {theirs['stock'].get(k)}" for k in sorted(diff)[:5]
            )
        )
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
