"""Files to returns: detect each file's kind, read it, and group the files into returns.

A group is one load: one kind, one authority, one return year. SSDA903 CSV tables are grouped
into returns by folder and by the year in their names (``return_sets``), and each 903 return's
year comes from ``--year`` or its own episodes (``assign_903_years``). ``selfeval.ingest``
validates and records the groups.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from selfeval.errors import InputError, Location, UsageError
from selfeval.returns import annex_a, cin_census, ssd, ssda903, ssda903_xml, workforce
from selfeval.returns.base import (
    Breach,
    InputWarning,
    ReturnTables,
    looks_like_text,
    looks_like_xml,
    looks_like_zip,
)
from selfeval.returns.detect import detect
from selfeval.returns.limits import max_file_bytes
from selfeval.returns.years import INFERRED_KINDS, infer_year, year_in_name
from selfeval.schema import SSDA903


@dataclass
class ReadFile:
    """One file read as its kind: its tables, and the year and authority they are for."""

    path: Path
    kind: str
    tables: dict[str, pa.Table]
    return_year: int | None = None
    la_code: str | None = None
    warnings: list[str] = field(default_factory=list)
    """What the reader tolerated (a renamed column, a date typed as text), one line each."""
    problems: list[Breach] = field(default_factory=list)
    """Rule breaches the reader itself finds (the SSD's specification checks)."""
    pooled: bool = False
    """One year's rows of a 903 table that pools several returns (its YEAR column)."""


@dataclass(frozen=True)
class Options:
    """What the caller said: the year and authority for files whose content does not."""

    return_year: int | None = None
    la_code: str | None = None
    max_bytes: int | None = None


Reader = Callable[..., Mapping[str, pa.Table]]
"""``read(path, *, la_code, return_year, max_bytes)``: a return's tables (``ReturnTables``)."""


@dataclass
class ReturnGroup:
    """The files of one load: one kind, one authority, one return year."""

    kind: str
    la_code: str
    return_year: int | None
    files: list[ReadFile] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """What the call left out beside the group's files (Ofsted's provider lists), one line each."""

    def tables(self) -> dict[str, pa.Table]:
        """Each table's rows from the group's files, stamped with the group's authority and
        year (an SSDA903 table comes from one file: ``refuse_two_files_for_a_table``)."""
        parts: dict[str, list[pa.Table]] = defaultdict(list)
        for f in self.files:
            for name, t in f.tables.items():
                parts[name].append(_stamp(t, self.la_code, self.return_year))
        return {n: pa.concat_tables(ts, promote_options="default") for n, ts in parts.items()}

    def describe(self) -> str:
        return f"{self.kind} {self.return_year or ''} for {self.la_code}".replace("  ", " ")


# -- readers -----------------------------------------------------------------------------------


def _read_903(
    path: Path, *, la_code: str | None, return_year: int | None, max_bytes: int
) -> ReturnTables:
    """SSDA903 as CSV tables (one per file) or as the XML form (all tables in one file); a
    blank CSV is the table its name says, with no rows (noted in the load's report). Codes are
    read case-blind, as DfE's validator reads them: in upper case, noted where they were not."""
    notes: list[InputWarning] = []
    if ssda903_xml.sniff(path):
        got: Mapping[str, pa.Table] = ssda903_xml.read(
            path, la_code=la_code, return_year=return_year, max_bytes=max_bytes
        )
        notes += getattr(got, "warnings", [])
    else:
        name, table = ssda903.read_csv(
            path, la_code=la_code, return_year=return_year, max_bytes=max_bytes
        )
        got = {name: table}
        if table.num_rows == 0 and ssda903.is_blank(path):
            notes.append(
                InputWarning(
                    Location(path.name),
                    "empty-table",
                    f"the file is blank: read as the {name} table with no rows (its name says "
                    "which table)",
                )
            )
    tables = {}
    for name, table in got.items():
        tables[name], lower = ssda903.codes_upper(table)
        if lower:
            said = ", ".join(f"{n} {f}" for f, n in sorted(lower.items()))
            notes.append(
                InputWarning(
                    Location(path.name),
                    "code-case",
                    f"codes in lower case read as upper case, as DfE's validator reads them "
                    f"({said} values of {name})",
                )
            )
    return ReturnTables(
        tables, kind="903", la_code=la_code, return_year=return_year, warnings=notes
    )


READERS: dict[str, Reader] = {
    "903": _read_903,
    "cin": cin_census.read,
    "annex-a": annex_a.read,
    "workforce": workforce.read,
    "ssd": ssd.read,
}
"""How each kind of return is read: ``read(path, *, la_code, return_year, max_bytes)``."""


def self_describing(kind: str, path: Path) -> bool:
    """Whether the file names its own authority and year (the CIN census and CSWW XML headers):
    those come from the file, never from --year or the default authority."""
    return kind == "cin" or (kind == "workforce" and looks_like_xml(path))


def refuse_misnamed(path: Path) -> None:
    """Refuse a file whose name says one format and whose content is another (a CSV named
    ``.xlsx``): selfeval reads by content, but DfE's validator goes by the name, so the load
    would pass while its validation could not run."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx" and not looks_like_zip(path):
        raise InputError(
            Location(path.name),
            "name-not-content",
            "the file is named .xlsx but is not an Excel workbook"
            + (
                " (its content is text: if it is a CSV, name it .csv)"
                if looks_like_text(path)
                else ""
            ),
        )
    if suffix in (".csv", ".xml") and looks_like_zip(path):
        raise InputError(
            Location(path.name),
            "name-not-content",
            f"the file is named {suffix} but is a zip archive (an Excel workbook is named .xlsx)",
        )


def read_file(path: Path, kind: str, opts: Options, default_la: str | None) -> ReadFile:
    """Read one file as ``kind``, for the year and authority it names or the caller gives."""
    refuse_misnamed(path)
    if kind not in READERS:
        raise UsageError(f"{path.name}: reading {kind} returns is not available yet")
    own = self_describing(kind, path)
    la = None if own else opts.la_code or default_la
    year = None if own else opts.return_year
    infer = not own and kind in INFERRED_KINDS and year is None
    if not own and la is None:
        raise UsageError(
            f"{path.name} does not say which authority it is for: give --la CODE "
            "(the first authority loaded becomes the store's default)"
        )
    got = READERS[kind](
        path,
        la_code=la,
        return_year=(year_in_name(path) or 0) if infer else year,
        max_bytes=max_file_bytes(opts.max_bytes),
    )
    rf = ReadFile(
        path,
        kind,
        dict(got),
        return_year=getattr(got, "return_year", None) or year,
        la_code=getattr(got, "la_code", None) or la,
        warnings=[str(w) for w in getattr(got, "warnings", [])],
        problems=list(getattr(got, "problems", [])),
    )
    if infer:
        found = infer_year(kind, path, rf.tables)
        rf.return_year = found.year
        rf.warnings.append(found.note)
    if own and opts.la_code is not None and rf.la_code != opts.la_code:
        raise InputError(
            Location(rf.path.name),
            "la-mismatch",
            f"the file's header says it is authority {rf.la_code}'s, but --la {opts.la_code} "
            "was given",
        )
    return rf


def detect_kind(path: Path) -> str:
    """The kind of return a file is, from its content (not its name); a blank file is a 903
    table with no rows when its name says which table, else refused."""
    if ssda903.is_blank(path):
        if ssda903.table_of_name(path) is not None:
            return "903"
        raise InputError(
            Location(path.name, 1), "empty-file", "the file is blank: it has nothing to read"
        )
    found = detect(path)
    if found is not None:
        return found
    raise InputError(
        Location(path.name, 1),
        "unknown-kind",
        "the file is not a return selfeval can recognise (give --kind to say what it is)",
    )


PROVIDER_COLUMNS = frozenset({"urn", "sector"})
"""Columns every Ofsted provider list has (children's homes, social care providers)."""


def is_provider_list(path: Path) -> bool:
    """True for Ofsted's lists of children's homes and social care providers (``ch.xlsx``,
    ``scpch.xlsx``) that DfE's 903 validator takes beside a return for its URN rules: a workbook
    whose first sheet's first row names URN, Sector and a provider or provision type."""
    if path.suffix.lower() != ".xlsx" or not looks_like_zip(path):
        return False
    try:
        import openpyxl

        wb = openpyxl.load_workbook(path, read_only=True)
        try:
            first = next(wb.worksheets[0].iter_rows(max_row=1, values_only=True), ())
        finally:
            wb.close()
    except Exception:
        return False
    names = {str(v).strip().lower() for v in first if v is not None}
    return names >= PROVIDER_COLUMNS and bool(names & {"provider type", "provision type"})


def expand(paths: Iterable[Path]) -> list[Path]:
    """Files as given, and every file under a folder (hidden files skipped), in name order.
    Anything else in a folder (a broken link, a pipe) refuses the call: passed over, the file
    it stood for would be missing from the load with nothing said."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            found = []
            for f in p.rglob("*"):
                if any(part.startswith(".") for part in f.relative_to(p).parts) or f.is_dir():
                    continue
                if not f.is_file():
                    raise UsageError(f"{f} is not a file (a broken link or a special file)")
                found.append(f)
            out += sorted(found)
        elif p.is_file():
            out.append(p)
        else:
            raise UsageError(f"{p} is neither a file nor a folder")
    if not out:
        raise UsageError("no files to load")
    names = [f.resolve() for f in out]
    if len(set(names)) != len(names):
        raise UsageError("the same file is given twice")
    return out


def read_all(
    paths: Sequence[Path], *, kind: str | None, opts: Options, default_la: str | None
) -> list[ReturnGroup]:
    """Read every file, then group them into loads; the first unreadable file refuses all.

    Ofsted's provider lists (the 903 validator's optional reference inputs) are not returns:
    they are left out, and each load of the call notes it. Files that name their authority
    (the CIN census, CSWW XML) are read first: a file that does not name one is for ``--la``,
    else the one authority those files name, else the store's default authority
    (``default_la``).
    """
    kinds: list[tuple[Path, str]] = []
    skipped: list[str] = []
    for path in expand(paths):
        if kind in (None, "903") and is_provider_list(path):
            skipped.append(
                f"{path.name}: Ofsted's list of children's homes or providers (an optional "
                "reference input of DfE's 903 validator, for its URN rules), not a return: "
                "not loaded [reference-list]"
            )
            continue
        kinds.append((path, kind or detect_kind(path)))
    own = [read_file(p, k, opts, default_la) for p, k in kinds if self_describing(k, p)]
    named = sorted({rf.la_code for rf in own if rf.la_code})
    la_note = None
    if opts.la_code is None and len(named) == 1 and named[0] != default_la:
        default_la = named[0]
        la_note = f"authority {default_la}, the one the call's CIN census or CSWW files name"
    elif opts.la_code is None and len(named) > 1:
        default_la = None  # which of them is an unnamed file's? --la must say
    files: list[ReadFile] = []
    for path, k in kinds:
        if self_describing(k, path):
            rf = own.pop(0)
        else:
            rf = read_file(path, k, opts, default_la)
            if la_note:
                rf.warnings.append(f"{path.name}: {la_note} [la-from-call]")
        if rf.la_code is None:
            raise UsageError(f"{path.name} does not say which authority it is for: give --la")
        files += split_by_year(rf, opts.return_year)
    if not files:
        raise UsageError(
            "no returns to load: " + "; ".join(s.split(":")[0] for s in skipped) + " are "
            "Ofsted's provider lists, which the 903 validator takes beside a return"
        )
    for s in return_sets(files):
        refuse_two_files_for_a_table(s)
    assign_903_years(files, opts.return_year)
    groups: dict[tuple[str, str, int | None], ReturnGroup] = {}
    for rf in files:
        if rf.la_code is None:  # refused above; split_by_year keeps a file's authority
            raise UsageError(f"{rf.path.name} does not say which authority it is for: give --la")
        key = (rf.kind, rf.la_code, rf.return_year)
        groups.setdefault(key, ReturnGroup(*key)).files.append(rf)
    for g in groups.values():
        if g.kind == "903":
            refuse_two_files_for_a_table(g.files, f" of {g.describe()}")
            for f in g.files:
                refuse_duplicate_keys(f)
        g.notes += skipped
    return sorted(groups.values(), key=lambda g: (g.kind, g.la_code, g.return_year or 0))


KEEP_FIRST = frozenset({"ssda903_reviews"})
"""Tables where two rows with one key that differ keep the first (noted), not refuse: a review
is counted by its date; two codes for one child's review on one day (as cs-demand-model's and
D2I's samples have) do not change what is counted."""


def refuse_duplicate_keys(f: ReadFile) -> None:
    """A 903 table's rows are one each per key (an episode per child and start, a review per
    child and date): two rows with the same key that differ are refused, naming them, since
    which is the child's record cannot be told; rows that repeat another exactly are dropped,
    with a note. Keys with a blank field are not keys (the validator's rules judge them)."""
    for name, t in list(f.tables.items()):
        spec = SSDA903.get(name)
        if spec is None or not spec.key or t.num_rows < 2:
            continue
        keys = list(zip(*(t.column(k).to_pylist() for k in spec.key), strict=True))
        seen: dict[tuple[Any, ...], int] = {}
        twice: list[tuple[int, int]] = []
        for i, k in enumerate(keys):
            if None in k:
                continue
            if k in seen:
                twice.append((seen[k], i))
            else:
                seen[k] = i
        if not twice:
            continue
        rows = t.select(list(spec.fields)).to_pylist()
        same = [(a, b) for a, b in twice if rows[a] == rows[b]]
        differ = [(a, b) for a, b in twice if rows[a] != rows[b]]
        if differ and name not in KEEP_FIRST:
            a, b = differ[0]
            key = ", ".join(f"{k} {_show(rows[a][k])}" for k in spec.key)
            more = f" (and {len(differ) - 1} more such pairs)" if len(differ) > 1 else ""
            xml = looks_like_xml(f.path)  # rows of an XML file are counted, not lines
            first, second = (a + 1, b + 1) if xml else (a + 2, b + 2)
            raise InputError(
                Location(f.path.name, None if xml else second),
                "duplicate-key",
                f"rows {first} and {second} of the {name} table are both {key}, and differ: "
                f"one row per {' and '.join(spec.key)} in a return{more}; which is the child's "
                "record cannot be told (a file holding several years' rows needs a YEAR column "
                "to be split by year)",
            )
        drop = {b for _, b in twice}
        f.tables[name] = t.filter(pa.array([i not in drop for i in range(t.num_rows)]))
        if same:
            a, b = same[0]
            f.warnings.append(
                f"{f.path.name}: {len(same)} rows of {name} repeat an earlier row exactly "
                f"(first: row {b + 2}, as row {a + 2}); kept once [duplicate-row]"
            )
        if differ:
            a, b = differ[0]
            key = ", ".join(f"{k} {_show(rows[a][k])}" for k in spec.key)
            f.warnings.append(
                f"{f.path.name}: {len(differ)} rows of {name} have the key of an earlier row "
                f"but differ (first: rows {a + 2} and {b + 2}, {key}); the earlier row is kept, "
                "as the store keeps one per child and date [duplicate-key]"
            )


def _show(v: object) -> str:
    return v.strftime("%d/%m/%Y") if hasattr(v, "strftime") else str(v)


def split_by_year(rf: ReadFile, given: int | None) -> list[ReadFile]:
    """A 903 CSV whose rows carry their own return year (a YEAR column: several returns pooled,
    as regional pipelines write them) as one file per year, each its own return; else the file.
    With ``--year``, only that year's rows are loaded (noted)."""
    if rf.kind != "903" or looks_like_xml(rf.path) or len(rf.tables) != 1:
        return [rf]
    [(name, t)] = rf.tables.items()
    years = sorted(y for y in t.column("return_year").unique().to_pylist() if y is not None)
    if not years or years == [rf.return_year]:
        return [rf]
    if given is not None:
        if given not in years:
            raise UsageError(f"{rf.path.name}: --year {given}, but its YEAR column has no {given}")
        years = [given]
    out = []
    for y in years:
        part = t.filter(pc.equal(t.column("return_year"), y))
        note = (
            f"{rf.path.name}: {part.num_rows} of its {t.num_rows} rows are the {y} return's "
            "(its YEAR column) [pooled-years]"
        )
        out.append(
            ReadFile(rf.path, rf.kind, {name: part}, y, rf.la_code, [*rf.warnings, note], [], True)
        )
    return out


def refuse_two_files_for_a_table(files: Sequence[ReadFile], of: str = "") -> None:
    """Two SSDA903 CSV files of one table in one return are refused, naming both: one of them
    is not the return's (``placed_for_adoption_errors.csv`` beside ``placed_for_adoption.csv``),
    and which is cannot be told from their content."""
    by_table: dict[str, list[Path]] = defaultdict(list)
    for f in files:
        if f.kind == "903" and not looks_like_xml(f.path):
            for name in f.tables:
                by_table[name].append(f.path)
    for name, paths in sorted(by_table.items()):
        if len(paths) > 1:
            names = " and ".join(p.name for p in paths)
            raise InputError(
                Location(paths[1].name),
                "two-files-one-table",
                f"{names} are both the {name} table of one return{of}: a return has one file "
                "of each table; load the one that is the return's (or put each return in its "
                "own folder)",
            )


_YEAR_IN_NAME = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")


def return_sets(files: Sequence[ReadFile]) -> list[list[ReadFile]]:
    """The SSDA903 files that make one return each: an XML file on its own, or the CSV tables
    in one folder with the same year in their names (``2019-header.csv`` goes with
    ``2019-episodes.csv``, not with ``2020-episodes.csv``). A table whose name has no year goes
    with the folder's tables that name one, when they all name the same one
    (``SSDA903_header.csv`` with ``SSDA903_episodes_2018.csv``)."""
    sets: dict[tuple[str, ...], list[ReadFile]] = {}
    csvs = [f for f in files if f.kind == "903" and not looks_like_xml(f.path)]
    years_in: dict[str, set[tuple[str, ...]]] = defaultdict(set)
    for f in csvs:
        years = tuple(_YEAR_IN_NAME.findall(f.path.stem))
        if years:
            years_in[str(f.path.parent)].add(years)
    for f in files:
        if f.kind != "903":
            continue
        if looks_like_xml(f.path):
            key: tuple[str, ...] = (str(f.path),)
        else:
            folder = str(f.path.parent)
            years = tuple(_YEAR_IN_NAME.findall(f.path.stem))
            if f.pooled:  # a pooled table's year is its rows' own
                years = ("YEAR", str(f.return_year))
            elif not years and len(years_in[folder]) == 1:
                [years] = years_in[folder]
            key = (folder, *years)
        sets.setdefault(key, []).append(f)
    return list(sets.values())


def assign_903_years(files: Sequence[ReadFile], given: int | None) -> None:
    """Each SSDA903 return's year: ``given`` (``--year``) for all, or else the year its own
    episodes imply (``ssda903.return_year_of``), so that one call can load several years.

    With ``--year``, files whose episodes imply different years are refused: they are several
    returns, and one year's load of them all would be none of them.
    """
    sets = return_sets(files)
    implied = []
    for s in sets:
        parts: dict[str, list[pa.Table]] = defaultdict(list)
        for f in s:
            for name, t in f.tables.items():
                parts[name].append(t)
        implied.append(
            ssda903.return_year_of(
                {n: pa.concat_tables(ts, promote_options="default") for n, ts in parts.items()}
            )
        )
    if given is not None:
        years = sorted({found[0] for found in implied if found})
        if len(years) > 1:
            raise UsageError(
                f"--year {given} was given, but these SSDA903 files hold the returns of "
                f"{', '.join(map(str, years))} (by their episodes' starts): leave --year out "
                "and each return is loaded as its own year"
            )
        for s, found in zip(sets, implied, strict=True):
            if found and found[0] != given:
                for f in s:
                    f.warnings.append(
                        f"{f.path.name}: loaded as the {given} return (--year), though its "
                        f"latest episode start, {found[1]:%d/%m/%Y}, lies in the {found[0]} "
                        "return's year [year-given]"
                    )
        return
    for s, found in zip(sets, implied, strict=True):
        if all(f.pooled for f in s):
            continue  # each row's YEAR says its return
        if found is None:
            names = ", ".join(f.path.name for f in s)
            raise UsageError(
                f"{names}: no episode starts to tell the return year from; give --year YYYY "
                "(2019 means the 2018/19 return), or include the return's episodes file"
            )
        year, last = found
        for f in s:
            f.return_year = year
            f.warnings.append(
                f"{f.path.name}: return year {year} (1 April {year - 1} to 31 March {year}), "
                f"from the latest episode start in its return, {last:%d/%m/%Y} "
                "[year-from-episodes]"
            )


def _stamp(t: pa.Table, la_code: str, year: int | None) -> pa.Table:
    for col in ("la_code", "return_year"):
        if col in t.column_names:
            t = t.drop_columns([col])
    n = t.num_rows
    t = t.append_column("la_code", pa.array([la_code] * n, pa.string()))
    return t.append_column("return_year", pa.array([year] * n, pa.int32()))
