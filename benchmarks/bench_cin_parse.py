"""CIN census parsing: selfeval's streaming reader against cin_validator's convert_data.

Both parse the same file in the same run: one year's census from ``selfeval.synth`` (the
synthetic authority's own CIN writer) holding exactly 10,000 children. The tables must be
equal cell for cell; where the file holds what the two readers treat differently by design
(a plan's later review dates, which ``convert_data`` does not keep: decision 0011), the
comparison says so and how it was made. Prints wall and CPU seconds for each and the ratio
(goal >= 30x). ``--children N`` for a smaller run; ``--keep PATH`` keeps the file.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from figures import figure

from selfeval.returns import cin_census
from selfeval.synth.cin_census import write_cin_census
from selfeval.validation import cin_table_differences, convert_data


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--children", type=int, default=10_000)
    ap.add_argument("--keep", type=Path, help="also keep the census file here")
    args = ap.parse_args()
    n = args.children
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        path = write_cin_census(args.keep or Path(tmp) / "cin.xml", n, year=2024, seed=2024)
        made = time.perf_counter() - t0
        size = path.stat().st_size / 2**20
        print(
            f"CIN census from selfeval.synth, {n:,} children, {size:.1f} MiB (made in {made:.0f} s)"
        )
        best_wall = best_cpu = float("inf")
        for _ in range(3):
            wall, cpu = time.perf_counter(), time.process_time()
            ours = cin_census.read(path)
            best_wall = min(best_wall, time.perf_counter() - wall)
            best_cpu = min(best_cpu, time.process_time() - cpu)
        print(f"  selfeval cin_census.read:     {best_wall:8.2f} s wall {best_cpu:8.2f} s CPU "
              f"({ours.rows:,} rows in {len(ours)} tables)", flush=True)  # fmt: skip
        theirs = convert_data(path)
        differences = cin_table_differences(ours, theirs)
    print(
        f"  cin_validator convert_data:   {theirs['seconds']:8.2f} s wall "
        f"{theirs['cpu_seconds']:8.2f} s CPU"
    )
    print(
        f"  ratio: {theirs['seconds'] / best_wall:.0f}x wall, "
        f"{theirs['cpu_seconds'] / best_cpu:.0f}x CPU (goal >= 30x)"
    )
    print(f"  tables equal: {'yes' if not differences else 'NO: ' + '; '.join(differences[:3])}")
    ratio = theirs["seconds"] / best_wall
    met = ratio >= 30 and not differences
    figure("cin_parse", f"CIN XML vs cin_validator, {n:,} children", ratio, "x", ">= 30", met)
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
