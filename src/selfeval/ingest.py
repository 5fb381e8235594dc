"""Loading returns into the store: detect, read, group, validate, pseudonymise, record.

``ingest`` takes files and folders of any kind and any number of return years. Each file's
kind is detected from its content (unless given); files are grouped by (kind, authority,
return year), and each group becomes one load. Every file is read, and every group validated,
before anything is written; the loads of one call are then recorded in one transaction, so a
call loads everything it was given or nothing (docs/decisions/0007-ingest-all-or-nothing.md).
"""

from __future__ import annotations

import importlib
import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa

from selfeval import __version__
from selfeval.access import Authorities
from selfeval.errors import InputError, Location, SelfevalError, UsageError
from selfeval.pseudonymise import Pseudonymiser
from selfeval.returns import annex_a, cin_census, ssd, ssda903, ssda903_xml, workforce
from selfeval.returns.base import looks_like_xml
from selfeval.returns.detect import detect
from selfeval.returns.limits import max_file_bytes
from selfeval.store import FileInfo, LoadRecord, Store
from selfeval.store.store import PendingLoad

KINDS = ("903", "cin", "annex-a", "workforce", "audits", "plan", "ssd")
YEARLY_KINDS = ("903", "cin", "workforce")
VALIDATION_FILE = "validation.json"


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
    problems: list = field(default_factory=list)
    """Rule breaches the reader itself finds (the SSD's specification checks)."""


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

    def tables(self) -> dict[str, pa.Table]:
        """Each table's rows from every file of the group (several files of a table concatenated),
        stamped with the group's authority and year."""
        parts: dict[str, list[pa.Table]] = defaultdict(list)
        for f in self.files:
            for name, t in f.tables.items():
                parts[name].append(_stamp(t, self.la_code, self.return_year))
        return {n: pa.concat_tables(ts, promote_options="default") for n, ts in parts.items()}

    def describe(self) -> str:
        return f"{self.kind} {self.return_year or ''} for {self.la_code}".replace("  ", " ")


@dataclass(frozen=True)
class LoadOutcome:
    load: LoadRecord
    created: bool
    issues: int
    """Breaches of DfE's rules found by validation (0 when none, or not validated)."""


@dataclass(frozen=True)
class IngestResult:
    loads: list[LoadOutcome]

    @property
    def load(self) -> LoadRecord:
        """The only load (for calls that made one)."""
        [o] = self.loads
        return o.load

    @property
    def created(self) -> bool:
        return any(o.created for o in self.loads)


class ValidationRefused(SelfevalError):
    """``--strict``: the returns break DfE's rules, so nothing was loaded."""


# -- readers -----------------------------------------------------------------------------------


def _read_903(path: Path, *, la_code: str | None, return_year: int | None, max_bytes: int):
    """SSDA903 as CSV tables (one per file) or as the XML form (all tables in one file)."""
    if ssda903_xml.sniff(path):
        return ssda903_xml.read(path, la_code=la_code, return_year=return_year, max_bytes=max_bytes)
    name, table = ssda903.read_csv(path, max_bytes=max_bytes)
    return {name: table}


def _optional(module: str) -> Any:
    """A module of selfeval (``validation``) if it is installed, else None."""
    try:
        return importlib.import_module(f"selfeval.{module}")
    except ImportError:
        return None


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


