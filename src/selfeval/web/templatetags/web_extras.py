"""Small template filters for presentation only."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def total(values) -> int:  # type: ignore[no-untyped-def]
    """The sum of a mapping's values (rows per table of a load)."""
    return sum(values.values()) if hasattr(values, "values") else sum(values)
