"""Small template filters and tags for presentation only."""

from __future__ import annotations

from base64 import b64encode
from collections.abc import Iterable, Mapping

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

register = template.Library()


@register.filter
def total(values: Mapping[str, int] | Iterable[int]) -> int:
    """The sum of a mapping's values (rows per table of a load)."""
    return sum(values.values()) if isinstance(values, Mapping) else sum(values)


@register.simple_tag
def thead(*headers: str, numeric: str = "", hidden: str = "") -> SafeString:
    """A GOV.UK table's head, a column header for each of ``headers``: those named in
    ``numeric`` (names apart by ``|``) aligned as numbers, those in ``hidden`` for screen
    readers only (a column of links)."""
    right, unseen = set(numeric.split("|")), set(hidden.split("|"))
    cells = format_html_join(
        "\n",
        '    <th scope="col" class="govuk-table__header{}">{}</th>',
        (
            (
                " govuk-table__header--numeric" if h in right else "",
                format_html('<span class="govuk-visually-hidden">{}</span>', h)
                if h in unseen
                else h,
            )
            for h in headers
        ),
    )
    return format_html(
        '<thead class="govuk-table__head"><tr class="govuk-table__row">\n{}\n  </tr></thead>',
        cells,
    )


@register.filter(name="base64")
def as_base64(data: bytes) -> str:
    """Bytes as base64 text (an image inline in a ``data:`` URL)."""
    return b64encode(data).decode()
