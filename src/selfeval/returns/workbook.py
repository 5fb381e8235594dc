"""Workbooks people fill in: safe reading (no formulas, no macros, bounded size), typed cells
with errors that name file, sheet, row and field, and templates with drop-down lists.

Shared by the audits and improvement-plan workbooks.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal, overload

from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from selfeval.errors import InputError, Location
from selfeval.outputs.tables import FORMULA_START, CellValue, safe_cell
from selfeval.returns import xlsx

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_ROWS = 50_000


@dataclass(frozen=True)
class WorkbookRecord:
    """What every record a workbook row holds carries after its own fields: ``id``, its row in
    the store once saved, and ``where``, the sheet and row it was read from (``Row.fields``),
    for errors found later; where is not part of what the record is: never compared or shown."""

    id: int | None = field(default=None, kw_only=True)
    where: Location | None = field(default=None, compare=False, repr=False, kw_only=True)

    def as_dict(self) -> dict[str, Any]:
        """The record as a dict: its own fields in their order, then ``id`` (not ``where``)."""
        d = asdict(self)
        del d["where"]
        d["id"] = d.pop("id")
        return d


@dataclass(frozen=True)
class Column:
    """One column of a sheet: its header, how its cells are read, and the help people see."""

    header: str
    kind: str = "text"
    """text, date, number, choice or ids (several ids separated by semicolons)."""
    required: bool = False
    choices: tuple[str, ...] = ()
    help: str = ""
    width: int = 18
    field: str | None = None
    """The record field the column fills (``Row.fields``, ``SheetSpec.cells``): by default its
    header in snake case ("Start date": ``start_date``); "" for a column read and written by
    hand (a grade, the plan year of every row)."""

    @property
    def record_field(self) -> str | None:
        """The record field the column fills, or None."""
        if self.field is None:
            return "_".join(self.header.lower().split())
        return self.field or None


@dataclass(frozen=True)
class SheetSpec:
    name: str
    columns: tuple[Column, ...]
    about: str = ""
    extra_prefix: str | None = None
    """Headers starting with this are allowed beyond ``columns`` (e.g. ``Grade: `` domains)."""
    column_by_header: dict[str, Column] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "column_by_header", {c.header: c for c in self.columns})

    def cells(
        self, record: object, given: Mapping[str, CellValue] | None = None
    ) -> tuple[CellValue, ...]:
        """``record`` as a row of this sheet (the export): each column's field (several ids
        joined by "; "), or for a column without one its value ``given`` by header."""
        out: list[CellValue] = []
        for c in self.columns:
            if c.record_field is None:
                out.append((given or {})[c.header])
                continue
            v = getattr(record, c.record_field)
            out.append("; ".join(v) if c.kind == "ids" else v)
        return tuple(out)


@dataclass(frozen=True)
class Row:
    """One filled-in row: its Excel row number and its cells by header."""

    file: str
    sheet: str
    line: int
    cells: dict[str, object]

    def where(self, header: str | None = None) -> Location:
        return Location(self.file, self.line, header, sheet=self.sheet)

    def fail(self, header: str | None, rule: str, message: str) -> InputError:
        return InputError(self.where(header), rule, message)

    def _filled(self, header: str, required: bool) -> object:
        """The cell under ``header``, or None when it is blank (refused if ``required``)."""
        v = self.cells.get(header)
        if v is None or (isinstance(v, str) and not v.strip()):
            if required:
                raise self.fail(header, "required", f"{header} is required")
            return None
        return v

    @overload
    def text(self, header: str, required: Literal[True]) -> str: ...
    @overload
    def text(self, header: str, required: bool = False) -> str | None: ...
    def text(self, header: str, required: bool = False) -> str | None:
        v = self._filled(header, required)
        if v is None:
            return None
        if isinstance(v, datetime | date):
            raise self.fail(header, "text", f"{header} should be text, not a date")
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        return unescape(str(v).strip())

    @overload
    def date(self, header: str, required: Literal[True]) -> date: ...
    @overload
    def date(self, header: str, required: bool = False) -> date | None: ...
    def date(self, header: str, required: bool = False) -> date | None:
        v = self._filled(header, required)
        if v is None:
            return None
        if isinstance(v, datetime):
            return v.date()
        if isinstance(v, date):
            return v
        s = str(v).strip()
        for parse in (date.fromisoformat, lambda t: datetime.strptime(t, "%d/%m/%Y").date()):
            try:
                return parse(s)
            except ValueError:
                continue
        raise self.fail(header, "date", f"{s!r} is not a date (YYYY-MM-DD or dd/mm/yyyy)")

    @overload
    def number(self, header: str, required: Literal[True]) -> float: ...
    @overload
    def number(self, header: str, required: bool = False) -> float | None: ...
    def number(self, header: str, required: bool = False) -> float | None:
        v = self._filled(header, required)
        if v is None:
            return None
        if isinstance(v, bool | datetime | date):
            raise self.fail(header, "number", f"{v!r} is not a number")
        try:
            if isinstance(v, str):
                return float(v.strip().rstrip("%"))
            if isinstance(v, int | float):
                return float(v)
        except ValueError:
            pass
        raise self.fail(header, "number", f"{v!r} is not a number")

    @overload
    def choice(self, header: str, choices: Sequence[str], required: Literal[True]) -> str: ...
    @overload
    def choice(self, header: str, choices: Sequence[str], required: bool = False) -> str | None: ...
    def choice(self, header: str, choices: Sequence[str], required: bool = False) -> str | None:
        t = self.text(header, required)
        if t is None:
            return None
        for c in choices:
            if c.lower() == " ".join(t.split()).lower():
                return c
        raise self.fail(header, "choice", f"{t!r} is not one of: {', '.join(choices)}")

    def ids(self, header: str, required: bool = False) -> tuple[str, ...]:
        t = self.text(header, required)
        if t is None:
            return ()
        return tuple(p.strip() for p in t.replace(",", ";").split(";") if p.strip())

    def value(self, column: Column) -> object:
        """The cell of ``column``, read as its kind says."""
        h, required = column.header, column.required
        if column.kind == "date":
            return self.date(h, required)
        if column.kind == "number":
            return self.number(h, required)
        if column.kind == "choice":
            return self.choice(h, column.choices, required)
        if column.kind == "ids":
            return self.ids(h, required)
        return self.text(h, required)

    def fields(self, spec: SheetSpec) -> dict[str, Any]:
        """The row as a record's fields: each of ``spec``'s columns that names a field, read
        as its kind says, and ``where``, the row's place (for errors found later)."""
        values: dict[str, Any] = {
            c.record_field: self.value(c) for c in spec.columns if c.record_field
        }
        return values | {"where": self.where()}


