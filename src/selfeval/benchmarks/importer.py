"""``selfeval benchmarks import DIR``: DfE's published files into the application database.

Every file in the folder (and its subfolders) is recognised by its header, not its name: EES
statistics, the two statistical-neighbour models, and Ofsted's ILACS inspection history with
the URN-to-authority lookup, and Ofsted's official outcomes workbook (ODS, read by
``selfeval.inspections``). Everything is read first; then one transaction replaces what the
same files (same source and release) put there before, so a re-import changes nothing and a
failed import leaves the store as it was.

Releases: DfE re-publishes earlier years in each release (the 2019-2023 folder holds an
earlier release of the looked-after tables). A file's release is the latest year it holds; for
each source and year the latest release that holds the year is the one shown (its revisions
win), and earlier years come from earlier releases.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from selfeval.benchmarks import ees
from selfeval.errors import InputError, Location, UsageError
from selfeval.inspections.outcomes import GRADES
from selfeval.store import FileInfo, Store, db


@dataclass
class ImportSummary:
    """What one import stored."""

    files: list[tuple[str, str, int, int]] = field(default_factory=list)
    """(file, source, release, values) for each EES file."""
    neighbours: dict[str, int] = field(default_factory=dict)
    """Model -> authorities with neighbours."""
    unchanged: list[str] = field(default_factory=list)
    """EES files already stored with the same content (nothing rewritten)."""
    inspections: dict[str, int] = field(default_factory=dict)
    """Source (``ofsted``, ``ilacs_scrape``) -> inspections stored."""
    skipped: list[tuple[str, str]] = field(default_factory=list)
    """(file, why) for files that are none of the above."""

    def lines(self) -> list[str]:
        out = [
            f"{f}: {src} release {rel}, {n:,} values"
            + (" (unchanged)" if f in self.unchanged else "")
            for f, src, rel, n in self.files
        ]
        out += [f"{f}: unchanged" for f in self.unchanged if f not in {x[0] for x in self.files}]
        out += [f"neighbours {m}: {n} authorities" for m, n in sorted(self.neighbours.items())]
        out += [f"Ofsted inspections ({s}): {n}" for s, n in sorted(self.inspections.items())]
        out += [f"skipped {f}: {why}" for f, why in self.skipped]
        return out


@dataclass
class _Read:
    ees: list[tuple[Path, ees.EesTable, str]] = field(default_factory=list)
    neighbours: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    history: Path | None = None
    official: Path | None = None
    lookup: Path | None = None


def import_dir(store: Store, folder: Path) -> ImportSummary:
    """Import every recognised file under ``folder`` in one transaction."""
    folder = Path(folder)
    if not folder.is_dir():
        raise UsageError(f"{folder} is not a folder")
    summary = ImportSummary()
    read = _Read()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        rel = str(path.relative_to(folder))
        if path.suffix.lower() == ".ods" and path.name.startswith("LA_Inspection_Outcomes"):
            read.official = path
            continue
        if path.suffix.lower() != ".csv":
            summary.skipped.append((rel, "not a CSV file"))
            continue
        cols = ees.header(path)
        if ees.is_ees(cols):
            sha = FileInfo.of(path).sha256
            if _stored(store, path.stem, sha):
                summary.unchanged.append(rel)
                continue
            read.ees.append((path, ees.read_ees(path), sha))
        elif ("LA num" in cols and "SN1" in cols) or ("old_la_code" in cols and "SN_1" in cols):
            model = _model_name(path, cols)
            read.neighbours[model] = _read_neighbours(path, cols)
        elif "inspection_framework" in cols and "urn" in cols:
            read.history = path
        elif "urn" in cols and "la_code" in cols:
            read.lookup = path
        else:
            summary.skipped.append((rel, "not an EES, neighbour or Ofsted file"))
    inspections: dict[str, list[dict[str, Any]]] = {}
    for found, source in ((read.history, "ilacs_scrape"), (read.official, "ofsted")):
        if found is None:
            continue
        if not read.lookup:
            summary.skipped.append((found.name, "Ofsted's outcomes need provider_la_lookup.csv"))
        elif source == "ofsted":
            inspections[source] = _read_official(found, read.lookup)
        else:
            inspections[source] = _read_inspections(found, read.lookup)
    _check_unique(read.ees)
    with store.writing(), store.engine.begin() as c:
        for path, t, sha in read.ees:
            changed = _store_ees(c, path, t, sha)
            summary.files.append(
                (str(path.relative_to(folder)), t.source, t.release, t.values.num_rows)
            )
            if not changed:
                summary.unchanged.append(str(path.relative_to(folder)))
        if read.ees:
            _refresh_periods(c)
            _store_areas(c, [t for _, t, _ in sorted(read.ees, key=lambda x: x[1].release)])
        for model, rows in read.neighbours.items():
            c.execute(sa.delete(db.bench_neighbours).where(db.bench_neighbours.c.model == model))
            if rows:
                c.execute(sa.insert(db.bench_neighbours), rows)
            summary.neighbours[model] = len({r["la_code"] for r in rows})
        for source, rows in inspections.items():
            bi = db.bench_inspections
            c.execute(sa.delete(bi).where(bi.c.source == source))
            if rows:
                c.execute(sa.insert(bi), rows)
            summary.inspections[source] = len(rows)
    return summary


def _stored(store: Store, source: str, sha: str) -> bool:
    """Whether this exact file is already stored (then a re-import need not read it)."""
    f = db.bench_files
    with store.engine.connect() as c:
        q = sa.select(f.c.id).where(f.c.source == source, f.c.sha256 == sha)
        return c.execute(q).first() is not None


def _check_unique(tables: list[tuple[Path, ees.EesTable, str]]) -> None:
    seen: dict[tuple[str, int], Path] = {}
    for path, t, _ in tables:
        key = (t.source, t.release)
        if key in seen:
            raise InputError(
                Location(str(path)),
                "ees-release",
                f"holds the same release ({t.release}) of {t.source} as {seen[key]}",
            )
        seen[key] = path


def _store_ees(c: sa.Connection, path: Path, t: ees.EesTable, sha: str) -> bool:
    """Replace this source's release (file record, series, values); False if unchanged."""
    f, sr, v = db.bench_files, db.bench_series, db.bench_values
    same = c.execute(
        sa.select(f.c.id).where(f.c.source == t.source, f.c.release == t.release, f.c.sha256 == sha)
    ).first()
    if same:
        return False
    old = sa.select(sr.c.id).where(sr.c.source == t.source, sr.c.release == t.release)
    c.execute(sa.delete(v).where(v.c.series_id.in_(old)))
    c.execute(sa.delete(sr).where(sr.c.source == t.source, sr.c.release == t.release))
    c.execute(sa.delete(f).where(f.c.source == t.source, f.c.release == t.release))
    c.execute(
        sa.insert(f).values(
            source=t.source,
            release=t.release,
            name=path.name,
            sha256=sha,
            rows=t.values.num_rows,
            imported_at=datetime.now(UTC),
        )
    )
    vals = t.values
    pairs = list(zip(vals["measure"].to_pylist(), vals["breakdown"].to_pylist(), strict=True))
    ids: dict[tuple[str | None, str | None], int] = {}
    for measure, breakdown in dict.fromkeys(pairs):  # each series once, in order of appearance
        ids[measure, breakdown] = db.inserted_id(
            c.execute(
                sa.insert(sr).values(
                    source=t.source, release=t.release, measure=measure, breakdown=breakdown
                )
            )
        )
    series_id = [ids[p] for p in pairs]
    cols = ["time_period", "year", "geographic_level", "region_code", "la_code", "value"]
    rows = list(
        zip(
            series_id,
            *(vals[col].to_pylist() for col in cols),
            vals["status"].to_pylist(),
            strict=True,
        )
    )
    mark = "?" if c.dialect.paramstyle == "qmark" else "%s"
    sql = (
        f"INSERT INTO {v.name} (series_id, {', '.join(cols)}, status) "
        f"VALUES ({', '.join([mark] * (len(cols) + 2))})"
    )
    c.exec_driver_sql(sql, rows)
    return True


