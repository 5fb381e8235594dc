"""Time and peak memory to synthesise 10,000 children over 5 years, and a 150-authority England.

Each case runs in its own process so that its peak resident memory is its own.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from figures import figure

CASES = {
    "one authority, 10,000 children, 2020-2024, every return": (
        "from selfeval.synth import AuthorityConfig, synthesise\n"
        "a, p = synthesise(OUT, AuthorityConfig(children=10_000, years=range(2020, 2025)))\n"
        "print(len(a.children), 'children,', len(p), 'files')"
    ),
    "England, 150 authorities, 2019-2020, 2 child-level": (
        "from selfeval.synth.england import write_england\n"
        "p = write_england(OUT, n=150, years=range(2019, 2021), full=2)\n"
        "print(len(p), 'files')"
    ),
}


def run(code: str, out: Path) -> tuple[float, float, str]:
    prog = (
        "import resource, sys, time\nfrom pathlib import Path\n"
        f"OUT = Path({str(out)!r})\nt = time.perf_counter()\n{code}\n"
        "print('elapsed', time.perf_counter() - t)\n"
        "print('maxrss', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
    )
    r = subprocess.run([sys.executable, "-c", prog], capture_output=True, text=True, check=True)
    lines = r.stdout.strip().splitlines()
    elapsed = float(lines[-2].split()[1])
    peak_mib = int(lines[-1].split()[1]) / 1024  # ru_maxrss is in KiB on Linux
    return elapsed, peak_mib, " ".join(lines[:-2])


def main() -> int:
    for label, code in CASES.items():
        with tempfile.TemporaryDirectory() as tmp:
            elapsed, peak, what = run(code, Path(tmp))
        print(f"synth, {label}: {elapsed:.1f} s, peak memory {peak:.0f} MiB ({what})")
        figure("synth", label, elapsed, "s")
        figure("synth", f"{label}: peak memory", peak, "MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
