"""Try selfeval on other people's files: `selfeval validate` and `selfeval ingest` on every file
set under a folder, as a new user would run them, and a table of file set x result.

    python scripts/real_files.py /work/thirdparty [--markdown] [--no-validate]

The files are public repositories' and packages' samples (D2I's validators' fake data,
liia-tools, cs-demand-model), kept OUTSIDE this repository. A file set is the CSV files of one
folder together (a return's tables), and each other return file (XML, XLSX) on its own. Each
set is loaded into a fresh SQLite store under a temporary folder; ``--la 999`` is given only
where the files do not name their authority, and ``--year`` only for Annex A (whose files
never say it), from the year in the file name. docs/real-files.md holds the last run's table.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from selfeval.returns.base import looks_like_xml
from selfeval.returns.detect import detect
from selfeval.returns.grouping import is_provider_list
from selfeval.returns.ssda903 import is_blank

RETURN_SUFFIXES = {".csv", ".xml", ".xlsx"}
SKIP_PARTS = {"school_census_pipeline", "output_data", "pkgs"}
"""Folders that hold no children's social care return (school census, validator outputs)."""


@dataclass
class FileSet:
    name: str
    files: list[Path]


def file_sets(root: Path) -> list[FileSet]:
    """Each folder's CSV files as one set, and each XML or XLSX file as a set of its own."""
    out: list[FileSet] = []
    folders = sorted({p.parent for p in root.rglob("*") if p.suffix.lower() in RETURN_SUFFIXES})
    for folder in folders:
        rel = folder.relative_to(root)
        if SKIP_PARTS & set(rel.parts) or any(p.startswith(".") for p in rel.parts):
            continue
        files = sorted(p for p in folder.iterdir() if p.suffix.lower() in RETURN_SUFFIXES)
        csvs = [p for p in files if p.suffix.lower() == ".csv"]
        lists = [p for p in files if is_provider_list(p)]
        if csvs:
            out.append(
                FileSet(f"{rel}/*.csv" + (" + provider lists" if lists else ""), csvs + lists)
            )
        for p in files:
            if p.suffix.lower() != ".csv" and p not in lists:
                out.append(FileSet(f"{rel}/{p.name}", [p]))
    return out


def _kinds(files: list[Path]) -> set[str | None]:
    return {None if is_blank(p) else detect(p) for p in files if not is_provider_list(p)}


def _run(args: list[str]) -> tuple[int, str, str]:
    r = subprocess.run(
        [sys.executable, "-m", "selfeval", *args],
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    return r.returncode, r.stdout, r.stderr


def _first(text: str, width: int = 150) -> str:
    line = next((x.strip() for x in text.splitlines() if x.strip()), "")
    line = line.removeprefix("Error: ")
    return line if len(line) <= width else line[: width - 1] + "…"


def validate(fs: FileSet) -> str:
    code, out, err = _run(["validate", *map(str, fs.files)])
    lines = [x for x in out.splitlines() if x and not x.startswith(" ")]
    if code == 2 or (code and not lines):
        return "refused: " + _first(err or out)
    if not lines or lines[0].startswith("no SSDA903 or CIN census files"):
        return "no DfE rules for this kind"
    said = "; ".join(_first(x, 90) for x in lines[:3])
    return ("passes: " if code == 0 else "fails: ") + said


def ingest(fs: FileSet, db_dir: Path) -> str:
    kinds = _kinds(fs.files)
    own = any(k == "cin" for k in kinds) or any(
        k == "workforce" and looks_like_xml(p) for p in fs.files for k in [detect(p)]
    )
    args = ["--db", f"sqlite:///{db_dir / 'store.sqlite'}", "ingest", *map(str, fs.files)]
    args += ["--no-validate"]
    if not own:
        args += ["--la", "999"]
    if "annex-a" in kinds:
        years = re.findall(r"(?<!\d)20\d\d(?!\d)", " ".join(p.name for p in fs.files))
        args += ["--year", years[0] if years else "2024"]
    code, out, err = _run(args)
    if code:
        return "refused: " + _first(err or out)
    notes = _notes(db_dir)
    loads = [x for x in out.splitlines() if x.startswith("loaded load")]
    said = "; ".join(
        re.sub(r"^loaded load \d+ \((.*?)(; not validated.*)?\)?$", r"\1", x) for x in loads
    )
    return f"{len(loads)} loads: {said}" + (f"; notes: {notes}" if notes else "")


def _notes(db_dir: Path) -> str:
    """What the loads' reports noted (``[empty-table]``, ``[not-read]``...), counted by kind."""
    code, out, _ = _run(
        ["--db", f"sqlite:///{db_dir / 'store.sqlite'}", "loads", "--format", "json"]
    )
    if code:
        return ""
    counts: dict[str, int] = {}
    for rec in json.loads(out):
        for line in (rec.get("validation") or {}).get("tolerated", []):
            tag = re.findall(r"\[([a-z-]+)\]$", line)
            if tag and tag[0] not in ("year-from-episodes", "la-from-call"):
                counts[tag[0]] = counts.get(tag[0], 0) + 1
    return ", ".join(f"{t} {n}" for t, n in sorted(counts.items()))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", type=Path)
    ap.add_argument("--markdown", action="store_true", help="print a Markdown table")
    ap.add_argument("--no-validate", action="store_true", help="ingest only")
    a = ap.parse_args(argv)
    rows = []
    for fs in file_sets(a.folder):
        with tempfile.TemporaryDirectory(prefix="selfeval-real-") as tmp:
            got = ingest(fs, Path(tmp))
        checked = "not run" if a.no_validate else validate(fs)
        rows.append((fs.name, str(len(fs.files)), checked, got))
        if not a.markdown:
            print(" | ".join(rows[-1]), flush=True)
    if a.markdown:
        print("| file set | files | selfeval validate | selfeval ingest |")
        print("|---|---|---|---|")
        for r in rows:
            print("| " + " | ".join(c.replace("|", "/") for c in r) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
