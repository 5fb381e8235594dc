"""Print the fuzz run's counts per reader (written by tests/test_fuzz.py)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

rows = json.loads(Path(sys.argv[1]).read_text())
print(f"{'reader':<18}{'inputs':>10}{'read':>10}{'refused':>10}")
for reader, r in rows.items():
    print(f"{reader:<18}{r['inputs']:>10,}{r['read']:>10,}{r['refused']:>10,}")
total = sum(r["inputs"] for r in rows.values())
print(f"{'all readers':<18}{total:>10,}  (no unhandled exception: every input read or refused)")
