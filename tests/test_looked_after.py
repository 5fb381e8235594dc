"""Children looked after: counts, starts, ceased, UASC, rates, foster care, distance, missing,
health, social workers and adoption, on hand-made 903 rows (worked by hand in each docstring)."""

from __future__ import annotations

from datetime import date

from builders import episode, population, result, sources, value
from conftest import write_903_table
from selfeval.indicators import compute, sources_from_store
from selfeval.ingest import ingest_903


def test_starts_and_ceased_in_the_year():
    """Year to 31/03/2019.

    A  started 2018-05-01                                          -> started
    B  started 2017-01-01, ceased E11 2018-10-01                   -> ceased
    C  started twice in the year (left in between)                 -> started once, ceased once
    D  short break (V3) started and ended in the year              -> neither
    E  changed placement in the year (X1 then P)                   -> neither
    F  ceased on 31/03/2019 itself                                 -> ceased
    Started: A, C = 2. Ceased: B, C, F = 3.
    """
    eps = [
        episode("A", "2018-05-01"),
        episode("B", "2017-01-01", DEC="2018-10-01", REC="E11"),
        episode("C", "2018-05-01", DEC="2018-06-01", REC="E13"),
        episode("C", "2018-09-01"),
        episode("D", "2018-05-01", ls="V3", DEC="2018-05-03", REC="E13"),
        episode("E", "2017-01-01", DEC="2018-08-01", REC="X1"),
        episode("E", "2018-08-01", "P"),
        episode("F", "2017-01-01", DEC="2019-03-31", REC="E41"),
    ]
    src = sources(ssda903_episodes=eps)
    assert value(src, "cla_starts", "2019-03-31") == 2
    assert value(src, "cla_ceased", "2019-03-31") == 3
    assert value(src, "cla_count", "2019-03-31") == 3  # A, C, E (F ended on the date)


def test_uasc_count():
    """A looked after and UASC; B looked after, UASC status ended 2019-01-01; C UASC but not
    looked after on 31/03/2019. One child."""
    eps = [episode("A", "2018-05-01"), episode("B", "2018-05-01"), episode("C", "2019-04-02")]
    uasc = [{"CHILD": "A"}, {"CHILD": "B", "DUC": "2019-01-01"}, {"CHILD": "C"}]
    src = sources(ssda903_episodes=eps, ssda903_uasc=uasc)
    assert value(src, "uasc_count", "2019-03-31") == 1


def test_cla_rate_wolverhampton_31_march_2020():
    """588 children looked after on 31/03/2020; the rate uses the mid-2019 estimate, 61,173:
    588 / 61,173 x 10,000 = 96.1 (DfE publishes 96). The mid-2020 figure must not be used."""
    eps = [episode(f"C{i}", "2019-01-01") for i in range(588)]
    pop = [population(2019, 61_173), population(2020, 1)]
    r = result(sources(ssda903_episodes=eps, population=pop), "cla_rate", "2020-03-31")
    assert (r.numerator, r.denominator) == (588, 61_173)
    assert round(r.value) == 96


def test_rate_without_the_population_says_so():
    src = sources(ssda903_episodes=[episode("A", "2019-01-01")], population=[population(2018, 5)])
    r = result(src, "cla_rate", "2020-03-31")
    assert r.value is None
    assert r.reason == "no data: no ONS population estimate for mid-2019"


def test_foster_placements_by_provider():
    """On 31/03/2019: A U1 own council (PR1); B U4 private agency (PR4); C U6 voluntary agency
    (PR5); D U3 another council (PR2); E in a children's home (K2), not fostered.
    Own provision 1 of 4 = 25%; independent fostering agencies 2 of 4 = 50%."""
    eps = [
        episode("A", "2018-01-01", place="U1", PLACE_PROVIDER="PR1"),
        episode("B", "2018-01-01", place="U4", PLACE_PROVIDER="PR4"),
        episode("C", "2018-01-01", place="U6", PLACE_PROVIDER="PR5"),
        episode("D", "2018-01-01", place="U3", PLACE_PROVIDER="PR2"),
        episode("E", "2018-01-01", place="K2", PLACE_PROVIDER="PR1"),
    ]
    src = sources(ssda903_episodes=eps)
    assert value(src, "foster_own_provision_pct", "2019-03-31") == 25.0
    assert value(src, "foster_ifa_pct", "2019-03-31") == 50.0


