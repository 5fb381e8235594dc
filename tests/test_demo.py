"""`make demo`: the main job on the built-in synthetic authority, end to end at a small size."""

from __future__ import annotations

import json
from datetime import date

import pytest

from selfeval.benchmarks.reconcile import reconcile
from selfeval.demo import DEMO_ENGLAND, DEMO_LA, DEMO_YEARS, run_demo
from selfeval.store import Store
from selfeval.synth import AuthorityConfig, build_authority

pytestmark = pytest.mark.slow

AT = date(DEMO_YEARS.stop - 1, 3, 31)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    return out, run_demo(out, children=300)


def test_every_output_is_written(demo):
    _, res = demo
    names = {p.name for p in res.pages}
    assert {"indicators.html", "quality.html", "indicators.xlsx", "engagement.pdf"} <= names
    assert {"annex-a-pack.html", "annex-a-pack.xlsx"} <= names
    assert {".docx", ".pdf", ".html"} <= {p.suffix for p in res.pages}
    for p in res.pages:
        assert p.stat().st_size > 0, p


def test_figures_match_the_authority_the_demo_simulated(demo):
    """The demo's authority re-built from its seed: children looked after on 31 March 2020
    counted from its own records (episodes open that day, short breaks V3/V4 apart) and the
    rate per 10,000 over the previous mid-year's population, as DfE divides."""
    _, res = demo
    a = build_authority(AuthorityConfig(la_code=DEMO_LA, children=300, years=DEMO_YEARS, seed=1))
    cla = sum(
        1
        for c in a.children
        if any(
            e.start <= AT and (e.end is None or e.end > AT) and e.legal_status not in ("V3", "V4")
            for e in c.care_episodes
        )
    )
    line = next(ln for ln in res.summary.splitlines() if " cla_count " in ln)
    assert line.split()[-1] == str(cla)
    rate = round(cla / a.population[AT.year - 1] * 10_000)
    line = next(ln for ln in res.summary.splitlines() if " cla_rate " in ln)
    assert line.split()[-1] == str(rate)


def test_benchmarks_include_region_and_statistical_neighbours(demo):
    """The demo's authority sits in its synthetic England: ranked among all of them, with its
    region's figure and ten statistical neighbours."""
    out, _ = demo
    by_id = {c["id"]: c for c in json.loads((out / "benchmarks.json").read_text())}
    c = by_id["cla_rate"]
    assert c["of"] == DEMO_ENGLAND + 1
    assert c["region"] is not None and c["england"] is not None
    assert c["neighbours_with_value"] == 10


def test_the_annex_a_pack_agrees_with_the_cin_census_and_the_903(demo):
    """The demo's Annex A, CIN census and 903 come from the same children: every figure the
    pack sets beside another return's (referrals, re-referrals, assessments, section 47s,
    ICPCs, CP plans and children looked after at 31 March of the last year, care leavers) is the
    same, and the pack's own counts of plans and children in care at the date match the census
    and 903."""
    from selfeval.evaluation.readiness import pack_from_store
    from selfeval.store import Store

    out, res = demo
    store = Store(res.store_url)
    pack = pack_from_store(store, DEMO_LA, AT)
    store.engine.dispose()
    assert (pack.year, pack.last_year) == (AT.year, AT.year - 1)
    pairs = {r[4]: r for r in pack.table("reconciliation").rows}
    compared = [r for r in pairs.values() if r[1] is not None and r[5] is not None]
    for r in compared:
        assert (r[1], r[2], r[3]) == (r[5], r[6], r[7]), r
    assert {"referrals", "assessment_45wd_pct", "cp_count", "cla_count", "s47_count"} <= {
        r[4] for r in compared
    }
    timeliness = {row[1]: row for row in pack.table("timeliness").rows}
    plans = timeliness["Children on plans visited in the last 10 working days"][4]
    in_care = timeliness["Children in care visited in the last six weeks"][4]
    assert (plans, in_care) == (pairs["cp_count"][6], pairs["cla_count"][6])
    assert "Inspection readiness" in (out / "reports" / "annex-a-pack.html").read_text()


def test_the_demo_reconciles_with_its_published_figures(demo):
    """Every figure of the latest year that the synthetic England publishes for the demo's
    authority matches the engine's or lies within its rounding (a z, nobody to count, is
    blank on both sides); the social worker changes and the rates are among them."""
    _, res = demo
    rows = reconcile(Store(res.store_url), DEMO_LA, AT.year)
    assert len(rows) == 29
    for r in rows:
        if r.status == "z":
            assert (r.verdict, r.computed) == ("not published", None), r
        else:
            assert r.verdict in ("matches", "within rounding"), r
    by = {r.id: r for r in rows}
    assert by["sw_changes_3plus_pct"].computed is not None
    assert by["cla_rate"].computed is not None
    assert "29 figures (as returned):" in res.reconciliation
