"""The Standard Safeguarding Dataset: specifications, reading, and the timeliness it shows.

Working days in April 2019: Good Friday 19/04 and Easter Monday 22/04 are bank holidays, so
from Thursday 18/04 the 5th working day is Monday 29/04 and Tuesday 30/04 is the 6th.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pyarrow as pa
import pytest

from conftest import SHARED
from selfeval.errors import InputError
from selfeval.indicators import Sources, compute
from selfeval.returns import ssd
from selfeval.schema.ssd import load_specs

SPEC = SHARED / "data" / "formats" / "ssd"
APRIL = [date(2019, 4, 30)]
pytestmark = pytest.mark.skipif(not SPEC.is_dir(), reason="needs ../shared/data/formats/ssd")


def d(text: str | None) -> date | None:
    if not text:
        return None
    day, month, year = (int(x) for x in text.split("/"))
    return date(year, month, day)


def table(rows: list[dict], dates: tuple[str, ...] = ()) -> pa.Table:
    cols = {k: [r.get(k) for r in rows] for k in rows[0]}
    out = {
        k: pa.array(
            [d(x) for x in v] if k in dates else v, pa.date32() if k in dates else pa.string()
        )
        for k, v in cols.items()
    }
    out["la_code"] = pa.array(["999"] * len(rows))
    return pa.table(out)


def fields_table(
    fields: tuple[str, ...], rows: list[tuple[str | None, ...]], dates: tuple[str, ...] = ()
) -> pa.Table:
    """``table`` of rows given as tuples of the ``fields``' values, in their order."""
    return table([dict(zip(fields, r, strict=True)) for r in rows], dates=dates)


def month(sources: Sources, ind: str) -> tuple[float | None, float | None, float | None]:
    [r] = compute(sources, APRIL, period="month", ids=[ind])
    return r.numerator, r.denominator, r.value


def test_specifications_are_read_from_the_ssds_own_yaml():
    specs = load_specs(SPEC)
    visits = specs["ssd_cin_visits"]
    assert visits.fields[:4] == (
        "cinv_cin_visit_id",
        "cinv_person_id",
        "cinv_cin_visit_date",
        "cinv_cin_visit_seen",
    )
    assert visits.key == ("cinv_cin_visit_id",)
    assert "cinv_cin_visit_date" in visits.dates
    assert visits.snapshot
    assert len(specs) >= 40


def _write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def test_reader_types_the_table_and_reports_breaches_row_by_row(tmp_path):
    f = _write(
        tmp_path / "ssd_cin_visits.csv",
        "cinv_cin_visit_id,cinv_person_id,cinv_cin_visit_date,cinv_cin_visit_seen\n"
        "V1,A,2019-04-18,Y\n"
        "V2,B,18/04/2019,maybe\n"
        "V1,C,2019-04-19 00:00:00,N\n",
    )
    got = ssd.read_csv(f, la_code="999", specs=load_specs(SPEC))
    assert got.table == "ssd_cin_visits"
    assert got.data.column("cinv_cin_visit_date").to_pylist() == [
        date(2019, 4, 18),
        date(2019, 4, 18),
        date(2019, 4, 19),
    ]
    assert [(p.rule, p.row, p.field) for p in got.problems] == [
        ("ssd-code", 3, "cinv_cin_visit_seen"),
        ("ssd-unique", 4, "cinv_cin_visit_id"),
    ]
    assert "cinv_cin_visit_seen_alone" in got.missing_fields


def test_a_bad_date_refuses_the_file_naming_row_and_field(tmp_path):
    f = _write(
        tmp_path / "visits.csv",
        "cinv_cin_visit_id,cinv_person_id,cinv_cin_visit_date,cinv_cin_visit_seen\n"
        "V1,A,2019-02-30,Y\n",
    )
    with pytest.raises(InputError) as e:
        ssd.read_csv(f, la_code="999", specs=load_specs(SPEC))
    assert str(e.value).startswith("visits.csv, row 2, field cinv_cin_visit_date:")


def test_a_malformed_row_is_named_by_its_own_line_even_after_a_blank_one(tmp_path):
    """Line 1 the header, line 2 a visit, line 3 blank, line 4 a field over the csv module's
    limit of 131,072 characters: the refusal names line 4 (it named line 3, the blank one)."""
    f = _write(
        tmp_path / "visits.csv",
        "cinv_cin_visit_id,cinv_person_id,cinv_cin_visit_date,cinv_cin_visit_seen\n"
        "V1,A,01/04/2019,Y\n"
        "\n"
        f"V2,{'A' * 200_000},02/04/2019,Y\n",
    )
    with pytest.raises(InputError) as e:
        ssd.read_csv(f, la_code="999", specs=load_specs(SPEC))
    assert str(e.value).startswith("visits.csv, row 4:")
    assert e.value.rule == "csv"


