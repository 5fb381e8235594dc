"""Practice quality end to end: templates, ingest, summary, plan show, export; synthetic data."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import date

import openpyxl
import pytest

from selfeval.assurance import repository as arepo
from selfeval.assurance.grades import Grade
from selfeval.assurance.summary import grade_shares, moderation
from selfeval.indicators import catalogue
from selfeval.plans import repository as prepo
from selfeval.synth.quality import TARGET_IDS, improvement_plan, practice_quality, write_quality

KIDS = [f"999{i:06d}" for i in range(60)]


def _sorted(d):
    """A workbook's records in a fixed order (the store gives them in date order)."""
    return (
        d.practice_weeks,
        sorted(d.audits, key=lambda a: a.key),
        sorted(d.dip_samples, key=lambda x: (x.sample_date, x.theme)),
        sorted(d.evidence, key=lambda e: (e.received_date, e.kind, e.summary)),
    )


def run(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "selfeval", *args], capture_output=True, text=True, cwd=cwd
    )


def test_synthetic_practice_weeks_improve_and_are_deterministic():
    a = practice_quality(KIDS, last_day=date(2020, 3, 31), seed=3)
    assert a == practice_quality(KIDS, last_day=date(2020, 3, 31), seed=3)
    assert a != practice_quality(KIDS, last_day=date(2020, 3, 31), seed=4)
    weeks = grade_shares(list(a.audits), "week")
    assert [w.audits for w in weeks] == [20, 20, 20, 20]
    assert weeks[0].good_or_better_pct < weeks[-1].good_or_better_pct
    assert all(x.audit_date <= date(2020, 3, 31) for x in a.audits)
    assert {x.child_id for x in a.audits} <= set(KIDS)
    m = moderation(list(a.audits))
    assert 0 < m.moderated < len(a.audits)
    assert len(a.dip_samples) == 4 and a.evidence


def test_synthetic_plan_targets_only_catalogued_indicators():
    p = improvement_plan(
        plan_year="2019-20", as_of=date(2020, 1, 31), indicator_ids=["audits_good_or_better_pct"]
    )
    assert [t.indicator_id for t in p.targets] == ["audits_good_or_better_pct"]
    assert {x.origin for x in p.priorities} == {
        "New",
        "Carried forward",
        "Inspection recommendation",
    }
    assert all(a.priority_ref in {x.ref for x in p.priorities} for a in p.actions)


def test_every_synthetic_target_is_a_catalogued_indicator():
    """The plan ``write_quality`` writes by default targets these six, all in the catalogue
    (synth may not import the indicators, so this test holds the two together)."""
    assert TARGET_IDS == (
        "sw_turnover_pct",
        "audits_good_or_better_pct",
        "moderation_agreement_pct",
        "care_leavers_suitable_accom_19_21_pct",
        "stability_3plus_placements_pct",
        "assessment_45wd_pct",
    )
    assert set(TARGET_IDS) <= set(catalogue())


@pytest.mark.django_db  # the ingest in this process writes its audit events there
def test_templates_ingest_summary_plan_show_and_export(tmp_path, capsys):
    """One command of each family (templates, audits, plan) runs as the installed script in
    its own process; the others in this one (``run_cli``: the same ``main``, without starting
    Python and importing the libraries again)."""
    from conftest import run_cli

    db = f"sqlite:///{tmp_path}/s.db"
    r = run("--db", db, "templates", "audits", "--out", str(tmp_path / "t.xlsx"))
    assert r.returncode == 0, r.stderr
    assert openpyxl.load_workbook(tmp_path / "t.xlsx").sheetnames[:3] == [
        "Instructions",
        "Practice weeks",
        "Audits",
    ]
    audits, plan = write_quality(tmp_path / "q", KIDS, last_day=date(2020, 3, 31), seed=2)
    code, out, err = run_cli(capsys, "--db", db, "ingest", str(audits), str(plan), "--la", "999")
    assert code == 0, err
    assert "audits workbook audits.xlsx: loaded import 1 (4 practice weeks, 80 audits" in out
    assert "plan workbook plan.xlsx: loaded import 2 (12 priorities" in out
    assert "not checked" in out  # no returns in this store
    r = run("--db", db, "audits", "summary", "--by", "week", "--format", "json")
    assert r.returncode == 0, r.stderr
    s = json.loads(r.stdout)
    assert s["audits"] == 80 and [g["audits"] for g in s["groups"]] == [20, 20, 20, 20]
    code, out, err = run_cli(capsys, "--db", db, "audits", "summary", "--by", "team")
    assert code == 0 and "Moderation:" in out, err
    r = run("--db", db, "plan", "show", "--format", "json")
    assert r.returncode == 0, r.stderr
    shown = json.loads(r.stdout)
    assert shown["plan_year"] == "2019-20" and len(shown["priorities"]) == 12
    export = tmp_path / "export.xlsx"
    assert run_cli(capsys, "--db", db, "audits", "export", "--out", str(export))[0] == 0
    assert run_cli(capsys, "--db", db, "plan", "export", "--out", str(tmp_path / "p.xlsx"))[0] == 0
    # The export of the store is the same records as the workbook loaded.
    from selfeval.assurance.io import read_audits
    from selfeval.plans.io import read_plan

    assert _sorted(read_audits(export)) == _sorted(read_audits(audits))
    assert read_plan(tmp_path / "p.xlsx") == read_plan(plan)
    # A bad workbook: exit 1, one sentence naming sheet, row and field; nothing changed.
    wb = openpyxl.load_workbook(audits)
    wb["Audits"]["G5"] = "Excellent"
    wb.save(tmp_path / "bad.xlsx")
    code, _, err = run_cli(capsys, "--db", db, "ingest", str(tmp_path / "bad.xlsx"), "--la", "999")
    assert code == 1
    assert err.startswith("Error: bad.xlsx, sheet Audits, row 5, field Overall grade:")
    from selfeval.store import Store

    st = Store(db)
    assert len(arepo.audits(st, "999")) == 80 and prepo.plan_years(st, "999") == ["2019-20"]
    st.engine.dispose()


