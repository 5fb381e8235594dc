"""Safe, fast reading of Excel workbooks: no macros, no formulas, no zip bombs, no XML entities.

A workbook is a zip of XML parts. Before any part is parsed: the zip's declared uncompressed
size and compression ratio are bounded (a zip bomb is refused, not inflated), a macro-enabled
workbook (vbaProject.bin, macroEnabled content type) is refused, and no part may declare a
DTD. Each worksheet's XML is then streamed with lxml's ``iterparse`` (entities, DTDs and the
network off), a row at a time: shared strings, inline strings, booleans, error values, and
numbers styled as dates turned into dates from the workbook's own 1900 or 1904 base, as Excel
shows them (openpyxl's number-format rules and date arithmetic). openpyxl's own reader took
8 of the 10 seconds of ingesting five years of Annex A for 10,000 children (decision 0016).
A cell holding a formula is read, where the caller asks (``formulas="saved"``: Annex A and the
workforce lists, which people fill in from formulas and lookups), by the value Excel saved with
it; a formula saved without a value (written by a program that never calculated it) refuses the
workbook, naming sheet and cell. Elsewhere (audits, the plan: ``formulas="refuse"``, the
default) any formula refuses the workbook, since those are typed in, never calculated.
"""

from __future__ import annotations

import posixpath
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import IO, Any, Literal, TypedDict

from lxml import etree
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils.cell import column_index_from_string, get_column_letter
from openpyxl.utils.datetime import MAC_EPOCH, WINDOWS_EPOCH, from_excel, from_ISO8601

from selfeval.errors import InputError, Location
from selfeval.returns.base import MAX_BYTES, check_file

MAX_UNCOMPRESSED = 1024 * 1024 * 1024
MAX_RATIO = 200
"""Spreadsheet XML compresses well (10-50x); far more is a zip bomb."""
MAX_COLUMNS = 16_384
"""Excel's own limit (column XFD)."""

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_DOC_RELS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_ROW, _C, _V, _F, _IS = (_MAIN + t for t in ("row", "c", "v", "f", "is"))
_T, _R, _SI = _MAIN + "t", _MAIN + "r", _MAIN + "si"


class _Safe(TypedDict):
    resolve_entities: bool
    no_network: bool
    load_dtd: bool
    huge_tree: bool


_SAFE: _Safe = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "huge_tree": False,
}


def check_zip(path: Path, max_bytes: int = MAX_BYTES) -> None:
    """Refuse a workbook that is not a zip, is macro-enabled, or would inflate too far."""
    check_file(path, max_bytes)
    name = path.name
    where = Location(name)
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as e:
        raise InputError(where, "not-xlsx", f"not an Excel workbook (.xlsx): {e}") from None
    try:
        _check_parts(zf, where)
    except InputError:
        raise
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        OSError,
        EOFError,
        KeyError,
        ValueError,
        zlib.error,
    ) as e:
        # A damaged member (bad CRC, truncated or mangled header) found while looking inside.
        raise InputError(
            where, "not-xlsx", f"the workbook is damaged ({type(e).__name__}: {e})"
        ) from None
    finally:
        zf.close()


def _check_parts(zf: zipfile.ZipFile, where: Location) -> None:
    """Zip-bomb, macro and DTD checks on the workbook's parts."""
    name = where.file
    infos = zf.infolist()
    total = sum(i.file_size for i in infos)
    packed = max(1, sum(i.compress_size for i in infos))
    if total > MAX_UNCOMPRESSED or total / packed > MAX_RATIO:
        raise InputError(
            where,
            "zip-bomb",
            f"the workbook would inflate to {total:,} bytes from {packed:,} "
            f"(limit {MAX_UNCOMPRESSED:,} bytes, {MAX_RATIO}x); refused as a zip bomb",
        )
    names = {i.filename for i in infos}
    if "xl/workbook.xml" not in names and "[Content_Types].xml" not in names:
        raise InputError(where, "not-xlsx", "not an Excel workbook (no xl/workbook.xml)")
    types = zf.read("[Content_Types].xml") if "[Content_Types].xml" in names else b""
    if any(n.lower().endswith("vbaproject.bin") for n in names) or b"macroEnabled" in types:
        raise InputError(
            where, "macros", "the workbook contains macros (VBA); save it as .xlsx without"
        )
    for info in infos:
        if info.filename.endswith((".xml", ".rels", ".vml")):
            with zf.open(info) as part:
                head = part.read(4096)
            if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                raise InputError(
                    Location(name, None, info.filename),
                    "xml-dtd",
                    "a part of the workbook declares a DTD, which Excel never writes",
                )