def test_an_unknown_field_or_table_is_refused(tmp_path):
    f = _write(tmp_path / "ssd_cin_visits.csv", "cinv_cin_visit_id,cinv_shoe_size\nV1,9\n")
    with pytest.raises(InputError, match="cinv_shoe_size"):
        ssd.read_csv(f, la_code="999", specs=load_specs(SPEC))
    g = _write(tmp_path / "other.csv", "colour,size\nred,9\n")
    with pytest.raises(InputError, match="Standard Safeguarding Dataset"):
        ssd.read_csv(g, la_code="999", specs=load_specs(SPEC))


def front_door() -> Sources:
    """April 2019's referrals, assessments, visits and contacts (see each row's comment)."""
    ep = ["cine_referral_date"]
    referrals = fields_table(
        ("cine_referral_id", "cine_person_id", "cine_referral_date"),
        [
            ("R1", "A", "18/04/2019"),
            ("R2", "B", "18/04/2019"),
            ("R3", "C", "10/04/2019"),
            ("R4", "D", "11/04/2019"),
            ("R5", "E", "12/04/2019"),
            ("R6", "F", "31/03/2019"),
        ],
        dates=tuple(ep),
    )
    assessments = table(
        [{"cina_assessment_id": f"S{r}", "cina_referral_id": f"R{r}"} for r in (1, 2, 3, 4, 6)]
    )  # R5 went no further
    visits = table(
        [
            {
                "cinv_person_id": "A",
                "cinv_cin_visit_date": "29/04/2019",
                "cinv_cin_visit_seen": "Y",
            },
            {
                "cinv_person_id": "B",
                "cinv_cin_visit_date": "30/04/2019",
                "cinv_cin_visit_seen": "Y",
            },
            {
                "cinv_person_id": "C",
                "cinv_cin_visit_date": "10/04/2019",
                "cinv_cin_visit_seen": "Y",
            },
            {
                "cinv_person_id": "D",
                "cinv_cin_visit_date": "12/04/2019",
                "cinv_cin_visit_seen": "N",
            },
            {
                "cinv_person_id": "E",
                "cinv_cin_visit_date": "12/04/2019",
                "cinv_cin_visit_seen": "Y",
            },
        ],
        dates=("cinv_cin_visit_date",),
    )
    contacts = fields_table(
        ("cont_contact_id", "cont_person_id", "cont_contact_date"),
        [
            ("C1", "A", "18/04/2019"),
            ("C2", "B", "18/04/2019"),
            ("C3", "C", "10/04/2019"),
            ("C4", "G", "11/04/2019"),
            ("C5", "F", "31/03/2019"),
        ],
        dates=("cont_contact_date",),
    )
    return Sources(
        {
            "ssd_cin_episodes": referrals,
            "ssd_cin_assessments": assessments,
            "ssd_cin_visits": visits,
            "ssd_contacts": contacts,
        }
    )


def test_seen_within_5_working_days_across_easter():
    """Denominator: R1-R4 (R5 not assessed, R6 in March). Seen in time: R1 on the 5th working
    day (29/04), R3 on the referral day. Not: R2 on the 6th (30/04), R4 not seen (N). 2/4."""
    assert month(front_door(), "seen_within_5wd_of_referral_pct") == (2, 4, 50.0)


def test_contacts_and_those_that_led_to_a_referral():
    """Contacts in April: C1-C4 (C5 is in March). C1, C2 and C3 were followed by a referral
    of the same child on the same day; C4's child G was never referred -> 3 of 4."""
    assert month(front_door(), "contacts")[2] == 4
    assert month(front_door(), "contact_to_referral_pct") == (3, 4, 75.0)


