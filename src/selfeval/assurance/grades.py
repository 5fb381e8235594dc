"""Ofsted's four-point scale, and the domains an audit grades (configurable per authority)."""

from __future__ import annotations

import re
from enum import IntEnum


class Grade(IntEnum):
    """A grade on Ofsted's four-point scale; the number is Ofsted's (1 best, 4 worst)."""

    OUTSTANDING = 1
    GOOD = 2
    REQUIRES_IMPROVEMENT = 3
    INADEQUATE = 4

    @property
    def label(self) -> str:
        return LABELS[self]

    @property
    def good_or_better(self) -> bool:
        return self <= Grade.GOOD

    @classmethod
    def parse(cls, text: object) -> Grade:
        """The grade named by ``text`` (case and spacing ignored); ValueError if off the scale."""
        key = re.sub(r"\s+", " ", str(text).strip().lower())
        try:
            return _BY_TEXT[key]
        except KeyError:
            raise ValueError(
                f"{text!r} is not on Ofsted's four-point scale ({', '.join(LABELS.values())})"
            ) from None


LABELS: dict[Grade, str] = {
    Grade.OUTSTANDING: "Outstanding",
    Grade.GOOD: "Good",
    Grade.REQUIRES_IMPROVEMENT: "Requires improvement to be good",
    Grade.INADEQUATE: "Inadequate",
}
_BY_TEXT: dict[str, Grade] = {v.lower(): g for g, v in LABELS.items()}
_BY_TEXT["requires improvement"] = Grade.REQUIRES_IMPROVEMENT

DEFAULT_DOMAINS: tuple[str, ...] = (
    "Assessment",
    "Planning",
    "Voice of the child",
    "Management oversight",
    "Impact",
)
"""The domains most authorities grade; an authority sets its own with ``set_domains``."""