def read_file(path: Path, kind: str, opts: Options, default_la: str | None) -> ReadFile:
    """Read one file as ``kind``, for the year and authority it names or the caller gives."""
    if kind not in READERS:
        raise UsageError(f"{path.name}: reading {kind} returns is not available yet")
    own = self_describing(kind, path)
    la = None if own else opts.la_code or default_la
    year = None if own else opts.return_year
    if not own and kind in YEARLY_KINDS and kind != "903" and year is None:
        raise UsageError(
            f"{path.name} does not say which return year it is: give --year YYYY "
            "(2019 means the 2018/19 return, 1 April 2018 to 31 March 2019)"
        )
    if not own and la is None:
        raise UsageError(
            f"{path.name} does not say which authority it is for: give --la CODE "
            "(the first authority loaded becomes the store's default)"
        )
    got = READERS[kind](
        path, la_code=la, return_year=year, max_bytes=max_file_bytes(opts.max_bytes)
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
    if own and opts.la_code is not None and rf.la_code != opts.la_code:
        raise InputError(
            Location(rf.path.name),
            "la-mismatch",
            f"the file's header says it is authority {rf.la_code}'s, but --la {opts.la_code} "
            "was given",
        )
    return rf


def detect_kind(path: Path) -> str:
    """The kind of return a file is, from its content (not its name)."""
    size = path.stat().st_size
    if size == 0 or (size < 4096 and not path.read_bytes().strip()):
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


def expand(paths: Iterable[Path]) -> list[Path]:
    """Files as given, and every file under a folder (hidden files skipped), in name order."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out += sorted(
                f
                for f in p.rglob("*")
                if f.is_file() and not any(part.startswith(".") for part in f.relative_to(p).parts)
            )
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
    """Read every file, then group them into loads; the first unreadable file refuses all."""
    files: list[ReadFile] = []
    for path in expand(paths):
        rf = read_file(path, kind or detect_kind(path), opts, default_la)
        if rf.la_code is None:
            raise UsageError(f"{path.name} does not say which authority it is for: give --la")
        files.append(rf)
    assign_903_years(files, opts.return_year)
    groups: dict[tuple[str, str, int | None], ReturnGroup] = {}
    for rf in files:
        key = (rf.kind, rf.la_code, rf.return_year)
        groups.setdefault(key, ReturnGroup(*key)).files.append(rf)  # type: ignore[arg-type]
    return sorted(groups.values(), key=lambda g: (g.kind, g.la_code, g.return_year or 0))


_YEAR_IN_NAME = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")


def return_sets(files: Sequence[ReadFile]) -> list[list[ReadFile]]:
    """The SSDA903 files that make one return each: an XML file on its own, or the CSV tables
    in one folder whose names differ only in the table (``2019-header.csv`` goes with
    ``2019-episodes.csv``, not with ``2020-episodes.csv``)."""
    sets: dict[tuple[str, ...], list[ReadFile]] = {}
    for f in files:
        if f.kind != "903":
            continue
        if looks_like_xml(f.path):
            key: tuple[str, ...] = (str(f.path),)
        else:
            key = (str(f.path.parent), *_YEAR_IN_NAME.findall(f.path.stem))
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


# -- validation --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Validation:
    """DfE's rules applied to one group: the summary kept in the catalogue, the full report."""

    summary: dict
    report: dict | None
    validators: dict[str, str]

    @property
    def issues(self) -> int:
        return int(self.summary.get("issues", 0))

    @property
    def blocking(self) -> str | None:
        """Why ``--strict`` refuses this load, or None: any error-level breach (DfE would
        reject the return), a validator that could not read the files, or no validation at all
        where DfE has rules. Queries (DfE asks the authority to check) are reported only."""
        s = self.summary
        if s.get("status") == "not-run":
            return f"not validated ({s.get('reason', 'no validator')})"
        if s.get("failures"):
            return "the validator could not read the files: " + "; ".join(s["failures"])
        n = int(s.get("errors", s.get("issues", 0)))
        return f"{n} errors against the rules" if n else None


def describe_validation(summary: dict) -> str:
    """One line for people: what the rules found in a load, or why they did not run."""
    status = summary.get("status")
    if status in ("not-run", "no-rules"):
        return f"not validated: {summary.get('reason', status)}"
    if status == "skipped":
        return "not validated: validation was skipped when it was loaded"
    if status != "validated":
        return "not validated"
    if "errors" in summary:
        line = f"{summary['errors']} errors and {summary['queries']} queries against DfE's rules"
        if summary.get("crashed_rules"):
            line += f"; {len(summary['crashed_rules'])} rules crashed inside the validator"
        if summary.get("failures"):
            line += "; the validator could not read the files"
        return line
    return f"{summary.get('issues', 0)} issues against the {summary.get('validator', 'rules')}"


DFE_RULES = ("903", "cin")
"""Kinds that DfE validates (csc-validator-be-903 and csc-validator-be-cin)."""


@dataclass(frozen=True)
class PreviousReturn:
    """Last year's SSDA903 return, for the rules that compare with it (``Episodes_last``...):
    its tables, and where they came from (this call, or a load in the store)."""

    return_year: int
    tables: Mapping[str, pa.Table] | None
    source: str
    """"this call", "load N", or why there is none to give."""

    def describe(self) -> dict:
        given = self.tables is not None
        return {"return_year": self.return_year, "given": given, "source": self.source}


def previous_903(
    group: ReturnGroup, groups: Sequence[ReturnGroup], store: Store | None
) -> PreviousReturn | None:
    """The return before ``group``'s (same authority, year - 1): from this call if it holds it
    (it is the newer), else the latest load of it in the store (docs/merge-rule.md, rule 1).

    A stored return that was pseudonymised is not given: this year's files, as they came, name
    children by their real identifiers, so no child would match.
    """
    if group.kind != "903" or group.return_year is None:
        return None
    year = group.return_year - 1
    for g in groups:
        if (g.kind, g.la_code, g.return_year) == ("903", group.la_code, year):
            return PreviousReturn(year, g.tables(), "this call")
    if store is None:
        return None
    stored = [r for r in store.loads(group.la_code) if r.kind == "903" and r.return_year == year]
    if not stored:
        return None
    rec = max(stored, key=lambda r: r.id)
    if rec.pseudonymised:
        return PreviousReturn(year, None, f"load {rec.id} is pseudonymised, so it was not given")
    return PreviousReturn(year, store.load_tables(rec), f"load {rec.id}")


def validate_903_group(
    group: ReturnGroup, previous: PreviousReturn | None, la_ons_code: str | None
) -> Any:
    """DfE's 903 rules over one return's files as they came, with last year's return beside
    them when there is one (a ``ValidationReport``)."""
    from selfeval.validation import validate_903

    last = previous.tables if previous is not None else None
    source: Any = [f.path for f in group.files]
    if last is not None and any(looks_like_xml(p) for p in source):
        # The validator reads one XML file and nothing beside it: give it the tables.
        source = group.tables()
    assert group.return_year is not None
    return validate_903(
        source, return_year=group.return_year, previous=last, la_ons_code=la_ons_code
    )


def validate_group(
    group: ReturnGroup, store: Store | None = None, previous: PreviousReturn | None = None
) -> Validation:
    """Run DfE's validator for the group's kind (``selfeval.validation``), when there is one.

    The validators run on the files as they came, before any pseudonymisation; an SSDA903
    return gets last year's (``previous``) beside it when there is one. A validator that cannot
    run (its environment cannot be made) leaves the load "not validated", which ``--strict``
    refuses.
    """
    if group.kind == "ssd":
        return _validate_ssd(group, store)
    if group.kind not in DFE_RULES:
        reason = f"DfE publishes no validation rules for {group.kind} returns"
        return Validation({"status": "no-rules", "reason": reason}, None, {})
    validation = _optional("validation")
    if validation is None:
        return Validation({"status": "not-run", "reason": "no validator installed"}, None, {})
    try:
        if group.kind == "903":
            ons = getattr(validation, "ons_code", lambda la, store: None)(group.la_code, store)
            reports = [validate_903_group(group, previous, ons)]
        else:
            reports = [
                validation.validate_cin(f.path, return_year=group.return_year) for f in group.files
            ]
    except InputError:
        raise
    except SelfevalError as e:
        return Validation({"status": "not-run", "reason": str(e)}, None, {})
    summary = {
        "status": "validated",
        "issues": sum(len(r.issues) for r in reports),
        "errors": sum(r.errors for r in reports),
        "queries": sum(r.queries for r in reports),
        "crashed_rules": sorted({c.rule for r in reports for c in r.crashed}),
        "failures": [r.failure for r in reports if r.failure],
        "by_rule": [list(row) for r in reports for row in r.counts_by_rule],
    }
    if previous is not None:
        summary["previous_year"] = previous.describe()
    validators = {r.package: f"{r.version} ({r.ruleset})" for r in reports}
    return Validation(summary, {"reports": [r.to_dict() for r in reports]}, validators)


def _validate_ssd(group: ReturnGroup, store: Store | None) -> Validation:
    """The SSD's own rules (required, unique, Y/N codes) and its persons matched to the returns."""
    from selfeval.ingest_ssd import check_persons

    problems = [p for f in group.files for p in f.problems]
    persons = None
    if store is not None:
        persons = check_persons(store, group.la_code, group.tables())
        problems += persons.problems
    counts: dict[str, int] = {}
    for p in problems:
        counts[p.rule] = counts.get(p.rule, 0) + 1
    summary = {
        "status": "validated",
        "validator": "SSD specification",
        "issues": len(problems),
        "by_rule": counts,
    }
    if persons is not None:
        summary |= {"persons": persons.persons, "persons_matched": persons.matched}
    report = {"problems": [p.as_dict() for p in problems]}
    return Validation(summary, report, {"ssd-specification": "selfeval " + __version__})


# -- the whole job -----------------------------------------------------------------------------


def ingest(
    store: Store,
    paths: Sequence[Path],
    *,
    kind: str | None = None,
    return_year: int | None = None,
    la_code: str | None = None,
    strict: bool = False,
    pseudonymiser: Pseudonymiser | None = None,
    loaded_by: str | None = None,
    validate: bool = True,
    max_bytes: int | None = None,
    authorities: Authorities | None = None,
) -> IngestResult:
    """Load returns into the store: every group a load, all of them in one transaction.

    With ``authorities`` (the loader's access), returns of any other authority refuse the
    whole set before anything is stored.

    Files that cannot be read as what they claim raise ``InputError`` and nothing is stored.
    Breaches of DfE's rules are kept in each load's validation report; with ``strict`` they
    raise ``ValidationRefused`` and nothing is stored.
    """
    if kind is not None and kind not in KINDS:
        raise UsageError(f"--kind {kind!r} is not one of {', '.join(KINDS)}")
    opts = Options(return_year=return_year, la_code=la_code, max_bytes=max_bytes)
    groups = read_all(list(paths), kind=kind, opts=opts, default_la=store.default_la)
    if authorities is not None:
        refused = sorted({g.la_code for g in groups if not authorities.permits(g.la_code)})
        if refused:
            raise UsageError(
                f"nothing was loaded: the files are authority {', '.join(refused)}'s, "
                "which this account may not load"
            )
    pending: list[PendingLoad] = []
    checks: list[Validation] = []
    for g in groups:
        v = (
            validate_group(g, store, previous_903(g, groups, store))
            if validate
            else Validation({"status": "skipped"}, None, {})
        )
        checks.append(v)
        tables = g.tables()
        report = v.report
        if pseudonymiser is not None:
            tables = pseudonymiser.tables(tables)
            report = _pseudonymise_report(report, pseudonymiser)
        pending.append(
            PendingLoad(
                la_code=g.la_code,
                kind=g.kind,
                return_year=g.return_year,
                files=[FileInfo.of(f.path, ",".join(sorted(f.tables))) for f in g.files],
                tables=tables,
                validation=_with_tolerated(v.summary, g),
                validators=v.validators,
                pseudonym_key_id=pseudonymiser.key_id if pseudonymiser else None,
                attachments=(
                    {VALIDATION_FILE: json.dumps(report, default=str).encode()} if report else {}
                ),
            )
        )
    if strict:
        bad = [(g, v.blocking) for g, v in zip(groups, checks, strict=True) if v.blocking]
        if bad:
            raise ValidationRefused(
                "--strict: nothing was loaded, because the returns do not pass DfE's rules ("
                + "; ".join(f"{g.describe()}: {why}" for g, why in bad)
                + "); run selfeval validate for the report"
            )
    done = store.add_loads(pending, loaded_by=loaded_by)
    return IngestResult(
        [
            LoadOutcome(rec, created, v.issues)
            for (rec, created), v in zip(done, checks, strict=True)
        ]
    )


def _with_tolerated(summary: dict, g: ReturnGroup) -> dict:
    """The validation summary plus what the readers tolerated in the files (never hidden)."""
    tolerated = [w for f in g.files for w in f.warnings]
    return {**summary, "tolerated": tolerated} if tolerated else summary


def _pseudonymise_report(report: dict | None, p: Pseudonymiser) -> dict | None:
    """The report with every child identifier it quotes replaced, as in the tables."""
    if not report:
        return report
    from selfeval.pseudonymise import IDENTIFIER_FIELDS

    def walk(x: object) -> object:
        if isinstance(x, dict):
            return {
                k: (
                    p.pseudonym(str(v))
                    if (k in IDENTIFIER_FIELDS or k == "child") and v not in (None, "")
                    else walk(v)
                )
                for k, v in x.items()
            }
        if isinstance(x, list):
            return [walk(v) for v in x]
        return x

    return walk(report)  # type: ignore[return-value]


def ingest_903(
    store: Store,
    paths: list[Path],
    *,
    la_code: str,
    return_year: int,
    loaded_by: str | None = None,
    validate: bool = False,
) -> IngestResult:
    """Load SSDA903 tables of one return year: a shortcut to ``ingest`` for hand-made files.

    Unlike ``ingest`` (and ``selfeval ingest``), it does not run DfE's validators unless asked:
    their environment takes minutes to build, and the shortcut serves tests and quick loads.
    """
    if not paths:
        raise UsageError("no files given")
    return ingest(
        store,
        paths,
        kind="903",
        la_code=la_code,
        return_year=return_year,
        loaded_by=loaded_by,
        validate=validate,
    )
