"""Record ids and authority codes in URLs and forms, parsed once, strictly, in one place.

Python's ``int()`` accepts ``" 41"``, ``"+42"``, ``"4_3"`` and other scripts' digits; a check
that reads the text one way and a view that reads it another is how one authority's manager
once changed another's plan. Every id the web reads (URL parts through :class:`IdConverter`,
form fields through :class:`RecordIdField`, and the authority check) goes through
:func:`parse_id`: ASCII digits only, at most :data:`MAX_ID_DIGITS` of them (every database's
integer column holds them).
"""

from __future__ import annotations

import re
from typing import Any

from django import forms

MAX_ID_DIGITS = 9
"""Up to 999,999,999: below PostgreSQL's 32-bit ``integer`` and SQLite's limits."""

_ID = re.compile(rf"[0-9]{{1,{MAX_ID_DIGITS}}}")


def parse_id(value: object) -> int:
    """The record id that ``value`` is exactly (ASCII digits, bounded), or ValueError."""
    if not isinstance(value, str) or _ID.fullmatch(value) is None:
        raise ValueError(f"{str(value)[:20]!r} is not a record id")
    return int(value)


class IdConverter:
    """``<id:name>`` in the URL conf: a record id as :func:`parse_id` reads it."""

    regex = f"[0-9]{{1,{MAX_ID_DIGITS}}}"

    def to_python(self, value: str) -> int:
        return parse_id(value)

    def to_url(self, value: int | str) -> str:
        return str(parse_id(str(value)))


class RecordIdField(forms.Field):
    """A form field holding one record id, read by :func:`parse_id` (no stripping)."""

    default_error_messages = {"invalid": "This is not a record id"}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.HiddenInput)
        super().__init__(**kwargs)

    def to_python(self, value: object) -> int | None:
        if value in self.empty_values:
            return None
        try:
            return parse_id(value)
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