def test_synthetic_authority_quality_workbooks_load_against_its_returns(store, tmp_path):
    """`selfeval synth` writes OUT/quality/*.xlsx whose audits name children in its 903 return,
    so they load against the returns with every child id checked, in the same call as the
    returns; the page shows them."""
    from selfeval.ingest import ingest
    from selfeval.outputs.quality import quality_page
    from selfeval.synth import QUALITY, AuthorityConfig, synthesise

    cfg = AuthorityConfig(la_code="999", children=300, years=range(2020, 2021), seed=5)
    _, paths = synthesise(tmp_path / "r", cfg, returns=("903", QUALITY))
    assert {p.name for p in paths} >= {"audits.xlsx", "plan.xlsx"}
    # The workbooks first in the call: ingest loads the returns before them all the same.
    folders = [tmp_path / "r" / QUALITY, tmp_path / "r" / "903"]
    res = ingest(store, folders, return_year=2020, la_code="999", validate=False)
    assert [o.load.kind for o in res.loads] == ["903"]
    [a, p] = res.workbooks
    assert a.kind == "audits" and a.result.warnings == ()  # ids checked against the 903
    assert p.kind == "plan" and p.result.created
    page = quality_page(store, "999", tmp_path / "q.html", today=date(2020, 3, 31))
    html = page.read_text()
    assert "Practice Week 4 (January 2020)" in html and "Improvement plan" not in html[:100]
    assert "Quality assurance that leaders use" in html
    # It names its audience, and reads as every output writes: dates in words, a share as the
    # toolkit writes it (half up: Python's own "%.1f" gave 81.2% for 13 of 16).
    assert "For internal and Ofsted: readers with access to children" in html
    assert re.search(r"case audits from \d{1,2} [A-Z][a-z]+ 20\d\d to ", html)
    assert not re.search(r"\b20\d\d-\d\d-\d\d\b", html)
    assert "(cla_count)" not in html and "(audits_good_or_better_pct)" not in html


def test_audits_for_a_pseudonymised_store_use_the_returns_key(store, tmp_path):
    """A store loaded with --pseudonymise holds only pseudonyms: the same key turns the
    workbook's child ids into the same pseudonyms, so the audit is checked against the returns;
    without the key the raw id is refused as unknown, and nothing is stored."""
    from conftest import write_903_table
    from selfeval.assurance.io import write_audits_template
    from selfeval.assurance.records import AssuranceData, Audit, PracticeWeek
    from selfeval.assurance.repository import import_audits
    from selfeval.errors import InputError
    from selfeval.ingest import ingest
    from selfeval.pseudonymise import Pseudonymiser

    p = Pseudonymiser(b"k" * 32)
    d = tmp_path / "903"
    d.mkdir()
    write_903_table(
        d / "h.csv", "ssda903_header", [{"CHILD": "C1", "SEX": "1", "DOB": "01/01/2010"}]
    )
    write_903_table(
        d / "e.csv",
        "ssda903_episodes",
        [{"CHILD": "C1", "DECOM": "01/06/2019", "RNE": "S", "LS": "C2", "PLACE": "U1"}],
    )
    ingest(store, [d], return_year=2020, la_code="999", pseudonymiser=p, validate=False)
    week = PracticeWeek("W1", date(2019, 10, 14), date(2019, 10, 18))
    a = Audit("C1", date(2019, 10, 15), "Head of Service", Grade.GOOD, practice_week="W1")
    path = write_audits_template(tmp_path / "a.xlsx", data=AssuranceData((week,), (a,)))
    with pytest.raises(InputError, match="child 'C1' is not in this store's returns"):
        import_audits(store, path, "999", today=date(2020, 1, 1))
    assert arepo.audits(store, "999") == []
    res = import_audits(store, path, "999", today=date(2020, 1, 1), pseudonymiser=p)
    assert res.created and res.warnings == ()
    [stored] = arepo.audits(store, "999")
    assert stored.child_id == p.pseudonym("C1") != "C1"
