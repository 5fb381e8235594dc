"""The validation report as HTML, XLSX or CSV, safe to open: values that a spreadsheet would
take for a formula (beginning = + - @, a tab or a carriage return) are escaped."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

import openpyxl

from selfeval.errors import UsageError
from selfeval.outputs.render import templates
from selfeval.outputs.tables import add_sheet, safe_cell
from selfeval.validation.report import ValidationReport

ISSUE_COLUMNS = (
    "validator", "return_year", "rule", "severity", "message", "child", "table", "row", "field"
)  # fmt: skip


def _issue_rows(reports: Sequence[ValidationReport]) -> list[list[object]]:
    return [
        [
            r.validator,
            r.return_year,
            i.rule,
            i.severity,
            i.message,
            i.child,
            i.table,
            i.row,
            i.field,
        ]
        for r in reports
        for i in r.issues
    ]


def _count_rows(reports: Sequence[ValidationReport]) -> list[list[object]]:
    return [[r.validator, *c] for r in reports for c in r.counts_by_rule]


def _crash_rows(reports: Sequence[ValidationReport]) -> list[list[object]]:
    return [[r.validator, c.rule, c.message, c.error] for r in reports for c in r.crashed]


def to_html(reports: Sequence[ValidationReport]) -> str:
    return templates.get_template("validation.html.j2").render(reports=reports)


def to_xlsx(reports: Sequence[ValidationReport], path: Path) -> None:
    wb = openpyxl.Workbook(write_only=True)
    sheets: dict[str, tuple[list[str], list[list[object]]]] = {
        "Summary": (
            [
                "validator",
                "package",
                "version",
                "ruleset",
                "return year",
                "errors",
                "queries",
                "crashed rules",
                "could not read",
            ],
            [
                [
                    r.validator,
                    r.package,
                    r.version,
                    r.ruleset,
                    r.return_year,
                    r.errors,
                    r.queries,
                    len(r.crashed),
                    r.failure,
                ]
                for r in reports
            ],
        ),
        "By rule": (["validator", "rule", "severity", "message", "issues"], _count_rows(reports)),
        "Crashed rules": (["validator", "rule", "message", "error"], _crash_rows(reports)),
        "Issues": (list(ISSUE_COLUMNS), _issue_rows(reports)),
    }
    for title, (header, rows) in sheets.items():
        add_sheet(wb, title, [header, *rows])
    wb.save(path)


def to_csv(reports: Sequence[ValidationReport], path: Path) -> None:
    """Every issue, one per row; crashed rules as rows whose severity is ``crashed``."""
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(ISSUE_COLUMNS)
        for row in _issue_rows(reports):
            w.writerow([safe_cell(v) for v in row])
        for r in reports:
            for c in r.crashed:
                crashed = (
                    r.validator,
                    r.return_year,
                    c.rule,
                    "crashed",
                    f"{c.message} [{c.error}]",
                )
                w.writerow([safe_cell(v) for v in crashed])
            if r.failure:
                w.writerow(
                    [
                        safe_cell(v)
                        for v in (r.validator, r.return_year, "", "unreadable", r.failure)
                    ]
                )


def write(reports: Sequence[ValidationReport], path: Path) -> None:
    """The report in the format its file name says: .html, .xlsx or .csv."""
    suffix = path.suffix.lower()
    if suffix in (".html", ".htm"):
        path.write_text(to_html(reports), encoding="utf-8")
    elif suffix == ".xlsx":
        to_xlsx(reports, path)
    elif suffix == ".csv":
        to_csv(reports, path)
    else:
        raise UsageError(f"a report is .html, .xlsx or .csv, not {path.name!r}")
