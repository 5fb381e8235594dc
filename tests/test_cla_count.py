"""Children looked after at a date, on hand-made episodes (counting rules in domain.md)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from conftest import write_903_children
from selfeval.indicators import compute, sources_from_store
from selfeval.ingest import ingest_903


def episodes(tmp_path: Path) -> list[Path]:
    """Five children on 31 March 2019; three of them count.

    A  open since 2018, no end                       -> counts
    B  ended on 31/03/2019 (ends on the date)        -> does not count
    C  short break, legal status V3                  -> does not count
    D  started on 31/03/2019 (starts on the date)    -> counts
    E  two episodes (a move), the second open        -> counts once
    """
    return write_903_children(
        tmp_path,
        [
            {"CHILD": "A", "DECOM": "01/06/2018", "RNE": "S", "LS": "C2", "PLACE": "U1"},
            {
                "CHILD": "B",
                "DECOM": "01/06/2018",
                "RNE": "S",
                "LS": "C2",
                "PLACE": "U1",
                "DEC": "31/03/2019",
                "REC": "E11",
            },
            {"CHILD": "C", "DECOM": "01/02/2019", "RNE": "S", "LS": "V3", "PLACE": "T1"},
            {"CHILD": "D", "DECOM": "31/03/2019", "RNE": "S", "LS": "C2", "PLACE": "U1"},
            {
                "CHILD": "E",
                "DECOM": "01/05/2018",
                "RNE": "S",
                "LS": "C2",
                "PLACE": "U1",
                "DEC": "01/09/2018",
                "REC": "X1",
            },
            {"CHILD": "E", "DECOM": "01/09/2018", "RNE": "P", "LS": "C2", "PLACE": "U4"},
        ],
    )


def test_cla_count_at_31_march(store, tmp_path):
    ingest_903(store, episodes(tmp_path), la_code="999", return_year=2019)
    [r] = compute(sources_from_store(store), [date(2019, 3, 31)], ids=["cla_count"])
    assert r.value == 3
    assert r.la_code == "999"
    assert r.reason is None


def test_cla_count_day_before_counts_b_not_d(store, tmp_path):
    ingest_903(store, episodes(tmp_path), la_code="999", return_year=2019)
    [r] = compute(sources_from_store(store), [date(2019, 3, 30)], ids=["cla_count"])
    assert r.value == 3  # A, B, E (D not yet started; C a short break)


def test_cla_count_outside_the_loaded_years_is_no_data_not_zero(store, tmp_path):
    ingest_903(store, episodes(tmp_path), la_code="999", return_year=2019)
    [r] = compute(sources_from_store(store), [date(2020, 3, 31)], ids=["cla_count"])
    assert r.value is None
    assert r.reason == (
        "no data: the loaded returns do not cover 31 March 2020"
        " (SSDA903 Episodes covers 1 April 2018 to 31 March 2019)"
    )


def test_a_figure_whose_tables_are_not_loaded_names_them_as_people_do():
    """With only the 903's episodes loaded: the rate per 10,000 lacks the ONS population, the
    contact-to-referral share both SSD tables it reads."""
    from builders import episode, result, sources

    src = sources(ssda903_episodes=[episode("A", "2019-05-01")])
    assert result(src, "cla_rate", "2020-03-31").reason == (
        "no data: the store has no ONS population estimates table"
    )
    assert result(src, "contact_to_referral_pct", "2020-03-31").reason == (
        "no data: the store has no SSD contacts or SSD cin episodes tables"
    )


def test_a_year_with_no_return_names_the_table_as_people_do():
    """A care leaver figure for 2019-20 from a store whose OC3 is 2018-19's only."""
    from builders import table
    from selfeval.indicators.sources import Coverage, Sources
    from selfeval.indicators.store_sources import return_year_span

    oc3 = table(
        "ssda903_oc3",
        [{"CHILD": "A", "DOB": "2001-06-01", "IN_TOUCH": "YES", "ACTIV": "F1", "ACCOM": "S"}],
        return_year=2019,
    )
    covered = Coverage({"999": [return_year_span(2019, "ssda903_oc3")]})
    src = Sources({"ssda903_oc3": oc3}, {"ssda903_oc3": covered})
    [r] = compute(src, [date(2020, 3, 31)], ids=["care_leavers_in_touch_pct"])
    assert (r.value, r.reason) == (
        None,
        "no data: no SSDA903 OC3 return for the year ending 31 March 2020",
    )
