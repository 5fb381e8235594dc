"""SSDA903 (children looked after) CSV tables, identified by their exact header rows."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pyarrow as pa

from selfeval.errors import InputError, Location
from selfeval.returns.tables import typed_table
from selfeval.schema import SSDA903, TableSpec

MAX_BYTES = 512 * 1024 * 1024

_BY_HEADER: dict[tuple[str, ...], TableSpec] = {s.fields: s for s in SSDA903.values()}


def identify(header: list[str]) -> TableSpec | None:
    """The 903 table whose header row this is exactly (as DfE's validator identifies them)."""
    return _BY_HEADER.get(tuple(h.strip() for h in header))


def read_csv(path: Path, *, la_code: str, return_year: int) -> tuple[str, pa.Table]:
    """One 903 CSV file as (table name, typed table); refused whole if it does not read."""
    name = path.name
    size = path.stat().st_size
    if size == 0:
        raise InputError(Location(name), "empty-file", "the file is empty")
    if size > MAX_BYTES:
        raise InputError(Location(name), "file-too-large", f"the file is over {MAX_BYTES} bytes")
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise InputError(Location(name), "encoding", f"the file is not UTF-8 text ({e})") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise InputError(Location(name, 1), "header", "the file has no header row") from None
    except csv.Error as e:
        raise InputError(Location(name, 1), "csv", f"not a CSV file ({e})") from None
    spec = identify(header)
    if spec is None:
        raise InputError(
            Location(name, 1),
            "header",
            "the header row is not that of any SSDA903 table "
            f"(it reads {','.join(header)[:120]!r})",
        )
    rows, numbers = [], []
    try:
        for row in reader:
            if not any(c.strip() for c in row):
                continue
            if len(row) != len(spec.fields):
                raise InputError(
                    Location(name, reader.line_num),
                    "column-count",
                    f"the row has {len(row)} fields where the header has {len(spec.fields)}",
                )
            rows.append(row)
            numbers.append(reader.line_num)
    except csv.Error as e:
        raise InputError(Location(name, reader.line_num), "csv", f"malformed CSV ({e})") from None
    return spec.name, typed_table(
        spec, rows, file=name, la_code=la_code, return_year=return_year, row_numbers=numbers
    )
