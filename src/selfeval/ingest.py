"""Loading returns into the store: detect, read, group, validate, pseudonymise, record.

``ingest`` takes files and folders of any kind and any number of return years. Each file's
kind is detected from its content (unless given); files are grouped by (kind, authority,
return year), and each group becomes one load. Every file is read, and every group validated,
before anything is written; the loads of one call are then recorded in one transaction, so a
call loads everything it was given or nothing (docs/decisions/0007-ingest-all-or-nothing.md).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from selfeval.errors import InputError, Location, SelfevalError, UsageError
from selfeval.pseudonymise import Pseudonymiser
from selfeval.returns import ssda903
from selfeval.store import FileInfo, LoadRecord, Store
from selfeval.store.store import PendingLoad

KINDS = ("903", "cin", "annex-a", "workforce", "audits", "plan")
YEARLY_KINDS = ("903", "cin", "workforce")
VALIDATION_FILE = "validation.json"


@dataclass
class ReadFile:
    """One file read as its kind: its tables, and the year and authority its content names."""

    path: Path
    kind: str
    tables: dict[str, pa.Table]
    return_year: int | None = None
    la_code: str | None = None


@dataclass(frozen=True)
class Options:
    """What the caller said: the year and authority for files whose content does not."""

    return_year: int | None = None
    la_code: str | None = None
    max_bytes: int | None = None


Reader = Callable[[Path, Options], ReadFile]


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


def _read_903(path: Path, opts: Options) -> ReadFile:
    name, table = ssda903.read_csv(path, max_bytes=opts.max_bytes)
    return ReadFile(path, "903", {name: table})


READERS: dict[str, Reader] = {"903": _read_903}
"""How each kind of return is read. The readers of other kinds register here as they land."""


def detect_kind(path: Path) -> str:
    """The kind of return a file is, from its content (not its name)."""
    try:
        from selfeval.returns import detect  # type: ignore[attr-defined]
    except ImportError:
        detect = None
    if detect is not None:
        return detect.detect(path)
    if ssda903.sniff(path) is not None:
        return "903"
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
    groups: dict[tuple[str, str, int | None], ReturnGroup] = {}
    for path in expand(paths):
        k = kind or detect_kind(path)
        if k not in READERS:
            raise UsageError(f"{path.name}: reading {k} returns is not available yet")
        rf = READERS[k](path, opts)
        year = _resolve_year(rf, opts)
        la = _resolve_la(rf, opts, default_la)
        g = groups.setdefault((k, la, year), ReturnGroup(k, la, year))
        g.files.append(rf)
    return sorted(groups.values(), key=lambda g: (g.kind, g.la_code, g.return_year or 0))


def _resolve_year(rf: ReadFile, opts: Options) -> int | None:
    if rf.return_year is not None:
        if opts.return_year is not None and opts.return_year != rf.return_year:
            raise InputError(
                Location(rf.path.name),
                "year-mismatch",
                f"the file is the {rf.return_year} return, but --year {opts.return_year} was given",
            )
        return rf.return_year
    if opts.return_year is None and rf.kind in YEARLY_KINDS:
        raise UsageError(
            f"{rf.path.name} does not say which return year it is: give --year YYYY "
            "(2019 means the 2018/19 return, 1 April 2018 to 31 March 2019)"
        )
    return opts.return_year


def _resolve_la(rf: ReadFile, opts: Options, default_la: str | None) -> str:
    if rf.la_code is not None:
        if opts.la_code is not None and opts.la_code != rf.la_code:
            raise InputError(
                Location(rf.path.name),
                "la-mismatch",
                f"the file is authority {rf.la_code}'s return, but --la {opts.la_code} was given",
            )
        return rf.la_code
    la = opts.la_code or default_la
    if la is None:
        raise UsageError(
            f"{rf.path.name} does not say which authority it is for: give --la CODE "
            "(the first authority loaded becomes the store's default)"
        )
    return la


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


def validate_group(group: ReturnGroup) -> Validation:
    """Run DfE's validator for the group's kind (``selfeval.validation``), when there is one."""
    try:
        from selfeval import validation  # type: ignore[attr-defined]
    except ImportError:
        return Validation({"status": "not-run", "reason": "no validator installed"}, None, {})
    return validation.validate_for_ingest(group)  # type: ignore[attr-defined]


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
) -> IngestResult:
    """Load returns into the store: every group a load, all of them in one transaction.

    Files that cannot be read as what they claim raise ``InputError`` and nothing is stored.
    Breaches of DfE's rules are kept in each load's validation report; with ``strict`` they
    raise ``ValidationRefused`` and nothing is stored.
    """
    if kind is not None and kind not in KINDS:
        raise UsageError(f"--kind {kind!r} is not one of {', '.join(KINDS)}")
    opts = Options(return_year=return_year, la_code=la_code, max_bytes=max_bytes)
    groups = read_all(list(paths), kind=kind, opts=opts, default_la=store.default_la)
    pending: list[PendingLoad] = []
    checks: list[Validation] = []
    for g in groups:
        v = validate_group(g) if validate else Validation({"status": "skipped"}, None, {})
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
                validation=v.summary,
                validators=v.validators,
                pseudonym_key_id=pseudonymiser.key_id if pseudonymiser else None,
                attachments=(
                    {VALIDATION_FILE: json.dumps(report, default=str).encode()} if report else {}
                ),
            )
        )
    if strict:
        bad = [(g, v) for g, v in zip(groups, checks, strict=True) if v.issues]
        if bad:
            raise ValidationRefused(
                "--strict: nothing was loaded, because the returns break DfE's rules ("
                + "; ".join(f"{g.describe()}: {v.issues} issues" for g, v in bad)
                + "); run selfeval validate for the report"
            )
    done = store.add_loads(pending, loaded_by=loaded_by)
    return IngestResult(
        [
            LoadOutcome(rec, created, v.issues)
            for (rec, created), v in zip(done, checks, strict=True)
        ]
    )


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
                    if k in IDENTIFIER_FIELDS and v not in (None, "")
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
) -> IngestResult:
    """Read SSDA903 CSV tables of one return year and record them as one load."""
    if not paths:
        raise UsageError("no files given")
    return ingest(
        store, paths, kind="903", la_code=la_code, return_year=return_year, loaded_by=loaded_by
    )
