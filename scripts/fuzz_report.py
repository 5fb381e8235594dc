"""Print the fuzz run's counts per reader (written by tests/test_fuzz.py).

Every generated input is counted once: read (accepted), refused with a clear error (an
``InputError`` naming its file, or another ``SelfevalError``), or unhandled (any other
exception, a bug: the run fails). Exits 1 if any input was unhandled.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

rows = json.loads(Path(sys.argv[1]).read_text())
head = f"{'reader':<16}{'inputs':>9}{'accepted':>10}{'refused':>9}{'unhandled':>11}{'seconds':>9}"
print(head)
print("-" * len(head))
for reader, r in rows.items():
    print(
        f"{reader:<16}{r['inputs']:>9,}{r['read']:>10,}{r['refused']:>9,}"
        f"{r.get('unhandled', 0):>11,}{r.get('seconds', 0):>9,.0f}"
    )
total = {k: sum(r.get(k, 0) for r in rows.values()) for k in ("inputs", "read", "refused")}
bad = sum(r.get("unhandled", 0) for r in rows.values())
secs = sum(r.get("seconds", 0) for r in rows.values())
print("-" * len(head))
print(
    f"{'all readers':<16}{total['inputs']:>9,}{total['read']:>10,}{total['refused']:>9,}"
    f"{bad:>11,}{secs:>9,.0f}"
)
print("no unhandled exception" if not bad else f"{bad} inputs raised an unhandled exception")
sys.exit(1 if bad else 0)
