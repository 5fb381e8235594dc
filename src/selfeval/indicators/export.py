"""Indicator results as JSON, CSV, XLSX and a plain table; the catalogue as Markdown."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from selfeval.indicators.engine import RESULT_FIELDS, Result
from selfeval.indicators.registry import AREAS, Indicator
from selfeval.outputs.disclosure import SUPPRESSED
from selfeval.outputs.formatting import excel_format, format_figure
from selfeval.outputs.tables import add_sheet, safe_cell

FIELDS = RESULT_FIELDS


def to_json(results: Sequence[Result]) -> str:
    return json.dumps([r.as_dict() for r in results], indent=2)


def to_csv(results: Sequence[Result]) -> str:
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=FIELDS, lineterminator="\n")
    w.writeheader()
    for r in results:
        w.writerow({k: safe_cell(v) for k, v in r.as_dict().items()})
    return out.getvalue()


def public_row(r: Result, shown: str) -> dict[str, Any]:
    """A result's fields as a public export holds them: a withheld figure (``shown`` is ``c``,
    as ``evaluation.placeholders.FigureCache.show`` decides) keeps no value, numerator or
    denominator."""
    d = r.as_dict()
    if shown == SUPPRESSED:
        d.update(value=SUPPRESSED, numerator=None, denominator=None)
    return d


def to_xlsx(
    results: Sequence[Result], path: Path, show: Callable[[Result], str] | None = None
) -> Path:
    """One sheet, one row per result; text that looks like a formula is stored as text. Given
    ``show`` (a public figure cache's), figures withheld from the public are ``c``."""
    wb = Workbook()
    wb.remove(wb.worksheets[0])  # the sheet a new workbook starts with
    rows = [public_row(r, show(r)) if show else r.as_dict() for r in results]
    ws = add_sheet(wb, "indicators", [FIELDS, *([d[k] for k in FIELDS] for d in rows)])
    assert isinstance(ws, Worksheet)  # the workbook is not write-only
    figures = {FIELDS.index(k) for k in ("value", "numerator", "denominator") if k in FIELDS}
    for row, r in enumerate(results, start=2):
        for i in figures:  # shown as the web and the documents show it; the exact value kept
            ws.cell(row, i + 1).number_format = excel_format(
                r.unit if FIELDS[i] == "value" else "count"
            )
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def format_value(r: Result) -> str:
    """A figure as people read it, the same in every output (``outputs.formatting``)."""
    return format_figure(r.value, r.unit, r.reason)


def to_table(results: Sequence[Result]) -> str:
    """A plain-text table for the terminal; each figure names its basis."""
    lines = []
    for r in results:
        lines.append(
            f"{r.date}  {r.la_code}  {r.id:<40} {r.basis!s:<16}{format_value(r):>10}  "
            f"{r.reason or ''}".rstrip()
        )
    return "\n".join(lines)


def years_read(lookback: int | None) -> str:
    """An indicator's look-back in words (``Indicator.lookback_years``)."""
    if lookback is None:
        return "its own return year and every earlier one"
    if lookback == 0:
        return "its own return year only"
    return f"its own return year and the {lookback} before it"


def catalogue_markdown(cat: dict[str, Indicator]) -> str:
    """docs/indicators.md: every indicator's declaration, by area, generated from the catalogue."""
    out = [
        "# Indicators",
        "",
        "Generated from the catalogue by `selfeval indicators docs`; do not edit by hand (a test "
        "fails when this page and the catalogue differ).",
        "",
        "A **stock** is counted on the date; a **period** measure covers the year, quarter or "
        "calendar month ending on the date (`--period`); an **annual** measure is the latest "
        "yearly return on or before the date (the 903's OC2 and OC3 tables to 31 March, the "
        "workforce census to 30 September). Percentages are 0-100. A figure without the data it "
        "needs is blank, with the reason, never a silent zero.",
        "",
        "Every figure names its **basis** (docs/decisions/0019-basis.md). *As returned*: the "
        "year's figures from the returns of that year and earlier, as submitted, exactly as DfE "
        "computes its published statistics; every comparison with England, the region and "
        "neighbours is on this basis (`selfeval indicators --basis as-returned`). *As now "
        "recorded*: from every load merged, with later returns' corrections (the default). "
        "**Years read** says how many return years before its own an indicator's definition "
        "reads: a store holding only those returns gives the same figure.",
        "",
    ]
    for area in AREAS:
        inds = [i for i in cat.values() if i.area == area]
        if not inds:
            continue
        out += [f"## {area.replace('_', ' ').capitalize()}", ""]
        for i in inds:
            out += [f"### `{i.id}`: {i.title}", "", i.definition, ""]
            rows = [
                ("Numerator", i.numerator),
                ("Denominator", i.denominator or "none (a count)"),
                ("Unit", i.unit),
                ("Polarity", i.polarity.replace("_", " ")),
                ("Measure", i.measure + (f" ({i.snapshot} year)" if i.snapshot else "")),
                ("Sources", ", ".join(f"`{s}`" for s in i.sources)),
                ("Years read", years_read(i.lookback_years)),
                ("DfE reference", i.dfe_reference),
                ("Suppression", i.suppression),
            ]
            rows.append(("Basis", _basis(i)))
            if i.published:
                rows.append(("Published as", i.published.describe()))
            if i.same_figure_as:
                rows.append(
                    (
                        "Same figure as",
                        f"`{i.same_figure_as}`, which wins where both have data",
                    )
                )
            rows += [("Counting choice", c) for c in i.choices]
            out += ["| | |", "|---|---|"] + [f"| {k} | {v} |" for k, v in rows] + [""]
    return "\n".join(out)


def _basis(i: Indicator) -> str:
    """Which basis the indicator's figures are compared on (docs/indicators.md)."""
    if i.published is None:
        return (
            "as returned or as now recorded, named on each figure; DfE publishes no figure to "
            "reconcile it with"
        )
    census = (
        ", its workforce census the one of 30 September inside that year"
        if i.snapshot == "csww"
        else ""
    )
    return (
        "as returned when set beside DfE's published figure (`selfeval reconcile`): the "
        f"returns of the collection year ending on 31 March{census}"
    )
