"""Annex A workbooks as local authorities really fill them in.

Each list is found by its sheet's name ("List 1", "list1", "List 3 - Referrals", ...), its
header row among the first rows of the sheet, and its columns by heading (renamed, reordered,
missing and extra columns tolerated and reported). Blank rows are skipped; dates typed as text
and Excel error values (#N/A) are read and reported. Formulas, macros and zip bombs refuse the
workbook (see ``selfeval.returns.xlsx``). Rows with no identifier are refused.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from selfeval.errors import InputError, Location, UsageError
from selfeval.returns import xlsx
from selfeval.returns.base import MAX_BYTES, InputWarning, ReturnTables
from selfeval.returns.sheet import Cells, arrow_table, match_columns, normalise
from selfeval.schema import ANNEX_A
from selfeval.schema.annex_a import HEADERS

KIND = "annex-a"
HEADER_SEARCH_ROWS = 10
_SHEET = re.compile(r"^\s*list\s*[-_ ]?\s*0?(\d{1,2})(?!\d)", re.IGNORECASE)

ALIASES: dict[str, tuple[str, ...]] = {
    "child_unique_id": ("Child ID", "Child Unique Identifier", "ChildID", "ID", "LAchildID"),
    "gender": ("Sex",),
    "date_of_birth": ("DOB", "Birth date"),
    "disability": ("Disability", "Disabled"),
    "allocated_worker": ("Social Worker", "Worker"),
    "allocated_team": ("Team",),
}


def list_number(sheet_title: str) -> int | None:
    """The Annex A list a sheet holds, from its name: 'List 3 - Referrals' -> 3."""
    m = _SHEET.match(sheet_title)
    if m and 1 <= int(m.group(1)) <= 11:
        return int(m.group(1))
    return None


def _header_row(
    rows: list[tuple[int, list[Any]]], expected: dict[str, str]
) -> tuple[int, list[Any]] | None:
    """The first row that names the list's identifier column and at least one other."""
    ident = next(iter(expected))
    ident_names = {normalise(expected[ident]), normalise(ident)}
    ident_names |= {normalise(a) for a in ALIASES.get(ident, ())}
    wanted = {normalise(h) for h in expected.values()} | {normalise(f) for f in expected}
    for alias_names in ALIASES.values():
        wanted |= {normalise(a) for a in alias_names}
    for n, values in rows:
        names = {normalise(v) for v in values}
        if names & ident_names and len(names & wanted) >= 2:
            return n, values
    return None


def _read_sheet(ws: Any, table: str, file: str, warnings: list[InputWarning]) -> list[dict]:
    spec = ANNEX_A[table]
    expected = HEADERS[table]
    where_file = f"{file} [{ws.title}]"
    it = xlsx.rows(ws, file)
    head: list[tuple[int, list[Any]]] = []
    for item in it:
        head.append(item)
        if len(head) >= HEADER_SEARCH_ROWS:
            break
    found = _header_row(head, expected)
    if found is None:
        raise InputError(
            Location(where_file, 1),
            "header",
            f"no header row naming {spec.source}'s columns in the first {HEADER_SEARCH_ROWS} rows",
        )
    header_n, header = found
    if header_n != 1:
        warnings.append(
            InputWarning(
                Location(where_file, header_n),
                "header-not-first-row",
                f"the header is on row {header_n}; the rows above it were ignored",
            )
        )
    columns, col_warnings = match_columns(
        header, expected, aliases=ALIASES, where=Location(where_file, header_n)
    )
    warnings.extend(col_warnings)
    ident = spec.fields[0]
    if ident not in columns.values():
        raise InputError(
            Location(where_file, header_n, expected[ident]),
            "missing-column",
            f"the list has no {expected[ident]!r} column, so its rows cannot be identified",
        )
    cells = Cells(where_file)
    records: list[dict[str, Any]] = []
    blank = 0
    rest = [r for r in head if r[0] > header_n]
    for n, values in _chain(rest, it):
        if not any(v is not None and str(v).strip() for v in values):
            blank += 1
            continue
        record = {
            field: cells.value(spec, field, values[i] if i < len(values) else None, n)
            for i, field in columns.items()
        }
        if record.get(ident) is None:
            raise InputError(
                Location(where_file, n, expected[ident]),
                "required",
                f"the row has values but no {expected[ident]!r}",
            )
        records.append(record)
    if blank:
        warnings.append(
            InputWarning(Location(where_file), "blank-rows", f"{blank} blank rows skipped")
        )
    warnings.extend(cells.warnings())
    return records


def _chain(first: list, rest: Any) -> Any:
    yield from first
    yield from rest


def read(
    path: Path,
    *,
    la_code: str | None,
    return_year: int | None,
    max_bytes: int = MAX_BYTES,
) -> ReturnTables:
    """An Annex A workbook as the tables annex_a_list1 ... annex_a_list11 (those present)."""
    if la_code is None or return_year is None:
        raise UsageError("an Annex A workbook names no authority or year: give --la and --year")
    name = path.name
    warnings: list[InputWarning] = []
    tables = {}
    with xlsx.open_workbook(path, max_bytes) as wb:
        seen: dict[int, str] = {}
        for ws in wb.worksheets:
            n = list_number(ws.title)
            if n is None:
                warnings.append(
                    InputWarning(
                        Location(f"{name} [{ws.title}]"),
                        "extra-sheet",
                        f"sheet {ws.title!r} is not an Annex A list and was ignored",
                    )
                )
                continue
            if n in seen:
                raise InputError(
                    Location(f"{name} [{ws.title}]"),
                    "duplicate-list",
                    f"List {n} appears twice (sheets {seen[n]!r} and {ws.title!r})",
                )
            seen[n] = ws.title
            table = f"annex_a_list{n}"
            records = _read_sheet(ws, table, name, warnings)
            tables[table] = arrow_table(
                ANNEX_A[table], records, la_code=la_code, return_year=return_year
            )
    if not tables:
        raise InputError(
            Location(name), "wrong-kind", "not an Annex A workbook: no sheet is one of Lists 1-11"
        )
    return ReturnTables(
        tables, kind=KIND, la_code=la_code, return_year=return_year, warnings=warnings
    )


def sniff(path: Path) -> bool:
    """True if the file is a workbook with at least two sheets named as Annex A lists."""
    try:
        with xlsx.open_workbook(path) as wb:
            return sum(1 for t in wb.sheetnames if list_number(t) is not None) >= 2
    except (InputError, OSError):
        return False
