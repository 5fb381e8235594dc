"""Annex A workbooks as local authorities really fill them in.

Each list is found by its sheet's name ("List 1", "list1", "List 3 - Referrals", ...) or, when
the sheet was renamed ("Contacts"), by its header row; the header row among the first rows of
the sheet, and its columns by heading (renamed, reordered, missing and extra columns tolerated
and reported; the headings of every template year since 2018 known, List 9's 2024 columns
included). Blank rows are skipped; so are example rows kept from Ofsted's template (rows just
below the header that give guidance: "e.g. ...", "DD/MM/YYYY", "example", "please ..."), with
a note. Dates typed as text and Excel error values (#N/A) are read and reported. A formula
cell is read by the value Excel saved with it (lookups and date arithmetic are common in
filled-in lists); one saved without a value, macros and zip bombs refuse the workbook (see
``selfeval.returns.xlsx``). Rows with no identifier are refused.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from selfeval.errors import InputError, Location, UsageError
from selfeval.returns import xlsx
from selfeval.returns.base import MAX_BYTES, InputWarning, ReturnTables
from selfeval.returns.sheet import Cells, arrow_table, match_columns, normalise
from selfeval.schema import ANNEX_A
from selfeval.schema.annex_a import HEADERS, OTHER_YEARS

KIND = "annex-a"
HEADER_SEARCH_ROWS = 10
EXAMPLE_SEARCH_ROWS = 5
"""How many rows below the header may be Ofsted's example or guidance rows."""
_SHEET = re.compile(r"^\s*list\s*[-_ ]?\s*0?(\d{1,2})(?!\d)", re.IGNORECASE)
_EXAMPLE = re.compile(
    r"\be\.\s?g\.|\bexample\b|\bdd\s?/\s?mm\s?/\s?(yy)?yy\b|\bplease\b|\bguidance\b",
    re.IGNORECASE,
)

_NOT_A_LIST = re.compile(r"note|guid|look-?up|cover|content|read ?me|instruction", re.IGNORECASE)

ALIASES: dict[str, tuple[str, ...]] = {
    "child_unique_id": ("Child ID", "Child Unique Identifier", "ChildID", "ID", "LAchildID"),
    "gender": ("Sex",),
    "date_of_birth": ("DOB", "Birth date"),
    "age": ("Age of Child (Years)", "Age of Child", "Age (Years)"),
    "disability": ("Disability", "Disabled"),
    "allocated_worker": ("Social Worker", "Worker"),
    "allocated_team": ("Team",),
    # The 2018-2020 templates' headings, before "continuous assessment" and the strategy
    # discussion were named (liia-tools' Annex A schemas keep them).
    "assessment_start_date": ("Assessment Start Date",),
    "child_seen_during_assessment": ("Child Seen During Assessment",),
    "assessment_authorisation_date": ("Assessment Date of Authorisation",),
    "s47_start_date": ("Section 47 Enquiry Start Date", "S47 Start Date"),
    "epo_or_police_protection_in_last_6_months": (
        "Subject to Emergency Protection Order or Protected Under Police Powers in Last Six Months",
    ),
    "uasc_in_last_12_months": (
        "Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months (Y/N)",
    ),
    "allocated_personal_adviser": ("Allocated Personal Adviser", "Personal Adviser", "PA"),
    "la_in_touch": ("In Touch",),
}


def list_number(sheet_title: str) -> int | None:
    """The Annex A list a sheet holds, from its name: 'List 3 - Referrals' -> 3."""
    m = _SHEET.match(sheet_title)
    if m and 1 <= int(m.group(1)) <= 11:
        return int(m.group(1))
    return None


def _expected(table: str) -> dict[str, str]:
    """A list's fields and headings: the template's, then other template years' columns."""
    return {**HEADERS[table], **OTHER_YEARS.get(table, {})}


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


def list_by_headers(rows: list[tuple[int, list[Any]]]) -> int | None:
    """The list a renamed sheet holds, from its header row: the list that row names the most
    headings of (at least three, its identifier among them; on a tie, the list with fewer
    columns). Lists 1-9 share their first columns, so their own columns tell them apart."""
    best: tuple[int, float, int] | None = None
    for n in range(1, 12):
        table = f"annex_a_list{n}"
        found = _header_row(rows, _expected(table))
        if found is None:
            continue
        names = {normalise(v) for v in found[1] if v is not None}
        expected = _expected(table)
        hits = sum(
            1
            for f, h in expected.items()
            if normalise(h) in names or names & {normalise(a) for a in ALIASES.get(f, ())}
        )
        share = hits / len(expected)
        if hits >= 3 and (best is None or (hits, share) > best[:2]):
            best = (hits, share, n)
    return best[2] if best else None


