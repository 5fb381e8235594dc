"""How often the ILACS planner's rules predicted the real second inspections (window and type)."""

from __future__ import annotations

import sys
import time
from datetime import date
from pathlib import Path

from figures import figure

from selfeval.inspections import accuracy, read_outcomes

OUTCOMES = (
    Path(__file__).resolve().parents[2]
    / "shared/data/ofsted/LA_Inspection_Outcomes_as_at_31_March_2025.ods"
)


def main() -> int:
    if not OUTCOMES.exists():
        print(f"skipped: {OUTCOMES} not found")
        return 0
    t0 = time.perf_counter()
    ins = read_outcomes(OUTCOMES)
    for label, since in [("all pairs", None), ("first from 2021-04-01", date(2021, 4, 1))]:
        t = accuracy(ins, since).overall
        print(
            f"inspections planner, {label}: {t.pairs} pairs; in window {t.in_window} "
            f"({100 * t.in_window / t.pairs:.0f}%), type right {t.type_right} "
            f"({100 * t.type_right / t.pairs:.0f}%), both {t.both} ({100 * t.both / t.pairs:.0f}%)"
        )
        figure(
            "inspections", f"planner right (window and type), {label}", 100 * t.both / t.pairs, "%"
        )
    print(f"inspections planner: read and scored in {time.perf_counter() - t0:.2f} s")
    figure("inspections", "read and scored", time.perf_counter() - t0, "s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
