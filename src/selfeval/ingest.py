"""Loading files of every kind into the store: returns, the SSD extract, audits and plan
workbooks, in one call that loads everything it was given or nothing.

``ingest`` takes files and folders of any kind and any number of return years. Each file's
kind is detected from its content (unless given). Returns are read and grouped by (kind,
authority, return year) in ``selfeval.returns.grouping``, each group one load; the audits and
plan workbooks are read beside them. Every file is read, and every return validated, before
anything is written; then the returns are recorded (one transaction), the SSD extract after
them (its persons checked against them), the workbooks last (their children checked against
them), and a failure at any step undoes the steps before it
(docs/decisions/0007-ingest-all-or-nothing.md, 0020-one-ingest.md).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from selfeval import __version__, validation
from selfeval.access import Authorities
from selfeval.assurance.io import read_audits
from selfeval.assurance.repository import domains, pseudonymised, save_assurance
from selfeval.errors import InputError, SelfevalError, UsageError
from selfeval.ingest_ssd import check_persons
from selfeval.plans.io import read_plan
from selfeval.plans.repository import save_plan
from selfeval.pseudonymise import IDENTIFIER_FIELDS, Pseudonymiser
from selfeval.returns.detect import KINDS, WORKBOOK_KINDS, detect
from selfeval.returns.grouping import Options, ReturnGroup, expand, read_all
from selfeval.store import FileInfo, LoadRecord, Store
from selfeval.store.store import DEFAULT_LA, PendingLoad
from selfeval.store.workbook_imports import ImportResult, import_workbook, undo_import
from selfeval.validation import PreviousReturn, previous_903, validate_903_group

VALIDATION_FILE = "validation.json"


INFERRED = ("[year-from-episodes]", "[year-from-name]", "[year-from-dates]", "[la-from-call]")
"""The codes of the notes that say what a call worked out for itself."""


@dataclass(frozen=True)
class LoadOutcome:
    load: LoadRecord
    created: bool
    issues: int
    """Breaches of DfE's rules found by validation (0 when none, or not validated)."""

    def inferred(self) -> list[str]:
        """What was worked out for this load (its year, its authority), once each: the notes
        its files share are said once, without the file's name."""
        notes = [w for w in self.load.validation.get("tolerated", []) if w.endswith(INFERRED)]
        names = {f.name for f in self.load.files}
        out = [w.split(": ", 1)[1] if w.split(": ", 1)[0] in names else w for w in notes]
        return list(dict.fromkeys(out)) if len(names) > 1 else notes


@dataclass(frozen=True)
class IngestResult:
    loads: list[LoadOutcome]
    workbooks: list[WorkbookOutcome] = field(default_factory=list)

    @property
    def load(self) -> LoadRecord:
        """The only load (for calls that made one)."""
        [o] = self.loads
        return o.load

    @property
    def created(self) -> bool:
        return any(o.created for o in self.loads) or any(w.result.created for w in self.workbooks)


class ValidationRefused(SelfevalError):
    """``--strict``: the returns break DfE's rules, so nothing was loaded."""


AuditEvent = tuple[str, str, dict[str, object]]
"""An audit-log event as (action, what, detail)."""


def audit_events(res: IngestResult) -> list[AuditEvent]:
    """The audit-log events of one call, which the web's upload and ``selfeval ingest`` both
    write: one per load (its ``audit_detail`` and its files' names), one per workbook."""
    events: list[AuditEvent] = []
    for o in res.loads:
        rec = o.load
        action = "load" if o.created else "load again (no change)"
        detail = {**rec.audit_detail(), "files": [f.name for f in rec.files]}
        events.append((action, f"load {rec.id}", detail))
    for w in res.workbooks:
        r = w.result.record
        action = f"import {w.kind} workbook" if w.result.created else "import again (no change)"
        detail = {"kind": w.kind, "la_code": r.la_code, "files": [r.file_name]}
        events.append((action, f"import {r.id}", detail))
    return events


def refusal_detail(e: SelfevalError) -> dict[str, object]:
    """What the audit log says of a refused call: the rule and file of a file that cannot be
    read (never its message, which may quote a value from the file: a child's identifier),
    else the reason, shortened."""
    if isinstance(e, InputError):
        return {"rule": e.rule, "file": str(e.location.file or "")}
    return {"problem": str(e)[:300]}


