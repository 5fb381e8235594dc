"""DfE's validation rules, through Data to Insight's packages in their own environment.

``validate_903`` and ``validate_cin`` run csc-validator-be-903 (``lac_validator``) and
csc-validator-be-cin (``cin_validator``) in a worker process under the validators' own venv
(see ``environment``) and return a ``ValidationReport``: every issue with rule, message, child,
table, row and field; counts by rule; and any rule that crashed inside the validator.
"""

from __future__ import annotations

import csv
import json
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import pyarrow as pa
import sqlalchemy as sa

from selfeval.errors import SelfevalError, UsageError
from selfeval.returns import cin_census, ssda903, ssda903_xml
from selfeval.returns.base import looks_like_xml
from selfeval.returns.detect import detect
from selfeval.returns.grouping import Options, ReturnGroup, is_provider_list, read_all
from selfeval.returns.ssda903 import is_blank, table_of_name
from selfeval.schema import SSDA903
from selfeval.store import Store, db
from selfeval.validation import environment
from selfeval.validation.report import CrashedRule, ValidationIssue, ValidationReport

__all__ = [
    "CrashedRule",
    "ValidationIssue",
    "ValidationReport",
    "ValidatorError",
    "validate_903",
    "validate_cin",
    "validate_paths",
]

TIMEOUT = 3600

Json = dict[str, Any]
"""A request to the worker, or its result: a JSON object (see ``worker``)."""


class ValidatorError(SelfevalError):
    """The validator process itself failed (not the data)."""


def _worker() -> Path:
    return Path(str(resources.files("selfeval.validation").joinpath("worker.py")))