def test_placed_over_20_miles():
    """Postcode centroids from the ONS directory (grid metres):
    WV1 1AA (392309, 298969), B1 1AA (406649, 286530), LS1 1AA (429572, 433410).
    A  WV1 -> B1: sqrt(14340^2 + 12439^2) = 18,983 m = 11.8 miles   -> not over 20
    B  WV1 -> LS1: sqrt(37263^2 + 134441^2) = 139,509 m = 86.7 miles -> over 20
    C  no home postcode (e.g. UASC): left out; D an unknown postcode: left out.
    1 of 2 = 50%."""
    eps = [
        episode("A", "2018-01-01", HOME_POST="WV1 1AA", PL_POST="B1 1AA"),
        episode("B", "2018-01-01", HOME_POST="wv11aa", PL_POST="LS1 1AA"),
        episode("C", "2018-01-01", PL_POST="LS1 1AA"),
        episode("D", "2018-01-01", HOME_POST="ZZ9 9ZZ", PL_POST="LS1 1AA"),
    ]
    r = result(sources(ssda903_episodes=eps), "placed_over_20_miles_pct", "2019-03-31")
    assert (r.numerator, r.denominator, r.value) == (1, 2, 50.0)


def test_postcode_centroids_are_kept_on_disk_for_the_next_process(tmp_path, monkeypatch):
    """A letter of the directory is read from D2I's package once, then from the cache folder
    (a new process: the in-memory copy cleared, the package refused); a damaged file is passed
    over and written again. WV1 1AA is at (392309, 298969); ZZ9 9ZZ is unknown."""
    from selfeval.indicators import postcodes

    monkeypatch.setenv("SELFEVAL_CACHE", str(tmp_path / "cache"))
    postcodes._letter.cache_clear()
    first = postcodes.centroids({"WV11AA", "ZZ99ZZ", ""}).to_pylist()
    assert first == [{"postcode": "WV11AA", "easting": 392309.0, "northing": 298969.0}]
    kept = list((tmp_path / "cache" / "postcodes").glob("*/W.arrow"))
    assert len(kept) == 1

    def refuse(letter: str) -> None:
        raise AssertionError("read the package again")

    postcodes._letter.cache_clear()
    monkeypatch.setattr(postcodes, "_read_directory", refuse)
    assert postcodes.centroids({"WV11AA"}).to_pylist() == first
    monkeypatch.undo()
    monkeypatch.setenv("SELFEVAL_CACHE", str(tmp_path / "cache"))
    kept[0].write_bytes(b"not an arrow file")
    postcodes._letter.cache_clear()
    assert postcodes.centroids({"WV11AA"}).to_pylist() == first
    assert kept[0].read_bytes().startswith(b"ARROW1")
    postcodes._letter.cache_clear()


def test_missing_incidents():
    """Looked after in 2018/19: A, B, C (D only on short breaks).
    A missing (M) in June 2018 -> counts; B away without authorisation (A) only -> not;
    C missing in March 2018, before the year -> not. 1 of 3 = 33.3%."""
    eps = [
        episode("A", "2018-01-01"),
        episode("B", "2018-01-01"),
        episode("C", "2018-01-01", DEC="2018-06-01", REC="E11"),
        episode("D", "2018-05-01", ls="V4"),
    ]
    missing = [
        {"CHILD": "A", "MISSING": "M", "MIS_START": "2018-06-10"},
        {"CHILD": "B", "MISSING": "A", "MIS_START": "2018-06-10"},
        {"CHILD": "C", "MISSING": "M", "MIS_START": "2018-03-10"},
        {"CHILD": "D", "MISSING": "M", "MIS_START": "2018-06-10"},
    ]
    r = result(sources(ssda903_episodes=eps, ssda903_missing=missing), "missing_pct", "2019-03-31")
    assert (r.numerator, r.denominator) == (1, 3)


def test_health_and_dental_checks_from_the_oc2_table():
    """OC2 for the year to 31/03/2019: A checked (health assessment 1, teeth 1), B (1, 0), C
    (0, 0), D blank; C's under-fives check (HEALTH_CHECK) is not the assessment.
    Health 2 of 4 = 50%, teeth 1 of 4 = 25%. Asked at 30/06/2019, the latest OC2 is still the
    2019 return's, and the figure says it covers 2018-04-01 to 2019-03-31."""
    rows = [
        {"CHILD": "A", "HEALTH_ASSESSMENT": "1", "TEETH_CHECK": "1", "return_year": 2019},
        {"CHILD": "B", "HEALTH_ASSESSMENT": "1", "TEETH_CHECK": "0", "return_year": 2019},
        {"CHILD": "C", "HEALTH_CHECK": "1", "TEETH_CHECK": "0", "return_year": 2019},
        {"CHILD": "D", "return_year": 2019},
        {"CHILD": "E", "HEALTH_ASSESSMENT": "1", "TEETH_CHECK": "1", "return_year": 2018},
    ]
    src = sources(ssda903_oc2=rows)
    assert value(src, "health_check_pct", "2019-03-31") == 50.0
    r = result(src, "dental_check_pct", "2019-06-30")
    assert r.value == 25.0
    assert (str(r.period_start), str(r.period_end)) == ("2018-04-01", "2019-03-31")