def test_cp_visits_never_more_than_10_working_days_apart():
    """April 2019.
    A: plan from 01/03; visits 28/03, 10/04, 24/04; gaps 9, 8 and 4 working days: timely.
    B: plan from 01/04; first visit 16/04 = 11 working days after the start: late.
    C: plan 01/02-05/04; visits 25/03, 02/04; gaps in April 6 and 3: timely.
    D: plan from 01/04; only visit not seen (N): late.
    E: plan ended 01/04 (not open in April): not counted.  -> 2 of 4."""
    plans = table(
        [
            {
                "cppl_cp_plan_id": "P1",
                "cppl_person_id": "A",
                "cppl_cp_plan_start_date": "01/03/2019",
                "cppl_cp_plan_end_date": None,
            },
            {
                "cppl_cp_plan_id": "P2",
                "cppl_person_id": "B",
                "cppl_cp_plan_start_date": "01/04/2019",
                "cppl_cp_plan_end_date": None,
            },
            {
                "cppl_cp_plan_id": "P3",
                "cppl_person_id": "C",
                "cppl_cp_plan_start_date": "01/02/2019",
                "cppl_cp_plan_end_date": "05/04/2019",
            },
            {
                "cppl_cp_plan_id": "P4",
                "cppl_person_id": "D",
                "cppl_cp_plan_start_date": "01/04/2019",
                "cppl_cp_plan_end_date": None,
            },
            {
                "cppl_cp_plan_id": "P5",
                "cppl_person_id": "E",
                "cppl_cp_plan_start_date": "01/01/2019",
                "cppl_cp_plan_end_date": "01/04/2019",
            },
        ],
        dates=("cppl_cp_plan_start_date", "cppl_cp_plan_end_date"),
    )
    visits = table(
        [
            {"cppv_cp_plan_id": p, "cppv_cp_visit_date": v, "cppv_cp_visit_seen": s}
            for p, v, s in [
                ("P1", "28/03/2019", "Y"),
                ("P1", "10/04/2019", "Y"),
                ("P1", "24/04/2019", "Y"),
                ("P2", "16/04/2019", "Y"),
                ("P3", "25/03/2019", "Y"),
                ("P3", "02/04/2019", "Y"),
                ("P4", "03/04/2019", "N"),
            ]
        ],
        dates=("cppv_cp_visit_date",),
    )
    src = Sources({"ssd_cp_plans": plans, "ssd_cp_visits": visits})
    assert month(src, "cp_visits_10wd_pct") == (2, 4, 50.0)


def test_cla_visits_within_the_statutory_intervals():
    """Looked after at 30/04/2019: A, B, C, E, F (D left on 15/04).
    A: placed 01/01/2018 (over a year); visits 20/02, 02/04, 25/04: gaps <= 92 days: timely.
    B: placed 01/03/2019 (first year); visits 05/03, 20/04: 46 days > 6 weeks: late.
    C: old placement 2017, moved 20/04/2019; visits 01/03, 10/04, 26/04: 6 days after the move
       is within the week: timely.
    E: placed 01/06/2018, never visited: late.
    F: placed 01/04/2019; visits 05/04 (4 days), 30/04 (25 days): timely.  -> 3 of 5."""
    spell = ("clae_cla_episode_start_date", "clae_cla_episode_ceased_date")
    eps = fields_table(
        ("clae_person_id", *spell),
        [
            ("A", "01/01/2018", None),
            ("B", "01/03/2019", None),
            ("C", "01/01/2017", None),
            ("D", "01/01/2019", "15/04/2019"),
            ("E", "01/06/2018", None),
            ("F", "01/04/2019", None),
        ],
        dates=spell,
    )
    spell = ("clap_cla_placement_start_date", "clap_cla_placement_end_date")
    placements = fields_table(
        ("clap_person_id", *spell),
        [
            ("A", "01/01/2018", None),
            ("B", "01/03/2019", None),
            ("C", "01/01/2017", "20/04/2019"),
            ("C", "20/04/2019", None),
            ("D", "01/01/2019", "15/04/2019"),
            ("E", "01/06/2018", None),
            ("F", "01/04/2019", None),
        ],
        dates=spell,
    )
    visits = table(
        [
            {"clav_person_id": p, "clav_cla_visit_date": v, "clav_cla_visit_seen": "Y"}
            for p, v in [
                ("A", "20/02/2019"),
                ("A", "02/04/2019"),
                ("A", "25/04/2019"),
                ("B", "05/03/2019"),
                ("B", "20/04/2019"),
                ("C", "01/03/2019"),
                ("C", "10/04/2019"),
                ("C", "26/04/2019"),
                ("F", "05/04/2019"),
                ("F", "30/04/2019"),
            ]
        ],
        dates=("clav_cla_visit_date",),
    )
    src = Sources(
        {"ssd_cla_episodes": eps, "ssd_cla_placement": placements, "ssd_cla_visits": visits}
    )
    assert month(src, "cla_visits_timely_pct") == (3, 5, 60.0)


