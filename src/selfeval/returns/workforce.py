"""The social work workforce return (CSWW): DfE's XML, or its items as CSV or XLSX tables.

The XML is DfE's own (``Message`` > ``Header``, ``LALevelVacancies``, ``CSWWWorker``*). A CSV
file or an XLSX sheet holds one table, recognised by its header row: the worker items
(``AgencyWorker``, ``SWENo``, ...) or the vacancy items (``NumberOfVacancies``, ...). Columns are
matched by name, tolerantly (see ``selfeval.returns.sheet``); dates may be dd/mm/yyyy or ISO.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from selfeval.errors import InputError, Location, UsageError
from selfeval.returns import xlsx, xml
from selfeval.returns.base import (
    MAX_BYTES,
    InputWarning,
    ReturnTables,
    check_file,
    first_csv_row,
    la_code_of,
    looks_like_xml,
    looks_like_zip,
)
from selfeval.returns.sheet import Cells, arrow_table, match_columns, normalise
from selfeval.returns.tables import ISO_DATE, typed_columns
from selfeval.schema import WORKFORCE, TableSpec

KIND = "workforce"
WORKERS = WORKFORCE["workforce_workers"]
VACANCIES = WORKFORCE["workforce_vacancies"]
HEADER = WORKFORCE["workforce_header"]
_EXPECTED = {s.name: {f: f for f in s.fields} for s in (WORKERS, VACANCIES)}
_QUIET = {"date-as-text", "number-as-text"}
"""In a CSV every value is text: reading dates and numbers from it is no tolerance."""


def _which(header: list[Any]) -> TableSpec | None:
    names = {normalise(h) for h in header}
    for spec in (WORKERS, VACANCIES):
        needed = spec.required or spec.fields
        if all(normalise(f) in names for f in needed):
            return spec
    return None


def _table(
    spec: TableSpec,
    rows: list[tuple[int, list[Any]]],
    header: tuple[int, list[Any]],
    where_file: str,
    warnings: list[InputWarning],
    *,
    quiet: set[str],
) -> list[dict[str, Any]]:
    columns, col_warnings = match_columns(
        header[1], _EXPECTED[spec.name], where=Location(where_file, header[0])
    )
    warnings.extend(col_warnings)
    cells = Cells(where_file)
    records = []
    for n, values in rows:
        if not any(v is not None and str(v).strip() for v in values):
            continue
        records.append(
            {
                field: cells.value(spec, field, values[i] if i < len(values) else None, n)
                for i, field in columns.items()
            }
        )
        for f in spec.required:
            if records[-1].get(f) is None:
                raise InputError(Location(where_file, n, f), "required", f"{f} is blank")
    warnings.extend(w for w in cells.warnings() if w.rule not in quiet)
    return records


def _read_csv(path: Path, la_code: str, year: int) -> ReturnTables:
    name = path.name
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise InputError(Location(name), "encoding", f"the file is not UTF-8 text ({e})") from None
    try:
        rows = [(n, r) for n, r in enumerate(csv.reader(io.StringIO(text, newline="")), 1)]
    except csv.Error as e:
        raise InputError(Location(name), "csv", f"malformed CSV ({e})") from None
    if not rows:
        raise InputError(Location(name, 1), "header", "the file has no header row")
    spec = _which(rows[0][1])
    if spec is None:
        raise InputError(
            Location(name, 1),
            "wrong-kind",
            "the header row is neither the workforce return's worker items "
            "(AgencyWorker, SWENo, ...) nor its vacancy items (NumberOfVacancies, ...)",
        )
    warnings: list[InputWarning] = []
    records = _table(spec, rows[1:], rows[0], name, warnings, quiet=_QUIET)
    table = arrow_table(spec, records, la_code=la_code, return_year=year)
    return ReturnTables(
        {spec.name: table}, kind=KIND, la_code=la_code, return_year=year, warnings=warnings
    )


def _read_xlsx(path: Path, la_code: str, year: int, max_bytes: int) -> ReturnTables:
    name = path.name
    warnings: list[InputWarning] = []
    tables = {}
    with xlsx.open_workbook(path, max_bytes) as wb:
        for ws in wb.worksheets:
            rows = list(xlsx.rows(ws, name))
            where_file = f"{name} [{ws.title}]"
            header = next(((n, r) for n, r in rows[:10] if _which(r)), None)
            if header is None:
                warnings.append(
                    InputWarning(Location(where_file), "extra-sheet", f"sheet {ws.title!r} ignored")
                )
                continue
            spec = _which(header[1])
            assert spec is not None
            if spec.name in tables:
                raise InputError(
                    Location(where_file), "duplicate-table", f"a second {spec.source} sheet"
                )
            body = [r for r in rows if r[0] > header[0]]
            records = _table(spec, body, header, where_file, warnings, quiet=set())
            tables[spec.name] = arrow_table(spec, records, la_code=la_code, return_year=year)
    if not tables:
        raise InputError(
            Location(name), "wrong-kind", "no sheet holds the workforce return's worker items"
        )
    return ReturnTables(tables, kind=KIND, la_code=la_code, return_year=year, warnings=warnings)


def _read_xml(path: Path, la_code: str | None, year: int | None, max_bytes: int) -> ReturnTables:
    name = path.name
    root = xml.root_tag(path, max_bytes)
    if root != "Message":
        raise InputError(Location(name, 1), "wrong-kind", f"not a CSWW file: root <{root}>")
    found: dict[str, tuple[list[dict[str, str | None]], list[int]]] = {
        s.source: ([], []) for s in (HEADER, WORKERS, VACANCIES)
    }
    unread: dict[str, int] = {}
    """Items of a worker or vacancy block that no table keeps (block/name: how many)."""
    events = xml.iterparse(
        path, tag=("Header", "LALevelVacancies", "CSWWWorker"), events=("end",), max_bytes=max_bytes
    )
    try:
        for _event, el in events:
            parent = el.getparent()
            if parent is None or parent.getparent() is not None:
                continue
            tag = xml.tag_of(el)
            if tag == "Header":
                values = xml.first_texts(el.find("CollectionDetails"))
                values |= xml.first_texts(el.find("Source"))
                if (values.get("Collection") or "").strip() != "CSWW":
                    raise InputError(
                        Location(name, el.sourceline, "Collection"),
                        "wrong-kind",
                        f"not a CSWW file: its collection is {values.get('Collection')!r}",
                    )
            else:
                values = xml.first_texts(el)
                keep = set(WORKERS.fields if tag == "CSWWWorker" else VACANCIES.fields)
                for c in el:
                    if isinstance(c.tag, str) and c.tag not in keep:
                        where = f"{tag}/{c.tag}"
                        unread[where] = unread.get(where, 0) + 1
            found[tag][0].append(values)
            found[tag][1].append(el.sourceline or 0)
            xml.release(el)
    finally:
        events.close()
    warnings: list[InputWarning] = []
    if unread:
        said = ", ".join(f"{n} {w}" for w, n in sorted(unread.items()))
        warnings.append(
            InputWarning(
                Location(name),
                "not-read",
                f"{sum(unread.values())} elements that selfeval does not keep were left out: "
                f"{said}",
            )
        )
    header_rows = found["Header"][0]
    if header_rows:
        h = header_rows[0]
        line = found["Header"][1][0]
        lea = la_code_of(h.get("LEA"), Location(name, line, "LEA"))
        if la_code is None:
            la_code = lea
        elif la_code != lea:
            warnings.append(
                InputWarning(
                    Location(name, line, "LEA"),
                    "la-mismatch",
                    f"the Header's LEA is {lea} but the file is loaded as LA {la_code}",
                )
            )
        ref = (h.get("ReferenceDate") or "")[:4]
        if year is None and ref.isdigit():
            year = int(ref)
    if la_code is None or year is None:
        raise UsageError(
            f"{name}: a workforce census names no authority or year: give --la and --year"
        )
    tables = {}
    for spec in (HEADER, WORKERS, VACANCIES):
        rows, lines = found[spec.source]
        for row, line in zip(rows, lines, strict=True):
            for f in spec.required:
                if not (row.get(f) or "").strip():
                    raise InputError(Location(name, line, f), "required", f"{f} is blank")
        columns = {f: [r.get(f) for r in rows] for f in spec.fields}
        tables[spec.name] = typed_columns(
            spec,
            columns,
            file=name,
            la_code=la_code,
            return_year=year,
            row_numbers=lines,
            date_format=ISO_DATE,
        )
    return ReturnTables(tables, kind=KIND, la_code=la_code, return_year=year, warnings=warnings)


def read(
    path: Path,
    *,
    la_code: str | None = None,
    return_year: int | None = None,
    max_bytes: int = MAX_BYTES,
) -> ReturnTables:
    """A workforce return file as workforce_* tables. The XML names its LA and year; for CSV
    and XLSX they must be given (the year is the census year: 2020 = 30 September 2020)."""
    check_file(path, max_bytes)
    if looks_like_xml(path):
        return _read_xml(path, la_code, return_year, max_bytes)
    if la_code is None or return_year is None:
        raise UsageError(
            f"{path.name}: a workforce table names no authority or year: give --la and --year"
        )
    if looks_like_zip(path):
        return _read_xlsx(path, la_code, return_year, max_bytes)
    return _read_csv(path, la_code, return_year)


def sniff(path: Path) -> bool:
    """True for CSWW XML, or a CSV/XLSX whose header row is the worker or vacancy items."""
    if looks_like_xml(path):
        h = xml.head(path)
        return h.get("_root") == "Message" and h.get("Collection") == "CSWW"
    if looks_like_zip(path):
        try:
            with xlsx.open_workbook(path) as wb:
                for ws in wb.worksheets:
                    for _n, row in xlsx.rows(ws, path.name, max_rows=10):
                        if _which(row):
                            return True
        except (InputError, OSError):
            return False
        return False
    return _which(first_csv_row(path)) is not None
