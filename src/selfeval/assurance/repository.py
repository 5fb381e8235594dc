"""Practice-quality records in the store: saved in one checked transaction, read back by
authority and dates. The web app's forms call the same functions as the workbook import."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TypeVar, Unpack

import sqlalchemy as sa

from selfeval.assurance.grades import DEFAULT_DOMAINS, Grade
from selfeval.assurance.io import read_audits
from selfeval.assurance.records import AssuranceData, Audit, DipSample, EvidenceItem, PracticeWeek
from selfeval.errors import InputError, Location, NoData, UsageError
from selfeval.pseudonymise import Pseudonymiser
from selfeval.returns.workbook import WorkbookRecord
from selfeval.store import Store, which_authority
from selfeval.store import workbook_tables as t
from selfeval.store.db import inserted_id, record_of, values_of
from selfeval.store.workbook_imports import (
    Importing,
    ImportOptions,
    ImportRecord,
    ImportResult,
    check_not_future,
    file_sha256,
    find_import,
    import_record,
    import_workbook,
    location_of,
    new_import,
    undo_import,
)
from selfeval.store.workbook_imports import imports_of as imports

__all__ = [  # the import bookkeeping is selfeval.store.workbook_imports's, named here as before
    "ImportRecord",
    "ImportResult",
    "file_sha256",
    "find_import",
    "import_record",
    "import_workbook",
    "imports",
    "undo_import",
]

# -- the authority's settings ------------------------------------------------------------------


def domains(store: Store, la_code: str) -> tuple[str, ...]:
    """The audit domains this authority grades (``DEFAULT_DOMAINS`` until it sets its own)."""
    v = store.get_setting(f"assurance.domains.{la_code}")
    return tuple(str(n) for n in v) if isinstance(v, list) and v else DEFAULT_DOMAINS


def set_domains(store: Store, la_code: str, names: Sequence[str]) -> tuple[str, ...]:
    """Set the audit domains of one authority (names as people read them, e.g. Planning)."""
    clean = tuple(" ".join(n.split()) for n in names if n.strip())
    if not clean:
        raise UsageError("give at least one audit domain")
    if len({n.lower() for n in clean}) != len(clean):
        raise UsageError("an audit domain is named twice")
    store.set_setting(f"assurance.domains.{la_code}", list(clean))
    return clean


# -- saving ------------------------------------------------------------------------------------


def import_audits(
    store: Store,
    path: Path,
    la_code: str,
    *,
    pseudonymiser: Pseudonymiser | None = None,
    **how: Unpack[Importing],
) -> ImportResult:
    """Load an audits workbook into the store as one transaction; the same file again changes
    nothing. Any problem refuses the whole workbook (``InputError`` naming sheet, row, field).
    With a ``pseudonymiser``, child ids are replaced by their pseudonyms before anything else,
    as the returns' were (a store loaded with ``--pseudonymise`` holds only pseudonyms)."""

    def read() -> AssuranceData:
        data = read_audits(path, domains(store, la_code))
        return pseudonymised(data, pseudonymiser) if pseudonymiser else data

    return import_workbook(store, path, la_code, "audits", read, save_assurance, **how)


_Id = TypeVar("_Id", str, str | None)


def pseudonymised(data: AssuranceData, p: Pseudonymiser) -> AssuranceData:
    """The records with every child id replaced by its pseudonym under ``p``."""

    def pid(v: _Id) -> _Id:
        return p.pseudonym(v) if v else v

    return AssuranceData(
        data.practice_weeks,
        tuple(replace(a, child_id=pid(a.child_id)) for a in data.audits),
        tuple(
            replace(s, child_ids=tuple(p.pseudonym(c) for c in s.child_ids))
            for s in data.dip_samples
        ),
        tuple(replace(e, child_id=pid(e.child_id)) for e in data.evidence),
    )


