"""All indicators at 31 March for every authority of a synthetic England (150 authorities, five
return years, 13.1 million rows): DuckDB time and peak memory (goal under 60 s and 4 GB on 2
cores), and Spark in local mode on the same tables (goal: within the machine's 24 GB, JVM and
Python together), with a check that both give the same figures; CPU times beside wall times,
as the machine may be shared.

Building 150 child-level authorities from scratch takes long, so the benchmark builds a few
distinct synthetic authorities through the real pipeline (synth, ingest, merge) and gives each
of the 150 authority codes one of them, with its children's ids made distinct: the volume and
shape of the data are England's (about 150 x 5,000 children), which is what the engines see.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from figures import figure

AUTHORITIES = int(os.environ.get("SELFEVAL_BENCH_AUTHORITIES", "150"))
DISTINCT = 3
CHILDREN = int(os.environ.get("SELFEVAL_BENCH_CHILDREN", "5000"))
YEARS = range(2016, 2021)
AT = "2020-03-31"
ID_COLUMNS = ("CHILD", "LAchildID", "MOTHER")

CHILD = r"""
import json, os, resource, sys, time
from datetime import date
from pathlib import Path
import pyarrow.parquet as pq
engine, folder = sys.argv[1], Path(sys.argv[2])
from selfeval.indicators import Sources, compute
from selfeval.indicators.backends import backend
t0 = time.perf_counter()
tables = {p.stem: pq.read_table(p) for p in sorted(folder.glob("*.parquet"))}
src = Sources(tables, backend=None if engine == "duckdb" else backend(engine))
t1 = time.perf_counter()
c1 = time.process_time()
res = compute(src, [date.fromisoformat(sys.argv[3])])
t2 = time.perf_counter()
cpu = time.process_time() - c1
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
jvm_cpu, jvm_peak = 0.0, 0
if engine == "spark":  # local mode: the JVM does the work, in its own process
    from pyspark import SparkContext
    pid = SparkContext._gateway.proc.pid
    stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    jvm_cpu = sum(int(x) for x in stat[11:15]) / os.sysconf("SC_CLK_TCK")
    status = Path(f"/proc/{pid}/status").read_text().splitlines()
    jvm_peak = next(int(x.split()[1]) * 1024 for x in status if x.startswith("VmHWM"))
vals = {f"{r.id}|{r.la_code}": r.value for r in res}
print(json.dumps({"load": t1 - t0, "compute": t2 - t1, "cpu": cpu, "peak": peak,
                  "jvm_cpu": jvm_cpu, "jvm_peak": jvm_peak, "results": len(res),
                  "values": vals}))
"""


def build(tmp: Path) -> dict[str, list[pa.Table]]:
    """A few distinct authorities through synth, ingest and the store's merge."""
    from selfeval.demo import ingest_synthetic
    from selfeval.store import Store
    from selfeval.synth import AuthorityConfig, synthesise

    parts: dict[str, list[pa.Table]] = {}
    for i in range(DISTINCT):
        out = tmp / f"la{i}"
        synthesise(out, AuthorityConfig(children=CHILDREN, years=YEARS, seed=100 + i))
        store = Store(f"sqlite:///{out / 'selfeval.db'}")
        ingest_synthetic(store, out, YEARS, "999", validate_ssd=False)
        for name in store.table_names():
            t = store.table(name)
            if t is not None:
                parts.setdefault(name, []).append(t.drop_columns(["load_id"]))
        store.engine.dispose()
    return parts


def england(parts: dict[str, list[pa.Table]], folder: Path) -> int:
    """150 authorities: authority k gets distinct authority k % DISTINCT, relabelled."""
    rows = 0
    codes = [f"{800 + k:03d}" for k in range(AUTHORITIES)]
    for name, tables in parts.items():
        out = []
        for k, code in enumerate(codes):
            t = tables[k % len(tables)]
            t = t.set_column(
                t.schema.get_field_index("la_code"),
                "la_code",
                pa.array([code] * t.num_rows, pa.string()),
            )
            for col in t.column_names:
                if col in ID_COLUMNS or col.endswith("_person_id"):
                    i = t.schema.get_field_index(col)
                    t = t.set_column(
                        i,
                        col,
                        pc.binary_join_element_wise(
                            pa.scalar(code), t.column(col).cast(pa.string()), "-"
                        ),
                    )
            out.append(t)
        table = pa.concat_tables(out, promote_options="default")
        rows += table.num_rows
        pq.write_table(table, folder / f"{name}.parquet")
    pop = pa.table(
        {
            "la_code": codes * len(YEARS),
            "year": [y for y in YEARS for _ in codes],
            "population": [60_000] * (len(codes) * len(YEARS)),
        }
    )
    pq.write_table(pop, folder / "population.parquet")
    return rows


def run(engine: str, folder: Path) -> dict:
    r = subprocess.run(
        [sys.executable, "-c", CHILD, engine, str(folder), AT],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(r.stdout.strip().splitlines()[-1])


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="selfeval-bench-england-") as tmp:
        t0 = time.perf_counter()
        parts = build(Path(tmp))
        folder = Path(tmp) / "england"
        folder.mkdir()
        rows = england(parts, folder)
        print(
            f"synthetic England: {AUTHORITIES} authorities x {len(YEARS)} years, "
            f"{rows:,} rows in {len(parts)} tables (built in {time.perf_counter() - t0:.0f} s)"
        )
        duck = run("duckdb", folder)
        print(
            f"DuckDB: all indicators at {AT} for every authority: {duck['compute']:.1f} s "
            f"(CPU {duck['cpu']:.1f} s; + {duck['load']:.1f} s loading), peak memory "
            f"{duck['peak'] / 2**30:.2f} GB, {duck['results']:,} figures (goal < 60 s and 4 GB)"
        )
        what = f"{AUTHORITIES} authorities, all indicators"
        figure("england", f"{what}, DuckDB", duck["compute"], "s", "< 60", duck["compute"] < 60)
        gb = duck["peak"] / 2**30
        figure("england", f"{what}, DuckDB peak memory", gb, "GB", "< 4", gb < 4)
        if os.environ.get("SELFEVAL_BENCH_SPARK", "1") == "1":
            try:
                spark = run("spark", folder)
            except subprocess.CalledProcessError as e:
                print(f"Spark local: failed ({e.stderr.strip().splitlines()[-1:]})")
                return 1
            same = spark["values"] == duck["values"]
            memory = (spark["peak"] + spark["jvm_peak"]) / 2**30
            print(
                f"Spark local[2]: {spark['compute']:.1f} s (+ {spark['load']:.1f} s loading "
                f"and session start), CPU {spark['jvm_cpu']:.0f} s in the JVM + "
                f"{spark['cpu']:.1f} s in Python; peak memory {spark['jvm_peak'] / 2**30:.2f} GB "
                f"JVM + {spark['peak'] / 2**30:.2f} GB Python; identical figures: {same}"
            )
            verdict = "identical" if same else "differ"
            figure("england", f"{what}, Spark local[2] vs DuckDB", verdict, "", "identical", same)
            figure("england", f"{what}, Spark local[2]", spark["compute"], "s", None, None)
            figure(
                "england", f"{what}, Spark local[2] peak memory", memory, "GB", "< 24", memory < 24
            )
            return 0 if same else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
