"""How long importing DfE's published files takes, re-importing them, and one comparison."""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from figures import figure

from selfeval.benchmarks import import_dir, published_comparisons
from selfeval.store import Store

EES = Path(__file__).resolve().parents[2] / "shared/data/ees"


def main() -> int:
    if not EES.exists():
        print(f"skipped: {EES} not found")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(f"sqlite:///{Path(tmp) / 'selfeval.db'}")
        size = sum(p.stat().st_size for p in EES.rglob("*.csv")) / 1e6
        t0 = time.perf_counter()
        summary = import_dir(store, EES)
        t1 = time.perf_counter()
        import_dir(store, EES)
        t2 = time.perf_counter()
        rows = published_comparisons(store, "336", 2020)
        t3 = time.perf_counter()
        values = sum(n for *_, n in summary.files)
        print(
            f"benchmarks import: {len(summary.files)} EES files, {size:.1f} MB, "
            f"{values:,} values in {t1 - t0:.2f} s ({values / (t1 - t0):,.0f} values/s)"
        )
        print(f"benchmarks re-import (unchanged files): {t2 - t1:.2f} s")
        print(f"benchmarks show: {len(rows)} indicators for one authority in {t3 - t2:.2f} s")
        figure("benchmarks_import", f"import {len(summary.files)} EES files", t1 - t0, "s")
        figure("benchmarks_import", "re-import, unchanged files", t2 - t1, "s")
        figure("benchmarks_import", "comparisons for one authority", t3 - t2, "s")
        store.engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