def _refresh_periods(c: sa.Connection) -> None:
    """For each source and year, the latest release that holds it."""
    sr, v = db.bench_series, db.bench_values
    c.execute(sa.delete(db.bench_periods))
    q = (
        sa.select(sr.c.source, v.c.year, sa.func.max(sr.c.release))
        .select_from(v.join(sr, v.c.series_id == sr.c.id))
        .group_by(sr.c.source, v.c.year)
    )
    rows = [dict(source=s, year=y, release=r) for s, y, r in c.execute(q)]
    if rows:
        c.execute(sa.insert(db.bench_periods), rows)


def _store_areas(c: sa.Connection, tables: list[ees.EesTable]) -> None:
    """Each authority's name and region, as the latest release gives them."""
    areas: dict[str, dict[str, Any]] = {
        r.la_code: dict(r._mapping) for r in c.execute(sa.select(db.bench_areas))
    }
    for t in tables:
        for r in t.areas.to_pylist():
            if not r.get("la_code"):
                continue
            old = areas.get(r["la_code"], {})
            areas[r["la_code"]] = {
                "la_code": r["la_code"],
                "new_la_code": r.get("new_la_code") or old.get("new_la_code"),
                "la_name": r.get("la_name") or old.get("la_name") or r["la_code"],
                "region_code": r.get("region_code") or old.get("region_code"),
                "region_name": r.get("region_name") or old.get("region_name"),
            }
    c.execute(sa.delete(db.bench_areas))
    if areas:
        c.execute(sa.insert(db.bench_areas), list(areas.values()))