def unescape(text: str) -> str:
    """Undo our export's escaping: a leading apostrophe before a formula-like character."""
    if len(text) > 1 and text[0] == "'" and text[1] in FORMULA_START:
        return text[1:]
    return text


@contextmanager
def open_workbook(path: Path) -> Iterator[xlsx.Workbook]:
    """Open a workbook for reading after refusing what is not a plain .xlsx (through
    ``selfeval.returns.xlsx``). Formulas are refused cell by cell by ``read_sheet``."""
    name = path.name
    if path.suffix.lower() in (".xlsm", ".xltm", ".xls", ".xlsb"):
        raise InputError(
            Location(name), "format", f"{path.suffix} workbooks are refused: save it as .xlsx"
        )
    # The readers' checks: size, zip bombs, macros, DTDs inside the parts, damaged members.
    with xlsx.open_workbook(path, MAX_FILE_BYTES) as wb:
        yield wb


def sheet_names(path: Path) -> list[str]:
    """The sheet names of a workbook, or [] if it is not one (for detecting its kind)."""
    try:
        with open_workbook(path) as wb:
            return list(wb.sheetnames)
    except InputError:
        return []


def read_sheet(
    wb: xlsx.Workbook, spec: SheetSpec, file: str, *, required: bool = True
) -> list[Row]:
    """The filled-in rows of one sheet (blank rows skipped), after checking its header row."""
    if spec.name not in [ws.title for ws in wb.worksheets]:
        if not required:
            return []
        raise InputError(Location(file), "sheet", f"the workbook has no sheet called {spec.name!r}")
    ws = wb[spec.name]
    rows: list[Row] = []
    headers: list[str | None] = []
    try:
        for n, cells in xlsx.rows(ws, file, max_rows=MAX_ROWS + 1):
            if n == 1:
                headers = [_header(v) for v in cells]
                _check_headers(headers, spec, file)
                continue
            values = {h: cells[i] if i < len(cells) else None for i, h in enumerate(headers) if h}
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in values.values()):
                continue
            rows.append(Row(file, spec.name, n, values))
    except xlsx.FormulaCell as e:  # named here by its column's header, not its letter
        header = headers[e.column] if e.row > 1 and e.column < len(headers) else None
        raise InputError(
            Location(file, e.row, header, sheet=spec.name), e.rule, e.message
        ) from None
    except InputError as e:
        if e.rule != "too-many-rows":
            raise
        raise InputError(
            Location(file, e.location.row, sheet=spec.name), "size", f"more than {MAX_ROWS} rows"
        ) from None
    if not headers:
        raise InputError(Location(file, 1, sheet=spec.name), "header", "the sheet is empty")
    return rows


def _header(v: object) -> str | None:
    if v is None:
        return None
    s = " ".join(str(v).split())
    return s.rstrip(" *") or None


def _check_headers(headers: list[str | None], spec: SheetSpec, file: str) -> None:
    seen = set()
    for h in headers:
        if h is None:
            continue
        if h in seen:
            raise InputError(
                Location(file, 1, h, sheet=spec.name), "header", f"column {h!r} appears twice"
            )
        seen.add(h)
        if h not in spec.column_by_header and not (
            spec.extra_prefix and h.startswith(spec.extra_prefix)
        ):
            raise InputError(
                Location(file, 1, h, sheet=spec.name),
                "header",
                f"column {h!r} is not one of this sheet's columns",
            )
    for c in spec.columns:
        if c.required and c.header not in seen:
            raise InputError(
                Location(file, 1, c.header, sheet=spec.name),
                "header",
                f"the sheet has no {c.header!r} column",
            )


