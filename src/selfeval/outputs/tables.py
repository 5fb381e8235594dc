"""Tables for download (CSV, XLSX), safe from formula injection in spreadsheet programs."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from openpyxl import Workbook

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""A cell whose text starts with one of these may be run as a formula by a spreadsheet (the one
guard of every CSV and XLSX selfeval writes: exports, reports, workbook templates)."""


def safe_cell(value: object) -> object:
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


def to_xlsx(header: Sequence[str], rows: Sequence[Sequence[object]], *, title: str) -> bytes:
    """One worksheet; every text cell is stored as text, never as a formula."""
    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    ws.append([safe_cell(h) for h in header])
    for r in rows:
        ws.append([safe_cell(v) for v in r])
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
