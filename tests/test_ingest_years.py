"""Several SSDA903 return years in one call: each return's year from its own episodes, each
year its own load, in any order, all or nothing; and DfE's validator given last year's return
(from the call or the store) for its rules that compare with it."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import pytest

from conftest import run_cli, store_snapshot, write_903_table
from selfeval.errors import InputError, UsageError
from selfeval.indicators import compute, sources_from_store
from selfeval.ingest import ingest
from selfeval.returns.ssda903 import return_year_of
from selfeval.returns.tables import typed_columns
from selfeval.schema import SSDA903

LA = "999"
EP = {"RNE": "S", "LS": "C2", "CIN": "N1", "PLACE": "U1", "PLACE_PROVIDER": "PR1"}


def write_return(d: Path, prefix: str, sex: str, episodes: list[dict[str, str]]) -> Path:
    """A 903 return of a header (each child of the episodes, with ``sex``) and episodes."""
    d.mkdir(parents=True, exist_ok=True)
    children = sorted({e["CHILD"] for e in episodes})
    header = [{"CHILD": c, "SEX": sex, "DOB": "01/01/2010", "ETHNIC": "WBRI"} for c in children]
    write_903_table(d / f"{prefix}header.csv", "ssda903_header", header)
    write_903_table(d / f"{prefix}episodes.csv", "ssda903_episodes", [e | EP for e in episodes])
    return d


def return_2019(d: Path, prefix: str = "") -> Path:
    """The 2018/19 return (1 April 2018 - 31 March 2019): A open since June 2018, D from May
    2018 to 20/02/2019, E open since September 2018 (the latest start: 01/09/2018)."""
    return write_return(d, prefix, "1", [
        {"CHILD": "A", "DECOM": "01/06/2018"},
        {"CHILD": "D", "DECOM": "01/05/2018", "DEC": "20/02/2019", "REC": "E11"},
        {"CHILD": "E", "DECOM": "01/09/2018"},
    ])  # fmt: skip


def return_2020(d: Path, prefix: str = "") -> Path:
    """The 2019/20 return: A re-reported (still open); B open since 15/01/2019, which the 2019
    return should have reported and did not; C open since 10/10/2019 (the latest date). E is
    not re-reported: this return has corrected it away (docs/merge-rule.md, rule 4)."""
    return write_return(d, prefix, "2", [
        {"CHILD": "A", "DECOM": "01/06/2018"},
        {"CHILD": "B", "DECOM": "15/01/2019"},
        {"CHILD": "C", "DECOM": "10/10/2019"},
    ])  # fmt: skip


def episodes(rows: list[dict[str, str]]) -> dict:
    fields = SSDA903["ssda903_episodes"].fields
    cols = {f: [r.get(f) for r in rows] for f in fields}
    table = typed_columns(SSDA903["ssda903_episodes"], cols, file="e.csv", la_code=LA,
                          return_year=None, row_numbers=list(range(2, len(rows) + 2)))  # fmt: skip
    return {"ssda903_episodes": table}


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        # The latest DECOM: 10/10/2019 lies in 1 April 2019 - 31 March 2020.
        ([{"DECOM": "01/06/2018", "DEC": "15/01/2019"}, {"DECOM": "10/10/2019"}],
         (2020, date(2019, 10, 10))),
        ([{"DECOM": "31/03/2019"}], (2019, date(2019, 3, 31))),  # the year's last day
        ([{"DECOM": "01/04/2019"}], (2020, date(2019, 4, 1))),  # the next year's first
        # An end a day after the year (as cs-demand-model's fake set has) does not count.
        ([{"DECOM": "01/06/2018", "DEC": "01/04/2019"}], (2019, date(2018, 6, 1))),
        ([], None),
    ],
)  # fmt: skip
def test_the_year_an_episodes_table_implies(rows, expected):
    assert return_year_of(episodes([{"CHILD": "A", **r} for r in rows])) == expected


def cla_at(store, at: date) -> float | None:
    [r] = compute(sources_from_store(store), [at], ids=["cla_count"])
    return r.value


def test_two_years_in_one_call_each_its_own_load_in_any_order(store, tmp_path):
    """Folders named with no year (the content decides), the later year given first.

    Merged: A (2020's row), B, C, D; E is dropped (left open by 2019, not re-reported by
    2020). Looked after at 31 March 2019: A and B (D ended 20/02/2019, E dropped) = 2; at
    31 March 2020: A, B, C = 3."""
    later, earlier = return_2020(tmp_path / "second"), return_2019(tmp_path / "first")
    result = ingest(store, [later, earlier], la_code=LA, validate=False)
    loads = {o.load.return_year: o.load for o in result.loads}
    assert sorted(loads) == [2019, 2020]
    assert {y: r.tables for y, r in loads.items()} == {
        2019: {"ssda903_header": 3, "ssda903_episodes": 3},
        2020: {"ssda903_header": 3, "ssda903_episodes": 3},
    }
    assert len({r.batch for r in loads.values()}) == 1, "one call, one transaction"
    tolerated = loads[2020].validation["tolerated"]
    assert (
        "episodes.csv: return year 2020 (1 April 2019 to 31 March 2020), from the latest "
        "episode start in its return, 10/10/2019 [year-from-episodes]" in tolerated
    )
    merged = store.table("ssda903_episodes").to_pylist()
    assert sorted((r["CHILD"], r["return_year"]) for r in merged) == [
        ("A", 2020), ("B", 2020), ("C", 2020), ("D", 2019)
    ]  # fmt: skip
    assert cla_at(store, date(2019, 3, 31)) == 2
    assert cla_at(store, date(2020, 3, 31)) == 3
    # The same two returns again, in the other order: nothing changes.
    again = ingest(store, [earlier, later], la_code=LA, validate=False)
    assert not again.created and len(store.loads()) == 2


def test_returns_side_by_side_in_one_folder_are_told_apart_by_name(store, tmp_path):
    """cs-demand-model's layout: ``2018-header.csv`` beside ``2018-episodes.csv`` and
    ``2019-*.csv`` in one folder. Each header goes with its own episodes (3 rows, children A, D,
    E with SEX 1 in the 2019 return; A, B, C with SEX 2 in 2020), whatever the names' years
    say: here they are the years the collections start, one before the return years."""
    d = tmp_path / "combined"
    return_2019(d, prefix="2018-")
    return_2020(d, prefix="2019-")
    ingest(store, [d], la_code=LA, validate=False)
    by_year = {r.return_year: r for r in store.loads()}
    assert sorted(by_year) == [2019, 2020]
    header = store.table("ssda903_header").to_pylist()
    assert sorted((r["CHILD"], r["SEX"], r["return_year"]) for r in header) == [
        ("A", "2", 2020), ("B", "2", 2020), ("C", "2", 2020),
        ("D", "1", 2019), ("E", "1", 2019),
    ]  # fmt: skip


def test_a_return_without_episode_dates_needs_year(store, tmp_path):
    d = return_2019(tmp_path / "r")
    (d / "episodes.csv").unlink()
    with pytest.raises(UsageError, match=r"header.csv: no episode starts to tell the return year"):
        ingest(store, [d], la_code=LA, validate=False)
    # With --year it loads as that year.
    [o] = ingest(store, [d], la_code=LA, return_year=2019, validate=False).loads
    assert o.load.return_year == 2019


def test_year_given_for_several_returns_is_refused(store, tmp_path):
    a, b = return_2019(tmp_path / "a"), return_2020(tmp_path / "b")
    with pytest.raises(UsageError, match=r"--year 2020 was given, but .* 2019, 2020"):
        ingest(store, [a, b], la_code=LA, return_year=2020, validate=False)
    assert store.loads() == []


@pytest.mark.django_db
def test_one_bad_year_refuses_every_year_of_the_call(store, tmp_path, capsys):
    ingest(store, [return_2019(tmp_path / "old")], la_code=LA, validate=False)
    before = store_snapshot(store)
    good, bad = return_2020(tmp_path / "good"), return_2020(tmp_path / "bad")
    text = (bad / "episodes.csv").read_text().replace("10/10/2019", "31/02/2020")
    (bad / "episodes.csv").write_text(text)
    with pytest.raises(InputError, match=r"episodes.csv, row 4, field DECOM"):
        ingest(store, [good, bad], la_code=LA, validate=False)
    assert store_snapshot(store) == before
    code, _out, err = run_cli(
        capsys, "--db", str(store.url), "ingest", str(good), str(bad), "--la", LA, "--no-validate"
    )
    assert code == 1 and "31/02/2020" in err
    assert store_snapshot(store) == before


def issues(store, rec) -> list[dict]:
    report = json.loads(store.attachment(rec.id, "validation.json"))
    return [i for r in report["reports"] for i in r["issues"]]


@pytest.mark.validators
@pytest.mark.slow
def test_the_validator_gets_last_years_return_from_the_call_or_the_store(
    tmp_path, validators
):  # fmt: skip
    """DfE's rule NoE: a child whose episode started before this year must be in last year's
    episodes. B's did (15/01/2019) and the 2019 return lacks B: with the 2019 return beside
    it, NoE fires once, on B's episode; without it, the rule cannot run, and does not fire."""
    from selfeval.store import Store

    alone = Store(f"sqlite:///{tmp_path / 'alone.db'}")
    [o] = ingest(alone, [return_2020(tmp_path / "y2020")], la_code=LA).loads
    assert "previous_year" not in o.load.validation
    assert not [i for i in issues(alone, o.load) if i["rule"] == "NoE"]

    both = Store(f"sqlite:///{tmp_path / 'both.db'}")
    result = ingest(both, [tmp_path / "y2020", return_2019(tmp_path / "y2019")], la_code=LA)
    rec = next(o.load for o in result.loads if o.load.return_year == 2020)
    assert rec.validation["previous_year"] == {
        "return_year": 2019, "given": True, "source": "this call"
    }  # fmt: skip
    noe = [i for i in issues(both, rec) if i["rule"] == "NoE"]
    assert [(i["child"], i["table"]) for i in noe] == [("B", "Episodes")]
    first = next(o.load for o in result.loads if o.load.return_year == 2019)
    assert "previous_year" not in first.validation  # no 2018 return anywhere

    stored = Store(f"sqlite:///{tmp_path / 'stored.db'}")
    [old] = ingest(stored, [tmp_path / "y2019"], la_code=LA, validate=False).loads
    [o] = ingest(stored, [tmp_path / "y2020"], la_code=LA).loads
    assert o.load.validation["previous_year"] == {
        "return_year": 2019, "given": True, "source": f"load {old.load.id}"
    }  # fmt: skip
    assert [i["child"] for i in issues(stored, o.load) if i["rule"] == "NoE"] == ["B"]