def _extract(folder: Path, visits: list[str]) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    person = _write(
        folder / "ssd_person.csv", "pers_person_id,pers_dob\nA,2010-01-01\nZ,2011-01-01\n"
    )
    rows = "".join(f"V{i},A,{v},Y\n" for i, v in enumerate(visits))
    vis = _write(
        folder / "ssd_cin_visits.csv",
        "cinv_cin_visit_id,cinv_person_id,cinv_cin_visit_date,cinv_cin_visit_seen\n" + rows,
    )
    return [person, vis]


def test_an_extract_loads_with_provenance_and_the_next_replaces_it(store, tmp_path):
    """Person A is a child of the 903 return, Z is not: one unmatched-person breach. The
    files are found to be SSD tables by their names and headers (no --kind)."""
    from conftest import write_903_table
    from selfeval.ingest import ingest, ingest_903

    h = write_903_table(
        tmp_path / "header.csv", "ssda903_header", [{"CHILD": "A", "SEX": "1", "DOB": "01/01/2010"}]
    )
    ingest_903(store, [h], la_code="999", return_year=2019)
    first = ingest(store, _extract(tmp_path / "x1", ["2019-04-01", "2019-04-02"]), la_code="999")
    [outcome] = first.loads
    assert outcome.load.kind == "ssd" and outcome.load.return_year is None
    assert outcome.load.tables == {"ssd_person": 2, "ssd_cin_visits": 2}
    assert outcome.issues == 1
    assert outcome.load.validation["by_rule"] == {"ssd-person-unmatched": 1}
    assert outcome.load.validation["persons_matched"] == 1
    again = ingest(store, _extract(tmp_path / "x1", ["2019-04-01", "2019-04-02"]), la_code="999")
    assert not again.created
    ingest(store, _extract(tmp_path / "x2", ["2019-05-01"]), la_code="999")
    visits = store.table("ssd_cin_visits")
    assert visits.column("cinv_cin_visit_date").to_pylist() == [date(2019, 5, 1)]


def test_names_are_blanked_at_ingest(store, tmp_path):
    from selfeval.ingest import ingest

    f = _write(
        tmp_path / "ssd_person.csv",
        "pers_person_id,pers_forename,pers_surname,pers_dob\nA,Ann,Example,2010-01-01\n",
    )
    ingest(store, [f], la_code="999")
    t = store.table("ssd_person")
    assert t.column("pers_forename").to_pylist() == [None]
    assert t.column("pers_surname").to_pylist() == [None]


def test_strict_refuses_an_extract_with_breaches_and_stores_nothing(store, tmp_path):
    from selfeval.ingest import ValidationRefused, ingest

    files = _extract(tmp_path / "x", ["2019-04-01"])
    files[1].write_text(files[1].read_text().replace(",Y\n", ",maybe\n"))
    with pytest.raises(ValidationRefused, match="--strict"):
        ingest(store, files, la_code="999", strict=True)
    assert store.loads() == []


def test_pseudonymised_extract_matches_the_pseudonymised_returns(store, tmp_path):
    """With one key, person A of the SSD and child A of the 903 get the same pseudonym."""
    import os

    from conftest import write_903_table
    from selfeval.ingest import ingest
    from selfeval.pseudonymise import Pseudonymiser

    key = tmp_path / "key"
    key.write_bytes(os.urandom(32))
    key.chmod(0o600)
    p = Pseudonymiser.from_key_file(key)
    h = write_903_table(
        tmp_path / "header.csv", "ssda903_header", [{"CHILD": "A", "SEX": "1", "DOB": "01/01/2010"}]
    )
    ingest(store, [h], kind="903", la_code="999", return_year=2019, pseudonymiser=p)
    ingest(store, _extract(tmp_path / "x", ["2019-04-01"]), la_code="999", pseudonymiser=p)
    child = store.table("ssda903_header").column("CHILD").to_pylist()
    person = store.table("ssd_cin_visits").column("cinv_person_id").to_pylist()
    assert child == person and child != ["A"]


