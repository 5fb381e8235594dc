"""SSDA903 (children looked after) CSV tables, identified by their exact header rows.

As DfE's validator does (``lac_validator.ingress``), a file is the table whose columns are
exactly its header's names, in any order; anything else is refused. A file is read whole or
refused whole, with the file, row and field of the first problem.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import IO, Any, cast

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from selfeval.errors import InputError, Location
from selfeval.returns.base import data_rows, first_csv_row, readable_size
from selfeval.returns.limits import check_read_size
from selfeval.returns.tables import typed_columns
from selfeval.schema import SSDA903, TableSpec

_PLAIN_LOW = np.zeros(33, bool)
_PLAIN_LOW[[9, 10, 13, 32]] = True
"""Which bytes up to the space a plain file may hold: tab, LF, CR (before a LF) and space."""
_BY_COLUMNS: dict[frozenset[str], TableSpec] = {frozenset(s.fields): s for s in SSDA903.values()}


def identify(header: list[str]) -> TableSpec | None:
    """The 903 table whose columns are exactly this header's (in any order), or None."""
    names = [h.strip() for h in header]
    if len(set(names)) != len(names):
        return None
    return _BY_COLUMNS.get(frozenset(names))


NAMES_IN_FILES: dict[str, str] = {
    "header": "ssda903_header",
    "episodes": "ssda903_episodes",
    "reviews": "ssda903_reviews",
    "uasc": "ssda903_uasc",
    "oc2": "ssda903_oc2",
    "oc3": "ssda903_oc3",
    "ad1": "ssda903_ad1",
    "placed_for_adoption": "ssda903_placed_adoption",
    "placed_adoption": "ssda903_placed_adoption",
    "previous_permanence": "ssda903_prev_perm",
    "prev_perm": "ssda903_prev_perm",
    "missing": "ssda903_missing",
    "sw_episodes": "ssda903_sw_episodes",
    "swepisodes": "ssda903_sw_episodes",
    "dolo": "ssda903_dolo",
}
"""How file names call the 903 tables (D2I's fake data, cs-demand-model, liia-tools' exports):
only a blank file, which has no header row to tell its table by, is known by its name."""


def table_of_name(path: Path) -> str | None:
    """The 903 table a file's name calls it (``2017-ad1.csv``, ``SSDA903_episodes_2018.csv``:
    the longest such word in it between separators), or None."""
    words = "_" + re.sub(r"[^a-z0-9]+", "_", path.stem.lower()) + "_"
    found = [w for w in NAMES_IN_FILES if f"_{w}_" in words]
    return NAMES_IN_FILES[max(found, key=len)] if found else None


def is_blank(path: Path) -> bool:
    """True if the file holds nothing but white space (cs-demand-model ships tables that are a
    newline only): a table with no rows, if its name says which. A file that cannot be read is
    refused (``readable_size``)."""
    return _is_blank(path, readable_size(path))


def _is_blank(path: Path, size: int) -> bool:
    """``is_blank`` for a file whose size ``readable_size`` has given."""
    return size == 0 or (size < 4096 and not path.read_bytes().strip())


def read_csv(
    path: Path,
    *,
    la_code: str | None = None,
    return_year: int | None = None,
    max_bytes: int | None = None,
) -> tuple[str, pa.Table]:
    """One 903 CSV file as (table name, typed table); refused whole if it does not read.

    A blank file is the table its name calls it, with no rows; a blank file whose name calls
    it no table is refused ("empty-file").
    """
    size = readable_size(path)  # once a file: the blank and size checks share it
    if _is_blank(path, size):
        name = table_of_name(path)
        if name is None:
            raise InputError(
                Location(path.name, 1),
                "empty-file",
                "the file is blank, and its name says no SSDA903 table (such as "
                "2019-episodes.csv), so it cannot be read as a table with no rows",
            )
        spec = SSDA903[name]
        empty = typed_columns(
            spec, {}, file=path.name, la_code=la_code, return_year=return_year, row_numbers=[]
        )
        return name, empty
    check_read_size(path, size, max_bytes)
    data = path.read_bytes()
    line = data.find(b"\n")
    if b"YEAR" in (data if line < 0 else data[:line]):  # the header may pool several years
        pooled = _read_pooled(path, la_code, return_year)
        if pooled is not None:
            return pooled
    plain = _read_plain(data, path.name, la_code, return_year)
    return plain or _read_carefully(path, la_code, return_year)


