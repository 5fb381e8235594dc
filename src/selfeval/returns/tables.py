"""Typed Arrow tables from rows of text, with DfE's date format and clear errors."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from functools import lru_cache
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
    types, schema = _layout(spec)
    arrays: list[pa.Array[Any]] = []
    for i, (name, t) in enumerate(zip(spec.fields, types, strict=True)):
        column = texts[i]
        typed = column if t is None else _cast(column, t, date_format)
        if typed is None:
            assert t is not None
            values = raw[i].to_pylist()
            typed = _parse_slowly(name, t, values, row_numbers, file, date_format)
        arrays.append(typed)
    arrays.append(pa.repeat(pa.scalar(la_code, pa.string()), n))
    arrays.append(pa.repeat(pa.scalar(return_year, pa.int32()), n))
    return pa.Table.from_arrays(arrays, schema=schema)


@lru_cache(maxsize=256)
def _layout(spec: TableSpec) -> tuple[tuple[pa.DataType | None, ...], pa.Schema]:
    """Each field's Arrow type (None for text, kept as it is read) and the typed table's schema
    (the fields, then ``la_code`` and ``return_year``): worked out once a table, not once a
    file (a small file's columns are typed in some tens of microseconds)."""
    types = [arrow_type(spec, f) for f in spec.fields]
    schema = pa.schema(
        [
            *zip(spec.fields, types, strict=True),
            ("la_code", pa.string()),
            ("return_year", pa.int32()),
        ]
    )
    return tuple(None if t == pa.string() else t for t in types), schema


def _cast(text: pa.Array[Any], t: pa.DataType, date_format: str) -> pa.Array[Any] | None:
    """The column cast in bulk, or None when any value needs a closer look."""
    try:
        if pa.types.is_date32(t):
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
            days = _ddmmyyyy(raw)
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
_PAIRS = np.full(1 << 16, -1, np.int16)
for _n in range(100):
    _PAIRS[(ord("0") + _n // 10) | (ord("0") + _n % 10) << 8] = _n
"""Two ASCII digits read as a little-endian 16-bit number (``"07"``: 0x3730) as their value,
0-99; -1 for any other two bytes."""
_DDMMYYYY = np.dtype(
    {
        "names": ["day", "slash1", "month", "slash2", "century", "year"],
        "formats": ["<u2", "u1", "<u2", "u1", "<u2", "<u2"],
        "offsets": [0, 2, 3, 5, 6, 8],
        "itemsize": 10,
    }
)
"""dd/mm/yyyy as ten bytes: day, month, century and year of the century as pairs of bytes."""
_MONTHS_FROM, _YEARS = 1900, 201
_EDGES = (
    (np.arange(_YEARS * 12 + 1) + (_MONTHS_FROM - 1970) * 12)
    .astype("datetime64[M]")
    .astype("datetime64[D]")
    .astype(np.int64)
)
_MONTH_BEFORE = np.zeros(_YEARS * 100, np.int32)
"""By (year - 1900) * 100 + month (0-99) for 1900-2100: the day before the month's first (days
since 1970); 0 where the month is not 1-12."""
_MONTH_DAYS = np.zeros(_YEARS * 100, np.uint16)
"""By the same index: how many days the month has (leap years as the calendar has them); 0
where the month is not 1-12, so that no day is in it."""
for _m in range(1, 13):
    _MONTH_BEFORE[_m::100] = _EDGES[_m - 1 : -1 : 12] - 1
    _MONTH_DAYS[_m::100] = (_EDGES[_m::12] - _EDGES[_m - 1 : -1 : 12]).astype(np.uint16)


def _ddmmyyyy(
    raw: np.ndarray[Any, np.dtype[np.uint8]],
) -> np.ndarray[Any, np.dtype[np.int32]] | None:
    """Dates of 10 bytes each in dd/mm/yyyy, one after another, as days since 1970, or None if
    one is not a date by ``date``'s rule (digits and slashes where they belong, month 1-12,
    day within the month, year from 1). Each pair of digits is looked up at once (``_PAIRS``),
    and the months of 1900-2100 in a table (``_MONTH_DAYS``); others are computed by numpy."""
    f = raw.view(_DDMMYYYY)
    day, month = _PAIRS.take(f["day"]), _PAIRS.take(f["month"])
    year = _PAIRS.take(f["century"]) * np.int16(100)
    pair = _PAIRS.take(f["year"])
    if (
        (day | month | year | pair).min(initial=0) < 0
        or (f["slash1"] != ord("/")).any()
        or (f["slash2"] != ord("/")).any()
    ):
        return None
    year += pair  # up to 9,999: an int16
    at = (year - np.int16(_MONTHS_FROM)).astype(np.int32) * 100 + month
    if at.view(np.uint32).max(initial=0) < len(_MONTH_DAYS):  # 1900-2100 (none below)
        if ((day - np.int16(1)).view(np.uint16) >= _MONTH_DAYS.take(at)).any():  # day 0: 65,535
            return None
        days: np.ndarray[Any, np.dtype[np.int32]] = _MONTH_BEFORE.take(at) + day
        return days
    if not ((year >= 1) & (month >= 1) & (month <= 12) & (day >= 1)).all():
        return None
    months = (year.astype(np.int64) - 1970) * 12 + month - 1
    first = months.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
    after = (months + 1).astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
    if not (day <= after - first).all():
        return None
    return (first + day - 1).astype(np.int32)


def _dates_in_place(text: pa.Array[Any]) -> pa.Array[Any] | None:
    """A column of dd/mm/yyyy texts and nulls (no blanks) as dates, read over its bytes where
    they lie (no copy, no hashing), or None unless every value is 10 bytes and every null none.
    Since no value is blank (empty), the values of 10 bytes are the valid ones exactly when
    there are as many of them as valid values and they hold all the column's bytes; the
    result keeps the column's own validity bitmap."""
    n = len(text)
    validity, offsets_buffer, data_buffer = text.buffers()[:3]
    if not n or offsets_buffer is None or data_buffer is None:
        return None
    offsets = np.frombuffer(memoryview(offsets_buffer), np.int32, n + 1, text.offset * 4)
    m = n - text.null_count
    first = int(offsets[0])
    if int(offsets[-1]) - first != 10 * m:
        return None
    if not m:
        return pa.nulls(n, pa.date32())
    raw = np.frombuffer(memoryview(data_buffer), np.uint8, 10 * m, first)
    if m == n:
        if not (offsets[1:] - offsets[:-1] == 10).all():
            return None
        days = _ddmmyyyy(raw)
        if days is None:
            return None
        return pa.Array.from_buffers(pa.date32(), n, [None, pa.py_buffer(days.data)])
    ten = offsets[1:] - offsets[:-1] == 10
    if np.count_nonzero(ten) != m:
        return None
    days = _ddmmyyyy(raw)
    if days is None:
        return None
    every = np.zeros(text.offset + n, np.int32)
    every[text.offset :][ten] = days
    return pa.Array.from_buffers(
        pa.date32(), n, [validity, pa.py_buffer(every.data)], text.null_count, text.offset
    )


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
