"""Runs DfE's validators inside their own environment; selfeval starts it as a separate process.

It is run by the validator environment's Python (pandas 1.5, numpy 1.24), never imported by
selfeval. A JSON request comes on stdin; the JSON result goes to stdout (the validators' own
printing is sent to stderr). Every rule that raises inside the validator is reported, with its
error, rather than hidden.

Request: {"validator": "903" | "cin", "files": [{"path", "name", "previous": bool}],
          "return_year": 2024, "la_ons_code": "E08000031" | null, "rules": [codes] | null}
Result: {"package", "version", "ruleset", "rules": {code: {message, severity, fields}},
         "issues": [{rule, child, table, row, fields}], "crashed": [{rule, error}],
         "skipped": [codes], "failure": null | "message"}
"""

from __future__ import annotations

import contextlib
import dataclasses
import importlib
import json
import logging
import sys
import traceback
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any, NamedTuple

Json = dict[str, Any]
"""A JSON object as ``json`` reads and writes it."""


def _ruleset(package: str, prefix: str, year: int) -> str:
    """The ruleset for a return year (2024 -> lac2023_24), or the nearest one shipped."""
    rules = importlib.import_module(f"{package}.rules")
    shipped = sorted(
        p.name for p in Path(next(iter(rules.__path__))).iterdir() if p.name.startswith(prefix)
    )
    wanted = f"{prefix}{year - 1}_{year % 100:02d}"
    if wanted in shipped:
        return wanted
    years = {int(s[len(prefix) : len(prefix) + 4]) + 1: s for s in shipped}
    nearest = min(years, key=lambda y: abs(y - year))
    return years[nearest]


def _wrap(registry: dict[Any, Any], crashed: list[Json]) -> dict[Any, Any]:
    """The registry with every rule's function recording, then re-raising, its exceptions."""
    wrapped = {}
    for code, rule in registry.items():

        def func(*args: Any, _rule: Any = rule, **kwargs: Any) -> Any:
            try:
                return _rule.func(*args, **kwargs)
            except Exception as e:
                crashed.append(
                    {
                        "rule": str(_rule.code),
                        "error": f"{type(e).__name__}: {e}",
                        "traceback": traceback.format_exc(limit=3),
                    }
                )
                raise

        wrapped[code] = dataclasses.replace(rule, func=func)
    return wrapped


class _Rules(NamedTuple):
    """A return year's ruleset: its name, its registry, and the registry whose rules record
    their exceptions in ``crashed``."""

    ruleset: str
    registry: dict[Any, Any]
    wrapped: dict[Any, Any]
    crashed: list[Json]


def _rules(package: str, prefix: str, year: int) -> _Rules:
    ruleset = _ruleset(package, prefix, year)
    registry = importlib.import_module(f"{package}.rules.{ruleset}").registry
    crashed: list[Json] = []
    return _Rules(ruleset, registry, _wrap(registry, crashed), crashed)


def _text(v: Any) -> str | None:
    import pandas as pd

    if v is None:
        return None
    try:
        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
    return str(v)


def _result(
    ruleset: str,
    registry: dict[Any, Any],
    issues: list[Json],
    crashed: list[Json],
    skipped: list[str],
    severity: Callable[[Any], str],
) -> Json:
    """The worker's result (its package and version are added by ``main``): every rule of the
    ruleset with its message, severity ("error" or "query") and fields."""
    rules = {
        str(r.code): {
            "message": r.message,
            "severity": severity(r),
            "fields": [str(x) for x in (r.affected_fields or [])],
        }
        for r in registry.values()
    }
    return {
        "ruleset": ruleset,
        "rules": rules,
        "issues": issues,
        "crashed": crashed,
        "skipped": skipped,
    }


