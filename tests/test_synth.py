"""selfeval.synth: coherent life courses, exact targets, calibration, byte-identical files."""

from __future__ import annotations

import csv
import hashlib
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from conftest import SHARED
from selfeval.schema import ALL_TABLES, SSDA903
from selfeval.schema.annex_a import HEADERS
from selfeval.synth import AuthorityConfig, build_authority, synthesise, write_authority
from selfeval.synth import measures as m
from selfeval.synth.ssda903 import FILES

# Wolverhampton's reference report: 624 then 588 looked after, 328 then 258 on CP plans,
# 906 then 844 with a CIN plan, at 31 March 2019 and 2020.
REFERENCE = {
    "cla": {"2019-03-31": 624, "2020-03-31": 588},
    "cp": {"2019-03-31": 328, "2020-03-31": 258},
    "cin_plan": {"2019-03-31": 906, "2020-03-31": 844},
}


@pytest.fixture(scope="module")
def small():
    return build_authority(AuthorityConfig(children=1500, years=range(2019, 2021), seed=7))


@pytest.fixture(scope="module")
def written(small, tmp_path_factory):
    out = tmp_path_factory.mktemp("synth")
    return out, write_authority(small, out)


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="") as fh:
        return list(csv.DictReader(fh))


def _digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_same_seed_same_bytes(tmp_path):
    cfg = AuthorityConfig(children=400, years=range(2019, 2021), seed=3)
    synthesise(tmp_path / "a", cfg)
    synthesise(tmp_path / "b", AuthorityConfig(children=400, years=range(2019, 2021), seed=3))
    a, b = _digest(tmp_path / "a"), _digest(tmp_path / "b")
    # 10 903 tables x 2 years, 2 CIN, 2 Annex A, 2 CSWW, and one SSD extract of 12 tables
    assert a == b and len(a) == 38
    synthesise(tmp_path / "c", AuthorityConfig(children=400, years=range(2019, 2021), seed=4))
    assert _digest(tmp_path / "c") != a


def test_audits_and_plan_workbooks_are_byte_identical_for_the_same_seed(tmp_path):
    """openpyxl stamps the time of creation and saving (to the second): written a second
    apart, the same seed's audits and plan workbooks must still be the same bytes."""
    import time

    from selfeval.synth.quality import write_quality

    ids = [f"C{i:03d}" for i in range(40)]
    first = write_quality(tmp_path / "a", ids, last_day=date(2020, 3, 31), seed=2)
    time.sleep(1.1)
    second = write_quality(tmp_path / "b", ids, last_day=date(2020, 3, 31), seed=2)
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name


@pytest.mark.slow
def test_exact_targets_met():
    """The reference report's six counts, met exactly by domain.md's 'open at a date' rule."""
    a = build_authority(AuthorityConfig(children=2500, population=61173, targets=REFERENCE))
    for measure, by_date in REFERENCE.items():
        for d, n in by_date.items():
            assert m.count(a.children, measure, date.fromisoformat(d)) == n, (measure, d)


def test_bad_target_measure_is_refused():
    with pytest.raises(ValueError, match="no target measure called 'cin_count'"):
        AuthorityConfig(targets={"cin_count": {"2019-03-31": 1}}).target_dates()


def test_903_headers_and_reporting(small, written):
    out, _ = written
    for year in (2019, 2020):
        for table, name in FILES.items():
            if table == "ssda903_sw_episodes":
                continue
            with open(out / "903" / str(year) / name) as fh:
                assert next(csv.reader(fh)) == list(SSDA903[table].fields)
    # An episode open on 1 April 2019 is re-reported in the 2020 return, and an episode open
    # on 31 March 2019 has DEC blank in the 2019 return.
    rows19 = _rows(out / "903" / "2019" / "episodes.csv")
    rows20 = _rows(out / "903" / "2020" / "episodes.csv")
    open19 = {(r["CHILD"], r["DECOM"]) for r in rows19 if r["DEC"] == ""}
    again = {(r["CHILD"], r["DECOM"]) for r in rows20}
    assert open19 and open19 <= again


def test_one_identity_across_returns(small, written):
    out, _ = written
    header = {r["CHILD"]: r["DOB"] for r in _rows(out / "903/2020/header.csv")}
    root = ET.parse(out / "cin/2020/cin_2020.xml").getroot()
    cin = {
        c.findtext("ChildIdentifiers/LAchildID"): c.findtext("ChildIdentifiers/PersonBirthDate")
        for c in root.iter("Child")
    }
    shared = set(header) & set(cin)
    assert shared  # children looked after are children in need too
    for child in shared:
        d, mth, y = header[child].split("/")
        assert cin[child] == f"{y}-{mth}-{d}"


def test_cin_census_structure(written):
    out, _ = written
    root = ET.parse(out / "cin/2019/cin_2019.xml").getroot()
    assert root.tag == "Message"
    assert root.findtext("Header/CollectionDetails/ReferenceDate") == "2019-03-31"
    child = root.find("Children/Child")
    assert [e.tag for e in child][:3] == ["ChildIdentifiers", "ChildCharacteristics", "CINdetails"]
    allowed = set(ALL_TABLES["cin_cp_plans"].fields)
    for plan in root.iter("ChildProtectionPlans"):
        assert {e.tag for e in plan} - {"Reviews"} <= allowed