def _model_name(path: Path, cols: list[str]) -> str:
    """The model's year: from the file's name where it says, else by its layout."""
    m = re.search(r"20[0-9]{2}", path.name)
    if m:
        return m.group(0)
    return "2021" if "SN1" in cols else "2025"


def _read_neighbours(path: Path, cols: list[str]) -> list[dict[str, Any]]:
    """Rows (model, la_code, position, neighbour_code, closeness) from either model's layout."""
    model = _model_name(path, cols)
    out: list[dict[str, Any]] = []
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = csv.reader(f)
        head = [h.strip() for h in next(rows)]
        code_col = head.index("LA num") if "LA num" in head else head.index("old_la_code")
        for rn, row in enumerate(rows, start=2):
            la = row[code_col].strip() if code_col < len(row) else ""
            if not la:
                continue  # a note row, such as the 2021 file's "Old SNs:" heading
            if not re.fullmatch(r"[0-9]{3}", la):
                raise InputError(
                    Location(path.name, rn, head[code_col]),
                    "neighbour-code",
                    f"{la!r} is not a 3-digit local authority code",
                )
            for k in range(1, 11):
                name = f"SN{k}" if "SN1" in head else f"SN_{k}"
                if name not in head:
                    continue
                i = head.index(name)
                code = row[i].strip() if i < len(row) else ""
                if not code:
                    continue
                if not re.fullmatch(r"[0-9]{3}", code):
                    raise InputError(
                        Location(path.name, rn, name),
                        "neighbour-code",
                        f"{code!r} is not a 3-digit local authority code",
                    )
                closeness = row[i + 1].strip() if i + 1 < len(row) else ""
                out.append(
                    dict(
                        model=model,
                        la_code=la,
                        position=k,
                        neighbour_code=code,
                        closeness=closeness or None,
                    )
                )
    return out


def _read_inspections(history: Path, lookup: Path) -> list[dict[str, Any]]:
    """Ofsted's inspections, each tied to its authority through the provider URN."""
    with open(lookup, encoding="utf-8-sig", newline="") as f:
        urn_la = {
            r["urn"].strip(): r["la_code"].strip()
            for r in csv.DictReader(f)
            if r.get("urn") and r.get("la_code")
        }
    out = []
    with open(history, encoding="utf-8-sig", newline="") as f:
        for rn, r in enumerate(csv.DictReader(f), start=2):
            urn = (r.get("urn") or "").strip()
            out.append(
                dict(
                    source="ilacs_scrape",
                    urn=urn,
                    la_code=urn_la.get(urn),
                    framework=(r.get("inspection_framework") or "").strip() or None,
                    start_date=_date(r.get("inspection_start_date"), history, rn),
                    end_date=_date(r.get("inspection_end_date"), history, rn),
                    publication_date=_date(r.get("publication_date"), history, rn),
                    overall_effectiveness=_grade(r.get("overall_effectiveness_grade")),
                    impact_of_leaders=_grade(r.get("impact_of_leaders_grade")),
                    help_and_protection=_grade(r.get("help_and_protection_grade")),
                    in_care=_grade(r.get("in_care_grade")),
                    care_leavers=_grade(r.get("care_leavers_grade")),
                    link=(r.get("inspection_link") or "").strip()[:400] or None,
                )
            )
    return out


def _date(text: str | None, path: Path, row: int) -> date | None:
    t = (text or "").strip()
    if not t:
        return None
    for fmt in ("%d/%m/%Y", "%d/%m/%y"):
        try:
            return datetime.strptime(t, fmt).date()
        except ValueError:
            continue
    raise InputError(Location(path.name, row), "date-format", f"{t!r} is not a date dd/mm/yyyy")


def _grade(text: str | None) -> str | None:
    """One of Ofsted's four grades (as ``selfeval.inspections`` names them); markers such as
    'inspection_pre_dates_judgement' are none."""
    return GRADES.get((text or "").strip().lower())


def _read_official(workbook: Path, lookup: Path) -> list[dict[str, Any]]:
    """Ofsted's official outcomes workbook (ODS), read by ``selfeval.inspections``."""
    from selfeval.inspections import read_la_lookup, read_outcomes

    codes = read_la_lookup(lookup)
    return [
        dict(
            source="ofsted",
            urn=None,
            la_code=codes.get(i.la_code_new),
            framework=i.type,
            start_date=i.start,
            end_date=None,
            publication_date=i.published,
            overall_effectiveness=i.judgements.get("overall"),
            impact_of_leaders=i.judgements.get("leaders"),
            help_and_protection=i.judgements.get("help_and_protection"),
            in_care=i.judgements.get("in_care"),
            care_leavers=i.judgements.get("care_leavers"),
            link=None,
        )
        for i in read_outcomes(workbook)
    ]
