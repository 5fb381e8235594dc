"""Tables typed in by people (Annex A, workforce lists): tolerant, and candid about it.

Columns are matched to fields by heading: exactly, then ignoring case and punctuation, then by
known other names and close spellings; whatever was tolerated (a renamed or reordered column,
a blank row, a date typed as text, an Excel error value) is reported as an ``InputWarning``.
What cannot be read as its field's type refuses the file, naming row and field.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any

import pyarrow as pa

from selfeval.errors import InputError, Location
from selfeval.returns.base import InputWarning
from selfeval.returns.tables import arrow_type
from selfeval.returns.xlsx import ErrorValue
from selfeval.schema import TableSpec

TEXT_DATE_FORMATS = (
    "%d/%m/%Y",
    "%d/%m/%y",
    "%Y-%m-%d",
    "%d-%m-%Y",
    "%d.%m.%Y",
    "%d %B %Y",
    "%d %b %Y",
    "%Y/%m/%d",
    "%d-%b-%Y",
    "%d-%b-%y",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d %B %y",
)
_EXCEL_EPOCH = date(1899, 12, 30)


def normalise(heading: object) -> str:
    """A heading without case, spaces or punctuation: 'Date of Birth ' -> 'dateofbirth'."""
    return re.sub(r"[^a-z0-9]", "", str(heading or "").lower())


def match_columns(
    header: Sequence[object],
    expected: dict[str, str],
    *,
    aliases: Mapping[str, Iterable[str]] | None = None,
    where: Location,
) -> tuple[dict[int, str], list[InputWarning]]:
    """Which column holds which field, and what was tolerated in finding out."""
    warnings: list[InputWarning] = []
    by_norm = {normalise(h): f for f, h in expected.items()}
    by_norm.update({normalise(f): f for f in expected})
    for target, names in (aliases or {}).items():
        for n in names:
            by_norm.setdefault(normalise(n), target)
    found: dict[int, str] = {}
    unknown: list[tuple[int, str]] = []
    for i, h in enumerate(header):
        if h is None or str(h).strip() == "":
            continue
        field = by_norm.get(normalise(h))
        if field is not None and field not in found.values():
            found[i] = field
            if normalise(h) != normalise(expected[field]) and str(h) != field:
                warnings.append(
                    InputWarning(
                        Location(where.file, where.row, str(h)),
                        "renamed-column",
                        f"column {str(h)!r} read as {expected[field]!r}",
                    )
                )
        else:
            unknown.append((i, str(h)))
    missing = [f for f in expected if f not in found.values()]
    for i, h in unknown:
        close = difflib.get_close_matches(
            normalise(h), [normalise(expected[f]) for f in missing], n=1, cutoff=0.8
        )
        if close:
            field = next(f for f in missing if normalise(expected[f]) == close[0])
            found[i] = field
            missing.remove(field)
            warnings.append(
                InputWarning(
                    Location(where.file, where.row, h),
                    "renamed-column",
                    f"column {h!r} read as {expected[field]!r} (a close spelling)",
                )
            )
        else:
            warnings.append(
                InputWarning(
                    Location(where.file, where.row, h),
                    "extra-column",
                    f"column {h!r} is not one of this list's and was ignored",
                )
            )
    order = [found[i] for i in sorted(found)]
    if order != [f for f in expected if f in order]:
        warnings.append(
            InputWarning(where, "reordered-columns", "the columns are in a different order")
        )
    for f in missing:
        warnings.append(
            InputWarning(
                Location(where.file, where.row, expected[f]),
                "missing-column",
                f"column {expected[f]!r} is missing; its values are left blank",
            )
        )
    return found, warnings


class Cells:
    """Converts cells to a field's type, counting what it tolerated per (field, rule)."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.tolerated: Counter[tuple[str, str]] = Counter()
        self.first_row: dict[tuple[str, str], int] = {}

    def _note(self, field: str, rule: str, row: int) -> None:
        self.tolerated[(field, rule)] += 1
        self.first_row.setdefault((field, rule), row)

    def value(self, spec: TableSpec, field: str, v: Any, row: int) -> Any:
        if isinstance(v, ErrorValue):
            self._note(field, "error-value", row)
            return None
        if v is None or (isinstance(v, str) and not v.strip()):
            return None
        if field in spec.dates:
            return self.date(v, Location(self.file, row, field))
        if field in spec.integers:
            return self.integer(v, Location(self.file, row, field))
        if field in spec.numbers:
            return self.number(v, Location(self.file, row, field))
        return self.text(v)

    def date(self, v: Any, where: Location) -> date:
        if isinstance(v, datetime):
            return v.date()
        if isinstance(v, date):
            return v
        if isinstance(v, int | float) and not isinstance(v, bool) and 1 <= v < 2958466:
            self._note(where.field or "", "date-as-number", where.row or 0)
            return _EXCEL_EPOCH + timedelta(days=int(v))
        if isinstance(v, str):
            text = v.strip()
            for fmt in TEXT_DATE_FORMATS:
                try:
                    d = datetime.strptime(text, fmt).date()
                except ValueError:
                    continue
                self._note(where.field or "", "date-as-text", where.row or 0)
                return d
        raise InputError(where, "date-format", f"{str(v)[:40]!r} is not a date")

    def integer(self, v: Any, where: Location) -> int:
        if isinstance(v, bool):
            raise InputError(where, "integer", f"{v!r} is not a whole number")
        if isinstance(v, int):
            return v
        if isinstance(v, float) and v.is_integer():
            return int(v)
        if isinstance(v, str):
            try:
                f = float(v.strip())
            except ValueError:
                f = float("nan")
            if f.is_integer():
                self._note(where.field or "", "number-as-text", where.row or 0)
                return int(f)
        raise InputError(where, "integer", f"{str(v)[:40]!r} is not a whole number")

    def number(self, v: Any, where: Location) -> float:
        if isinstance(v, int | float) and not isinstance(v, bool):
            return float(v)
        if isinstance(v, str):
            try:
                f = float(v.strip())
            except ValueError:
                pass
            else:
                if f == f and abs(f) != float("inf"):
                    self._note(where.field or "", "number-as-text", where.row or 0)
                    return f
        raise InputError(where, "number", f"{str(v)[:40]!r} is not a number")

    @staticmethod
    def text(v: Any) -> str:
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        if isinstance(v, datetime):
            return v.date().isoformat() if v.time() == datetime.min.time() else v.isoformat()
        if isinstance(v, date):
            return v.isoformat()
        return str(v).strip()

    def warnings(self) -> list[InputWarning]:
        what = {
            "error-value": "Excel error values (such as #N/A) read as blank",
            "date-as-text": "dates typed as text read as dates",
            "date-as-number": "dates stored as plain numbers read as Excel dates",
            "number-as-text": "numbers typed as text read as numbers",
        }
        return [
            InputWarning(
                Location(self.file, self.first_row[key], key[0]),
                key[1],
                f"{n} {what[key[1]]} (first at row {self.first_row[key]})",
            )
            for key, n in sorted(self.tolerated.items())
        ]


def arrow_table(
    spec: TableSpec,
    records: list[dict[str, Any]],
    *,
    la_code: str | None,
    return_year: int | None,
) -> pa.Table:
    """Typed values (already converted) as an Arrow table with the store's own columns."""
    arrays = {
        f: pa.array([r.get(f) for r in records], type=arrow_type(spec, f)) for f in spec.fields
    }
    n = len(records)
    arrays["la_code"] = pa.array([la_code] * n, type=pa.string())
    arrays["return_year"] = pa.array([return_year] * n, type=pa.int32())
    return pa.table(arrays)
