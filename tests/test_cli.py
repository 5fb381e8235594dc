"""The command line's conventions: help everywhere, exit codes, errors as one sentence."""

from __future__ import annotations

import json
import subprocess
import sys

import click
import pytest

from selfeval.cli import cli


def run(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "selfeval", *args], capture_output=True, text=True, cwd=cwd
    )


def _commands(group: click.Group, prefix=()):
    for name, cmd in group.commands.items():
        yield (*prefix, name)
        if isinstance(cmd, click.Group):
            yield from _commands(cmd, (*prefix, name))


@pytest.mark.parametrize("path", list(_commands(cli)), ids=" ".join)
def test_every_command_has_help(path):
    cmd = cli
    for p in path:
        cmd = cmd.commands[p]
    assert cmd.help and cmd.help.strip(), f"selfeval {' '.join(path)} has no help text"


def test_usage_error_exits_2(tmp_path):
    r = run("indicators", "--at", "not-a-date", cwd=tmp_path)
    assert r.returncode == 2
    assert "Traceback" not in r.stderr


def test_bad_file_exits_1_with_one_sentence(tmp_path):
    bad = tmp_path / "x.csv"
    bad.write_text("NOT,A,HEADER\n1,2,3\n")
    r = run(
        "--db",
        f"sqlite:///{tmp_path}/s.db",
        "ingest",
        str(bad),
        "--kind",
        "903",
        "--year",
        "2019",
        "--la",
        "999",
        cwd=tmp_path,
    )
    assert r.returncode == 1
    assert r.stderr.startswith("Error: x.csv, row 1: the header row is not that of any SSDA903")
    assert "Traceback" not in r.stderr


def test_synth_ingest_indicators_json(tmp_path):
    db = f"sqlite:///{tmp_path}/s.db"
    assert (
        run("synth", "--out", str(tmp_path / "r"), "--children", "50", cwd=tmp_path).returncode == 0
    )
    for y in (2019, 2020):
        r = run(
            "--db",
            db,
            "ingest",
            str(tmp_path / "r" / "903" / str(y)),
            "--year",
            str(y),
            "--la",
            "999",
            "--no-validate",  # DfE's rules are tested in test_ingest_validation.py
            cwd=tmp_path,
        )
        assert r.returncode == 0, r.stderr
    r = run("--db", db, "indicators", "--at", "2020-03-31", "--format", "json", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    rows = {x["id"]: x for x in json.loads(r.stdout)}
    row = rows["cla_count"]
    assert row["la_code"] == "999" and row["value"] is not None
    # An indicator whose source is not loaded says so: no value, a reason, never a zero.
    assert rows["contacts"]["value"] is None and "ssd_contacts" in rows["contacts"]["reason"]
    assert set(row) >= {
        "id",
        "title",
        "value",
        "numerator",
        "denominator",
        "unit",
        "period_start",
        "period_end",
    }
    # Nothing is written into the working directory but what was asked for.
    written = {p.name for p in tmp_path.iterdir()}
    assert written <= {"r", "s.db", "s.db.data", "s.db-wal", "s.db-shm"}