class ErrorValue(str):
    """An Excel error value in a cell (#N/A, #REF!, ...): no value, reported as such."""


class Formula(str):
    """A cell that holds a formula (its text, from '='), with the value Excel saved for it
    (``saved``, typed as any cell's value) if it saved one (``has_saved``)."""

    saved: Any = None
    has_saved: bool = False


class FormulaCell(InputError):
    """A worksheet cell holds a formula: the workbook is refused, naming sheet and cell."""

    def __init__(
        self, file: str, sheet: str, row: int, column: int, text: str, *, unsaved: bool = False
    ) -> None:
        self.sheet, self.row, self.column = sheet, row, column
        letter = get_column_letter(column + 1)
        self.cell = f"{letter}{row}"
        why = (
            "with no saved value (the program that wrote the workbook never calculated it): "
            "open and save it in Excel, or paste values"
            if unsaved
            else "formulas are refused, paste values only"
        )
        super().__init__(
            Location(f"{file} [{sheet}]", row, letter),
            "formula",
            f"cell {self.cell} holds a formula ({text[:40]!r}): {why}",
        )


class Worksheet:
    """One worksheet of a workbook, read a row at a time from its XML part."""

    def __init__(self, workbook: Workbook, title: str, part: str) -> None:
        self.workbook = workbook
        self.title = title
        self.part = part

    def values(self) -> Iterator[tuple[int, list[Any]]]:
        """(row number, cell values from column A) for every row from 1 to the last, gaps
        included as empty rows. Formula cells come as ``Formula``, errors as ``ErrorValue``."""
        wb = self.workbook
        strings = wb.shared_strings
        dates, durations = wb.date_styles
        epoch = wb.epoch
        columns = _COLUMNS
        expected = 1
        with wb.zip.open(self.part) as source:
            for _, row in etree.iterparse(source, events=("end",), tag=_ROW, **_SAFE):
                r = row.get("r")
                n = _row_number(r) if r is not None else expected
                if n < expected:  # out of order: as openpyxl, a row already passed is skipped
                    _release(row)
                    continue
                while expected < n:
                    yield expected, []
                    expected += 1
                values: list[Any] = []
                i = -1
                for c in row:
                    if c.tag != _C:
                        continue
                    ref = c.get("r")
                    if ref is None:
                        i += 1
                    else:
                        i = columns.get(ref.rstrip(_DIGITS), -1)
                        if i < 0:
                            i = _column(ref)
                    value = _value(c, strings, dates, durations, epoch)
                    if i == len(values):
                        values.append(value)
                    else:
                        if i > len(values):
                            values.extend([None] * (i - len(values) + 1))
                        values[i] = value
                _release(row)
                yield n, values
                expected = n + 1


