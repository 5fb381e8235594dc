"""What a viewer (no child-level access) may see of a result: DfE's disclosure control,
whose rules live in ``selfeval.outputs.disclosure``."""

from __future__ import annotations

from selfeval.indicators import Result
from selfeval.outputs.disclosure import SUPPRESSED, discloses, is_small

__all__ = ["SUPPRESSED", "is_small", "needs_control", "suppressed"]


def suppressed(r: Result) -> bool:
    """Whether a result would let someone without child-level access identify children."""
    return discloses(r)


def needs_control(user: object) -> bool:
    """Viewers see aggregates only, under disclosure control."""
    from selfeval.web.roles import CHILD_LEVEL

    return getattr(user, "role", None) not in CHILD_LEVEL
