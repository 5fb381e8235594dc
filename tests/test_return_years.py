"""The year of a return whose file does not say (Annex A, the workforce CSV): from its name,
its folder's name or its latest date; refused where those disagree or say nothing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pyarrow as pa
import pytest

from selfeval.errors import UsageError
from selfeval.returns.years import infer_year, latest_date, year_in_name, year_of_date


def _dates(*ds: date, name: str = "date_of_contact") -> dict[str, pa.Table]:
    return {"list_1": pa.table({name: pa.array(list(ds), pa.date32())})}


def test_the_year_in_the_file_name_wins_over_the_folder_s():
    assert year_in_name(Path("annex_a/2019/annex_a_2019.xlsx")) == 2019
    assert year_in_name(Path("2018/annex_a_2019.xlsx")) == 2019
    assert year_in_name(Path("annex_a/2020/annex_a.xlsx")) == 2020
    assert year_in_name(Path("lists/annex_a.xlsx")) is None
    # Two years in the name (2018-2019) tell nothing.
    assert year_in_name(Path("2020/annex_a_2018-2019.xlsx")) is None


def test_the_return_year_a_date_falls_in():
    assert year_of_date("annex-a", date(2019, 3, 31)) == 2019  # the last day of 2018/19
    assert year_of_date("annex-a", date(2019, 4, 1)) == 2020
    assert year_of_date("workforce", date(2019, 9, 30)) == 2019  # the census day
    assert year_of_date("workforce", date(2019, 10, 1)) == 2020


def test_only_contacts_and_referrals_place_an_annex_a():
    """A birth, or an adoption order after the list was taken, says nothing of its year."""
    t = {
        "annex_a_list1": pa.table(
            {
                "date_of_birth": pa.array([date(2021, 1, 1), None], pa.date32()),
                "date_of_contact": pa.array([date(2019, 2, 1), None], pa.date32()),
            }
        ),
        "annex_a_list3": pa.table({"date_of_referral": pa.array([date(2019, 3, 4)], pa.date32())}),
        "annex_a_list10": pa.table(
            {"date_of_adoption_order": pa.array([date(2020, 1, 21)], pa.date32())}
        ),
    }
    assert latest_date("annex-a", t) == date(2019, 3, 4)


def test_name_and_dates_agree():
    got = infer_year(
        "annex-a", Path("a/2019/annex_a_2019.xlsx"), _dates(date(2018, 5, 1), date(2019, 3, 2))
    )
    assert got.year == 2019
    assert got.note.endswith("[year-from-name]")
    assert "02/03/2019" in got.note


def test_dates_alone():
    got = infer_year("workforce", Path("csww.csv"), _dates(date(2020, 9, 1), name="RoleStartDate"))
    assert (got.year, got.note.endswith("[year-from-dates]")) == (2020, True)


def test_name_alone():
    assert infer_year("annex-a", Path("annex_a_2021.xlsx"), _dates()).year == 2021


def test_name_and_dates_disagree_is_refused():
    with pytest.raises(UsageError, match=r"its name says 2019, but its latest date, 01/04/2019"):
        infer_year("annex-a", Path("annex_a_2019.xlsx"), _dates(date(2019, 4, 1)))


def test_nothing_to_tell_the_year_is_refused():
    with pytest.raises(UsageError, match="give --year"):
        infer_year("annex-a", Path("lists/annex_a.xlsx"), _dates())