# -- validation --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Validation:
    """DfE's rules applied to one group: the summary kept in the catalogue, the full report."""

    summary: dict[str, Any]
    report: dict[str, Any] | None
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


def describe_validation(summary: dict[str, Any]) -> str:
    """One line for people: what the rules found in a load, or why they did not run."""
    status = summary.get("status")
    if status in ("not-run", "no-rules"):
        return f"not validated: {summary.get('reason', status)}"
    if status == "skipped":
        return "not validated: validation was skipped when it was loaded"
    if status != "validated":
        return "not validated"
    if summary.get("failures"):  # its counts are of nothing: it did not read the files
        return f"not validated: DfE's validator failed ({'; '.join(summary['failures'])})"
    if "errors" in summary:
        line = f"{summary['errors']} errors and {summary['queries']} queries against DfE's rules"
        if summary.get("crashed_rules"):
            line += f"; {len(summary['crashed_rules'])} rules crashed inside the validator"
        return line
    return f"{summary.get('issues', 0)} issues against the {summary.get('validator', 'rules')}"


DFE_RULES = ("903", "cin")
"""Kinds that DfE validates (csc-validator-be-903 and csc-validator-be-cin)."""


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
    try:
        if group.kind == "903":
            ons = validation.ons_code(group.la_code, store)
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
    today: date | None = None,
) -> IngestResult:
    """Load files and folders of every kind into the store, all of them or nothing.

    Returns (SSDA903, CIN census, Annex A, workforce) are read and grouped (``read_all``),
    one load per kind, authority and year; the audits and plan workbooks are read beside them.
    Then, in this order: the returns are recorded in one transaction; the SSD extract (its
    persons are checked against the returns, those of this call included); each workbook
    (its children checked against the returns). If any step fails, what the earlier steps
    stored is undone, so the call changes nothing.

    With ``authorities`` (the loader's access), files of any other authority refuse the whole
    call before anything is stored. Files that cannot be read as what they claim raise
    ``InputError``. Breaches of DfE's rules are kept in each load's validation report; with
    ``strict`` they raise ``ValidationRefused``.
    """
    if kind is not None and kind not in KINDS:
        raise UsageError(f"--kind {kind!r} is not one of {', '.join(KINDS)}")
    files = expand(list(paths))
    if kind in WORKBOOK_KINDS:
        books, rest = [(p, kind) for p in files], []
    elif kind is not None:
        books, rest = [], files
    else:
        kinds = {p: detect(p) for p in files}  # None: read_all says why, or leaves it out
        books = [(p, k) for p, k in kinds.items() if k in WORKBOOK_KINDS]
        rest = [p for p, k in kinds.items() if k not in WORKBOOK_KINDS]
    opts = Options(return_year=return_year, la_code=la_code, max_bytes=max_bytes)
    groups = read_all(rest, kind=kind, opts=opts, default_la=store.default_la) if rest else []
    book_la = _workbooks_authority(store, groups, la_code) if books else None
    las = {g.la_code for g in groups} | ({book_la} if book_la else set())
    if authorities is not None:
        refused = sorted(la for la in las if not authorities.permits(la))
        if refused:
            raise UsageError(
                f"nothing was loaded: the files are authority {', '.join(refused)}'s, "
                "which this account may not load"
            )
    read_books: list[_Workbook] = []
    if book_la is not None:
        read_books = [_read_workbook(store, p, k, book_la, pseudonymiser) for p, k in books]
    returns = [g for g in groups if g.kind != "ssd"]
    extracts = [g for g in groups if g.kind == "ssd"]
    check = (
        (lambda g: validate_group(g, store, previous_903(g, groups, store))) if validate else None
    )
    with _undone_on_failure(store) as made:
        loads = _record(store, returns, check, strict, pseudonymiser, loaded_by)
        made.loads += [o.load.id for o in loads if o.created]
        ssd_loads = _record(store, extracts, check, strict, pseudonymiser, loaded_by)
        made.loads += [o.load.id for o in ssd_loads if o.created]
        outcomes = []
        for book in read_books:
            res = import_workbook(
                store,
                book.path,
                book.la_code,
                book.kind,
                book.read,
                save_assurance if book.kind == "audits" else save_plan,
                imported_by=loaded_by,
                today=today,
            )
            if res.created:
                made.imports.append(res.record.id)
            outcomes.append(WorkbookOutcome(book.path, book.kind, res))
    return IngestResult(loads + ssd_loads, outcomes)