class Workbook:
    """A workbook's sheets by name, its shared strings, date styles and date base (1900/1904).

    Only workbook.xml and its relationships are read on opening; strings and styles when a
    sheet is first read, so that finding a workbook's kind by its sheet names is cheap.
    """

    def __init__(self, path: Path) -> None:
        self.zip = zipfile.ZipFile(path)
        try:
            self._open()
        except BaseException:
            self.zip.close()
            raise

    def _open(self) -> None:
        main = self._target("_rels/.rels", "officeDocument") or "xl/workbook.xml"
        self._main = main
        root = _parse(self.zip.read(main))
        pr = root.find(_MAIN + "workbookPr")
        date1904 = pr is not None and pr.get("date1904", "0").lower() in ("1", "true")
        self.epoch: datetime = MAC_EPOCH if date1904 else WINDOWS_EPOCH
        rels = self._rels(main)
        self.sheetnames: list[str] = []
        self.worksheets: list[Worksheet] = []
        sheets = root.find(_MAIN + "sheets")
        for s in sheets if sheets is not None else ():
            title = s.get("name", "")
            self.sheetnames.append(title)
            kind, target = rels.get(s.get(_DOC_RELS + "id", ""), ("", ""))
            if kind.endswith("/worksheet"):
                self.worksheets.append(Worksheet(self, title, target))
        self._strings: list[str] | None = None
        self._styles: tuple[frozenset[int], frozenset[int]] | None = None

    def __getitem__(self, title: str) -> Worksheet:
        for ws in self.worksheets:
            if ws.title == title:
                return ws
        raise KeyError(f"no worksheet {title!r}")

    def close(self) -> None:
        self.zip.close()

    def _rels(self, part: str) -> dict[str, tuple[str, str]]:
        """A part's relationships: id -> (type, the target part's name in the zip)."""
        folder, base = posixpath.split(part)
        rels_part = posixpath.join(folder, "_rels", base + ".rels")
        if rels_part not in self.zip.NameToInfo:
            return {}
        out = {}
        for rel in _parse(self.zip.read(rels_part)).iter(_PKG_RELS + "Relationship"):
            target = rel.get("Target", "")
            if rel.get("TargetMode") == "External":
                continue
            if target.startswith("/"):
                target = target.lstrip("/")
            else:
                target = posixpath.normpath(posixpath.join(folder, target))
            out[rel.get("Id", "")] = (rel.get("Type", ""), target)
        return out

    def _target(self, rels_part: str, kind: str) -> str | None:
        if rels_part not in self.zip.NameToInfo:
            return None
        for rel in _parse(self.zip.read(rels_part)).iter(_PKG_RELS + "Relationship"):
            if rel.get("Type", "").endswith("/" + kind):
                return rel.get("Target", "").lstrip("/")
        return None

    def _part_of_kind(self, kind: str) -> str | None:
        for t, target in self._rels(self._main).values():
            if t.endswith("/" + kind) and target in self.zip.NameToInfo:
                return target
        return None

    @property
    def shared_strings(self) -> list[str]:
        """The shared-strings table (rich text and phonetic runs as Excel shows them)."""
        if self._strings is None:
            part = self._part_of_kind("sharedStrings")
            self._strings = [] if part is None else _shared_strings(self.zip.open(part))
        return self._strings

    @property
    def date_styles(self) -> tuple[frozenset[int], frozenset[int]]:
        """The cell styles whose number format shows a date (and those showing a duration)."""
        if self._styles is None:
            part = self._part_of_kind("styles")
            self._styles = (
                (frozenset(), frozenset())
                if part is None
                else _date_styles(_parse(self.zip.read(part)))
            )
        return self._styles


@contextmanager
def open_workbook(path: Path, max_bytes: int = MAX_BYTES) -> Iterator[Workbook]:
    """The workbook, after the checks above; sheets are read by ``rows``."""
    check_zip(path, max_bytes)
    try:
        wb = Workbook(path)
    except Exception as e:  # a damaged workbook.xml or relationships part
        raise InputError(
            Location(path.name),
            "not-xlsx",
            f"the workbook cannot be read ({type(e).__name__}: {e})",
        ) from None
    try:
        yield wb
    finally:
        wb.close()


def rows(
    ws: Worksheet,
    file: str,
    max_rows: int = 1_100_000,
    *,
    formulas: Literal["refuse", "saved"] = "refuse",
) -> Iterator[tuple[int, list[Any]]]:
    """(row number, values) of a sheet, trailing blanks trimmed. A formula cell refuses the
    sheet (``refuse``) or is read by the value Excel saved with it (``saved``; a formula with
    no saved value still refuses it, naming sheet and cell)."""
    sheet = ws.title
    saved = formulas == "saved"
    try:
        for n, values in ws.values():
            if n > max_rows:
                raise InputError(Location(f"{file} [{sheet}]", n), "too-many-rows", "too many rows")
            for i, v in enumerate(values):
                if isinstance(v, Formula):
                    if not (saved and v.has_saved):
                        raise FormulaCell(file, sheet, n, i, v, unsaved=saved)
                    values[i] = v.saved
            while values and (values[-1] is None or values[-1] == ""):
                values.pop()
            yield n, values
    except InputError:
        raise
    except Exception as e:  # a damaged sheet part
        raise InputError(
            Location(f"{file} [{sheet}]"), "not-xlsx", f"the sheet cannot be read ({e})"
        ) from None


def _parse(data: bytes) -> etree._Element:
    return etree.fromstring(data, etree.XMLParser(**_SAFE))


