"""What a viewer (no child-level access) may see of a result: DfE's disclosure control,
whose rules live in ``selfeval.outputs.disclosure``."""

from __future__ import annotations

from selfeval.indicators import Result, catalogue
from selfeval.outputs.disclosure import SUPPRESSED, is_small, withhold_figure

__all__ = ["SUPPRESSED", "is_small", "needs_control", "suppressed"]


def suppressed(r: Result) -> bool:
    """Whether a result would let someone without child-level access identify children: the
    documents' rule (``withhold_figure``), so that a figure about staff or plan actions, which
    identifies no child, is shown to a viewer as it is in the public SEF."""
    area = catalogue()[r.id].area if r.id in catalogue() else ""
    return withhold_figure("public", r.unit, r.value, r.numerator, r.denominator, area=area)


def needs_control(user: object) -> bool:
    """Viewers see aggregates only, under disclosure control."""
    from selfeval.web.roles import CHILD_LEVEL

    return getattr(user, "role", None) not in CHILD_LEVEL