@pytest.mark.validators
@pytest.mark.slow
def test_validate_judges_each_year_with_the_one_before(tmp_path, validators, capsys):
    """`selfeval validate` over both returns without --year: two reports, the 2020 one with
    the 2019 return beside it, so NoE fires once there (on B) and never in 2019's."""
    later, earlier = return_2020(tmp_path / "b"), return_2019(tmp_path / "a")
    out_csv = tmp_path / "report.csv"
    code, out, err = run_cli(capsys, "validate", str(later), str(earlier), "--report", str(out_csv))
    assert code in (0, 1), err
    lines = [line for line in out.splitlines() if line.startswith("903 ")]
    assert [line.split(" (")[0] for line in lines] == ["903 2019", "903 2020"]
    assert "with the 2019 return as last year's" in lines[1]
    assert "with the" not in lines[0]
    with out_csv.open() as f:
        rows = list(csv.DictReader(f))
    noe = [(r["return_year"], r["child"]) for r in rows if r["rule"] == "NoE"]
    assert noe == [("2020", "B")]


def test_last_years_return_comes_from_the_call_first_then_the_store(store, tmp_path):
    """Which 2019 return the 2020 one is judged beside (no validator needed to see it): the
    call's when it has one (newer than any stored), else the latest stored load of 2019, never
    a pseudonymised one (its children would not match this year's real identifiers)."""
    from selfeval.pseudonymise import Pseudonymiser
    from selfeval.returns.grouping import Options, read_all
    from selfeval.validation import previous_903

    y2019, y2020 = return_2019(tmp_path / "a"), return_2020(tmp_path / "b")

    def previous(paths: list[Path], st) -> dict | None:
        groups = read_all(paths, kind=None, opts=Options(la_code=LA), default_la=None)
        g = next(g for g in groups if g.return_year == 2020)
        found = previous_903(g, groups, st)
        return None if found is None else found.describe()

    assert previous([y2020], store) is None
    assert previous([y2020, y2019], store) == {
        "return_year": 2019, "given": True, "source": "this call"
    }  # fmt: skip
    [first] = ingest(store, [y2019], la_code=LA, validate=False).loads
    (tmp_path / "a2").mkdir()
    again = return_2019(tmp_path / "a2")
    (again / "header.csv").write_text((again / "header.csv").read_text() + "F,1,01/01/2010,,,,\n")
    [second] = ingest(store, [again], la_code=LA, validate=False).loads  # a resubmission
    assert previous([y2020], store) == {
        "return_year": 2019, "given": True, "source": f"load {second.load.id}"
    }  # fmt: skip
    assert first.load.id != second.load.id

    from selfeval.store import Store

    hidden = Store(f"sqlite:///{tmp_path / 'pseudonymised.db'}")
    p = Pseudonymiser(b"k" * 32)
    [old] = ingest(hidden, [y2019], la_code=LA, validate=False, pseudonymiser=p).loads
    assert previous([y2020], hidden) == {
        "return_year": 2019,
        "given": False,
        "source": f"load {old.load.id} is pseudonymised, so it was not given",
    }


def test_year_given_against_the_episodes_is_obeyed_and_noted(store, tmp_path):
    """--year 2019 for the 2020 return (latest start 10/10/2019): loaded as 2019, as told, with
    the disagreement kept beside the load."""
    [o] = ingest(store, [return_2020(tmp_path / "b")], la_code=LA, return_year=2019,
                 validate=False).loads  # fmt: skip
    assert o.load.return_year == 2019
    assert (
        "episodes.csv: loaded as the 2019 return (--year), though its latest episode start, "
        "10/10/2019, lies in the 2020 return's year [year-given]"
    ) in o.load.validation["tolerated"]
