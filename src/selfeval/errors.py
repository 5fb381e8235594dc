"""Errors that people see: each says what went wrong, and where, in one sentence."""

from __future__ import annotations

from dataclasses import dataclass


class SelfevalError(Exception):
    """An expected failure with a message fit for the user (no traceback shown)."""

    exit_code = 1


class UsageError(SelfevalError):
    """The command was called wrongly (exit code 2)."""

    exit_code = 2


@dataclass(frozen=True)
class Location:
    """Where in the input a problem is: file, sheet (of a workbook), row (1-based, header = 1),
    field."""

    file: str
    row: int | None = None
    field: str | None = None
    sheet: str | None = None

    def __str__(self) -> str:
        parts = [self.file]
        if self.sheet:
            parts.append(f"sheet {self.sheet}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.field:
            parts.append(f"field {self.field}")
        return ", ".join(parts)


class InputError(SelfevalError):
    """A file that cannot be read as what it claims to be. It is refused whole."""

    def __init__(self, location: Location, rule: str, message: str) -> None:
        self.location = location
        self.rule = rule
        self.message = message
        super().__init__(f"{location}: {message} [{rule}]")


class NoData(SelfevalError):
    """The data an operation needs is not in the store."""


class SchemaOutOfDate(SelfevalError):
    """The store's database is not at this selfeval's schema revision (``selfeval db upgrade``)."""
