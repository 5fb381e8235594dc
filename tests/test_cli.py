"""The command line's conventions: help everywhere, exit codes, errors as one sentence."""

from __future__ import annotations

import json
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from selfeval.cli import cli


def run(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "selfeval", *args], capture_output=True, text=True, cwd=cwd
    )


def _commands(group: click.Group, prefix=()):
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        cmd = group.get_command(ctx, name)
        assert cmd is not None, f"selfeval {' '.join((*prefix, name))} is listed but not found"
        yield (*prefix, name)
        if isinstance(cmd, click.Group):
            yield from _commands(cmd, (*prefix, name))


@pytest.mark.parametrize("path", list(_commands(cli)), ids=" ".join)
def test_every_command_has_help(path):
    cmd = cli
    for p in path:
        cmd = cmd.get_command(click.Context(cmd), p)
    assert cmd.help and cmd.help.strip(), f"selfeval {' '.join(path)} has no help text"


def test_every_command_module_is_listed_and_imported_only_when_run():
    """Each module of selfeval.cli adds the one command ``COMMANDS`` names for it, and
    ``selfeval --version``, ``--help`` or an unknown command imports none of the libraries
    behind the commands (each command imports its own when it runs)."""
    import importlib
    import pkgutil

    import selfeval.cli as package
    from selfeval.cli.base import COMMANDS

    modules = {m.name for m in pkgutil.iter_modules(package.__path__)} - {"base"}
    assert set(COMMANDS.values()) == modules
    for name, module in COMMANDS.items():
        before = set(cli.commands)
        importlib.import_module(f"selfeval.cli.{module}")
        assert name in cli.commands and set(cli.commands) - before <= {name}, module
    assert set(cli.commands) == set(COMMANDS)
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from selfeval.cli import cli, main\n"
        "for args, code in ((['--version'], 0), (['--help'], 0), (['no-such-command'], 2)):\n"
        "    try:\n        main(args)\n"
        "    except SystemExit as e:\n        assert e.code == code, (args, e.code)\n"
        "listing = CliRunner().invoke(cli, ['--help'], terminal_width=80).output\n"
        "print('LISTING', listing[listing.index('Commands:'):], sep='\\n')\n"
        "heavy = ('selfeval.store', 'selfeval.indicators', 'selfeval.evaluation', 'sqlalchemy',"
        " 'ibis', 'duckdb', 'pyarrow', 'django', 'weasyprint')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy or m in heavy))\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[-1] == "[]", r.stdout
    # The listing, written without importing a command, is the one the commands would give.
    listed = r.stdout[r.stdout.index("LISTING\n") + 8 : r.stdout.rindex("[]")].strip()
    with_commands = CliRunner().invoke(cli, ["--help"], terminal_width=80).output
    assert listed == with_commands[with_commands.index("Commands:") :].strip()
    assert listed.count("\n") == len(COMMANDS)


def test_the_help_lists_each_command_with_its_own_summary():
    """``selfeval --help`` lists the commands from ``SUMMARIES`` without importing them: each
    summary is its command's own (the first sentence of its help), and the listing is the
    one click would write from the commands themselves."""
    import click

    from selfeval.cli.base import COMMANDS, SUMMARIES

    assert set(SUMMARIES) == set(COMMANDS)
    ctx = click.Context(cli)
    for name in COMMANDS:
        cmd = cli.get_command(ctx, name)
        assert cmd is not None and SUMMARIES[name] == cmd.get_short_help_str(10_000), name


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


@pytest.mark.django_db  # the second ingest, in this process, writes its audit events there
def test_synth_ingest_indicators_json(tmp_path, capsys, monkeypatch):
    """``synth`` and the first year's ``ingest`` as the installed script, each in its own
    process (its store, audit log and lock beside ``--db``); the second year's ingest and
    ``indicators`` in this one (``run_cli``), from the same working directory."""
    from conftest import run_cli

    monkeypatch.chdir(tmp_path)
    db = f"sqlite:///{tmp_path}/s.db"
    assert (
        run("synth", "--out", str(tmp_path / "r"), "--children", "50", cwd=tmp_path).returncode == 0
    )

    def ingest(y: int) -> list[str]:
        folder = str(tmp_path / "r" / "903" / str(y))
        # DfE's rules are tested in test_ingest_validation.py
        return ["--db", db, "ingest", folder, "--year", str(y), "--la", "999", "--no-validate"]

    r = run(*ingest(2019), cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    code, _, err = run_cli(capsys, *ingest(2020))
    assert code == 0, err
    code, out, err = run_cli(
        capsys, "--db", db, "indicators", "--at", "2020-03-31", "--format", "json"
    )
    assert code == 0, err
    rows = {x["id"]: x for x in json.loads(out)}
    row = rows["cla_count"]
    assert row["la_code"] == "999" and row["value"] is not None
    # An indicator whose source is not loaded says so: no value, a reason, never a zero.
    assert rows["contacts"]["value"] is None
    assert rows["contacts"]["reason"] == "no data: the store has no SSD contacts table"
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
    # Nothing is written into the working directory but what was asked for (the store and
    # the lock its audit log's writers take turns by, beside it).
    written = {p.name for p in tmp_path.iterdir()}
    assert written <= {"r", "s.db", "s.db.data", "s.db-wal", "s.db-shm", "s.db-audit.lock"}
