"""Loading returns into the store: validate, pseudonymise, record.

``ingest`` takes files and folders of any kind and any number of return years. Each file's
kind is detected from its content (unless given); files are grouped by (kind, authority,
return year) in ``selfeval.returns.grouping``, and each group becomes one load. Every file is
read, and every group validated, before anything is written; the loads of one call are then
recorded in one transaction, so a call loads everything it was given or nothing
(docs/decisions/0007-ingest-all-or-nothing.md).
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

from selfeval import __version__
from selfeval.access import Authorities
from selfeval.errors import InputError, SelfevalError, UsageError
from selfeval.pseudonymise import Pseudonymiser
from selfeval.returns import ssda903
from selfeval.returns.base import looks_like_xml
from selfeval.returns.detect import KINDS
from selfeval.returns.grouping import (  # noqa: F401 - READERS, expand, read_file: their old home
    READERS,
    Options,
    ReturnGroup,
    expand,
    read_all,
    read_file,
)
from selfeval.store import FileInfo, LoadRecord, Store
from selfeval.store.store import PendingLoad

VALIDATION_FILE = "validation.json"


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


def _optional(module: str) -> Any:
    """A module of selfeval (``validation``) if it is installed, else None."""
    try:
        return importlib.import_module(f"selfeval.{module}")
    except ImportError:
        return None


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
    source: Any = [f.path for f in group.files if not ssda903.is_blank(f.path)]
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
    tolerated = [w for f in g.files for w in f.warnings] + g.notes
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