def save_assurance(
    store: Store,
    la_code: str,
    data: AssuranceData,
    **how: Unpack[ImportOptions],
) -> ImportResult:
    """Check ``data`` against the store and save it all in one transaction (or nothing)."""
    today = how.get("today") or date.today()
    file_name = how.get("file_name", "entered")
    known = store.child_ids(la_code)
    warnings = []
    if known is None:
        warnings.append(
            f"the store holds no returns for authority {la_code}, so child ids were not "
            "checked against them; load the returns first to check them"
        )
    with new_import(store, la_code, "audits", data, **how) as (c, imp_id):
        weeks = _week_ids(c, la_code, data.practice_weeks)
        names = set(weeks) | {w.name for w in data.practice_weeks}
        _check(c, la_code, data, known, names, today, file_name)
        for w in data.practice_weeks:
            if w.name not in weeks:
                row = values_of(w, t.practice_weeks, la_code=la_code, import_id=imp_id)
                weeks[w.name] = inserted_id(c.execute(sa.insert(t.practice_weeks).values(row)))
        for a in data.audits:
            _insert_audit(c, la_code, a, weeks, imp_id)
        for s in data.dip_samples:
            row = values_of(
                s,
                t.dip_samples,
                la_code=la_code,
                practice_week_id=weeks.get(s.practice_week or ""),
                import_id=imp_id,
            )
            sid = inserted_id(c.execute(sa.insert(t.dip_samples).values(row)))
            c.execute(
                sa.insert(t.dip_sample_cases),
                [
                    dict(dip_sample_id=sid, child_id=cid, la_code=la_code)
                    for cid in dict.fromkeys(s.child_ids)
                ],
            )
        if data.evidence:
            c.execute(
                sa.insert(t.evidence_items),
                [
                    values_of(e, t.evidence_items, la_code=la_code, import_id=imp_id)
                    for e in data.evidence
                ],
            )
    return ImportResult(import_record(store, imp_id), True, tuple(warnings))


def add_audit(store: Store, la_code: str, audit: Audit, *, today: date | None = None) -> int:
    """Add one audit (e.g. from a web form), checked as an import is; its new id."""
    res = save_assurance(
        store, la_code, AssuranceData(audits=(audit,)), file_name="entered", today=today
    )
    with store.engine.connect() as c:
        return int(
            c.execute(
                sa.select(t.audits.c.id).where(t.audits.c.import_id == res.record.id)
            ).scalar_one()
        )


def set_moderation(
    store: Store,
    audit_id: int,
    *,
    moderator: str,
    grade: Grade,
    moderation_date: date,
    notes: str | None = None,
    today: date | None = None,
) -> Audit:
    """Record a moderator's grade beside the auditor's."""
    a = audit(store, audit_id)
    where = Location(f"audit {audit_id}")
    if moderation_date > (today or date.today()):
        raise InputError(where, "future", f"the moderation date {moderation_date} is in the future")
    if moderation_date < a.audit_date:
        raise InputError(where, "order", "the moderation date is before the audit date")
    if not moderator.strip():
        raise InputError(where, "required", "the moderator's name is required")
    with store.engine.begin() as c:
        c.execute(
            sa.update(t.audits)
            .where(t.audits.c.id == audit_id)
            .values(
                moderator=moderator.strip(),
                moderated_grade=int(Grade(grade)),
                moderation_date=moderation_date,
                moderation_notes=notes,
            )
        )
    return audit(store, audit_id)


# -- reading -----------------------------------------------------------------------------------


def practice_weeks(store: Store, la_code: str) -> list[PracticeWeek]:
    w = t.practice_weeks
    with store.engine.connect() as c:
        rows = c.execute(
            sa.select(w).where(w.c.la_code == la_code).order_by(w.c.start_date, w.c.name)
        ).all()
    return [record_of(PracticeWeek, r) for r in rows]


def audits(
    store: Store,
    la_code: str | None = None,
    *,
    start: date | None = None,
    end: date | None = None,
    practice_week: str | None = None,
) -> list[Audit]:
    """Audits (with their domain grades and practice week's name), oldest first."""
    a, w, g = t.audits, t.practice_weeks, t.audit_domain_grades
    q = (
        sa.select(a, w.c.name.label("week_name"))
        .select_from(a.outerjoin(w, a.c.practice_week_id == w.c.id))
        .order_by(a.c.audit_date, a.c.id)
    )
    if la_code:
        q = q.where(a.c.la_code == la_code)
    if start:
        q = q.where(a.c.audit_date >= start)
    if end:
        q = q.where(a.c.audit_date <= end)
    if practice_week:
        q = q.where(w.c.name == practice_week)
    with store.engine.connect() as c:
        rows = c.execute(q).all()
        gq = sa.select(g)
        if la_code:
            gq = gq.where(g.c.la_code == la_code)
        grades: dict[int, dict[str, Grade]] = {}
        for r in c.execute(gq):
            grades.setdefault(r.audit_id, {})[r.domain] = Grade(r.grade)
    return [
        record_of(
            Audit,
            r,
            overall_grade=Grade(r.overall_grade),
            practice_week=r.week_name,
            domain_grades=grades.get(r.id, {}),
            moderated_grade=Grade(r.moderated_grade) if r.moderated_grade else None,
        )
        for r in rows
    ]


