"""Standard Safeguarding Dataset extracts: one CSV per table, header row = the SSD field names.

A table is identified by its file name (``ssd_cin_visits.csv``) or, failing that, by its header
(every field named belongs to exactly one SSD table). Types come from the SSD's own YAML
specifications (selfeval.schema.ssd). A file that does not read as its table is refused whole;
data that reads but breaks the specification's rules (a required field blank, a duplicate key,
a Y/N field with another value) is reported, row by row, as problems.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import pyarrow as pa

from selfeval.errors import InputError, Location
from selfeval.returns.base import ReturnTables, data_rows
from selfeval.returns.limits import check_size
from selfeval.schema.base import TableSpec
from selfeval.schema.ssd import load_specs

DIRECT_IDENTIFIERS = frozenset(
    {"pers_forename", "pers_surname", "addr_address_json", "prof_professional_name"}
)
"""Names and addresses: no indicator needs them, so they are blanked at ingest (minimisation)."""
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S")
YES_NO = {"Y", "N"}


@dataclass
class Problem:
    """One breach of the SSD specification's rules, where it is."""

    rule: str
    message: str
    table: str
    row: int | None = None
    field: str | None = None
    child: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v is not None}


@dataclass
class SsdFile:
    table: str
    data: pa.Table
    problems: list[Problem] = field(default_factory=list)
    missing_fields: tuple[str, ...] = ()


def parse_ssd_date(text: str, where: Location) -> date | None:
    text = text.strip()
    if not text:
        return None
    day = _date_of(text)
    if day is None:
        raise InputError(where, "date-format", f"{text!r} is not a date (YYYY-MM-DD or dd/mm/yyyy)")
    return day


@lru_cache(maxsize=1 << 16)
def _date_of(text: str) -> date | None:
    """The date a stripped, non-blank text gives, or None. Kept by text: an extract's dates
    repeat (strptime was a third of reading one)."""
    head = text[:19].rstrip("Z")
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(head if "%H" in fmt else head[:10], fmt).date()
        except ValueError:
            continue
    return None


def identify(path: Path, header: list[str], specs: dict[str, TableSpec]) -> TableSpec | None:
    """The SSD table a file holds: by its name, else by a header that fits only one table."""
    stem = path.stem.lower()
    if stem in specs:
        return specs[stem]
    names = {h.strip() for h in header}
    fits = [s for s in specs.values() if names and names <= set(s.fields)]
    return fits[0] if len(fits) == 1 else None


def _yes_no_fields(spec: TableSpec) -> set[str]:
    # Fields the SSD describes as Y/N flags: "seen", "seen alone", "bedroom", "_flag", "_nfa".
    return {
        f
        for f in spec.fields
        if f.endswith(("_seen", "_seen_alone", "_bedroom", "_flag", "_nfa")) and f not in spec.dates
    }


