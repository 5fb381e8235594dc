"""Hand-made tables for indicator tests, built straight into ``Sources`` (no files, no store).

Rows are dicts of DfE field names; dates are ISO strings (``"2019-03-31"``). Every table gets
``la_code`` (default 999) and, where given, ``return_year``; fields left out are blank.
Also the other small things several test files build: a test indicator's declaration, an
edited workbook cell, a file a reader refuses.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pyarrow as pa
import pytest

from selfeval.errors import InputError
from selfeval.indicators import Sources, compute
from selfeval.indicators.registry import Compute, indicator
from selfeval.schema import ALL_TABLES

LA = "999"


def _value(v: object, kind: str) -> object:
    if v is None or v == "":
        return None
    if kind == "date":
        return v if isinstance(v, date) else date.fromisoformat(str(v))
    if kind == "int":
        return int(v)  # type: ignore[arg-type]
    if kind == "float":
        return float(v)  # type: ignore[arg-type]
    return str(v)


def table(name: str, rows: list[dict], *, return_year: int | None = None) -> pa.Table:
    """A table of the single record with its DfE fields typed as the store types them."""
    rows = [
        {"la_code": LA, **({"return_year": return_year} if return_year else {}), **r} for r in rows
    ]
    spec = ALL_TABLES.get(name)
    if spec is None:  # a table without a schema (population): every key, dates by name
        keys = list(dict.fromkeys(k for r in rows for k in r))
        rows = [
            {k: _value(r.get(k), "date") if k.endswith("Date") else r.get(k) for k in keys}
            for r in rows
        ]
        return pa.Table.from_pylist(rows)
    kinds = {f: "str" for f in spec.fields}
    kinds.update({f: "date" for f in spec.dates})
    kinds.update({f: "int" for f in spec.integers})
    kinds.update({f: "float" for f in spec.numbers})
    kinds.update({"la_code": "str", "return_year": "int"})
    types = {"date": pa.date32(), "int": pa.int64(), "float": pa.float64(), "str": pa.string()}
    cols = [
        f
        for f in ("la_code", "return_year", *spec.fields)
        if f != "return_year" or any("return_year" in r for r in rows)
    ]
    return pa.table(
        {c: pa.array([_value(r.get(c), kinds[c]) for r in rows], types[kinds[c]]) for c in cols}
    )


def sources(**tables: list[dict] | pa.Table) -> Sources:
    """Sources from tables given by name: lists of rows or ready Arrow tables."""
    return Sources({k: v if isinstance(v, pa.Table) else table(k, v) for k, v in tables.items()})


def value(src: Sources, indicator_id: str, at: str, period: str = "year") -> float | None:
    """One indicator's value for authority 999 at a date."""
    return result(src, indicator_id, at, period).value


def result(src: Sources, indicator_id: str, at: str, period: str = "year"):
    """One indicator's full result for authority 999 at a date."""
    [r] = compute(src, [date.fromisoformat(at)], period=period, ids=[indicator_id], la_codes=[LA])
    return r


def declare(ind_id: str, title: str, **fields: Any) -> Callable[[Compute], Compute]:
    """Declare an indicator for a test: a neutral count of children looked after on a date
    from the 903's episodes, but for what ``fields`` say (``indicator``'s arguments)."""
    return indicator(
        **{
            "id": ind_id,
            "area": "looked_after",
            "title": title,
            "definition": f"{title} (test).",
            "numerator": "children",
            "denominator": None,
            "unit": "count",
            "polarity": "neutral",
            "measure": "stock",
            "sources": ("ssda903_episodes",),
            "dfe_reference": "test",
            "suppression": "cla",
            **fields,
        }
    )


def set_cell(path: Path, sheet: str, row: int, header: str, value: object) -> Path:
    """Write ``value`` into a workbook's cell: on ``row`` of ``sheet``, in the column whose
    heading is ``header`` (a required heading's trailing `` *`` ignored)."""
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    col = next(c.column for c in ws[1] if str(c.value).rstrip(" *") == header)
    ws.cell(row=row, column=col, value=value)
    wb.save(path)
    return path


def refusal(read: Callable[..., object], path: Path, text: str, **kw: object) -> tuple[str, str]:
    """Write ``text`` to ``path`` and read it with ``read``, which must refuse it: the rule and
    the file its ``InputError`` names."""
    path.write_text(text)
    with pytest.raises(InputError) as e:
        read(path, **kw)
    return e.value.rule, e.value.location.file


def episode(
    child: str, decom: str, rne: str = "S", ls: str = "C2", place: str = "U1", **kw
) -> dict:
    """One 903 episode row."""
    return {"CHILD": child, "DECOM": decom, "RNE": rne, "LS": ls, "PLACE": place, **kw}


def population(year: int, people: int) -> dict:
    """One ONS mid-year population row (children aged 0-17) for authority 999."""
    return {"la_code": LA, "year": year, "population": people}
