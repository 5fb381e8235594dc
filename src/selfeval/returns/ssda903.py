"""SSDA903 (children looked after) CSV tables, identified by their exact header rows.

As DfE's validator does (``lac_validator.ingress``), a file is the table whose columns are
exactly its header's names, in any order; anything else is refused. A file is read whole or
refused whole, with the file, row and field of the first problem.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv

from selfeval.errors import InputError, Location
from selfeval.returns.limits import check_size
from selfeval.returns.tables import typed_columns
from selfeval.schema import SSDA903, TableSpec

_PLAIN = bytes(set(range(0x20, 0x7F)) - {ord('"')}) + b"\t\r\n"
_BY_COLUMNS: dict[frozenset[str], TableSpec] = {frozenset(s.fields): s for s in SSDA903.values()}


def identify(header: list[str]) -> TableSpec | None:
    """The 903 table whose columns are exactly this header's (in any order), or None."""
    names = [h.strip() for h in header]
    if len(set(names)) != len(names):
        return None
    return _BY_COLUMNS.get(frozenset(names))


def read_csv(
    path: Path,
    *,
    la_code: str | None = None,
    return_year: int | None = None,
    max_bytes: int | None = None,
) -> tuple[str, pa.Table]:
    """One 903 CSV file as (table name, typed table); refused whole if it does not read."""
    check_size(path, max_bytes)
    plain = _read_plain(path.read_bytes(), path.name, la_code, return_year)
    return plain or _read_carefully(path, la_code, return_year)


def _read_carefully(
    path: Path, la_code: str | None, return_year: int | None
) -> tuple[str, pa.Table]:
    """Row by row with Python's csv module: any CSV, and the line of any problem."""
    name = path.name
    rows: list[list[str]] = []
    numbers: list[int] = []
    try:
        with open(path, encoding="utf-8-sig", newline="") as f:
            reader = csv.reader(f, strict=True)
            try:
                header = next(reader)
            except StopIteration:
                raise InputError(
                    Location(name, 1), "header", "the file has no header row"
                ) from None
            if not any(h.strip() for h in header):
                raise InputError(
                    Location(name, 1), "empty-file", "the file is blank: it has no header row"
                )
            spec = identify(header)
            if spec is None:
                raise InputError(
                    Location(name, 1),
                    "header",
                    "the header row is not that of any SSDA903 table "
                    f"(it reads {','.join(header)[:120]!r})",
                )
            order = [header.index(h) for h in _stripped_positions(header, spec)]
            width = len(header)
            for row in reader:
                if not any(c.strip() for c in row):
                    continue
                if len(row) != width:
                    raise InputError(
                        Location(name, reader.line_num),
                        "column-count",
                        f"the row has {len(row)} fields where the header has {width}",
                    )
                rows.append(row)
                numbers.append(reader.line_num)
    except UnicodeDecodeError as e:
        raise InputError(Location(name), "encoding", f"the file is not UTF-8 text ({e})") from None
    except csv.Error as e:
        raise InputError(Location(name, reader.line_num), "csv", f"malformed CSV ({e})") from None
    columns = {f: [r[i] for r in rows] for f, i in zip(spec.fields, order, strict=True)}
    return spec.name, typed_columns(
        spec, columns, file=name, la_code=la_code, return_year=return_year, row_numbers=numbers
    )


def _read_plain(
    data: bytes, name: str, la_code: str | None, return_year: int | None
) -> tuple[str, pa.Table] | None:
    """The file read by Arrow's CSV reader when it is plain (printable ASCII, tabs and line
    ends, no quotes, no lone CR, one row a line, no blank rows), so that row numbers are line
    numbers and the result is exactly the careful reader's; None for anything else, which the
    careful reader reads or refuses (most real 903 files are plain)."""
    data = data.removeprefix(b"\xef\xbb\xbf")
    if data.translate(None, _PLAIN) or data.count(b"\r") != data.count(b"\r\n"):
        return None
    first, _, body = data.partition(b"\n")
    header = first.decode("ascii").removesuffix("\r").split(",")
    spec = identify(header)
    if spec is None or not body:
        return None
    lines = body.count(b"\n") + (not body.endswith(b"\n"))
    columns = [f"c{i}" for i in range(len(header))]
    try:
        table = pacsv.read_csv(
            pa.py_buffer(body),
            read_options=pacsv.ReadOptions(
                column_names=columns,
                block_size=min(len(body) + 1, 1 << 24),  # one block: large ones cost time
                use_threads=len(body) > 1 << 22,
            ),
            parse_options=pacsv.ParseOptions(quote_char=False, ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(
                column_types={c: pa.string() for c in columns}, strings_can_be_null=False
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    if table.num_rows != lines:
        return None
    rows = body.removesuffix(b"\n").split(b"\n")
    if max(map(len, rows)) > csv.field_size_limit():
        return None  # a field may be longer than the careful reader takes
    if not all(r.strip(b" \t,\r") for r in rows):
        return None  # the careful reader skips blank rows, and numbers the rest by line
    texts = {h.strip(): table[c].combine_chunks() for h, c in zip(header, columns, strict=True)}
    return spec.name, typed_columns(
        spec,
        {f: texts[f] for f in spec.fields},
        file=name,
        la_code=la_code,
        return_year=return_year,
        row_numbers=range(2, table.num_rows + 2),
    )


def _stripped_positions(header: list[str], spec: TableSpec) -> list[str]:
    """The header's own spellings of the spec's fields, in the spec's order."""
    by_name = {h.strip(): h for h in header}
    return [by_name[f] for f in spec.fields]
