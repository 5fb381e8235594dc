"""Care leavers' activity, accommodation and contact, by the age turned in the collection year
(1 April 2018 to 31 March 2019), on a hand-made OC3 table."""

from __future__ import annotations

from datetime import date

import pytest

from builders import result, sources, value
from selfeval.indicators.definitions.care_leavers import age_in_collection_year


def leaver(child: str, dob: str, activ: str, in_touch: str = "YES", accom: str = "B1") -> dict:
    return {
        "CHILD": child,
        "DOB": dob,
        "ACTIV": activ,
        "IN_TOUCH": in_touch,
        "ACCOM": accom,
        "return_year": 2019,
    }


OC3 = [
    leaver("a", "2001-05-01", "F2"),  # 17 on 01/05/2018: education
    leaver("b", "2000-04-01", "G5"),  # 18 on 01/04/2018, the year's first day: NEET
    leaver("c", "2002-04-01", "F2"),  # 16: in no cohort
    leaver("d", "2000-03-31", "F1"),  # 19 on 31/03/2019, the year's last day: university
    leaver("e", "1997-04-01", "F4", accom="C2"),  # 21: employed, unsuitable accommodation
    leaver("f", "1997-03-31", "F1"),  # 22: in no cohort
    leaver("g", "1999-06-15", "0", in_touch="NO", accom="0"),  # 19: not in touch
]


@pytest.mark.parametrize(
    ("dob", "age"),
    [("2001-05-01", 17), ("2000-04-01", 18), ("2000-03-31", 19), ("1997-04-01", 21)],
)
def test_age_turned_in_the_collection_year(dob, age):
    src = sources(ssda903_oc3=[])
    got = src.backend.execute(
        __import__("ibis")
        .literal(date.fromisoformat(dob))
        .pipe(lambda d: age_in_collection_year(d, __import__("ibis").literal(2019)))
    )
    assert got == age


def test_the_cohorts():
    """17-18: a, b; EET a = 1 of 2. 19-21: d, e, g; EET d, e = 2 of 3; higher education d =
    1 of 3; suitable accommodation d (B1) = 1 of 3 (e's C2 unsuitable, g's 0 unknown); in
    touch d, e = 2 of 3."""
    src = sources(ssda903_oc3=OC3)
    at = "2019-03-31"
    r = result(src, "care_leavers_eet_17_18_pct", at)
    assert (r.numerator, r.denominator) == (1, 2)
    got = {
        i: (result(src, i, at).numerator, result(src, i, at).denominator)
        for i in (
            "care_leavers_eet_19_21_pct",
            "care_leavers_he_19_21_pct",
            "care_leavers_suitable_accom_19_21_pct",
            "care_leavers_in_touch_pct",
        )
    }
    assert got == {
        "care_leavers_eet_19_21_pct": (2, 3),
        "care_leavers_he_19_21_pct": (1, 3),
        "care_leavers_suitable_accom_19_21_pct": (1, 3),
        "care_leavers_in_touch_pct": (2, 3),
    }


def test_the_figure_is_the_latest_return_before_the_date():
    """Asked on 30/09/2019, the latest OC3 is the 2019 return's: the same 50%."""
    assert value(sources(ssda903_oc3=OC3), "care_leavers_eet_17_18_pct", "2019-09-30") == 50.0
