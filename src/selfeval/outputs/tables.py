"""Tables for download (CSV, XLSX), safe from formula injection in spreadsheet programs."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import TypeVar

from openpyxl import Workbook
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""A cell whose text starts with one of these may be run as a formula by a spreadsheet (the one
guard of every CSV and XLSX selfeval writes: exports, reports, workbook templates)."""


CellValue = str | int | float | bool | date | datetime | None
"""What a spreadsheet cell holds (as openpyxl writes it)."""

_V = TypeVar("_V")


def safe_cell(value: _V) -> _V | str:
    """A text cell that a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def to_csv(header: Sequence[str], rows: Sequence[Sequence[object]]) -> bytes:
    """UTF-8 CSV with a byte-order mark (so Excel reads it as UTF-8)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow([safe_cell(h) for h in header])
    for r in rows:
        w.writerow(["" if v is None else safe_cell(v) for v in r])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


Row = Sequence[object]


def add_sheet(wb: Workbook, title: str, rows: Iterable[Row]) -> Worksheet | WriteOnlyWorksheet:
    """A worksheet named ``title`` (cut to Excel's 31 characters) holding ``rows``; every text
    cell guarded, so it is stored as text, never run as a formula. Works on write-only
    workbooks too (large reports)."""
    ws: Worksheet | WriteOnlyWorksheet = wb.create_sheet(title[:31])
    for r in rows:
        ws.append([safe_cell(v) for v in r])
    return ws


def xlsx_sheets(sheets: Iterable[tuple[str, Iterable[Row]]]) -> bytes:
    """A workbook of one worksheet per ``(title, rows)``, in order."""
    wb = Workbook()
    wb.remove(wb.worksheets[0])  # the sheet a new workbook starts with
    for title, rows in sheets:
        add_sheet(wb, title, rows)
    return workbook_bytes(wb)


def workbook_bytes(wb: Workbook) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def to_xlsx(header: Sequence[str], rows: Sequence[Row], *, title: str) -> bytes:
    """One worksheet: the header, then the rows."""
    return xlsx_sheets([(title, [header, *rows])])