def read_csv(
    path: Path,
    *,
    la_code: str,
    specs: dict[str, TableSpec] | None = None,
    max_bytes: int | None = None,
) -> SsdFile:
    """One SSD table's CSV as a typed table with its rule breaches; refused if unreadable, or
    larger than every reader's limit (``limits.max_file_bytes``: ``max_bytes``, else
    ``$SELFEVAL_MAX_FILE_BYTES``, else 512 MiB, checked once here; the setting raises it for
    an authority whose table is larger)."""
    specs = specs or load_specs()
    name = path.name
    check_size(path, max_bytes)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise InputError(Location(name), "encoding", f"the file is not UTF-8 text ({e})") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise InputError(Location(name, 1), "header", "the file has no header row") from None
    except csv.Error as e:
        raise InputError(Location(name, 1), "csv", f"not a CSV file ({e})") from None
    spec = identify(path, header, specs)
    if spec is None:
        raise InputError(
            Location(name, 1),
            "header",
            "neither the file name nor the header row is that of a Standard Safeguarding "
            "Dataset table",
        )
    unknown = [h for h in header if h not in spec.fields]
    if unknown:
        raise InputError(
            Location(name, 1, unknown[0]), "header", f"{unknown[0]!r} is not a field of {spec.name}"
        )
    if len(set(header)) != len(header):
        dup = next(h for h in header if header.count(h) > 1)
        raise InputError(Location(name, 1, dup), "header", f"the field {dup!r} appears twice")
    missing_key = [k for k in (*spec.key, *spec.required) if k not in header]
    if missing_key:
        raise InputError(
            Location(name, 1, missing_key[0]),
            "header",
            f"the required field {missing_key[0]!r} of {spec.name} is missing",
        )
    cols: dict[str, list[Any]] = {f: [] for f in spec.fields}
    problems: list[Problem] = []
    person_field = next((f for f in spec.fields if f.endswith("_person_id")), None)
    seen_keys: dict[tuple[str, ...], int] = {}
    flags = _yes_no_fields(spec)
    try:
        for rownum, row in data_rows(reader, len(header), name):
            values = dict(zip(header, row, strict=True))
            for f in DIRECT_IDENTIFIERS.intersection(values):
                values[f] = ""
            child = (values.get(person_field) or "").strip() or None if person_field else None
            for f in spec.fields:
                raw = values.get(f, "")
                where = Location(name, rownum, f)
                v: object
                if f in spec.dates:
                    v = parse_ssd_date(raw, where)
                elif f in spec.integers:
                    v = _number(raw, where, int)
                elif f in spec.numbers:
                    v = _number(raw, where, float)
                else:
                    v = raw.strip() or None
                if v is None and f in spec.required:
                    problems.append(
                        Problem("ssd-required", f"{f} is required", spec.name, rownum, f, child)
                    )
                if f in flags and v is not None and str(v).upper() not in YES_NO:
                    problems.append(
                        Problem(
                            "ssd-code",
                            f"{f} must be Y or N, not {v!r}",
                            spec.name,
                            rownum,
                            f,
                            child,
                        )
                    )
                cols[f].append(v)
            if spec.key:
                k = tuple(values.get(f, "").strip() for f in spec.key)
                if k in seen_keys:
                    problems.append(
                        Problem(
                            "ssd-unique",
                            f"{'/'.join(spec.key)} {'/'.join(k)} repeats row {seen_keys[k]}",
                            spec.name,
                            rownum,
                            spec.key[0],
                            child,
                        )
                    )
                else:
                    seen_keys[k] = rownum
    except csv.Error as e:
        # the reader has counted the lines of the row it could not read
        raise InputError(Location(name, reader.line_num), "csv", f"malformed CSV ({e})") from None
    n = len(cols[spec.fields[0]])
    arrays: dict[str, pa.Array[Any]] = {}
    for f in spec.fields:
        t = (
            pa.date32()
            if f in spec.dates
            else pa.int64()
            if f in spec.integers
            else pa.float64()
            if f in spec.numbers
            else pa.string()
        )
        arrays[f] = pa.array(cols[f], type=t)
    arrays["la_code"] = pa.array([la_code] * n, pa.string())
    arrays["return_year"] = pa.array([None] * n, pa.int32())
    missing = tuple(f for f in spec.fields if f not in header)
    return SsdFile(spec.name, pa.table(arrays), problems, missing)


def _number(raw: str, where: Location, kind: type) -> object:
    raw = raw.strip()
    if not raw:
        return None
    try:
        return kind(raw)
    except ValueError:
        what = "a whole number" if kind is int else "a number"
        raise InputError(where, "number", f"{raw!r} is not {what}") from None


def sniff(path: Path) -> bool:
    """True for a CSV named after an SSD table, or whose header fits exactly one SSD table."""
    from selfeval.errors import UsageError
    from selfeval.returns.base import first_csv_row

    if path.suffix.lower() != ".csv":
        return False
    try:
        specs = load_specs()
    except UsageError:
        return path.stem.lower().startswith("ssd_")
    return identify(path, first_csv_row(path), specs) is not None


def read(
    path: Path,
    *,
    la_code: str | None = None,
    return_year: int | None = None,
    max_bytes: int | None = None,
) -> ReturnTables:
    """One SSD table file as a return's tables (the ingest pipeline's reader for kind "ssd").

    Breaches of the specification are kept as the read's ``problems`` and reported by
    ``validate`` at ingest; the extract's tables carry no return year.
    """
    from selfeval.errors import UsageError

    if la_code is None:
        raise UsageError(f"{path.name}: an SSD extract names no authority: give --la")
    register_identifiers()
    got = read_csv(path, la_code=la_code, max_bytes=max_bytes)  # its size checked there, once
    return ReturnTables(
        {got.table: got.data},
        kind="ssd",
        la_code=la_code,
        return_year=None,
        problems=list(got.problems),
    )


@lru_cache(maxsize=1)
def register_identifiers() -> None:
    """Tell pseudonymisation which SSD fields hold a person's id (every ``*_person_id``)."""
    from selfeval.errors import UsageError
    from selfeval.pseudonymise import register_identifier_fields

    try:
        specs = load_specs()
    except UsageError:
        return
    for spec in specs.values():
        ids = tuple(f for f in spec.fields if f.endswith("_person_id"))
        if ids:
            register_identifier_fields(spec.name, ids)