def _record(
    store: Store,
    groups: Sequence[ReturnGroup],
    check: Callable[[ReturnGroup], Validation] | None,
    strict: bool,
    pseudonymiser: Pseudonymiser | None,
    loaded_by: str | None,
) -> list[LoadOutcome]:
    """Validate the groups and record them as loads in one transaction (``--strict``: refuse
    them all if any breaks DfE's rules)."""
    if not groups:
        return []
    pending: list[PendingLoad] = []
    checks: list[Validation] = []
    for g in groups:
        v = check(g) if check else Validation({"status": "skipped"}, None, {})
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
    return [
        LoadOutcome(rec, created, v.issues) for (rec, created), v in zip(done, checks, strict=True)
    ]


# -- audits and plan workbooks -----------------------------------------------------------------


@dataclass(frozen=True)
class WorkbookOutcome:
    path: Path
    kind: str
    result: ImportResult


@dataclass(frozen=True)
class _Workbook:
    path: Path
    kind: str
    la_code: str
    data: Any
    """``AssuranceData`` or ``Plan``, as read (child ids already pseudonymised)."""

    def read(self) -> Any:
        return self.data


def _workbooks_authority(store: Store, groups: Sequence[ReturnGroup], given: str | None) -> str:
    """Whose the workbooks are (they do not say): ``--la``, else the one authority of the
    call's returns, else the store's default authority."""
    if given:
        return given
    called = sorted({g.la_code for g in groups})
    if len(called) > 1:
        raise UsageError(
            f"the returns are authorities {', '.join(called)}'s: give --la CODE to say whose "
            "the audits and plan workbooks are"
        )
    la = called[0] if called else store.default_la
    if la is None:
        raise UsageError("give --la CODE: the authority the audits and plan workbooks are for")
    return la


def _read_workbook(
    store: Store, path: Path, kind: str, la_code: str, p: Pseudonymiser | None
) -> _Workbook:
    """Read one workbook whole (the first problem raises ``InputError`` naming sheet, row and
    field) before anything is stored."""
    if kind == "audits":
        data = read_audits(path, domains(store, la_code))
        return _Workbook(path, kind, la_code, pseudonymised(data, p) if p else data)
    return _Workbook(path, kind, la_code, read_plan(path))


def describe_workbook(o: WorkbookOutcome) -> list[str]:
    """What was loaded from one workbook, and any warnings, one line each."""
    r = o.result.record
    held = ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in r.counts.items())
    verb = "loaded" if o.result.created else "already loaded, nothing changed:"
    return [f"{o.kind} workbook {o.path.name}: {verb} import {r.id} ({held}, for {r.la_code})"] + [
        f"warning: {w}" for w in o.result.warnings
    ]


@dataclass
class _Made:
    loads: list[int] = field(default_factory=list)
    imports: list[int] = field(default_factory=list)


@contextmanager
def _undone_on_failure(store: Store) -> Iterator[_Made]:
    """What the steps of one call stored, undone (newest first) if a later step fails."""
    made = _Made()
    first = store.default_la is None
    try:
        yield made
    except BaseException:
        for import_id in reversed(made.imports):
            undo_import(store, import_id)
        for load_id in reversed(made.loads):
            store.undo(load_id)
        if first and made.loads:
            store.set_setting(DEFAULT_LA, None)
        raise


def _with_tolerated(summary: dict[str, Any], g: ReturnGroup) -> dict[str, Any]:
    """The validation summary plus what the readers tolerated in the files (never hidden)."""
    tolerated = [w for f in g.files for w in f.warnings] + g.notes
    return {**summary, "tolerated": tolerated} if tolerated else summary


def _pseudonymise_report(report: dict[str, Any] | None, p: Pseudonymiser) -> dict[str, Any] | None:
    """The report with every child identifier it quotes replaced, as in the tables."""
    if not report:
        return report

    def entries(d: dict[str, Any]) -> dict[str, Any]:
        return {
            k: (
                p.pseudonym(str(v))
                if (k in IDENTIFIER_FIELDS or k == "child") and v not in (None, "")
                else walk(v)
            )
            for k, v in d.items()
        }

    def walk(x: object) -> object:
        if isinstance(x, dict):
            return entries(x)
        if isinstance(x, list):
            return [walk(v) for v in x]
        return x

    return entries(report)


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