def _release(element: Any) -> None:
    """Free a parsed row and those before it, so a sheet streams in constant memory."""
    element.clear()
    while element.getprevious() is not None:
        del element.getparent()[0]


def _row_number(r: str) -> int:
    try:
        return int(r)
    except ValueError:
        f = float(r)
        if not f.is_integer() or f < 1:
            raise ValueError(f"{r!r} is not a row number") from None
        return int(f)


_COLUMNS: dict[str, int] = {}
_DIGITS = "0123456789"


def _column(ref: str) -> int:
    """0-based column of a cell reference: 'C12' -> 2."""
    letters = ref.rstrip(_DIGITS)
    i = _COLUMNS.get(letters)
    if i is None:
        i = column_index_from_string(letters) - 1
        if not 0 <= i < MAX_COLUMNS:
            raise ValueError(f"cell {ref!r} is beyond Excel's last column")
        _COLUMNS[letters] = i
    return i


def _value(
    c: Any,
    strings: list[str],
    dates: frozenset[int],
    durations: frozenset[int],
    epoch: datetime,
) -> Any:
    """A cell's value as Excel shows it (openpyxl's rules for types and date styles)."""
    t = c.get("t", "n")
    v = None
    inline = None
    formula = None
    for child in c:
        tag = child.tag
        if tag == _F:
            formula = Formula("=" + (child.text or ""))
        elif tag == _V:
            v = child.text if child.text is not None else ""
        elif tag == _IS:
            inline = child
    if formula is not None:
        # openpyxl writes an empty <v/> for a formula it never calculated; Excel writes one
        # only for a text result that is empty (t="str").
        if v or inline is not None or (v is not None and t == "str"):
            formula.has_saved = True
            formula.saved = _typed(c, t, v, inline, strings, dates, durations, epoch)
        return formula
    return _typed(c, t, v, inline, strings, dates, durations, epoch)


def _typed(
    c: Any,
    t: str,
    v: str | None,
    inline: Any,
    strings: list[str],
    dates: frozenset[int],
    durations: frozenset[int],
    epoch: datetime,
) -> Any:
    """A cell's value from its type and its <v> text (or inline string)."""
    if t == "inlineStr":
        return None if inline is None else _text(inline)
    if not v:
        return None
    if t == "n":
        number: int | float = float(v) if ("." in v or "E" in v or "e" in v) else int(v)
        style = int(c.get("s", 0))
        if style in dates:
            try:
                return from_excel(number, epoch, timedelta=style in durations)
            except (OverflowError, ValueError):
                return ErrorValue("#VALUE!")  # as openpyxl: a date style on an impossible serial
        return number
    if t == "s":
        return strings[int(v)]
    if t == "str":
        return v
    if t == "b":
        return bool(int(v))
    if t == "e":
        return ErrorValue(v)
    if t == "d":
        return from_ISO8601(v)
    raise ValueError(f"cell {c.get('r')} has an unknown type {t!r}")


def _text(si: Any) -> str:
    """A string item's text: its plain text or its rich-text runs, not phonetic guides."""
    parts = []
    for child in si:
        if child.tag == _T:
            parts.append(child.text or "")
        elif child.tag == _R:
            parts.extend(t.text or "" for t in child.iter(_T))
    return "".join(parts)


def _shared_strings(source: IO[bytes]) -> list[str]:
    out = []
    with source:
        for _, si in etree.iterparse(source, events=("end",), tag=_SI, **_SAFE):
            out.append(_text(si))
            _release(si)
    return out


def _date_styles(root: Any) -> tuple[frozenset[int], frozenset[int]]:
    """Which cell styles (cellXfs indexes) show dates and durations, as openpyxl decides."""
    custom = {
        int(f.get("numFmtId", -1)): f.get("formatCode", "") for f in root.iter(_MAIN + "numFmt")
    }
    dates, durations = set(), set()
    xfs = root.find(_MAIN + "cellXfs")
    for idx, xf in enumerate(xfs if xfs is not None else ()):
        fmt_id = int(xf.get("numFmtId", 0))
        fmt = custom.get(fmt_id, BUILTIN_FORMATS.get(fmt_id))
        if fmt is None:
            continue
        if is_date_format(fmt):
            dates.add(idx)
        if is_timedelta_format(fmt):
            durations.add(idx)
    return frozenset(dates), frozenset(durations)
