"""What a viewer (no child-level access) may see of a result: DfE's disclosure control.

The rules are the reports engineer's ``selfeval.outputs.disclosure``; until that module is on
main this adapter applies its primary rule (a count of 1 to 5 children is shown as ``c``, and
so is any value made from one) and nothing else.
"""

from __future__ import annotations

from selfeval.indicators import Result

try:  # pragma: no cover - which branch runs depends on what is on main
    from selfeval.outputs.disclosure import SUPPRESSED, is_small
except ImportError:  # pragma: no cover
    SUPPRESSED = "c"

    def is_small(n: float | None) -> bool:
        return n is not None and 1 <= n <= 5


def suppressed(r: Result) -> bool:
    """Whether a result would let someone without child-level access identify children."""
    return is_small(r.numerator) or is_small(r.denominator)


def needs_control(user) -> bool:  # type: ignore[no-untyped-def]
    """Viewers see aggregates only, under disclosure control."""
    from selfeval.web.roles import CHILD_LEVEL

    return getattr(user, "role", None) not in CHILD_LEVEL