def test_the_synthetic_extract_loads_cleanly_and_agrees_with_the_returns(store, tmp_path):
    """The synthetic authority's SSD: every table reads, no breach of the specification, every
    child the returns must report is a child of its 903 or CIN returns; and the share seen
    within 5 working days is near the authority's setting (75%), over 2019-20: with about 270
    referrals one standard error is sqrt(.75 x .25 / 270) = 2.6 points, so +-6 points."""
    from selfeval.ingest import ingest
    from selfeval.synth import AuthorityConfig, synthesise

    authority, _ = synthesise(
        tmp_path / "r", AuthorityConfig(children=1200, seed=3), returns=("903", "cin", "ssd")
    )
    for year in authority.years:
        ingest(
            store,
            [tmp_path / "r" / "903" / str(year)],
            kind="903",
            la_code="999",
            return_year=year,
            validate=False,
        )
        ingest(store, [tmp_path / "r" / "cin" / str(year)], kind="cin", validate=False)
    res = ingest(store, [tmp_path / "r" / "ssd"], la_code="999")
    [o] = res.loads
    assert o.load.kind == "ssd" and len(o.load.tables) == 12
    assert o.issues == 0, o.load.validation
    assert o.load.validation["persons_matched"] == o.load.validation["persons"]
    from selfeval.indicators import compute, sources_from_store

    [r] = compute(
        sources_from_store(store), [date(2020, 3, 31)], ids=["seen_within_5wd_of_referral_pct"]
    )
    assert r.denominator > 200
    assert abs(r.value - 100 * authority.seen_within_5_days) <= 6


def test_the_self_evaluation_reports_seen_within_5_days_month_by_month(store, tmp_path):
    """April 2019's referrals of front_door(), through a store: R1-R4 assessed; 2 seen in
    time. The self-evaluation's help-and-protection evidence has one row per month."""
    from selfeval.evaluation.placeholders import FigureCache
    from selfeval.evaluation.sef import SefOptions, build_sef
    from selfeval.ingest import ingest
    from selfeval.outputs.document import Table

    folder = tmp_path / "ssd"
    folder.mkdir()
    _write(
        folder / "ssd_cin_episodes.csv",
        "cine_referral_id,cine_person_id,cine_referral_date\n"
        + "".join(
            f"R{i},{c},{d}\n"
            for i, (c, d) in enumerate(
                [
                    ("A", "2019-04-18"),
                    ("B", "2019-04-18"),
                    ("C", "2019-04-10"),
                    ("D", "2019-04-11"),
                    ("E", "2019-05-02"),
                ],
                start=1,
            )
        ),
    )
    _write(
        folder / "ssd_cin_assessments.csv",
        "cina_assessment_id,cina_person_id,cina_referral_id\n"
        + "".join(f"S{i},{c},R{i}\n" for i, c in enumerate("ABCDE", start=1)),
    )
    _write(
        folder / "ssd_cin_visits.csv",
        "cinv_cin_visit_id,cinv_person_id,cinv_cin_visit_date,cinv_cin_visit_seen\n"
        "V1,A,2019-04-29,Y\nV2,B,2019-04-30,Y\nV3,C,2019-04-10,Y\nV4,D,2019-04-12,N\n"
        "V5,E,2019-05-02,Y\n",
    )
    ingest(store, [folder], la_code="999")
    built = build_sef(
        FigureCache(store, "999", public=False),
        SefOptions(la_code="999", at=date(2019, 5, 31), since=date(2019, 3, 31), public=False),
    )
    [table] = [
        b for b in built.document.blocks if isinstance(b, Table) and "month by month" in b.caption
    ]
    assert table.rows == (("April 2019", "2", "4", "50.0%"), ("May 2019", "1", "1", "100.0%"))
    public = build_sef(
        FigureCache(store, "999"),
        SefOptions(la_code="999", at=date(2019, 5, 31), since=date(2019, 3, 31)),
    )
    [shown] = [
        b for b in public.document.blocks if isinstance(b, Table) and "month by month" in b.caption
    ]
    assert shown.rows[0] == ("April 2019", "c", "c", "c")  # 2 of 4: small numbers suppressed


