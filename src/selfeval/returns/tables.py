"""Typed Arrow tables from rows of text, with DfE's date format and clear errors."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from typing import Any, TypeVar, cast

import numpy as np
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
    return _parse_number(text, where, int, "integer", "a whole number")


def parse_float(text: str, where: Location) -> float | None:
    return _parse_number(text, where, float, "number", "a number")


_Number = TypeVar("_Number", int, float)


def _parse_number(
    text: str, where: Location, parse: Callable[[str], _Number], rule: str, what: str
) -> _Number | None:
    """``text`` as a number (None when blank), refused as ``rule`` when it is not ``what``."""
    text = text.strip()
    if not text:
        return None
    try:
        return parse(text)
    except ValueError:
        raise InputError(where, rule, f"{text!r} is not {what}") from None


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
    cols: dict[str, list[date | int | float | str | None]] = {f: [] for f in spec.fields}
    dates, ints, nums = set(spec.dates), set(spec.integers), set(spec.numbers)
    for rn, row in zip(row_numbers, rows, strict=True):
        for name, value in zip(spec.fields, row, strict=True):
            v: date | int | float | str | None
            if name in dates:
                v = parse_date(value, Location(file, rn, name))
            elif name in ints:
                v = parse_int(value, Location(file, rn, name))
            elif name in nums:
                v = parse_float(value, Location(file, rn, name))
            else:
                v = value.strip() or None
            cols[name].append(v)
    arrays: dict[str, pa.Array[Any]] = {}
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
_ANYWHERE = Location("")


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
    columns: Mapping[str, Sequence[str | None] | pa.Array[Any]],
    *,
    file: str,
    la_code: str | None,
    return_year: int | None,
    row_numbers: Sequence[int],
    date_format: str = DATE_FORMAT,
    trim: bool = True,
    blanks_are_null: bool = False,
) -> pa.Table:
    """Like ``typed_table`` but from columns of text (or None), parsed in bulk by Arrow.

    Whole columns are cast at once; a column that does not cast cleanly (or whose dates do not
    read back the same, as 30 February would not) is parsed value by value, which names the
    first bad cell's row and field. ``trim=False`` says no value starts or ends with white
    space, so that trimming (most of the cost of a large file's columns) is left out;
    ``blanks_are_null=True`` (with ``trim=False``) says every empty value is already null (as
    Arrow's CSV reader gives them when told to), so that blanking them is left out too.
    """
    n = len(row_numbers)
    raw: list[pa.Array[Any]] = []
    for name in spec.fields:
        values = columns.get(name)
        if values is None:
            values = pa.nulls(n, pa.string())
        elif not isinstance(values, pa.Array):
            values = pa.array(values, type=pa.string())
        raw.append(values)
    texts = raw
    if trim or not blanks_are_null:  # every column trimmed and blanked at once: three kernels
        text = pa.chunked_array(raw, pa.string())
        if trim:
            text = pc.utf8_trim_whitespace(text)
        text = pc.if_else(pc.equal(text, pa.scalar("")), pa.scalar(None, pa.string()), text)
        parts = (text.slice(i * n, n) for i in range(len(raw)))
        texts = [p.chunk(0) if p.num_chunks == 1 else p.combine_chunks() for p in parts]
    arrays: dict[str, pa.Array[Any]] = {}
    for i, name in enumerate(spec.fields):
        column = texts[i]
        t = arrow_type(spec, name)
        typed = column if t == pa.string() else _cast(column, t, date_format)
        if typed is None:
            values = raw[i].to_pylist()
            typed = _parse_slowly(name, t, values, row_numbers, file, date_format)
        arrays[name] = typed
    arrays["la_code"] = pa.repeat(pa.scalar(la_code, pa.string()), n)
    arrays["return_year"] = pa.repeat(pa.scalar(return_year, pa.int32()), n)
    return pa.table(arrays)


def _cast(text: pa.Array[Any], t: pa.DataType, date_format: str) -> pa.Array[Any] | None:
    """The column cast in bulk, or None when any value needs a closer look."""
    try:
        if t == pa.date32():
            if date_format == DATE_FORMAT and len(text) <= _IN_PLACE:
                days = _dates_in_place(text)
                if days is not None:
                    return days
            # each distinct text once: a return repeats its dates a lot
            coded = cast("pa.DictionaryArray[Any, Any]", pc.dictionary_encode(text))  # stubs: Array
            days = _distinct_dates(coded.dictionary, date_format)
            return None if days is None else pc.take(days, coded.indices)
        return text.cast(t)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None


def _distinct_dates(texts: pa.Array[Any], date_format: str) -> pa.Array[Any] | None:
    """Distinct texts (none null) as dates by ``parse_date``'s rule, or None if one is not a
    date. All of them in DfE's dd/mm/yyyy are read at once over their bytes (day, month and year
    checked as ``date`` would); otherwise each is parsed by ``parse_date`` itself."""
    offsets_buffer, data_buffer = texts.buffers()[1:3]
    if (
        date_format == DATE_FORMAT
        and len(texts)
        and texts.offset == 0
        and offsets_buffer is not None
        and data_buffer is not None
    ):
        n = len(texts)
        offsets = np.frombuffer(memoryview(offsets_buffer), np.int32, n + 1)
        if (np.diff(offsets) == 10).all():
            raw = np.frombuffer(memoryview(data_buffer), np.uint8, 10 * n, int(offsets[0]))
            days = _ddmmyyyy(raw.reshape(n, 10))
            if days is not None:
                return pa.array(days, pa.int32()).view(pa.date32())
    try:
        return pa.array(
            [parse_date(v, _ANYWHERE, date_format) for v in cast(list[str], texts.to_pylist())],
            pa.date32(),
        )
    except InputError:
        return None


_IN_PLACE = 16384
"""Date columns up to this many values are read value by value over their bytes where they
lie (``_dates_in_place``: no hashing, no copy); longer ones each distinct text once (a return
repeats its dates a lot: from some tens of thousands of values hashing them is quicker)."""
_DIGITS = [0, 1, 3, 4, 6, 7, 8, 9]
_MONTHS_FROM = 1900
_EDGES = (
    (np.arange(201 * 12 + 1) + (_MONTHS_FROM - 1970) * 12)
    .astype("datetime64[M]")
    .astype("datetime64[D]")
    .astype(np.int64)
)
_MONTH_FIRST = _EDGES[:-1].astype(np.int32)
"""The first day of each month of 1900-2100 (days since 1970), January 1900 first."""
_MONTH_DAYS = np.diff(_EDGES).astype(np.int32)
"""How many days each of those months has (leap years as the calendar has them)."""


def _ddmmyyyy(
    raw: np.ndarray[Any, np.dtype[np.uint8]],
) -> np.ndarray[Any, np.dtype[np.int32]] | None:
    """Rows of 10 bytes in dd/mm/yyyy as days since 1970, or None if one is not a date by
    ``date``'s rule (digits and slashes where they belong, month 1-12, day within the month).
    Months of 1900-2100 are looked up in a table (``_MONTHS``), others computed by numpy."""
    d = raw[:, _DIGITS].astype(np.int32) - ord("0")
    if not (
        ((d >= 0) & (d <= 9)).all()
        and (raw[:, 2] == ord("/")).all()
        and (raw[:, 5] == ord("/")).all()
    ):
        return None
    day, month = d[:, 0] * 10 + d[:, 1], d[:, 2] * 10 + d[:, 3]
    year = d[:, 4] * 1000 + d[:, 5] * 100 + d[:, 6] * 10 + d[:, 7]
    if not ((year >= 1) & (month >= 1) & (month <= 12) & (day >= 1)).all():
        return None
    if ((year >= _MONTHS_FROM) & (year < _MONTHS_FROM + len(_MONTH_DAYS) // 12)).all():
        at = (year - _MONTHS_FROM) * 12 + month - 1
        if not (day <= _MONTH_DAYS[at]).all():
            return None
        days: np.ndarray[Any, np.dtype[np.int32]] = _MONTH_FIRST[at] + day - 1
        return days
    months = (year.astype(np.int64) - 1970) * 12 + month - 1
    first = months.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
    after = (months + 1).astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
    if not (day <= after - first).all():
        return None
    return (first + day - 1).astype(np.int32)


def _dates_in_place(text: pa.Array[Any]) -> pa.Array[Any] | None:
    """A column of dd/mm/yyyy texts and nulls (no blanks) as dates, read over its bytes where
    they lie (no copy, no hashing), or None unless every value is 10 bytes and every null none."""
    n = len(text)
    validity, offsets_buffer, data_buffer = text.buffers()[:3]
    if not n or offsets_buffer is None or data_buffer is None:
        return None
    offsets = np.frombuffer(memoryview(offsets_buffer), np.int32, n + 1, text.offset * 4)
    lengths = np.diff(offsets)
    nulls = text.null_count
    if nulls and validity is not None:
        valid = np.unpackbits(np.frombuffer(memoryview(validity), np.uint8), bitorder="little")
        mask = valid[text.offset : text.offset + n].astype(bool)
        if not (lengths == np.where(mask, 10, 0)).all():
            return None
    elif nulls or not (lengths == 10).all():
        return None
    m = n - nulls
    raw = np.frombuffer(memoryview(data_buffer), np.uint8, 10 * m, int(offsets[0]))
    days = _ddmmyyyy(raw.reshape(m, 10))
    if days is None:
        return None
    if nulls:
        every = np.zeros(n, np.int32)
        every[mask] = days
        return pa.array(every, pa.int32(), mask=~mask).view(pa.date32())
    return pa.array(days, pa.int32()).view(pa.date32())


def _parse_slowly(
    name: str,
    t: pa.DataType,
    values: Sequence[str | None],
    row_numbers: Sequence[int],
    file: str,
    date_format: str,
) -> pa.Array[Any]:
    out: list[date | int | float | None] = []
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