HEADER_FILL = PatternFill("solid", fgColor="1D70B8")
HEADER_FONT = Font(bold=True, color="FFFFFF")


def new_workbook(title: str, instructions: Sequence[str]) -> Workbook:
    """A workbook whose first sheet is the instructions."""
    wb = Workbook()
    ws = wb.active
    assert isinstance(ws, Worksheet)  # a new workbook's one sheet
    ws.title = "Instructions"
    ws["A1"] = title
    ws["A1"].font = Font(bold=True, size=14)
    for i, line in enumerate(instructions, start=3):
        ws.cell(row=i, column=1, value=safe_cell(line)).alignment = Alignment(wrap_text=True)
    ws.column_dimensions["A"].width = 110
    return wb


def add_sheet(
    wb: Workbook,
    spec: SheetSpec,
    rows: Sequence[Sequence[CellValue]] = (),
    extra: Sequence[Column] = (),
    validation_rows: int = 1000,
) -> Worksheet:
    """A sheet with a header row, drop-down lists for choice columns, date formats, and rows."""
    ws: Worksheet = wb.create_sheet(spec.name)
    cols = [*spec.columns, *extra]
    for j, c in enumerate(cols, start=1):
        cell = ws.cell(row=1, column=j, value=c.header + (" *" if c.required else ""))
        cell.fill = HEADER_FILL
        cell.font = HEADER_FONT
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.column_dimensions[get_column_letter(j)].width = c.width
    ws.freeze_panes = "A2"
    last = max(validation_rows, len(rows) + 1)
    for j, c in enumerate(cols, start=1):
        letter = get_column_letter(j)
        span = f"{letter}2:{letter}{last}"
        if c.kind == "choice":
            dv = DataValidation(
                type="list",
                formula1='"' + ",".join(c.choices) + '"',
                allow_blank=not c.required,
                showErrorMessage=True,
                errorTitle=c.header,
                error=f"Choose one of: {', '.join(c.choices)}",
            )
        elif c.kind == "date":
            dv = DataValidation(
                type="date",
                operator="greaterThan",
                formula1="DATE(2000,1,1)",
                allow_blank=not c.required,
                showErrorMessage=True,
                error="Enter a date (e.g. 2019-06-17)",
            )
        elif c.kind == "number":
            dv = DataValidation(
                type="decimal",
                operator="between",
                formula1="-1000000000",
                formula2="1000000000",
                allow_blank=not c.required,
                showErrorMessage=True,
                error="Enter a number",
            )
        else:
            continue
        if c.help:
            dv.promptTitle = c.header[:32]
            dv.prompt = c.help[:255]
            dv.showInputMessage = True
        ws.add_data_validation(dv)
        dv.add(span)
    for i, values in enumerate(rows, start=2):
        for j, (c, v) in enumerate(zip(cols, values, strict=True), start=1):
            cell = ws.cell(row=i, column=j, value=safe_cell(v))
            if c.kind == "date":
                cell.number_format = "yyyy-mm-dd"
    for i in range(len(rows) + 2, min(last, 200) + 1):
        for j, c in enumerate(cols, start=1):
            if c.kind == "date":
                ws.cell(row=i, column=j).number_format = "yyyy-mm-dd"
    return ws


VALUES_ONLY = (
    "Enter values only: a workbook with formulas or macros is refused. A workbook with any",
    "problem is refused whole, with the sheet, row and column named; nothing is half-loaded.",
)
"""The rule every workbook's instructions state (what ``read_sheet`` refuses)."""


def has_sheets(path: Path, *specs: SheetSpec) -> bool:
    """Whether ``path`` is a workbook holding every one of those sheets (how ``selfeval
    ingest`` tells a kind of workbook)."""
    names = set(sheet_names(path)) if path.suffix.lower() == ".xlsx" else set()
    return all(s.name in names for s in specs)


def write_workbook(
    path: Path,
    title: str,
    instructions: Sequence[str],
    sheets: Sequence[tuple[SheetSpec, Sequence[Sequence[CellValue]], Sequence[Column]]],
) -> Path:
    """Write a workbook: its instructions (``instructions``, then what each sheet's columns
    hold), then each ``(spec, rows, extra columns)`` sheet with its header, drop-down lists
    and rows (a template where there are none; else an export that reads back unchanged)."""
    lines = list(instructions)
    for spec, _, extra in sheets:
        lines += describe_columns(spec, extra)
    wb = new_workbook(title, lines)
    for spec, rows, extra in sheets:
        add_sheet(wb, spec, rows, extra)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def describe_columns(spec: SheetSpec, extra: Sequence[Column] = ()) -> list[str]:
    """Instruction lines for one sheet: what each column holds."""
    lines = [f"Sheet '{spec.name}': {spec.about}".rstrip()]
    for c in (*spec.columns, *extra):
        need = "required" if c.required else "optional"
        choice = f" One of: {', '.join(c.choices)}." if c.choices else ""
        lines.append(f"  • {c.header} ({need}): {c.help}{choice}")
    return [*lines, ""]