def run_903(req: Json) -> Json:
    from lac_validator import lac_validator as lv
    from lac_validator.report import Report

    year = int(req["return_year"])
    ruleset, registry, wrapped, crashed = _rules("lac_validator", "lac", year)
    files = [
        {
            "name": f["name"],
            "file_content": Path(f["path"]).read_bytes(),
            "description": "Prev year" if f.get("previous") else "This year",
        }
        for f in req["files"]
    ]
    meta = {"collectionYear": str(year), "localAuthority": req.get("la_ons_code") or ""}
    v = lv.LacValidator(
        metadata=meta, files=files, registry=wrapped, selected_rules=req.get("rules")
    )
    report = Report(v.ds_results, registry)
    issues = []
    child_report = report.child_report
    for row in child_report.itertuples(index=False):
        issues.append(
            {
                "rule": str(row.Code),
                "child": _text(row.CHILD),
                "table": str(row.Table),
                "row": int(row.RowID),
                "fields": list(row.Fields or []),
            }
        )
    failed = {c["rule"] for c in crashed}
    for code in v.fails:  # a failure the wrapper did not see (cannot happen, but never hide)
        if str(code) not in failed:
            crashed.append({"rule": str(code), "error": "failed inside the validator"})
    return _result(ruleset, registry, issues, crashed, [str(c) for c in v.skips], lambda r: "error")


def run_cin(req: Json) -> Json:
    import xml.etree.ElementTree as ET

    from cin_validator import cin_validator as cv

    year = int(req["return_year"])
    ruleset, registry, wrapped, crashed = _rules("cin_validator", "cin", year)
    (f,) = req["files"]
    # selfeval's own reader has refused DTDs and entities in this file before it came here.
    root = ET.parse(f["path"]).getroot()  # noqa: S314
    data = cv.process_data(cv.convert_data(root))
    v = cv.CinValidator(data, wrapped, selected_rules=req.get("rules"))
    issues = []
    for row in v.full_issue_df.itertuples(index=False):
        r = row._asdict()
        issues.append(
            {
                "rule": str(r.get("rule_code")),
                "child": _text(r.get("child_id")),
                "table": _text(r.get("tables_affected")),
                "row": int(r["row_id"]) if _text(r.get("row_id")) is not None else None,
                "fields": [c for c in [_text(r.get("columns_affected"))] if c],
            }
        )
    for row in v.multichild_issues.itertuples(index=False):
        issues.append(
            {"rule": str(row.rule_code), "child": None, "table": None, "row": None, "fields": []}
        )
    return _result(
        ruleset,
        registry,
        issues,
        crashed,
        [],
        lambda r: "error" if r.rule_type.name == "ERROR" else "query",
    )


def run_cin_tables(req: Json) -> Json:
    """The CIN validator's own tables for a file (``convert_data``), with its time."""
    import time
    import xml.etree.ElementTree as ET

    from cin_validator import cin_validator as cv

    (f,) = req["files"]
    start = time.perf_counter()
    cpu = time.process_time()
    root = ET.parse(f["path"]).getroot()  # noqa: S314 - vetted by selfeval's reader first
    tables = cv.convert_data(root)
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu
    out = {}
    for name, df in tables.items():
        rows = [[_cell(v) for v in row] for row in df.itertuples(index=False)]
        out[name] = {"columns": [str(c) for c in df.columns], "rows": rows}
    return {"tables": out, "seconds": seconds, "cpu_seconds": cpu_seconds}


def _cell(v: object) -> str | None:
    if isinstance(v, list):
        return ",".join(str(x) for x in v)
    return _text(v)


def main() -> int:
    out = sys.stdout
    sys.stdout = sys.stderr  # the validators print; only our JSON goes to the real stdout
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, force=True)
    req = json.load(sys.stdin)
    run = {"903": run_903, "cin": run_cin, "cin-tables": run_cin_tables}[req["validator"]]
    try:
        with contextlib.redirect_stdout(sys.stderr):
            result = run(req)
        result["failure"] = None
    except Exception as e:
        result = {"failure": f"{type(e).__name__}: {e}", "traceback": traceback.format_exc()}
    package = "csc-validator-be-903" if req["validator"] == "903" else "csc-validator-be-cin"
    result["package"] = package
    result["version"] = metadata.version(package)
    json.dump(result, out, default=str)
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
