"""One ``ingest`` for every kind: a folder ``selfeval synth`` wrote (returns of two years, the
SSD extract, the audits and plan workbooks) loads in one call, all of it or nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest

from selfeval.errors import InputError
from selfeval.ingest import ingest
from selfeval.store import Store
from selfeval.store.workbook_imports import imports_of
from selfeval.synth import QUALITY


@pytest.fixture
def folder(synthetic_folder: Path) -> Path:
    """The session's synthetic authority as ``selfeval synth`` wrote it (read only)."""
    return synthetic_folder


def test_a_folder_synth_wrote_loads_in_one_call(folder, tmp_path):
    store = Store(f"sqlite:///{tmp_path / 's.db'}")
    res = ingest(store, [folder], validate=False)
    assert [(o.load.kind, o.load.return_year, o.load.la_code) for o in res.loads] == [
        ("903", 2019, "999"),
        ("903", 2020, "999"),
        ("annex-a", 2019, "999"),
        ("annex-a", 2020, "999"),
        ("cin", 2019, "999"),
        ("cin", 2020, "999"),
        ("workforce", 2018, "999"),  # the censuses of 30 September 2018 and 2019
        ("workforce", 2019, "999"),
        ("ssd", None, "999"),
    ]
    [audits, plan] = res.workbooks
    assert (audits.kind, plan.kind) == ("audits", "plan")
    # Loaded after the returns of the same call, so every audited child was checked.
    assert audits.result.warnings == ()
    annex_2019 = res.loads[2].inferred()
    assert annex_2019 == [
        "annex_a_2019.xlsx: return year 2019, from its name, 2019/annex_a_2019.xlsx, and its "
        "latest date, 31/03/2019 [year-from-name]",
        "annex_a_2019.xlsx: authority 999, the one the call's CIN census or CSWW files name "
        "[la-from-call]",
    ]
    assert res.loads[0].inferred()[1].startswith("return year 2019 (1 April 2018 to 31 March")
    again = ingest(store, [folder], validate=False)
    assert not again.created  # the same folder again changes nothing


def test_a_workbook_refused_after_the_returns_were_stored_undoes_them(folder, tmp_path):
    """The audits workbook names a child no return holds: found only when it is checked
    against the returns the call has just stored, which are then taken out again."""
    bad = tmp_path / "bad"
    shutil.copytree(folder, bad)
    book = bad / QUALITY / "audits.xlsx"
    wb = openpyxl.load_workbook(book)
    ws = wb["Audits"]
    col = next(c.column for c in ws[1] if c.value and "Child" in str(c.value))
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, col).value)
    ws.cell(row, col).value = "NOSUCHCHILD"
    wb.save(book)
    store = Store(f"sqlite:///{tmp_path / 's.db'}")
    with pytest.raises(InputError, match="unknown child"):
        ingest(store, [bad], validate=False)
    assert store.loads() == []
    assert imports_of(store) == []
    assert store.default_la is None
    assert list((store.data_dir / "loads").glob("*")) == []


@pytest.mark.django_db  # the command writes its audit events there
def test_selfeval_ingest_of_the_folder_says_what_it_inferred(folder, tmp_path, capsys, monkeypatch):
    """What the command prints, run in this process (``run_cli``; the installed script's
    ``ingest`` in its own process: test_cli.py)."""
    from conftest import run_cli

    monkeypatch.chdir(tmp_path)
    db = f"sqlite:///{tmp_path / 's.db'}"
    code, out, err = run_cli(capsys, "--db", db, "ingest", str(folder), "--no-validate")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].startswith("loaded load 1 (903 2019 for 999, ")
    assert "  inferred: authority 999, the one the call's CIN census or CSWW files name" in lines[1]
    assert lines[-2].startswith("audits workbook audits.xlsx: loaded import 1 (")
    assert lines[-1].startswith("plan workbook plan.xlsx: loaded import 2 (")
    assert sum(line.startswith("loaded load ") for line in lines) == 9