def run_worker(request: Json) -> Json:
    """Send one request to a fresh worker process in the validators' environment."""
    exe = environment.python()
    try:
        done = subprocess.run(
            [str(exe), "-I", str(_worker())],
            input=json.dumps(request),
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise ValidatorError(
            f"the {request['validator']} validator took over {TIMEOUT} s"
        ) from None
    try:
        result: Json = json.loads(done.stdout)
    except json.JSONDecodeError:
        tail = " ".join((done.stderr or "").strip().splitlines()[-3:])
        raise ValidatorError(
            f"the {request['validator']} validator ended without a result "
            f"(exit code {done.returncode}): {tail}"
        ) from None
    return result


def _report(validator: str, year: int, files: list[str], result: Json) -> ValidationReport:
    rules: dict[str, Json] = result.get("rules", {})

    def rule_of(code: str) -> Json:
        return rules.get(code, {"message": "", "severity": "error", "fields": []})

    issues = []
    for i in result.get("issues", []):
        r = rule_of(i["rule"])
        fields = i.get("fields") or [None]
        for f in fields:
            issues.append(
                ValidationIssue(
                    rule=i["rule"],
                    message=r["message"] or "",
                    severity=r["severity"],
                    child=i.get("child"),
                    table=i.get("table"),
                    row=None if i.get("row") is None else int(i["row"]) + 1,
                    field=f,
                )
            )
    crashed = [
        CrashedRule(c["rule"], rule_of(c["rule"])["message"] or "", c["error"])
        for c in result.get("crashed", [])
    ]
    return ValidationReport(
        validator=validator,
        package=result.get("package", ""),
        version=result.get("version", ""),
        ruleset=result.get("ruleset", ""),
        return_year=year,
        files=files,
        issues=issues,
        crashed=crashed,
        skipped=list(result.get("skipped", [])),
        rules_run=len(rules),
        failure=result.get("failure"),
    )


def _903_csv(path: Path, table: str, t: pa.Table) -> None:
    """A 903 table as DfE's CSV: its exact header, dates dd/mm/yyyy."""
    fields = SSDA903[table].fields
    cols = [t.column(f).to_pylist() if f in t.column_names else [None] * t.num_rows for f in fields]
    with path.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(fields)
        for row in zip(*cols, strict=True):
            w.writerow(
                [
                    "" if v is None else v.strftime("%d/%m/%Y") if isinstance(v, date) else v
                    for v in row
                ]
            )


def validate_903(
    source: Sequence[Path] | Mapping[str, pa.Table],
    *,
    return_year: int,
    previous: Sequence[Path] | Mapping[str, pa.Table] | None = None,
    la_ons_code: str | None = None,
    rules: Sequence[str] | None = None,
) -> ValidationReport:
    """DfE's SSDA903 rules over one return: its CSV files (or one XML file), or its tables
    (store names, e.g. from a load), with last year's return as ``previous`` if given.

    ``la_ons_code`` (e.g. E08000031) lets the rules tell placements inside the LA from outside.
    """
    with tempfile.TemporaryDirectory(prefix="selfeval-903-") as tmp:
        files: list[Json] = []

        def add(src: Sequence[Path] | Mapping[str, pa.Table], prev: bool) -> None:
            if isinstance(src, Mapping):
                for table, t in src.items():
                    if table in SSDA903:
                        p = Path(tmp) / f"{'prev-' if prev else ''}{table}.csv"
                        _903_csv(p, table, t)
                        files.append({"path": str(p), "name": p.name, "previous": prev})
            else:
                for p in src:
                    if looks_like_xml(Path(p)):  # vetted by our safe reader first
                        ssda903_xml.read(Path(p), la_code="000", return_year=return_year)
                    files.append(
                        {"path": str(Path(p).resolve()), "name": Path(p).name, "previous": prev}
                    )

        add(source, False)
        if previous is not None:
            add(previous, True)
        if not files:
            raise UsageError("no SSDA903 files or tables to validate")
        result = run_worker(
            {
                "validator": "903",
                "files": files,
                "return_year": return_year,
                "la_ons_code": la_ons_code,
                "rules": list(rules) if rules else None,
            }
        )
    names = [f["name"] for f in files if not f["previous"]]
    report = _report("903", return_year, names, result)
    report.previous_year = return_year - 1 if previous is not None else None
    return report


def validate_cin(
    path: Path, *, return_year: int | None = None, rules: Sequence[str] | None = None
) -> ValidationReport:
    """DfE's CIN census rules over one CIN census XML file (the year from its header if not
    given: ReferenceDate 2024-03-31 is the 2024 return)."""
    path = Path(path)
    # Our own safe reader first: a hostile or unreadable file never reaches the validator.
    tables = cin_census.read(path, return_year=return_year)
    year = tables.return_year
    assert year is not None  # the reader refuses a file whose year it cannot tell
    result = run_worker(
        {
            "validator": "cin",
            "files": [{"path": str(path.resolve()), "name": path.name}],
            "return_year": year,
            "rules": list(rules) if rules else None,
        }
    )
    return _report("cin", year, [path.name], result)


# -- returns as ingest groups them ------------------------------------------------------------


@dataclass(frozen=True)
class PreviousReturn:
    """Last year's SSDA903 return, for the rules that compare with it (``Episodes_last``...):
    its tables, and where they came from (this call, or a load in the store)."""

    return_year: int
    tables: Mapping[str, pa.Table] | None
    source: str
    """"this call", "load N", or why there is none to give."""

    def describe(self) -> dict[str, object]:
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
) -> ValidationReport:
    """DfE's 903 rules over one return's files as they came, with last year's return beside
    them when there is one (a ``ValidationReport``)."""
    last = previous.tables if previous is not None else None
    paths = [f.path for f in group.files if not ssda903.is_blank(f.path)]
    source: Sequence[Path] | Mapping[str, pa.Table] = paths
    if last is not None and any(looks_like_xml(p) for p in paths):
        # The validator reads one XML file and nothing beside it: give it the tables.
        source = group.tables()
    if any(getattr(f, "pooled", False) for f in group.files):
        # A file pooling several returns (YEAR column): the validator gets this year's rows.
        source = group.tables()
    assert group.return_year is not None
    return validate_903(
        source, return_year=group.return_year, previous=last, la_ons_code=la_ons_code
    )


