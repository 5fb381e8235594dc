"""How long ``make test``'s pytest takes on this machine (issue 18: under 6 minutes on two cores).

The suite runs as ``make test`` runs it (``pytest -n $TEST_WORKERS --dist loadfile
--no-loadscope-reorder``, two workers by default) with what a fresh CI machine lacks: the
indicators' compiled SQL and the postcode centroids are not in its cache folder (a new
``$SELFEVAL_CACHE`` beside which DfE's validators' environment and the downloaded test data are
linked, as building those is set-up, not the suite). Printed: the wall time, the CPU the test
processes used, the load average before and after (a shared machine's time moves with it), the
tests passed and failed, and the files that took longest (from pytest's JUnit XML).
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

from figures import figure

ROOT = Path(__file__).resolve().parents[1]
GOAL_SECONDS = 360
FRESH = {"indicator-sql", "postcodes"}
"""The cache's folders a fresh machine does not have and the suite builds as it goes."""


def _cache_without_built_files(into: Path) -> Path:
    """A cache folder holding links to everything of the usual one but ``FRESH``."""
    usual = Path(os.environ.get("SELFEVAL_CACHE") or Path.home() / ".cache" / "selfeval")
    into.mkdir()
    if usual.is_dir():
        for entry in usual.iterdir():
            if entry.name not in FRESH:
                (into / entry.name).symlink_to(entry)
    return into


def _file_seconds(junit: Path) -> Counter[str]:
    """Seconds of test time per test file."""
    per_file: Counter[str] = Counter()
    for case in ET.parse(junit).iter("testcase"):
        parts = (case.get("classname") or "?").split(".")  # tests.test_x[.TestClass]
        module = next((p for p in parts if p.startswith("test_")), parts[-1])
        per_file[f"{module}.py"] += float(case.get("time") or 0)
    return per_file


def main() -> int:
    workers = os.environ.get("TEST_WORKERS", "2")
    with tempfile.TemporaryDirectory(prefix="selfeval-bench-suite-") as tmp:
        junit = Path(tmp) / "junit.xml"
        env = {
            **os.environ,
            "SELFEVAL_CACHE": str(_cache_without_built_files(Path(tmp) / "cache")),
        }
        load_before = os.getloadavg()[0]
        used_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-m", "pytest", "-n", workers, "--dist", "loadfile",
             "--no-loadscope-reorder", "-q", "-p", "no:cacheprovider", f"--junitxml={junit}"],
            cwd=ROOT, env=env, capture_output=True, text=True, check=False,
        )  # fmt: skip
        wall = time.perf_counter() - t0
        used = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (used.ru_utime - used_before.ru_utime) + (used.ru_stime - used_before.ru_stime)
        load_after = os.getloadavg()[0]
        if not junit.exists():
            print(proc.stdout[-3000:] + proc.stderr[-3000:])
            return 1
        root = ET.parse(junit).getroot()
        suite = root if root.tag == "testsuite" else root.find("testsuite")
        assert suite is not None
        tests, failures, errors, skipped = (
            int(suite.get(k) or 0) for k in ("tests", "failures", "errors", "skipped")
        )
        per_file = _file_seconds(junit)
    passed = tests - failures - errors - skipped
    print(proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else "(no summary line)")
    print(
        f"suite: {wall:.0f} s wall on {workers} workers, {cpu:.0f} s of CPU in its processes, "
        f"load average {load_before:.1f} before and {load_after:.1f} after "
        f"({os.cpu_count()} cores); {passed} passed, {failures + errors} failed, "
        f"{skipped} skipped"
    )
    print(f"suite: {sum(per_file.values()):.0f} s of test time; the longest files:")
    for name, seconds in per_file.most_common(8):
        print(f"  {seconds:6.1f} s  {name}")
    met = wall < GOAL_SECONDS
    figure("suite", f"make test's pytest, {workers} workers", wall, "s", f"< {GOAL_SECONDS}", met)
    figure("suite", "CPU of the test processes", cpu, "s")
    figure("suite", "load average at the start", load_before, "")
    figure("suite", "tests failed", failures + errors, "", "0", failures + errors == 0)
    return 0 if proc.returncode == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
