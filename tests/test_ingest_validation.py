"""Bad input of the second kind: files that read but break DfE's rules. They load, with every
breach in the load's validation report; with --strict they are refused and nothing changes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import run_cli, store_snapshot, write_903_table
from selfeval.ingest import ValidationRefused, ingest
from selfeval.pseudonymise import Pseudonymiser

LA = "999"
pytestmark = [pytest.mark.validators, pytest.mark.slow]


def breaching_return(d: Path) -> Path:
    """Child A, then child B with SEX 3 (rule 101, gender code not valid: 1) and ethnicity XXXX
    (rule 103: 1). (A child twice in one Header is refused before DfE's rules: duplicate key.)"""
    d.mkdir()
    write_903_table(
        d / "header.csv",
        "ssda903_header",
        [
            {"CHILD": "A", "SEX": "1", "DOB": "01/01/2010", "ETHNIC": "WBRI"},
            {"CHILD": "B", "SEX": "3", "DOB": "01/01/2010", "ETHNIC": "XXXX"},
        ],
    )
    write_903_table(
        d / "episodes.csv",
        "ssda903_episodes",
        [
            {"CHILD": c, "DECOM": "01/06/2018", "RNE": "S", "LS": "C2", "CIN": "N1", "PLACE": "U1"}
            for c in ("A", "B")
        ],
    )
    return d


def counts(summary: dict) -> dict[str, int]:
    return {rule: n for rule, _severity, _message, n in summary["by_rule"]}


@pytest.mark.django_db
def test_breaches_load_with_every_one_in_the_report(store, tmp_path, validators, capsys):
    d = breaching_return(tmp_path / "r")
    code, out, err = run_cli(
        capsys, "--db", str(store.url), "ingest", str(d), "--year", "2019", "--la", LA
    )
    assert code == 0, err
    [rec] = store.loads()
    v = rec.validation
    assert counts(v)["101"] == 1 and counts(v)["103"] == 1
    assert f"{v['errors']} errors and {v['queries']} queries against DfE's rules" in out
    assert "csc-validator-be-903" in rec.validators
    report = json.loads(store.attachment(rec.id, "validation.json"))
    issues = [i for r in report["reports"] for i in r["issues"]]
    assert len(issues) == v["issues"]
    assert {"rule": "101", "child": "B", "table": "Header", "row": 2, "field": "SEX"}.items() <= (
        next(i for i in issues if i["rule"] == "101").items()
    )


@pytest.mark.django_db
def test_strict_refuses_them_and_changes_nothing(store, tmp_path, validators, capsys):
    before = store_snapshot(store)
    d = breaching_return(tmp_path / "r")
    with pytest.raises(ValidationRefused, match=r"903 2019 for 999: \d+ errors"):
        ingest(store, [d], return_year=2019, la_code=LA, strict=True)
    assert store_snapshot(store) == before
    code, _, err = run_cli(
        capsys, "--db", str(store.url), "ingest", str(d), "--year", "2019", "--la", LA, "--strict"
    )
    assert code == 1 and "--strict: nothing was loaded" in err
    assert store_snapshot(store) == before


def test_a_pseudonymised_load_keeps_no_identifier_in_its_report(store, tmp_path, validators):
    p = Pseudonymiser(b"k" * 40)
    d = breaching_return(tmp_path / "r")
    res = ingest(store, [d], return_year=2019, la_code=LA, pseudonymiser=p)
    report = json.loads(store.attachment(res.load.id, "validation.json"))
    children = {i["child"] for r in report["reports"] for i in r["issues"]}
    assert p.pseudonym("B") in children  # B's breaches, named by pseudonym only
    assert children <= {p.pseudonym("A"), p.pseudonym("B")}
