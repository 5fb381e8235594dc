"""Typed Arrow tables from rows of text, with DfE's date format and clear errors."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime

import pyarrow as pa
import pyarrow.compute as pc

from selfeval.errors import InputError, Location
from selfeval.schema import TableSpec

DATE_FORMAT = "%d/%m/%Y"


def parse_date(text: str, where: Location, fmt: str = DATE_FORMAT) -> date | None:
    text = text.strip()
    if not text:
        return None
    try:
        if (
            fmt == DATE_FORMAT
            and len(text) == 10
            and text[2] == text[5] == "/"
            and (text[:2] + text[3:5] + text[6:]).isdigit()
        ):  # the common case, five times faster than strptime
            return date(int(text[6:]), int(text[3:5]), int(text[:2]))
        return datetime.strptime(text, fmt).date()
    except ValueError:
        form = {DATE_FORMAT: "dd/mm/yyyy", "%Y-%m-%d": "yyyy-mm-dd"}.get(fmt, fmt)
        raise InputError(
            where, "date-format", f"{text!r} is not a date in the form {form}"
        ) from None


def parse_int(text: str, where: Location) -> int | None:
    text = text.strip()
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        raise InputError(where, "integer", f"{text!r} is not a whole number") from None


def parse_float(text: str, where: Location) -> float | None:
    text = text.strip()
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        raise InputError(where, "number", f"{text!r} is not a number") from None


def typed_table(
    spec: TableSpec,
    rows: Sequence[Sequence[str]],
    *,
    file: str,
    la_code: str | None,
    return_year: int | None,
    row_numbers: Sequence[int] | None = None,
) -> pa.Table:
    """Columns typed by ``spec``: dates, integers and numbers parsed, text kept as text.

    ``rows`` are in ``spec.fields`` order; ``row_numbers`` are their rows in the file (for
    errors; by default 2, 3, ... after a header row).
    """
    if row_numbers is None:
        row_numbers = range(2, 2 + len(rows))
    cols: dict[str, list] = {f: [] for f in spec.fields}
    dates, ints, nums = set(spec.dates), set(spec.integers), set(spec.numbers)
    for rn, row in zip(row_numbers, rows, strict=True):
        for name, value in zip(spec.fields, row, strict=True):
            if name in dates:
                v = parse_date(value, Location(file, rn, name))
            elif name in ints:
                v = parse_int(value, Location(file, rn, name))
            elif name in nums:
                v = parse_float(value, Location(file, rn, name))
            else:
                v = value.strip() or None
            cols[name].append(v)
    arrays = {}
    for name in spec.fields:
        t = (
            pa.date32()
            if name in dates
            else pa.int64()
            if name in ints
            else pa.float64()
            if name in nums
            else pa.string()
        )
        arrays[name] = pa.array(cols[name], type=t)
    n = len(rows)
    arrays["la_code"] = pa.array([la_code] * n, type=pa.string())
    arrays["return_year"] = pa.array([return_year] * n, type=pa.int32())
    return pa.table(arrays)


ISO_DATE = "%Y-%m-%d"


def arrow_type(spec: TableSpec, name: str) -> pa.DataType:
    if name in spec.dates:
        return pa.date32()
    if name in spec.integers:
        return pa.int64()
    if name in spec.numbers:
        return pa.float64()
    return pa.string()


def typed_columns(
    spec: TableSpec,
    columns: Mapping[str, Sequence[str | None] | pa.Array],
    *,
    file: str,
    la_code: str | None,
    return_year: int | None,
    row_numbers: Sequence[int],
    date_format: str = DATE_FORMAT,
) -> pa.Table:
    """Like ``typed_table`` but from columns of text (or None), parsed in bulk by Arrow.

    Whole columns are cast at once; a column that does not cast cleanly (or whose dates do not
    read back the same, as 30 February would not) is parsed value by value, which names the
    first bad cell's row and field.
    """
    n = len(row_numbers)
    arrays: dict[str, pa.Array] = {}
    for name in spec.fields:
        values = columns.get(name)
        if values is None:
            values = [None] * n
        if not isinstance(values, pa.Array):
            values = pa.array(values, type=pa.string())
        text = pc.utf8_trim_whitespace(values)
        text = pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)
        t = arrow_type(spec, name)
        arrays[name] = text if t == pa.string() else _cast(text, t, date_format)
        if arrays[name] is None:
            raw = values.to_pylist()
            arrays[name] = _parse_slowly(name, t, raw, row_numbers, file, date_format)
    arrays["la_code"] = pa.array([la_code] * n, type=pa.string())
    arrays["return_year"] = pa.array([return_year] * n, type=pa.int32())
    return pa.table(arrays)


def _cast(text: pa.Array, t: pa.DataType, date_format: str) -> pa.Array | None:
    """The column cast in bulk, or None when any value needs a closer look."""
    try:
        if t == pa.date32():  # each distinct text once: a return repeats its dates a lot
            coded = pc.dictionary_encode(text)
            stamps = pc.strptime(coded.dictionary, format=date_format, unit="s")
            same = pc.equal(pc.strftime(stamps, format=date_format), coded.dictionary)
            if pc.all(same).as_py() not in (True, None):
                return None
            return pc.take(stamps.cast(pa.date32()), coded.indices)
        return text.cast(t)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None


def _parse_slowly(
    name: str,
    t: pa.DataType,
    values: Sequence[str | None],
    row_numbers: Sequence[int],
    file: str,
    date_format: str,
) -> pa.Array:
    out = []
    for rn, v in zip(row_numbers, values, strict=True):
        where = Location(file, rn, name)
        if v is None:
            out.append(None)
        elif t == pa.date32():
            out.append(parse_date(v, where, date_format))
        elif t == pa.int64():
            out.append(parse_int(v, where))
        else:
            out.append(parse_float(v, where))
    return pa.array(out, type=t)
