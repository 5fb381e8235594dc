"""Run every benchmark under benchmarks/ and print one table of their figures.

Each ``bench_*.py`` runs in its own process; its own lines are shown as they come, and its
``FIGURE`` lines (``figures.py``) are gathered into one table, printed at the end with the
machine's description and how many goals are met (every goal of issue #20 is shown: one that
a failed benchmark did not reach as "not measured"), and written beside as Markdown and JSON
($SELFEVAL_BENCH_OUT, default ``benchmarks/out/``: bench.md, bench.json).
SELFEVAL_BENCH_ONLY=ingest,web runs only those.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

from figures import PREFIX

HERE = Path(__file__).resolve().parent


def machine() -> dict[str, str]:
    """CPU, cores, memory, Python and the load average now (the machine may be shared)."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        mem = f"{os.sysconf('SC_PHYS_PAGES') * os.sysconf('SC_PAGE_SIZE') / 2**30:.0f} GiB"
    except (ValueError, OSError):
        mem = "?"
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "memory": mem,
        "python": platform.python_version(),
        "os": f"{platform.system()} {platform.release()}",
        "load average at start (1, 5, 15 min)": load,
        "started": time.strftime("%Y-%m-%d %H:%M:%S"),
    }


def run(bench: Path) -> tuple[list[dict], int, float]:
    """Run one benchmark, echoing its lines; its figures, exit status and seconds."""
    t0 = time.perf_counter()
    figures = []
    with subprocess.Popen(
        [sys.executable, str(bench)],
        stdout=subprocess.PIPE,
        text=True,
        bufsize=1,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    ) as p:
        assert p.stdout is not None
        for line in p.stdout:
            if line.startswith(PREFIX):
                figures.append(json.loads(line[len(PREFIX) :]))
            else:
                print(line, end="", flush=True)
    return figures, p.returncode, time.perf_counter() - t0


def _value(f: dict) -> str:
    v = f["value"]
    if isinstance(v, float):
        v = f"{v:,.3g}" if abs(v) < 100 else f"{v:,.0f}"
    elif isinstance(v, int):
        v = f"{v:,}"
    return f"{v} {f['unit']}".strip()


def table(rows: list[dict]) -> list[str]:
    """The figures as a Markdown table (also readable as plain text)."""
    cells = [("bench", "figure", "value", "goal", "met")] + [
        (
            r["bench"],
            r["figure"],
            _value(r),
            r.get("goal") or "",
            {True: "yes", False: "NO", None: ""}[r.get("met")],
        )
        for r in rows
    ]
    widths = [max(len(c[i]) for c in cells) for i in range(5)]
    lines = ["| " + " | ".join(c.ljust(w) for c, w in zip(cells[0], widths, strict=True)) + " |"]
    lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    lines += [
        "| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |"
        for r in cells[1:]
    ]
    return lines


def required(only: set[str]) -> list[tuple[str, str, str]]:
    """The goals issues #20 and #18 ask ``make bench`` to show, as (bench, words in the
    figure's name, goal), for the benchmarks this run includes: a goal whose figure a benchmark
    did not print (it failed before) is shown as not measured, so that no goal drops out."""
    goals = [
        ("england", "Spark local[2] vs DuckDB", "identical"),
        ("england", "Spark local[2] peak memory", "< 24"),
        ("web", "p95, 20 users, 0 s pauses", "< 300"),
        ("web", "max, 20 users, 0 s pauses", "< 2000"),
        ("web", "errors, 20 users, 0 s pauses", "0"),
        ("suite", "make test's pytest", "< 360"),
    ]
    if os.environ.get("SELFEVAL_BENCH_SPARK", "1") != "1":
        goals = [g for g in goals if "Spark" not in g[1]]
    copies = os.environ.get("SELFEVAL_BENCH_DEMAND_COPIES", "1,16,735").split(",")
    goals += [
        ("demand_model", f"CLA stock vs cs-demand-model, x{c.strip()} ", ">= 20") for c in copies
    ]
    return [g for g in goals if not only or g[0] in only]


def missing(rows: list[dict], goals: list[tuple[str, str, str]]) -> list[dict]:
    """A row marked not met for each goal no figure answers."""
    return [
        {"bench": b, "figure": words.strip(), "value": "not measured", "unit": "", "goal": goal,
         "met": False}
        for b, words, goal in goals
        if not any(r["bench"] == b and words in r["figure"] for r in rows)
    ]  # fmt: skip


def main() -> int:
    about = machine()
    print("# selfeval benchmarks on " + "; ".join(f"{k}: {v}" for k, v in about.items()))
    only = {s.strip() for s in os.environ.get("SELFEVAL_BENCH_ONLY", "").split(",") if s.strip()}
    rows: list[dict] = []
    failed = []
    for bench in sorted(HERE.glob("bench_*.py")):
        name = bench.stem.removeprefix("bench_")
        if only and name not in only:
            continue
        print(f"\n## {name}", flush=True)
        figures, rc, seconds = run(bench)
        rows += figures
        rows.append(
            {
                "bench": name,
                "figure": "benchmark run time" + ("" if rc == 0 else f" (FAILED, exit {rc})"),
                "value": round(seconds, 1),
                "unit": "s",
                "goal": None,
                "met": None if rc == 0 else False,
            }
        )
        if rc:
            failed.append(name)
    rows += missing(rows, required(only))
    goals = [r for r in rows if r.get("met") is not None]
    unmet = [f"{r['bench']}: {r['figure']}" for r in goals if not r["met"]]
    lines = [
        "# selfeval benchmarks",
        "",
        *(f"- {k}: {v}" for k, v in about.items()),
        "",
        *table(rows),
        "",
        f"Goals met: {len(goals) - len(unmet)} of {len(goals)}"
        + (f"; not met: {'; '.join(unmet)}" if unmet else ""),
        "Every benchmark ran to the end: " + ("yes" if not failed else f"NO ({', '.join(failed)})"),
    ]
    print("\n" + "\n".join(lines))
    out = Path(os.environ.get("SELFEVAL_BENCH_OUT", HERE / "out"))
    out.mkdir(parents=True, exist_ok=True)
    (out / "bench.md").write_text("\n".join(lines) + "\n")
    (out / "bench.json").write_text(json.dumps({"machine": about, "figures": rows}, indent=2))
    print(f"\nwritten: {out / 'bench.md'}, {out / 'bench.json'}")
    if failed:
        print(f"failed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
