"""The merge rule (docs/merge-rule.md) on hand-made two-year cases, and its order independence."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from selfeval.indicators import compute, sources_from_store
from selfeval.returns.tables import typed_table
from selfeval.schema import spec
from selfeval.store import Store

LA = "999"


def table(name: str, year: int, rows: list[dict[str, str]]):
    """A typed table of ``name`` from rows of text (DfE's formats), stamped with LA and year."""
    s = spec(name)
    return typed_table(
        s,
        [[r.get(f, "") for f in s.fields] for r in rows],
        file=f"{name}-{year}",
        la_code=LA,
        return_year=year,
    )


def load(store: Store, kind: str, year: int, tables: dict[str, list[dict[str, str]]], tag=""):
    from selfeval.store import FileInfo

    files = [FileInfo(f"{kind}-{year}{tag}", f"{year}{tag}{kind}".ljust(64, "0"), 1)]
    rec, _ = store.add_load(
        la_code=LA,
        kind=kind,
        return_year=year,
        files=files,
        tables={n: table(n, year, rows) for n, rows in tables.items()},
    )
    return rec


def ep(child, decom, place="U1", dec="", rec="", rne="S", ls="C2"):
    return dict(CHILD=child, DECOM=decom, RNE=rne, LS=ls, PLACE=place, DEC=dec, REC=rec)


def rows(store: Store, name: str, *cols: str) -> list[tuple]:
    t = store.table(name)
    if t is None:
        return []
    return sorted(zip(*(t.column(c).to_pylist() for c in cols), strict=True))


def cla_at(store: Store, at: date) -> float | None:
    [r] = compute(sources_from_store(store), [at], ids=["cla_count"])
    return r.value


# -- SSDA903 episodes -------------------------------------------------------------------------


def test_a_corrected_episode_takes_the_later_returns_version(store):
    """2019 reports A placed U1 and open; 2020 re-reports the same episode (CHILD, DECOM) as U4,
    ceased 01/09/2019. The record holds one row: 2020's."""
    load(store, "903", 2019, {"ssda903_episodes": [ep("A", "01/06/2018", "U1")]})
    load(
        store,
        "903",
        2020,
        {"ssda903_episodes": [ep("A", "01/06/2018", "U4", "01/09/2019", "E11")]},
    )
    assert rows(store, "ssda903_episodes", "CHILD", "PLACE", "DEC", "return_year") == [
        ("A", "U4", date(2019, 9, 1), 2020)
    ]


def test_an_open_episode_the_next_return_no_longer_reports_is_dropped(store):
    """2019 leaves B open at 31 March 2019; 2020 does not report B at all, so 2020 says B was not
    looked after on or after 1 April 2019: B's row goes. C ended in 2018 (before 2020's period),
    so 2020 had no reason to report it: C stays as history.

    Children looked after at 31/03/2019: 2019 alone says A and B (2); with 2020, A only (1).
    """
    load(
        store,
        "903",
        2019,
        {
            "ssda903_episodes": [
                ep("A", "01/06/2018"),
                ep("B", "01/01/2019"),
                ep("C", "01/05/2018", dec="01/10/2018", rec="E11"),
            ]
        },
    )
    assert cla_at(store, date(2019, 3, 31)) == 2
    load(store, "903", 2020, {"ssda903_episodes": [ep("A", "01/06/2018")]})
    assert rows(store, "ssda903_episodes", "CHILD", "return_year") == [
        ("A", 2020),
        ("C", 2019),
    ]
    assert cla_at(store, date(2019, 3, 31)) == 1


def test_an_episode_ending_on_1_april_must_be_re_reported(store):
    """An episode that ceased on 1 April 2019 lies in 2020's period: 2020 is authoritative."""
    load(store, "903", 2019, {"ssda903_episodes": [ep("D", "01/06/2018", dec="01/04/2019")]})
    load(store, "903", 2020, {"ssda903_episodes": [ep("A", "01/06/2019")]})
    assert rows(store, "ssda903_episodes", "CHILD") == [("A",)]


def test_an_episode_ending_on_1_april_counts_as_returned_and_the_record_says_why_not(store, capsys):
    """D's episode ends on 1 April 2019 and the 2020 return does not repeat it (as real returns
    do). Children looked after at 31 March 2019: as returned for 2019, A and D (2: the 2019
    return as submitted); as now recorded, A (1), with the reason named."""
    from conftest import run_cli
    from selfeval.store.merge import Dropped, dropped

    load(
        store,
        "903",
        2019,
        {"ssda903_episodes": [ep("A", "01/06/2018"), ep("D", "01/06/2018", dec="01/04/2019")]},
    )
    load(store, "903", 2020, {"ssda903_episodes": [ep("A", "01/06/2018")]})
    at = date(2019, 3, 31)
    [r] = compute(sources_from_store(store, basis="as-returned", year=at), [at], ids=["cla_count"])
    assert r.value == 2
    assert cla_at(store, at) == 1
    assert dropped(store) == [Dropped("ssda903_episodes", LA, 2019, 1, 1)]
    code, out, err = run_cli(
        capsys, "--db", str(store.url), "indicators", "--at", "2019-03-31", "--id", "cla_count"
    )
    assert code == 0 and "as now recorded" in out
    assert "1 row of ssda903_episodes that the 2019 return (999) leaves open" in err
    assert "on 1 April 2019, the first day of the 2020 return's year" in err


def test_a_missing_year_between_returns_keeps_the_earlier_rows(store):
    """2019 and 2021 loaded, 2020 not: no loaded return speaks for 2019/20, so B (open at
    31 March 2019) stays, and the 2019 stock is unchanged by loading 2021."""
    load(store, "903", 2019, {"ssda903_episodes": [ep("A", "01/06/2018"), ep("B", "01/01/2019")]})
    load(store, "903", 2021, {"ssda903_episodes": [ep("A", "01/06/2018")]})
    assert rows(store, "ssda903_episodes", "CHILD", "return_year") == [("A", 2021), ("B", 2019)]
    assert cla_at(store, date(2019, 3, 31)) == 2


def test_header_rows_take_the_latest_return(store):
    load(store, "903", 2019, {"ssda903_header": [dict(CHILD="A", SEX="1", DOB="01/01/2010")]})
    load(store, "903", 2020, {"ssda903_header": [dict(CHILD="A", SEX="2", DOB="01/01/2010")]})
    assert rows(store, "ssda903_header", "CHILD", "SEX") == [("A", "2")]


def test_oc3_keeps_every_years_rows(store):
    """OC3 (care leavers) is per year: 2019's and 2020's outcomes for the same leaver both stay."""
    oc3 = "ssda903_oc3"
    load(store, "903", 2019, {oc3: [dict(CHILD="L", DOB="01/01/2000", IN_TOUCH="YES", ACTIV="F2")]})
    load(store, "903", 2020, {oc3: [dict(CHILD="L", DOB="01/01/2000", IN_TOUCH="YES", ACTIV="G4")]})
    assert rows(store, oc3, "CHILD", "ACTIV", "return_year") == [
        ("L", "F2", 2019),
        ("L", "G4", 2020),
    ]


def test_a_resubmitted_year_replaces_the_earlier_load_whole_and_undo_restores_it(store):
    first = load(
        store, "903", 2019, {"ssda903_episodes": [ep("A", "01/06/2018"), ep("B", "01/01/2019")]}
    )
    second = load(store, "903", 2019, {"ssda903_episodes": [ep("A", "01/06/2018")]}, tag="b")
    assert second.id > first.id
    assert rows(store, "ssda903_episodes", "CHILD") == [("A",)]
    store.undo(second.id)
    assert rows(store, "ssda903_episodes", "CHILD") == [("A",), ("B",)]


# -- CIN census: child rows follow their CIN episode --------------------------------------------


def cin(year, details, plans=(), assessments=()):
    """CIN tables from hand-made rows (dates written dd/mm/yyyy for the test's table builder)."""
    return {
        "cin_child_identifiers": [dict(LAchildID=d["LAchildID"]) for d in details],
        "cin_details": list(details),
        "cin_cp_plans": list(plans),
        "cin_assessments": list(assessments),
    }


def test_cin_child_rows_follow_the_winning_cin_episode(store):
    """X's referral of 2018-05-01 is in both returns, with CINdetailsID 1 in 2019 and 7 in 2020
    (ids are per return). 2020's episode wins, and with it 2020's CP plan (ended 2019-06-30);
    2019's CP plan row (open) goes. Y's episode closed in 2018 is 2019's alone: it stays with
    its assessment."""
    load(
        store,
        "cin",
        2019,
        cin(
            2019,
            [
                dict(LAchildID="X", CINdetailsID="1", CINreferralDate="01/05/2018"),
                dict(
                    LAchildID="Y",
                    CINdetailsID="2",
                    CINreferralDate="10/04/2018",
                    CINclosureDate="01/09/2018",
                ),
            ],
            plans=[dict(LAchildID="X", CINdetailsID="1", CPPID="1", CPPstartDate="01/06/2018")],
            assessments=[
                dict(LAchildID="Y", CINdetailsID="2", AssessmentID="1"),
            ],
        ),
    )
    load(
        store,
        "cin",
        2020,
        cin(
            2020,
            [dict(LAchildID="X", CINdetailsID="7", CINreferralDate="01/05/2018")],
            plans=[
                dict(
                    LAchildID="X",
                    CINdetailsID="7",
                    CPPID="3",
                    CPPstartDate="01/06/2018",
                    CPPendDate="30/06/2019",
                )
            ],
        ),
    )
    assert rows(store, "cin_details", "LAchildID", "CINdetailsID", "return_year") == [
        ("X", 7, 2020),
        ("Y", 2, 2019),
    ]
    assert rows(store, "cin_cp_plans", "LAchildID", "CPPID", "CPPendDate") == [
        ("X", 3, date(2019, 6, 30))
    ]
    assert rows(store, "cin_assessments", "LAchildID", "return_year") == [("Y", 2019)]


# -- CIN census: each return authoritative for its own period ------------------------------


def _x(detail: str, **kw: str) -> dict[str, str]:
    """A row of child X's CIN episode (referred 01/06/2017) under this return's CINdetailsID."""
    return dict(LAchildID="X", CINdetailsID=detail, **kw)


def _episode_x(detail: str) -> dict[str, str]:
    return _x(detail, CINreferralDate="01/06/2017")


def _three_cin_years(store):
    """X's episode is open through three returns, each reporting only its own year's activity
    (as the CIN census does), under a different CINdetailsID each year:

    - 2018: assessment started 02/06/2017, authorised 10/07/2017; assessment started 20/03/2018,
      not yet authorised; s47 20/07/2017 (ICPC 01/08/2017); CP plan 01/08/2017 to 01/02/2018
      reviewed 01/10/2017; CIN plan from 01/02/2018, open.
    - 2019: the assessment of 20/03/2018, authorised 25/04/2018; the CIN plan, ended 30/06/2018;
      s47 01/09/2018 (ICPC 15/09/2018); CP plan from 15/09/2018, open, reviewed 01/12/2018.
      Z (referred 05/01/2019, CINdetailsID 5) has a CP plan from 10/01/2019, open.
    - 2020: the CP plan of 15/09/2018, ended 01/06/2019, reviewed 01/05/2019. Z's episode is
      re-reported, open, without a plan: 2020 says Z had none open on 1 April 2019.
    """
    load(
        store,
        "cin",
        2018,
        {
            "cin_details": [_episode_x("1")],
            "cin_assessments": [
                _x(
                    "1",
                    AssessmentID="1",
                    AssessmentActualStartDate="02/06/2017",
                    AssessmentAuthorisationDate="10/07/2017",
                ),
                _x("1", AssessmentID="2", AssessmentActualStartDate="20/03/2018"),
            ],
            "cin_assessment_factors": [
                _x("1", AssessmentID="1", AssessmentFactor="2A"),
                _x("1", AssessmentID="2", AssessmentFactor="3A"),
            ],
            "cin_section47": [
                _x("1", S47ActualStartDate="20/07/2017", DateOfInitialCPC="01/08/2017")
            ],
            "cin_cp_plans": [
                _x("1", CPPID="1", CPPstartDate="01/08/2017", CPPendDate="01/02/2018")
            ],
            "cin_cp_reviews": [_x("1", CPPID="1", CPPreviewDate="01/10/2017")],
            "cin_plan_dates": [_x("1", CINPlanStartDate="01/02/2018")],
        },
    )
    z = dict(LAchildID="Z", CINdetailsID="5")
    load(
        store,
        "cin",
        2019,
        {
            "cin_details": [_episode_x("3"), dict(z, CINreferralDate="05/01/2019")],
            "cin_assessments": [
                _x(
                    "3",
                    AssessmentID="1",
                    AssessmentActualStartDate="20/03/2018",
                    AssessmentAuthorisationDate="25/04/2018",
                )
            ],
            "cin_assessment_factors": [_x("3", AssessmentID="1", AssessmentFactor="4A")],
            "cin_plan_dates": [_x("3", CINPlanStartDate="01/02/2018", CINPlanEndDate="30/06/2018")],
            "cin_section47": [
                _x("3", S47ActualStartDate="01/09/2018", DateOfInitialCPC="15/09/2018")
            ],
            "cin_cp_plans": [
                _x("3", CPPID="1", CPPstartDate="15/09/2018"),
                dict(z, CPPID="2", CPPstartDate="10/01/2019"),
            ],
            "cin_cp_reviews": [_x("3", CPPID="1", CPPreviewDate="01/12/2018")],
        },
    )
    load(
        store,
        "cin",
        2020,
        {
            "cin_details": [
                _episode_x("9"),
                dict(LAchildID="Z", CINdetailsID="2", CINreferralDate="05/01/2019"),
            ],
            "cin_cp_plans": [
                _x("9", CPPID="4", CPPstartDate="15/09/2018", CPPendDate="01/06/2019")
            ],
            "cin_cp_reviews": [_x("9", CPPID="4", CPPreviewDate="01/05/2019")],
        },
    )


def test_a_sources_set_up_reads_the_loads_once_and_merges_every_table_from_it(store, monkeypatch):
    """The set-up reads the store's loads once, for every table, the parent tables their merge
    follows (a CP plan follows its CIN episode) and what each covers; it read them twice a
    table and again for each parent. Tables merged from one reading are the loads as read then:
    a load made meanwhile is in the next reading's tables, not in those."""
    load(store, "903", 2019, {"ssda903_episodes": [ep("A", "01/06/2018")]})
    load(
        store,
        "cin",
        2019,
        cin(
            2019,
            [dict(LAchildID="X", CINdetailsID="1", CINreferralDate="01/05/2018")],
            plans=[dict(LAchildID="X", CINdetailsID="1", CPPID="1", CPPstartDate="01/06/2018")],
        ),
    )
    read = []
    real = Store.loads
    monkeypatch.setattr(Store, "loads", lambda self, la=None: read.append(la) or real(self, la))

    src = sources_from_store(store)
    assert read == [None]
    assert src.table("cin_cp_plans").to_pyarrow().column("CPPID").to_pylist() == [1]

    before = store.read_loads(LA)
    load(store, "903", 2020, {"ssda903_episodes": [ep("A", "01/06/2018"), ep("B", "01/07/2019")]})
    read.clear()
    as_read = before.table("ssda903_episodes", LA)
    assert sorted(as_read.column("CHILD").to_pylist()) == ["A"]
    assert [r.return_year for r, _ in before.table_files("ssda903_episodes", LA)] == [2019]
    assert sorted(store.table("ssda903_episodes", LA).column("CHILD").to_pylist()) == ["A", "B"]
    assert read == [LA]  # by store.table, now: ``before`` read them once


def test_each_cin_return_keeps_the_activity_of_its_own_period(store):
    """Every year's activity of X's episode stays; where two returns report the same activity
    (the assessment of 20/03/2018, the CIN plan of 01/02/2018, the CP plan of 15/09/2018), the
    later return's row is kept, and Z's plan, open at 2020's start and not in 2020, goes."""
    _three_cin_years(store)
    assert rows(
        store,
        "cin_assessments",
        "AssessmentActualStartDate",
        "AssessmentAuthorisationDate",
        "return_year",
    ) == [
        (date(2017, 6, 2), date(2017, 7, 10), 2018),
        (date(2018, 3, 20), date(2018, 4, 25), 2019),
    ]
    assert rows(store, "cin_assessment_factors", "AssessmentFactor", "return_year") == [
        ("2A", 2018),
        ("4A", 2019),
    ]
    assert rows(store, "cin_section47", "S47ActualStartDate", "return_year") == [
        (date(2017, 7, 20), 2018),
        (date(2018, 9, 1), 2019),
    ]
    assert rows(store, "cin_cp_plans", "LAchildID", "CPPstartDate", "CPPendDate") == [
        ("X", date(2017, 8, 1), date(2018, 2, 1)),
        ("X", date(2018, 9, 15), date(2019, 6, 1)),
    ]
    assert rows(store, "cin_cp_reviews", "CPPreviewDate", "return_year") == [
        (date(2017, 10, 1), 2018),
        (date(2018, 12, 1), 2019),
        (date(2019, 5, 1), 2020),
    ]
    assert rows(store, "cin_plan_dates", "CINPlanStartDate", "CINPlanEndDate") == [
        (date(2018, 2, 1), date(2018, 6, 30))
    ]


def test_each_years_cin_figures_are_its_own_returns(store):
    """Worked by hand from the case above. 2018/19: 1 assessment authorised (25/04/2018), 1 s47
    (01/09/2018), CP plans started: X's 15/09/2018, and Z's 10/01/2019 as returned (2019's
    return as submitted) but not as now recorded (2020 corrected it); children on a plan at
    31 March 2019: 2 as returned (X, Z), 1 as now recorded (X). 2017/18: 1 assessment, 1 s47,
    1 plan started."""
    _three_cin_years(store)
    ids = ["assessments_completed", "s47_count", "cp_starts", "cp_count"]

    def figures(src, at):
        return {r.id: r.value for r in compute(src, [at], ids=ids)}

    at18, at19 = date(2018, 3, 31), date(2019, 3, 31)
    assert figures(sources_from_store(store), at18) == {
        "assessments_completed": 1,
        "s47_count": 1,
        "cp_starts": 1,
        "cp_count": 0,
    }
    assert figures(sources_from_store(store), at19) == {
        "assessments_completed": 1,
        "s47_count": 1,
        "cp_starts": 1,
        "cp_count": 1,
    }
    as_returned = sources_from_store(store, basis="as-returned", year=2019)
    assert figures(as_returned, at19) == {
        "assessments_completed": 1,
        "s47_count": 1,
        "cp_starts": 2,
        "cp_count": 2,
    }


def test_903_reviews_missing_and_placed_for_adoption_keep_earlier_years(store):
    """Reviews are events of their year: 2019's review of A stays beside 2020's. A missing
    episode wholly in 2018/19 stays; one open at 31 March 2019 comes from 2020 (ended
    03/04/2019). A placement for adoption that ceased in 2018/19 stays; one open at 31 March
    2019 that 2020 does not report goes."""
    dob = "01/01/2010"
    load(
        store,
        "903",
        2019,
        {
            "ssda903_reviews": [dict(CHILD="A", DOB=dob, REVIEW="01/10/2018", REVIEW_CODE="PN1")],
            "ssda903_missing": [
                dict(CHILD="A", DOB=dob, MISSING="M", MIS_START="01/05/2018", MIS_END="02/05/2018"),
                dict(CHILD="A", DOB=dob, MISSING="M", MIS_START="30/03/2019"),
            ],
            "ssda903_placed_adoption": [
                dict(CHILD="P", DOB=dob, DATE_PLACED="01/05/2018", DATE_PLACED_CEASED="01/09/2018"),
                dict(CHILD="Q", DOB=dob, DATE_PLACED="01/02/2019"),
            ],
        },
    )
    load(
        store,
        "903",
        2020,
        {
            "ssda903_reviews": [dict(CHILD="A", DOB=dob, REVIEW="01/10/2019", REVIEW_CODE="PN1")],
            "ssda903_missing": [
                dict(CHILD="A", DOB=dob, MISSING="M", MIS_START="30/03/2019", MIS_END="03/04/2019")
            ],
            "ssda903_placed_adoption": [],
        },
    )
    assert rows(store, "ssda903_reviews", "REVIEW", "return_year") == [
        (date(2018, 10, 1), 2019),
        (date(2019, 10, 1), 2020),
    ]
    assert rows(store, "ssda903_missing", "MIS_START", "MIS_END", "return_year") == [
        (date(2018, 5, 1), date(2018, 5, 2), 2019),
        (date(2019, 3, 30), date(2019, 4, 3), 2020),
    ]
    assert rows(store, "ssda903_placed_adoption", "CHILD") == [("P",)]


# -- order independence ----------------------------------------------------------------------

YEARS = (2019, 2020, 2021)
_dates = st.dates(date(2016, 1, 1), date(2021, 3, 31))


@st.composite
def histories(draw):
    """Three years of episodes as each return reports them, with random omissions and edits."""
    returns: dict[int, list[dict[str, str]]] = {y: [] for y in YEARS}
    for i in range(draw(st.integers(1, 6))):
        child = f"C{i}"
        start = draw(_dates)
        end = draw(st.one_of(st.none(), st.dates(start, date(2021, 6, 1))))
        for y in YEARS:
            ys, ye = date(y - 1, 4, 1), date(y, 3, 31)
            if start > ye or (end is not None and end < ys):
                continue
            if draw(st.integers(0, 4)) == 0:  # this return omits it
                continue
            place = draw(st.sampled_from(["U1", "U4", "K2"]))
            dec = end if end is not None and end <= ye else None
            returns[y].append(
                ep(child, f"{start:%d/%m/%Y}", place, f"{dec:%d/%m/%Y}" if dec else "")
            )
    return returns


def _record_after_loading(d: Path, returns, order) -> tuple:
    s = Store(f"sqlite:///{d / 's.db'}")
    try:
        for y in order:
            if returns[y]:
                load(s, "903", y, {"ssda903_episodes": returns[y]})
        return tuple(rows(s, "ssda903_episodes", "CHILD", "DECOM", "PLACE", "DEC", "return_year"))
    finally:
        s.engine.dispose()


@pytest.mark.slow
@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(histories(), st.permutations(YEARS))
def test_returns_loaded_in_any_order_give_the_same_record(tmp_path_factory, returns, order):
    """Loading the years in a random order gives the record that loading them in order gives."""
    in_order = _record_after_loading(tmp_path_factory.mktemp("sorted"), returns, YEARS)
    shuffled = _record_after_loading(tmp_path_factory.mktemp("shuffled"), returns, order)
    assert shuffled == in_order