POOLED_COLUMNS = frozenset({"YEAR", "LA"})
"""Columns regional pipelines (liia-tools, cs-demand-model-regional) add to a 903 table that
pools several returns: YEAR the return year of each row, LA its authority's name."""
_ISO = re.compile(r"^\d{4}-\d\d-\d\d$")


def identify_pooled(header: list[str]) -> TableSpec | None:
    """The 903 table whose columns, with YEAR (and LA), are exactly this header's, or None."""
    names = [h.strip() for h in header]
    if "YEAR" not in names:
        return None
    return identify([h for h in names if h not in POOLED_COLUMNS])


def _read_pooled(
    path: Path, la_code: str | None, return_year: int | None
) -> tuple[str, pa.Table] | None:
    """A table of several returns' rows (a 903 table's columns plus YEAR, and LA if any), or
    None if the file is not one. Each row's ``return_year`` is its YEAR, so that the rows are
    split into one return per year (``selfeval.returns.grouping``); one authority's rows only
    (an LA column naming several is refused). Dates may be dd/mm/yyyy or ISO, as such
    pipelines write them."""
    header = [h.strip() for h in first_csv_row(path)]
    extra = set(header) & POOLED_COLUMNS
    spec = identify_pooled(header)
    if spec is None:
        return None
    name = path.name
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        next(reader)
        rows, numbers = [], []
        for line, row in data_rows(reader, len(header), name):
            rows.append(row)
            numbers.append(line)
    col = {h: [r[i] for r in rows] for i, h in enumerate(header)}
    if "LA" in extra:
        las = sorted({v.strip() for v in col["LA"] if v.strip()})
        if len(las) > 1:
            raise InputError(
                Location(name, 1, "LA"),
                "several-authorities",
                f"the file pools the returns of {len(las)} authorities ({', '.join(las[:5])}): "
                "load one authority's rows at a time",
            )
    years = []
    for v, n in zip(col["YEAR"], numbers, strict=True):
        v = v.strip()
        if not (len(v) == 4 and v.isdigit()):
            raise InputError(Location(name, n, "YEAR"), "integer", f"{v!r} is not a return year")
        years.append(int(v))
    dated = [v for d in spec.dates for v in col[d] if v.strip()]
    fmt = "%Y-%m-%d" if dated and _ISO.match(dated[0].strip()) else "%d/%m/%Y"
    table = typed_columns(
        spec,
        {f: col[f] for f in spec.fields},
        file=name,
        la_code=la_code,
        return_year=return_year,
        row_numbers=numbers,
        date_format=fmt,
    )
    i = table.column_names.index("return_year")
    return spec.name, table.set_column(i, "return_year", pa.array(years, pa.int32()))


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
            for line, row in data_rows(reader, len(header), name):
                rows.append(row)
                numbers.append(line)
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
    ends, no quotes, no lone CR, one row a line, no blank rows, no field longer than the careful
    reader takes), so that row numbers are line numbers and the result is exactly the careful
    reader's; None for anything else, which the careful reader reads or refuses (most real 903
    files are plain). Every check is one pass over the bytes (``bytes.isascii``, numpy) or
    over Arrow's columns, so that parsing, not checking, is what a large file costs."""
    data = data.removeprefix(b"\xef\xbb\xbf")
    if not _is_plain(data):
        return None
    line = data.find(b"\n")
    if line < 0:
        return None
    header = data[:line].decode("ascii").removesuffix("\r").split(",")
    spec = identify(header)
    if spec is None or line + 1 == len(data):
        return None
    scan = _scan(data)
    if scan is None:
        return None
    line_ends, padded, longest = scan
    lines = line_ends - 1 + (not data.endswith(b"\n"))
    body = memoryview(data)[line + 1 :]
    large = len(body) > 1 << 22
    options = _plain_options(len(header), large, not padded)
    try:  # empty fields read as nulls unless fields are to be trimmed (blanks then come later)
        if large:  # blocks parsed on several threads
            table = pacsv.read_csv(_arrow_input(body), **options)
            rows = table.num_rows
            columns = [
                c.chunks[0] if c.num_chunks == 1 else c.combine_chunks() for c in table.columns
            ]
        else:  # Arrow's serial read_csv starts a thread of its own each call; its stream not.
            # The body is one block (of 16 MiB), so one batch: all the file's rows when it
            # has as many as lines (a batch short of them declines the file).
            batch = pacsv.open_csv(_arrow_input(body), **options).read_next_batch()
            rows, columns = batch.num_rows, batch.columns
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, StopIteration):
        return None  # a row of another width, among others: the careful reader names it
    if rows != lines:
        return None
    if _has_blank_row(columns, padded) or (
        longest >= csv.field_size_limit() and _has_long_field(columns)
    ):
        return None
    texts = dict(zip((h.strip() for h in header), columns, strict=True))
    return spec.name, typed_columns(
        spec,
        {f: texts[f] for f in spec.fields},
        file=name,
        la_code=la_code,
        return_year=return_year,
        row_numbers=range(2, rows + 2),
        trim=padded,
        blanks_are_null=not padded,
    )