def validate_paths(
    paths: Sequence[Path], *, return_year: int | None = None, la_ons_code: str | None = None
) -> list[ValidationReport]:
    """Validate files of any kind: each SSDA903 return's files together, each CIN census file
    alone.

    Other kinds (Annex A, workforce) have no DfE validator and are skipped; so are Ofsted's
    provider lists (noted on each 903 report). The 903 files are grouped into returns as
    ``ingest`` groups them; without ``return_year`` each return's year comes from its episodes
    and each is judged with last year's return beside it.
    """
    lists = [Path(p) for p in paths if is_provider_list(Path(p))]
    kinds = {
        Path(p): ("903" if is_blank(Path(p)) and table_of_name(Path(p)) else detect(Path(p)))
        for p in paths
        if Path(p) not in lists
    }
    unknown = [p.name for p, k in kinds.items() if k is None]
    if unknown:
        raise UsageError(f"not a return selfeval knows: {', '.join(unknown)}")
    reports = []
    ssda903 = [p for p, k in kinds.items() if k == "903"]
    if ssda903:
        opts = Options(la_code="000", return_year=return_year)
        groups = read_all(ssda903, kind="903", opts=opts, default_la=None)
        for g in groups:
            r = validate_903_group(g, previous_903(g, groups, None), la_ons_code)
            r.notes += [
                f"{p.name}: Ofsted's provider list, an optional input of the 903 validator; "
                "not given to it here (its URN rules did not run)"
                for p in lists
            ] + [w for f in g.files for w in f.warnings if "[empty-table]" in w]
            reports.append(r)
    for p, k in kinds.items():
        if k == "cin":
            reports.append(validate_cin(p, return_year=return_year))
    return reports


def ons_code(la: str | None, store: Store | None = None) -> str | None:
    """The LA's ONS code (E08000031) from its ONS or 3-digit DfE code (336), the latter looked
    up in the store's imported benchmarks (``se_bench_area``); None when unknown."""
    if not la:
        return None
    if not la.isdigit():
        return la
    if store is None:
        return None
    with store.engine.connect() as c:
        row = c.execute(
            sa.select(db.bench_areas.c.new_la_code).where(db.bench_areas.c.la_code == la)
        ).first()
    return row[0] if row and row[0] else None


def convert_data(path: Path) -> Json:
    """``cin_validator``'s own tables for a CIN census file, and how long ``convert_data`` took:
    {"tables": {name: {"columns", "rows"}}, "seconds", "cpu_seconds"} (cells as text)."""
    return run_worker({"validator": "cin-tables", "files": [{"path": str(Path(path).resolve())}]})


def cin_table_differences(ours: Mapping[str, pa.Table], theirs: Json) -> list[str]:
    """Where our CIN tables differ from ``convert_data``'s, cell by cell (empty when equal).

    Cells compare as text with surrounding space trimmed, dates as yyyy-mm-dd, blanks as None.
    Tables the installed validator does not produce (items later censuses added) are not compared.
    """
    from selfeval.schema import CIN

    def ours_text(v: object) -> str | None:
        return None if v is None else v.isoformat() if isinstance(v, date) else str(v)

    def their_text(v: str | None) -> str | None:
        return None if v is None or not v.strip() else v.strip()

    out = []
    for spec in CIN.values():
        if spec.source not in theirs["tables"]:
            continue  # a table this validator version does not produce (e.g. PreProceedings)
        theirs_t = theirs["tables"][spec.source]
        if theirs_t["columns"] != list(spec.fields):
            out.append(f"{spec.source}: columns {theirs_t['columns']} != {list(spec.fields)}")
            continue
        mine = [
            [ours_text(v) for v in row.values()]
            for row in ours[spec.name].select(list(spec.fields)).to_pylist()
        ]
        their = [[their_text(v) for v in r] for r in theirs_t["rows"]]
        if len(mine) != len(their):
            out.append(f"{spec.source}: {len(mine)} rows here, {len(their)} in convert_data")
            continue
        for n, (a, b) in enumerate(zip(mine, their, strict=True)):
            if a != b:
                out.append(f"{spec.source} row {n + 1}: {a} != {b}")
                break
    return out