def audit(store: Store, audit_id: int) -> Audit:
    with store.engine.connect() as c:
        la = c.execute(sa.select(t.audits.c.la_code).where(t.audits.c.id == audit_id)).scalar()
    if la is None:
        raise NoData(f"there is no audit {audit_id}")
    return next(a for a in audits(store, la) if a.id == audit_id)


def dip_samples(store: Store, la_code: str) -> list[DipSample]:
    d, w, k = t.dip_samples, t.practice_weeks, t.dip_sample_cases
    with store.engine.connect() as c:
        rows = c.execute(
            sa.select(d, w.c.name.label("week_name"))
            .select_from(d.outerjoin(w, d.c.practice_week_id == w.c.id))
            .where(d.c.la_code == la_code)
            .order_by(d.c.sample_date, d.c.id)
        ).all()
        cases: dict[int, list[str]] = {}
        for r in c.execute(sa.select(k).where(k.c.la_code == la_code).order_by(k.c.child_id)):
            cases.setdefault(r.dip_sample_id, []).append(r.child_id)
    return [
        record_of(DipSample, r, child_ids=tuple(cases.get(r.id, ())), practice_week=r.week_name)
        for r in rows
    ]


def evidence_items(store: Store, la_code: str, kind: str | None = None) -> list[EvidenceItem]:
    e = t.evidence_items
    q = sa.select(e).where(e.c.la_code == la_code).order_by(e.c.received_date, e.c.id)
    if kind:
        q = q.where(e.c.kind == kind)
    with store.engine.connect() as c:
        return [record_of(EvidenceItem, r) for r in c.execute(q)]


def load_assurance(store: Store, la_code: str) -> AssuranceData:
    """Everything recorded for an authority, as one bundle (what the export writes)."""
    return AssuranceData(
        tuple(practice_weeks(store, la_code)),
        tuple(audits(store, la_code)),
        tuple(dip_samples(store, la_code)),
        tuple(evidence_items(store, la_code)),
    )


# -- internals ---------------------------------------------------------------------------------