def test_a_partial_extract_takes_referrals_and_assessments_from_the_cin_census():
    """An SSD extract of visits (and persons) only, beside the CIN census: April 2019's
    referrals come from cin_details and cin_assessments, the visits from the SSD, matched by
    the child's id. The CIN census's A-D were referred as in front_door() and assessed (an
    assessment starting on or after the referral); E's assessment came after its episode
    closed (not proceeded); F was referred in March. So R1-R4 again: 2 of 4 seen in time.
    Without the CIN census (or the SSD's own referrals) it is "no data"."""
    from builders import table as cin_table

    visits = front_door()
    details = cin_table(
        "cin_details",
        [
            {"LAchildID": "A", "CINreferralDate": "2019-04-18"},
            {"LAchildID": "B", "CINreferralDate": "2019-04-18"},
            {"LAchildID": "C", "CINreferralDate": "2019-04-10"},
            {"LAchildID": "D", "CINreferralDate": "2019-04-11", "CINclosureDate": "2019-06-01"},
            {"LAchildID": "E", "CINreferralDate": "2019-04-12", "CINclosureDate": "2019-04-13"},
            {"LAchildID": "F", "CINreferralDate": "2019-03-31"},
        ],
    )
    assessments = cin_table(
        "cin_assessments",
        [
            {"LAchildID": c, "AssessmentActualStartDate": d}
            for c, d in [
                ("A", "2019-04-20"),
                ("B", "2019-04-18"),
                ("C", "2019-04-10"),
                ("D", "2019-04-15"),
                ("E", "2019-04-20"),
                ("F", "2019-04-02"),
            ]
        ],
    )
    ssd_visits = visits.table("ssd_cin_visits").to_pyarrow()
    partial = Sources(
        {"ssd_cin_visits": ssd_visits, "cin_details": details, "cin_assessments": assessments}
    )
    assert month(partial, "seen_within_5wd_of_referral_pct") == (2, 4, 50.0)
    [r] = compute(partial, APRIL, period="month", ids=["seen_within_5wd_of_referral_pct"])
    assert r.reason is None
    ref = partial.table("referrals_assessed").to_pyarrow()
    assert set(ref.column("source").to_pylist()) == {"CIN census (cin_details, cin_assessments)"}
    alone = Sources({"ssd_cin_visits": ssd_visits})
    [r] = compute(alone, APRIL, period="month", ids=["seen_within_5wd_of_referral_pct"])
    assert r.value is None and (r.reason or "").endswith(
        "the store has no SSD or CIN census referrals and assessments table"
    )


def test_an_ssd_table_has_every_readers_limit_checked_once(tmp_path, monkeypatch):
    """The 903's and CIN's limit, set by SELFEVAL_MAX_FILE_BYTES (here 100 bytes), refuses a
    109-byte SSD table (the SSD had a limit of its own, 1 GiB, which the setting did not
    change), from ``read`` and ``read_csv`` alike; a 73-byte one (its header) reads, its
    size checked once (``read`` checked it, then ``read_csv`` again)."""
    from selfeval.returns import base

    monkeypatch.setenv("SELFEVAL_SSD_SPEC", str(SPEC))
    monkeypatch.setenv("SELFEVAL_MAX_FILE_BYTES", "100")
    header = "cinv_cin_visit_id,cinv_person_id,cinv_cin_visit_date,cinv_cin_visit_seen\n"
    small = _write(tmp_path / "ssd_cin_visits.csv", header)
    (tmp_path / "big").mkdir()
    big = _write(tmp_path / "big" / "ssd_cin_visits.csv", header + "V1,A,2019-04-18,Y\n" * 2)
    assert (small.stat().st_size, big.stat().st_size) == (73, 109)
    for read in (lambda p: ssd.read(p, la_code="999"), lambda p: ssd.read_csv(p, la_code="999")):
        with pytest.raises(InputError, match="109 bytes, over the limit of 100") as e:
            read(big)
        assert e.value.rule == "file-too-large"
    sizes: list[str] = []
    real = base.readable_size
    monkeypatch.setattr(base, "readable_size", lambda p: sizes.append(p.name) or real(p))
    assert ssd.read(small, la_code="999")["ssd_cin_visits"].num_rows == 0
    assert sizes == ["ssd_cin_visits.csv"]


def test_a_date_is_read_in_each_format_and_a_text_that_is_none_refused_each_time():
    """parse_ssd_date keeps what each text gave (dates repeat in an extract): the same date
    every time, blank is no date, and a text that is not one is refused every time it comes,
    where it stands."""
    from datetime import date

    from selfeval.errors import InputError, Location
    from selfeval.returns.ssd import parse_ssd_date

    here = Location("cin_episodes.csv", 7, "cine_referral_date")
    for text in ("2024-03-31", " 31/03/2024 ", "2024-03-31 10:00:00", "2024-03-31T10:00:00Z"):
        assert parse_ssd_date(text, here) == parse_ssd_date(text, here) == date(2024, 3, 31)
    assert parse_ssd_date("  ", here) is None
    for row in (7, 8):
        where = Location("cin_episodes.csv", row, "cine_referral_date")
        with pytest.raises(InputError) as e:
            parse_ssd_date("31.03.2024", where)
        assert "'31.03.2024' is not a date" in str(e.value) and f"row {row}" in str(e.value)
