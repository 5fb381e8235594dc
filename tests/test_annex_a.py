"""Annex A: the lists' declared headings are Ofsted's template's, and the reader's tolerance."""

from __future__ import annotations

import openpyxl

from conftest import SHARED
from selfeval.schema import ANNEX_A
from selfeval.schema.annex_a import HEADERS

TEMPLATE = SHARED / "data" / "formats" / "annex_a_template.xlsx"


def test_headings_are_the_templates():
    """Every list's headings, in order, are those of Ofsted's template (trailing spaces aside)."""
    wb = openpyxl.load_workbook(TEMPLATE, read_only=True)
    try:
        for n in range(1, 12):
            ws = wb[f"List {n}"]
            template = [str(c).strip() for c in next(ws.iter_rows(values_only=True))]
            table = f"annex_a_list{n}"
            assert list(HEADERS[table].values()) == template, table
            assert ANNEX_A[table].fields == tuple(HEADERS[table])
    finally:
        wb.close()