def _check(
    c: sa.Connection,
    la_code: str,
    data: AssuranceData,
    known: set[str] | None,
    weeks: set[str],
    today: date,
    file_name: str,
) -> None:
    def at(rec: WorkbookRecord, field_: str | None = None) -> Location:
        return location_of(rec, field_, file_name)

    def child(rec: WorkbookRecord, cid: str | None, field_: str) -> None:
        if cid and known is not None and cid not in known:
            raise InputError(
                at(rec, field_),
                "unknown child",
                f"child {cid!r} is not in this store's returns for authority {la_code}",
            )

    def not_future(rec: WorkbookRecord, d: date | None, field_: str) -> None:
        check_not_future(rec, d, field_, today, file_name)

    def week(rec: WorkbookRecord, name: str | None) -> None:
        if name and name not in weeks:
            raise InputError(
                at(rec, "Practice week"),
                "unknown practice week",
                f"practice week {name!r} is neither on the Practice weeks sheet nor in the store",
            )

    seen: dict[tuple[str, date, str], Location] = {}
    a_t = t.audits
    stored = {
        (r.child_id, r.audit_date, r.auditor.strip().lower())
        for r in c.execute(
            sa.select(a_t.c.child_id, a_t.c.audit_date, a_t.c.auditor).where(
                a_t.c.la_code == la_code,
                a_t.c.child_id.in_({a.child_id for a in data.audits}),
            )
        )
    }
    for a in data.audits:
        child(a, a.child_id, "Child ID")
        not_future(a, a.audit_date, "Audit date")
        not_future(a, a.moderation_date, "Moderation date")
        if a.moderation_date and a.moderation_date < a.audit_date:
            raise InputError(
                at(a, "Moderation date"), "order", "the moderation date is before the audit date"
            )
        if a.moderated_grade is not None and not (a.moderator or "").strip():
            raise InputError(at(a, "Moderator"), "required", "a moderated grade needs a moderator")
        week(a, a.practice_week)
        if a.key in seen:
            raise InputError(
                at(a, "Child ID"),
                "duplicate audit",
                f"child {a.child_id!r} audited by {a.auditor} on {a.audit_date.isoformat()} is "
                f"already at {seen[a.key]}",
            )
        if a.key in stored:
            raise InputError(
                at(a, "Child ID"),
                "duplicate audit",
                f"child {a.child_id!r} audited by {a.auditor} on {a.audit_date.isoformat()} is "
                "already in the store",
            )
        seen[a.key] = at(a)
    seen_dips: set[tuple[str, date]] = set()
    for s in data.dip_samples:
        for cid in s.child_ids:
            child(s, cid, "Child IDs")
        not_future(s, s.sample_date, "Sample date")
        week(s, s.practice_week)
        k = (s.theme.lower(), s.sample_date)
        if (
            k in seen_dips
            or c.execute(
                sa.select(t.dip_samples.c.id).where(
                    t.dip_samples.c.la_code == la_code,
                    sa.func.lower(t.dip_samples.c.theme) == s.theme.lower(),
                    t.dip_samples.c.sample_date == s.sample_date,
                )
            ).first()
        ):
            raise InputError(
                at(s, "Theme"),
                "duplicate dip sample",
                f"a dip sample of {s.theme!r} on {s.sample_date.isoformat()} is already recorded",
            )
        seen_dips.add(k)
    for e in data.evidence:
        child(e, e.child_id, "Child ID")
        not_future(e, e.received_date, "Date")


def _week_ids(c: sa.Connection, la_code: str, new: Iterable[PracticeWeek]) -> dict[str, int]:
    """Ids of the authority's stored practice weeks; a week given again must match."""
    w = t.practice_weeks
    stored = {r.name: r for r in c.execute(sa.select(w).where(w.c.la_code == la_code))}
    names: set[str] = set()
    for pw in new:
        if pw.name in names:
            raise InputError(
                replace(pw.where, field="Practice week") if pw.where else Location("entered"),
                "duplicate practice week",
                f"practice week {pw.name!r} is listed twice",
            )
        names.add(pw.name)
        s = stored.get(pw.name)
        if s and (s.start_date, s.end_date) != (pw.start_date, pw.end_date):
            raise InputError(
                replace(pw.where, field="Start date") if pw.where else Location("entered"),
                "practice week dates",
                f"practice week {pw.name!r} is already recorded as {s.start_date} to {s.end_date}",
            )
    return {n: r.id for n, r in stored.items()}


def _insert_audit(
    c: sa.Connection, la_code: str, a: Audit, weeks: dict[str, int], imp_id: int | None
) -> int:
    row = values_of(
        a,
        t.audits,
        la_code=la_code,
        practice_week_id=weeks.get(a.practice_week or ""),
        overall_grade=int(a.overall_grade),
        moderated_grade=int(a.moderated_grade) if a.moderated_grade else None,
        import_id=imp_id,
    )
    aid = inserted_id(c.execute(sa.insert(t.audits).values(row)))
    if a.domain_grades:
        c.execute(
            sa.insert(t.audit_domain_grades),
            [
                dict(audit_id=aid, domain=d, la_code=la_code, grade=int(g))
                for d, g in a.domain_grades.items()
            ],
        )
    return aid


def authority(store: Store, la_code: str | None = None) -> str:
    """The authority a command is about: as given; else the only one with audits or a plan;
    else the store's default authority."""
    if la_code:
        return la_code
    with store.engine.connect() as c:
        las = {r[0] for r in c.execute(sa.select(t.audits.c.la_code).distinct())} | {
            r[0] for r in c.execute(sa.select(t.priorities.c.la_code).distinct())
        }
    return which_authority(las, default=store.default_la, what="audits or plan")
