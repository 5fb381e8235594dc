"""A password rule beside Django's: enough different characters, not one or two repeated."""

from __future__ import annotations

from collections import Counter

from django.core.exceptions import ValidationError


class VarietyValidator:
    """Refuse a password of few distinct characters (``aaaaaaaaaaaa``, ``abababababab``) or
    one that is mostly a single character: Django's length and common-password rules let
    twelve identical characters through."""

    def __init__(self, min_distinct: int = 6, max_share: float = 0.5) -> None:
        self.min_distinct = min_distinct
        self.max_share = max_share

    def validate(self, password: str, user: object = None) -> None:
        counts = Counter(password)
        if len(counts) < self.min_distinct:
            raise ValidationError(
                f"This password uses fewer than {self.min_distinct} different characters.",
                code="password_too_uniform",
            )
        if password and counts.most_common(1)[0][1] > self.max_share * len(password):
            raise ValidationError(
                "This password is mostly one character repeated.",
                code="password_too_uniform",
            )

    def get_help_text(self) -> str:
        return (
            f"Your password must use at least {self.min_distinct} different characters, "
            "and not be mostly one character."
        )
