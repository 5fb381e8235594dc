"""Ofsted's ILACS inspections: each authority's history and when and how it is next inspected."""

from selfeval.inspections.outcomes import (
    Inspection,
    read_la_lookup,
    read_outcomes,
    read_successors,
)
from selfeval.inspections.planner import (
    Accuracy,
    Expectation,
    accuracy,
    expected_next,
    next_for_all,
)

__all__ = [
    "Accuracy",
    "Expectation",
    "Inspection",
    "accuracy",
    "expected_next",
    "next_for_all",
    "read_la_lookup",
    "read_outcomes",
    "read_successors",
]
