"""What every reader returns, and the checks every reader makes before it reads a byte."""

from __future__ import annotations

import csv
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from stat import S_ISREG
from typing import TYPE_CHECKING, Any, Protocol

import pyarrow as pa

from selfeval.errors import InputError, Location

if TYPE_CHECKING:
    from _csv import Reader as CsvReader

MAX_BYTES = 512 * 1024 * 1024
"""The largest return file any reader accepts (a large LA's CIN census is about 100 MB)."""


@dataclass(frozen=True)
class InputWarning:
    """Something a reader tolerated and read anyway (a renamed column, a date typed as text)."""

    location: Location
    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.message} [{self.rule}]"


class Breach(Protocol):
    """A rule breach a reader finds itself (the SSD's specification checks)."""

    @property
    def rule(self) -> str:
        """The rule's code (e.g. ``required``), by which breaches are counted."""
        ...

    def as_dict(self) -> dict[str, Any]: ...


class ReturnTables(dict[str, pa.Table]):
    """A return's tables by their name in the store, with what the reader made of the file."""

    def __init__(
        self,
        tables: dict[str, pa.Table] | None = None,
        *,
        kind: str,
        la_code: str | None,
        return_year: int | None,
        warnings: list[InputWarning] | None = None,
        problems: list[Breach] | None = None,
    ) -> None:
        super().__init__(tables or {})
        self.kind = kind
        self.la_code = la_code
        self.return_year = return_year
        self.warnings: list[InputWarning] = list(warnings or [])
        self.problems: list[Breach] = list(problems or [])

    @property
    def rows(self) -> int:
        return sum(t.num_rows for t in self.values())


def readable_size(path: Path) -> int:
    """The size of a file that exists, is a file and opens for reading; a missing, unreadable
    (no permission) or special file is refused, naming it, before any reader looks inside."""
    name = path.name
    try:
        st = path.stat()  # once: whether it is a file is in its mode (readers ask once a file)
        if S_ISREG(st.st_mode):
            with path.open("rb"):
                pass
    except OSError as e:
        raise InputError(Location(name), "unreadable", f"the file cannot be read ({e})") from None
    if not S_ISREG(st.st_mode):
        raise InputError(Location(name), "not-a-file", "it is not a file")
    return st.st_size


def check_file(path: Path, max_bytes: int = MAX_BYTES) -> None:
    """Refuse a missing, unreadable, empty or oversized file before reading it."""
    check_size_of(path.name, readable_size(path), max_bytes)


def check_size_of(name: str, size: int, max_bytes: int = MAX_BYTES) -> None:
    """Refuse a file of ``size`` bytes (``readable_size``) that is empty or oversized."""
    if size == 0:
        raise InputError(Location(name), "empty-file", "the file is empty")
    if size > max_bytes:
        raise InputError(
            Location(name),
            "file-too-large",
            f"the file is {size:,} bytes, over the limit of {max_bytes:,}",
        )


def la_code_of(value: str | None, where: Location) -> str:
    """A 3-digit DfE LA code, or a clear refusal."""
    v = (value or "").strip()
    if not (len(v) == 3 and v.isdigit()):
        raise InputError(where, "la-code", f"{v!r} is not a 3-digit local authority code")
    return v


def looks_like_xml(path: Path) -> bool:
    head = _head(path)
    return head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")


def looks_like_zip(path: Path) -> bool:
    return _head(path).startswith(b"PK\x03\x04") and zipfile.is_zipfile(path)


def looks_like_text(path: Path) -> bool:
    head = _head(path)
    return bool(head) and b"\x00" not in head and not head.startswith(b"PK\x03\x04")


def _head(path: Path, n: int = 4096) -> bytes:
    try:
        with path.open("rb") as f:
            return f.read(n)
    except OSError:
        return b""


def first_csv_row(path: Path) -> list[str]:
    """The first row of a CSV file (its header), or [] if it is not UTF-8 CSV text."""
    if not looks_like_text(path):
        return []
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            return next(csv.reader([f.readline(65536)]), [])
    except (OSError, UnicodeDecodeError, csv.Error):
        return []


def data_rows(reader: CsvReader, width: int, name: str) -> Iterator[tuple[int, list[str]]]:
    """The rows a ``csv.reader`` has left after the header, with their line numbers: blank rows
    are passed over, and a row whose field count is not the header's ``width`` is refused."""
    for row in reader:
        if not any(c.strip() for c in row):
            continue
        if len(row) != width:
            raise InputError(
                Location(name, reader.line_num),
                "column-count",
                f"the row has {len(row)} fields where the header has {width}",
            )
        yield reader.line_num, row
