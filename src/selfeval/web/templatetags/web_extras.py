"""Small template filters for presentation only."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django import template

register = template.Library()


@register.filter
def total(values: Mapping[str, int] | Iterable[int]) -> int:
    """The sum of a mapping's values (rows per table of a load)."""
    return sum(values.values()) if isinstance(values, Mapping) else sum(values)
