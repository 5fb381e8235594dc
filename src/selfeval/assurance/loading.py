"""Loading audits and plan workbooks as ``selfeval ingest`` does returns: detected by content,
each workbook one transaction (a workbook with any problem changes nothing)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from selfeval.assurance.io import is_audits_workbook
from selfeval.assurance.repository import ImportResult, import_audits
from selfeval.errors import InputError, Location, UsageError
from selfeval.plans.io import is_plan_workbook
from selfeval.pseudonymise import Pseudonymiser
from selfeval.store import Store

WORKBOOK_KINDS = ("audits", "plan")


def workbook_kind(path: Path) -> str | None:
    """ "audits" or "plan" if the file is one of those workbooks (by its sheets), else None."""
    if is_audits_workbook(path):
        return "audits"
    if is_plan_workbook(path):
        return "plan"
    return None


def split_workbooks(paths: Sequence[Path], kind: str | None) -> tuple[list[Path], list[Path]]:
    """(audits and plan workbooks, everything else): by ``kind`` if given, else by content."""
    if kind in WORKBOOK_KINDS:
        return list(paths), []
    if kind is not None:
        return [], list(paths)
    books = [p for p in paths if p.suffix.lower() == ".xlsx" and workbook_kind(p)]
    return books, [p for p in paths if p not in books]


@dataclass(frozen=True)
class WorkbookOutcome:
    path: Path
    kind: str
    result: ImportResult


def ingest_workbooks(
    store: Store,
    paths: Sequence[Path],
    *,
    kind: str | None = None,
    la_code: str | None = None,
    imported_by: str | None = None,
    today: date | None = None,
    pseudonymiser: Pseudonymiser | None = None,
) -> list[WorkbookOutcome]:
    """Import each audits or plan workbook for the authority (``la_code``, else the store's
    default authority). Each workbook is one transaction. With a ``pseudonymiser`` (the key the
    returns were loaded with) child ids are replaced as the returns' were."""
    from selfeval.plans.repository import import_plan

    la = la_code or store.default_la
    if la is None:
        raise UsageError("give --la CODE: the authority these workbooks are for")
    out = []
    for p in paths:
        k = kind or workbook_kind(p)
        if k not in WORKBOOK_KINDS:
            raise InputError(
                Location(p.name), "unknown-kind", "this is neither an audits nor a plan workbook"
            )
        if k == "audits":
            res = import_audits(
                store, p, la, imported_by=imported_by, today=today, pseudonymiser=pseudonymiser
            )
        else:
            res = import_plan(store, p, la, imported_by=imported_by, today=today)
        out.append(WorkbookOutcome(p, k, res))
    return out


def describe(o: WorkbookOutcome) -> list[str]:
    """What ``selfeval ingest`` says about one workbook: what was loaded, and any warnings."""
    r = o.result.record
    held = ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in r.counts.items())
    verb = "loaded" if o.result.created else "already loaded, nothing changed:"
    return [f"{o.kind} workbook {o.path.name}: {verb} import {r.id} ({held}, for {r.la_code})"] + [
        f"warning: {w}" for w in o.result.warnings
    ]