def test_three_or_more_social_workers():
    """Looked after on 31/03/2019: A, B, C.
    A three workers in the year (one from before 1 April)  -> counts
    B two workers                                          -> not
    C three workers, but one ended before the year began   -> not
    1 of 3."""
    eps = [episode(c, "2017-01-01") for c in "ABC"]
    sw = [
        {"CHILD": "A", "SW_ID": "1", "SW_DECOM": "2017-01-01", "SW_DEC": "2018-05-01"},
        {"CHILD": "A", "SW_ID": "2", "SW_DECOM": "2018-05-01", "SW_DEC": "2018-09-01"},
        {"CHILD": "A", "SW_ID": "3", "SW_DECOM": "2018-09-01"},
        {"CHILD": "B", "SW_ID": "1", "SW_DECOM": "2017-01-01", "SW_DEC": "2018-05-01"},
        {"CHILD": "B", "SW_ID": "4", "SW_DECOM": "2018-05-01"},
        {"CHILD": "C", "SW_ID": "5", "SW_DECOM": "2017-01-01", "SW_DEC": "2018-03-01"},
        {"CHILD": "C", "SW_ID": "6", "SW_DECOM": "2018-03-01", "SW_DEC": "2018-05-01"},
        {"CHILD": "C", "SW_ID": "7", "SW_DECOM": "2018-05-01"},
    ]
    r = result(
        sources(ssda903_episodes=eps, ssda903_sw_episodes=sw), "sw_changes_3plus_pct", "2019-03-31"
    )
    assert (r.numerator, r.denominator) == (1, 3)


def test_adoption_entry_to_placement_days():
    """Adopted in 2018/19:
    A  entered care 2017-01-01, placed for adoption (A4) 2018-01-01: 365 days
    B  entered care 2016-01-01, placed (A6) 2017-06-01: 366 + 151 = 517 days
    D  adopted in 2017/18: not this year.  Average (365 + 517) / 2 = 441 days."""
    eps = [
        episode("A", "2017-01-01", DEC="2018-01-01", REC="X1"),
        episode("A", "2018-01-01", "P", place="A4", DEC="2018-07-01", REC="E11"),
        episode("B", "2016-01-01", DEC="2017-06-01", REC="X1"),
        episode("B", "2017-06-01", "P", place="A6", DEC="2019-01-01", REC="E12"),
        episode("D", "2015-01-01", DEC="2016-01-01", REC="X1"),
        episode("D", "2016-01-01", "P", place="A4", DEC="2017-07-01", REC="E11"),
    ]
    r = result(sources(ssda903_episodes=eps), "adoption_entry_to_placement_days", "2019-03-31")
    assert (r.numerator, r.denominator, r.value) == (882, 2, 441.0)


def test_a_child_in_two_returns_counts_once(store, tmp_path):
    """The 2019 return reports A's episode open; the 2020 return re-reports it, now ended on
    2019-06-01 (E11). The later return wins: looked after on 31/03/2019 (1), ceased in
    2019/20 (1), started in 2018/19 only (1, then 0), and not in care on 31/03/2020 (0)."""
    for year, dec, rec in ((2019, "", ""), (2020, "01/06/2019", "E11")):
        folder = tmp_path / str(year)
        folder.mkdir()
        header = write_903_table(
            folder / "header.csv",
            "ssda903_header",
            [{"CHILD": "A", "SEX": "1", "DOB": "01/01/2010"}],
        )
        row = {"CHILD": "A", "DECOM": "01/05/2018", "RNE": "S", "LS": "C2", "PLACE": "U1"}
        eps = write_903_table(
            folder / "episodes.csv", "ssda903_episodes", [{**row, "DEC": dec, "REC": rec}]
        )
        ingest_903(store, [header, eps], la_code="999", return_year=year)
    src = sources_from_store(store)
    ids = ["cla_count", "cla_starts", "cla_ceased"]
    got = {
        (r.id, r.date.year): r.value
        for r in compute(src, [date(2019, 3, 31), date(2020, 3, 31)], ids=ids)
    }
    assert got == {
        ("cla_count", 2019): 1,
        ("cla_count", 2020): 0,
        ("cla_starts", 2019): 1,
        ("cla_starts", 2020): 0,
        ("cla_ceased", 2019): 0,
        ("cla_ceased", 2020): 1,
    }