def test_annex_a_lists_have_template_headings(written):
    out, _ = written
    wb = openpyxl.load_workbook(out / "annex_a/2020/annex_a_2020.xlsx", read_only=True)
    assert wb.sheetnames == [f"List {n}" for n in range(1, 12)]
    for n, headings in enumerate(HEADERS.values(), start=1):
        first = next(wb[f"List {n}"].iter_rows(max_row=1, values_only=True))
        assert list(first) == list(headings.values())


def test_template_headings_match_ofsted_template():
    wb = openpyxl.load_workbook(SHARED / "data/formats/annex_a_template.xlsx", read_only=True)
    first = next(wb["List 3"].iter_rows(max_row=1, values_only=True))
    assert [h for h in first if h] == list(HEADERS["annex_a_list3"].values())


def test_workforce_census(small, written):
    out, _ = written
    root = ET.parse(out / "workforce/2019/csww_2019.xml").getroot()
    workers = root.findall("CSWWWorker")
    assert workers and all(w.findtext("SWENo") for w in workers)
    fields = set(ALL_TABLES["workforce_workers"].fields)
    assert {e.tag for w in workers for e in w} <= fields
    in_post = [w for w in workers if w.findtext("FTE30")]
    # every worker listed is in post at 30 September 2019 or left in the year before it
    assert len(in_post) == sum(1 for w in small.workers if w.in_post(date(2019, 9, 30)))


@pytest.mark.slow
def test_rates_within_tolerance_of_england():
    """England's published figures (../shared/data/ees) against the model's, on 20,000+
    children over two years. Tolerances are wide where a small authority varies a lot."""
    a = build_authority(AuthorityConfig(population=60000, years=range(2019, 2021), seed=11))
    year = 2020
    pop = a.population[year - 1]
    rate = {k: m.count(a.children, k, date(year, 3, 31)) / pop * 10_000 for k in m.MEASURES}
    england = _england(year)
    assert rate["cla"] == pytest.approx(67, rel=0.2)  # cla_number_and_rate: 67-69 per 10k
    assert rate["cp"] == pytest.approx(england["cp"], rel=0.2)
    assert rate["cin"] == pytest.approx(england["cin"], rel=0.2)
    n, re = m.referrals(a.children, year)
    assert n / pop * 10_000 == pytest.approx(england["referrals"], rel=0.15)
    assert 100 * re / n == pytest.approx(england["rereferral"], abs=4)
    starts, sub = m.cp_starts(a.children, year)
    assert 100 * sub / starts == pytest.approx(england["subsequent"], abs=6)
    three, cla = m.three_placements(a.children, year)
    assert 100 * three / cla == pytest.approx(9, abs=4)  # la_cla_placement_stability 2021: 9%
    stable, lt = m.long_term_stability(a.children, year)
    assert 100 * stable / lt == pytest.approx(70, abs=15)  # 2021: 70%


def _england(year: int) -> dict[str, float]:
    ees = SHARED / "data" / "ees"

    def row(name: str) -> dict[str, str]:
        with open(ees / name, encoding="utf-8-sig") as fh:
            for r in csv.DictReader(fh):
                if r["time_period"] == str(year) and r["geographic_level"] == "National":
                    return r
        raise LookupError(name)

    pop = float(row("ons_mid-year_population_estimates_2012_to_2024.csv")["population_estimate"])
    b1 = row("b1_children_in_need_2013_to_2025.csv")
    c1 = row("c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv")
    d3 = row("d3_cpps_subsequent_plan_2013_to_2025.csv")
    d5 = row("d5_cpps_at31march_by_duration_2013_to_2025.csv")
    return {
        "cin": float(b1["At31_episodes"]) / pop * 10_000,
        "cp": float(d5["CPP_At31"]) / pop * 10_000,
        "referrals": float(c1["referral_count"]) / pop * 10_000,
        "rereferral": float(c1["rereferral_percent"]),
        "subsequent": float(d3["CPP_subsequent_percent"]),
    }


def test_a_census_of_exactly_n_children(tmp_path):
    """write_cin_census (the CIN benchmark's file): exactly the children asked for, each with
    a CIN episode open in the year 1 April 2019 - 31 March 2020, read back whole."""
    from selfeval.returns import cin_census
    from selfeval.synth.cin_census import write_cin_census

    path = write_cin_census(tmp_path / "cin.xml", 37, year=2020, seed=5)
    root = ET.parse(path).getroot()
    children = root.findall("Children/Child")
    assert len(children) == 37
    assert len({c.findtext("ChildIdentifiers/LAchildID") for c in children}) == 37
    for c in children:
        assert any(
            d.findtext("CINreferralDate") <= "2020-03-31"
            and (d.findtext("CINclosureDate") or "9999") >= "2019-04-01"
            for d in c.findall("CINdetails")
        )
    tables = cin_census.read(path)
    assert tables["cin_child_identifiers"].num_rows == 37
    assert write_cin_census(tmp_path / "again.xml", 37, year=2020, seed=5).read_bytes() == (
        path.read_bytes()
    )


def test_the_command_takes_the_authority_as_la_like_every_other(tmp_path, capsys):
    """`selfeval synth --la 336` (as `ingest --la 336`) writes authority 336: its CIN census
    names LEA 336; `--la-code`, its older name, is the same option."""
    from conftest import run_cli

    for option, out in (("--la", tmp_path / "a"), ("--la-code", tmp_path / "b")):
        code, _, err = run_cli(
            capsys, "synth", "--out", str(out), option, "336", "--children", "20",
            "--years", "2020-2020",
        )  # fmt: skip
        assert code == 0, err
        lea = ET.parse(out / "cin" / "2020" / "cin_2020.xml").getroot().find(".//LEA")
        assert lea is not None and lea.text == "336"