def _is_example(values: list[Any]) -> bool:
    """A row of Ofsted's guidance ("e.g. 123456", "DD/MM/YYYY"), not a child."""
    return any(isinstance(v, str) and _EXAMPLE.search(v) for v in values)


def _head(it: Any) -> list[tuple[int, list[Any]]]:
    head: list[tuple[int, list[Any]]] = []
    for item in it:
        head.append(item)
        if len(head) >= HEADER_SEARCH_ROWS:
            break
    return head


def _read_sheet(
    ws: Any,
    table: str,
    file: str,
    warnings: list[InputWarning],
    head: list[tuple[int, list[Any]]],
    it: Any,
) -> list[dict[str, Any]]:
    spec = ANNEX_A[table]
    expected = _expected(table)
    where_file = f"{file} [{ws.title}]"
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
    other_years = {OTHER_YEARS.get(table, {}).get(f) for f in OTHER_YEARS.get(table, {})}
    warnings.extend(
        w
        for w in col_warnings
        if not (w.rule == "missing-column" and w.location.field in other_years)
    )
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
    examples: list[int] = []
    data_seen = False
    rest = [r for r in head if r[0] > header_n]
    for n, values in _chain(rest, it):
        if not any(v is not None and str(v).strip() for v in values):
            blank += 1
            continue
        if not data_seen and n - header_n <= EXAMPLE_SEARCH_ROWS and _is_example(values):
            examples.append(n)
            continue
        data_seen = True
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
    if examples:
        rows_text = ", ".join(str(n) for n in examples)
        warnings.append(
            InputWarning(
                Location(where_file, examples[0]),
                "example-rows",
                f"{len(examples)} example row(s) from Ofsted's template skipped (row {rows_text})",
            )
        )
    if blank:
        warnings.append(
            InputWarning(Location(where_file), "blank-rows", f"{blank} blank rows skipped")
        )
    warnings.extend(cells.warnings())
    return records


def _chain(first: list[Any], rest: Iterable[Any]) -> Iterator[Any]:
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
        raise UsageError(
            f"{path.name}: an Annex A workbook names no authority or year: give --la and --year"
        )
    name = path.name
    warnings: list[InputWarning] = []
    tables = {}
    with xlsx.open_workbook(path, max_bytes) as wb:
        seen: dict[int, str] = {}
        for ws in wb.worksheets:
            it = xlsx.rows(ws, name, formulas="saved")
            n = list_number(ws.title)
            if n is not None:
                head = _head(it)
            else:
                head = _head_or_nothing(it, ws.title)
                n = list_by_headers(head)
                if n is not None:
                    warnings.append(
                        InputWarning(
                            Location(f"{name} [{ws.title}]"),
                            "renamed-sheet",
                            f"sheet {ws.title!r} read as List {n}, found by its headings",
                        )
                    )
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
            records = _read_sheet(ws, table, name, warnings, head, it)
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


def _head_or_nothing(it: Any, title: str) -> list[tuple[int, list[Any]]]:
    """The first rows of a sheet not named as a list, or none if it cannot be read: such a
    sheet is a list only if its headings say so."""
    if not _may_be_list(title):
        return []
    try:
        return _head(it)
    except InputError:
        return []


def _may_be_list(title: str) -> bool:
    """Whether a sheet not named as a list is worth reading for its headings (not a notes,
    guidance or lookup sheet an authority adds)."""
    return not _NOT_A_LIST.search(title)


def sniff(path: Path) -> bool:
    """True if the file is a workbook with at least two sheets named as Annex A lists."""
    try:
        with xlsx.open_workbook(path) as wb:
            named = sum(1 for t in wb.sheetnames if list_number(t) is not None)
            if named >= 2:
                return True
            found = named
            for ws in wb.worksheets[:20]:
                if list_number(ws.title) is None:
                    head = _head_or_nothing(xlsx.rows(ws, path.name, formulas="saved"), ws.title)
                    found += list_by_headers(head) is not None if head else 0
            return found >= 2
    except (InputError, OSError):
        return False
