"""Run every benchmark under benchmarks/ and print one table of their figures."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def machine() -> str:
    mem = ""
    try:
        pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        mem = f", {pages / 2**30:.0f} GiB"
    except (ValueError, OSError):
        pass
    cpu = platform.processor() or platform.machine()
    return f"{cpu}, {os.cpu_count()} cores{mem}, Python {platform.python_version()}"


def main() -> int:
    print(f"# selfeval benchmarks on {machine()}")
    failed = 0
    for bench in sorted(HERE.glob("bench_*.py")):
        print(f"\n## {bench.stem}", flush=True)
        r = subprocess.run([sys.executable, str(bench)], check=False)
        failed += r.returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