def _arrow_input(body: memoryview) -> IO[Any]:
    """The body as Arrow's CSV reader takes it without a copy: an Arrow buffer over it (the
    stubs know only paths and Python files as its input; it takes its own readers too)."""
    return cast(IO[Any], pa.BufferReader(pa.py_buffer(body)))


def _scan(data: bytes) -> tuple[int, bool, int] | None:
    """One pass over a plain file's controls and blanks (its only bytes up to the space): how
    many LF it has; None if it has a control other than tab, LF and CR, or a CR not before a
    LF (Arrow and Python's csv would end a row there); whether a blank (space or tab) may
    start or end a field, so that fields need trimming (most files have blanks only inside
    fields, as in postcodes); and its longest line's length (no field is longer). The bytes
    up to the space are counted by value at once, so that CRs, blanks and LFs are looked at
    only where a file has them (a small file's scan is a few dozen numpy calls)."""
    octets = np.frombuffer(data, np.uint8)
    at = np.flatnonzero(octets <= 32)
    kind = octets[at]
    counts = np.bincount(kind, minlength=33)
    if counts[_NOT_PLAIN_LOW].any():
        return None
    if counts[13]:
        cr = at[kind == 13]
        if cr[-1] + 1 == len(octets) or (octets[cr + 1] != 10).any():
            return None
    padded = False
    if counts[9] or counts[32]:
        blank = at[(kind == 32) | (kind == 9)] if counts[9] else at[kind == 32]
        if blank[0] == 0 or blank[-1] == len(octets) - 1:
            padded = True
        else:  # a LF or comma before the blank, or a LF, CR or comma after it
            padded = bool((_EDGE_BEFORE[octets[blank - 1]] | _EDGE_AFTER[octets[blank + 1]]).any())
    longest = len(octets)
    if len(octets) >= csv.field_size_limit():  # else no line can be as long as the limit
        lf = at[kind == 10]
        longest = int(np.diff(lf, prepend=-1, append=len(octets)).max())
    return int(counts[10]), padded, longest


_NOT_PLAIN_LOW = np.flatnonzero(~_PLAIN_LOW)
"""The bytes up to the space a plain file may not hold (every control but tab, LF and CR)."""
_EDGE_BEFORE = np.zeros(256, bool)
_EDGE_BEFORE[[10, 44]] = True
"""The bytes before a blank that make it a field's first: LF and comma."""
_EDGE_AFTER = np.zeros(256, bool)
_EDGE_AFTER[[10, 13, 44]] = True
"""The bytes after a blank that make it a field's last: LF, CR and comma."""


@lru_cache(maxsize=64)
def _plain_options(width: int, large: bool, empty_is_null: bool) -> dict[str, Any]:
    """Arrow's CSV options for a plain body: every field text, as written (an empty one null
    if ``empty_is_null``, else ""), one row a line; blocks of 16 MiB (many small ones cost
    time), parsed on several threads when large."""
    names = [f"c{i}" for i in range(width)]
    return {
        "read_options": pacsv.ReadOptions(
            column_names=names, block_size=1 << 24, use_threads=large
        ),
        "parse_options": pacsv.ParseOptions(quote_char=False, ignore_empty_lines=False),
        "convert_options": pacsv.ConvertOptions(
            column_types=dict.fromkeys(names, pa.string()),
            strings_can_be_null=empty_is_null,
            null_values=[""],
            check_utf8=False,  # plain: ASCII already
        ),
    }


