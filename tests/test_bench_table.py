"""``make bench``'s table (benchmarks/run_all.py) shows every goal of issue #20, a goal that no
benchmark reached as not measured and not met."""

from __future__ import annotations

import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"


def test_a_goal_no_benchmark_reached_is_shown_not_met(monkeypatch):
    monkeypatch.syspath_prepend(str(BENCH))
    monkeypatch.delenv("SELFEVAL_BENCH_DEMAND_COPIES", raising=False)
    monkeypatch.delenv("SELFEVAL_BENCH_SPARK", raising=False)
    sys.modules.pop("run_all", None)
    import run_all

    rows = [
        {"bench": "demand_model", "figure": "CLA stock vs cs-demand-model, x1 (113 CLA)",
         "value": 21.0, "unit": "x", "goal": ">= 20", "met": True},
        {"bench": "england", "figure": "150 authorities, Spark local[2] vs DuckDB",
         "value": "identical", "unit": "", "goal": "identical", "met": True},
    ]  # fmt: skip
    shown = run_all.missing(rows, run_all.required({"demand_model", "england"}))
    assert [(r["bench"], r["figure"], r["value"], r["met"]) for r in shown] == [
        ("england", "Spark local[2] peak memory", "not measured", False),
        ("demand_model", "CLA stock vs cs-demand-model, x16", "not measured", False),
        ("demand_model", "CLA stock vs cs-demand-model, x735", "not measured", False),
    ]
    lines = run_all.table(rows + shown)
    assert [c.strip() for c in lines[-1].split("|")[3:6]] == ["not measured", ">= 20", "NO"]
