"""Safe reading of Excel workbooks: no macros, no formulas, no zip bombs, no XML entities.

A workbook is a zip of XML parts. Before openpyxl sees it: the zip's declared uncompressed
size and compression ratio are bounded (a zip bomb is refused, not inflated), a macro-enabled
workbook (vbaProject.bin, macroEnabled content type) is refused, and no part may declare a
DTD. openpyxl then reads it in read-only (streaming) mode; any cell holding a formula refuses
the workbook, since its value would be whatever Excel last computed, or nothing.
"""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.workbook.workbook import Workbook

from selfeval.errors import InputError, Location
from selfeval.returns.base import MAX_BYTES, check_file

MAX_UNCOMPRESSED = 1024 * 1024 * 1024
MAX_RATIO = 200
"""Spreadsheet XML compresses well (10-50x); far more is a zip bomb."""


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


@contextmanager
def open_workbook(path: Path, max_bytes: int = MAX_BYTES) -> Iterator[Workbook]:
    """The workbook, read-only with formulas as written (so they can be refused)."""
    check_zip(path, max_bytes)
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=False, keep_links=False)
    except InputError:
        raise
    except Exception as e:  # openpyxl raises many kinds on a damaged workbook
        raise InputError(
            Location(path.name),
            "not-xlsx",
            f"the workbook cannot be read ({type(e).__name__}: {e})",
        ) from None
    try:
        yield wb
    finally:
        wb.close()


class ErrorValue(str):
    """An Excel error value in a cell (#N/A, #REF!, ...): no value, reported as such."""


def rows(ws: Any, file: str, max_rows: int = 1_100_000) -> Iterator[tuple[int, list[Any]]]:
    """(row number, values) of a sheet, refusing formula cells and trimming trailing blanks."""
    sheet = ws.title
    try:
        for n, row in enumerate(ws.iter_rows(), 1):
            if n > max_rows:
                raise InputError(Location(f"{file} [{sheet}]", n), "too-many-rows", "too many rows")
            values = []
            for cell in row:
                if getattr(cell, "data_type", None) == "f":
                    column = getattr(cell, "column_letter", "") or ""
                    raise InputError(
                        Location(f"{file} [{sheet}]", n, column or None),
                        "formula",
                        f"cell {column}{n} holds a formula ({str(cell.value)[:40]!r}); "
                        "paste values only",
                    )
                kind = getattr(cell, "data_type", None)
                values.append(ErrorValue(cell.value) if kind == "e" else cell.value)
            while values and (values[-1] is None or values[-1] == ""):
                values.pop()
            yield n, values
    except InputError:
        raise
    except Exception as e:  # a damaged sheet part
        raise InputError(
            Location(f"{file} [{sheet}]"), "not-xlsx", f"the sheet cannot be read ({e})"
        ) from None