def _is_plain(data: bytes) -> bool:
    """ASCII without the double quote or DEL (C loops at memory speed); ``_scan`` allows no
    control but tabs and line ends (CR only before LF), so that a plain file is printable
    ASCII but the double quote, tabs and line ends."""
    return data.isascii() and b'"' not in data and b"\x7f" not in data


def _has_blank_row(columns: list[pa.Array[Any]], padded: bool) -> bool:
    """Whether a row holds only blanks (spaces, tabs: a plain file has no other whitespace),
    which the careful reader skips, numbering the rest by line. Only rows whose first field is
    blank are looked at across the others. Unless ``padded``, a blank field is an empty one,
    read as null."""
    if not padded:
        if not columns[0].null_count:
            return False
        nulls = pc.is_null(columns[0])
        for c in columns[1:]:
            if not c.null_count:
                return False
            nulls = pc.and_(nulls, pc.is_null(c))
        return bool(pc.any(nulls).as_py())
    blank = pc.equal(pc.utf8_trim_whitespace(columns[0]), pa.scalar(""))
    if not pc.any(blank).as_py():
        return False
    for c in columns[1:]:
        blank = pc.and_(blank, pc.equal(pc.utf8_trim_whitespace(c), pa.scalar("")))
    return bool(pc.any(blank).as_py())


def _has_long_field(columns: list[pa.Array[Any]]) -> bool:
    """Whether a field is as long as the careful reader's limit (it refuses longer ones)."""
    limit = csv.field_size_limit()
    for c in columns:  # the lengths are the differences of the column's offsets
        offsets = c.buffers()[1]
        if not len(c) or offsets is None:
            continue
        ends = np.frombuffer(memoryview(offsets), np.int32, len(c) + 1, c.offset * 4)
        if np.diff(ends).max() >= limit:
            return True
    return False


def _stripped_positions(header: list[str], spec: TableSpec) -> list[str]:
    """The header's own spellings of the spec's fields, in the spec's order."""
    by_name = {h.strip(): h for h in header}
    return [by_name[f] for f in spec.fields]


IDENTIFIERS = frozenset({"CHILD"})
"""Text fields kept exactly as given; every other 903 text field is a code or a postcode."""


def codes_upper(table: pa.Table) -> tuple[pa.Table, dict[str, int]]:
    """The table with its codes in upper case, as DfE's validator reads them (its ingress
    upper-cases every text column: ``rne`` ``s`` is ``S``), and how many values each field had
    in lower case. Child identifiers are kept as given."""
    changed: dict[str, int] = {}
    for i, name in enumerate(table.column_names):
        col = table.column(i)
        if name in IDENTIFIERS or not pa.types.is_string(col.type):
            continue
        upper = pc.utf8_upper(col)
        n = pc.sum(pc.cast(pc.not_equal(upper, col), pa.int64())).as_py() or 0
        if n:
            changed[name] = n
            table = table.set_column(i, name, upper)
    return table, changed


def return_year_of(tables: Mapping[str, pa.Table]) -> tuple[int, date] | None:
    """The return year a 903 return's own episodes imply, and the date that implies it.

    A return covers 1 April Y-1 to 31 March Y and reports no episode starting after its
    31 March, and every authority starts episodes (placement moves, new entrants) all year: so
    its latest episode start (DECOM) falls inside its year, 10/10/2019 meaning the 2020 return.
    Ends (DEC) are not used: returns carry ends a day after their year (cs-demand-model's fake
    set has DEC 01/04/2018 in its 2018 return). DfE's validator is told the year by the person
    uploading; ``--year`` does the same here. None when there are no episodes with a start.
    """
    episodes = tables.get("ssda903_episodes")
    if episodes is None or "DECOM" not in episodes.column_names:
        return None
    last = pc.max(episodes.column("DECOM")).as_py() if episodes.num_rows else None
    if last is None:
        return None
    return last.year + (1 if last.month >= 4 else 0), last
