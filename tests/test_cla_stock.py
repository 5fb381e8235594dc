"""The children-looked-after stock as cs-demand-model counts it (``indicators.stock``), on one
small hand-made history that exercises each of the model's cleaning rules."""

from __future__ import annotations

from datetime import date

import pyarrow as pa
import pytest

from selfeval.indicators import stock
from selfeval.indicators.stock import cla_stock

D = date


@pytest.fixture(autouse=True, params=["ids-sorted-as-numbers", "ids-hashed"])
def _child_ids(request, monkeypatch):
    """Every test both ways child ids are coded: ids of digits ranked as numbers by one sort
    (a large authority's) and ids hashed as text (a small one's, or ids not all digits)."""
    hashed = request.param == "ids-hashed"
    monkeypatch.setattr(stock, "_HASHED_UNDER", 1 << 62 if hashed else 0)


def _header(rows):
    """903 header rows (CHILD, DOB, return_year) as the Arrow table ``cla_stock`` reads."""
    child, dob, year = zip(*rows, strict=True)
    return pa.table(
        {
            "CHILD": pa.array(child),
            "DOB": pa.array(dob, pa.date32()),
            "return_year": pa.array(year, pa.int32()),
        }
    )


def _episodes(rows):
    child, decom, dec, place = zip(*rows, strict=True)
    return pa.table(
        {
            "CHILD": pa.array(child),
            "DECOM": pa.array(decom, pa.date32()),
            "DEC": pa.array(dec, pa.date32()),
            "PLACE": pa.array(place),
        }
    )


def test_stock_by_age_band_and_placement_follows_the_models_cleaning_rules():
    """A: DOB 1 January 2010 in the 2019 header (the 2020 header's 2014 is ignored: rule 1),
    so aged 8 throughout 2018 (FIVE_TO_TEN; with the 2014 DOB it would be ONE_TO_FIVE).
      e1 1 Jan 2018 open, U1 and e2 1 Jan - 1 Jun 2018, U1: same start, the closed one is kept
         (rule 2); FOSTERING from 1 Jan to 31 May.
      e3 1 Jun 2018 - 1 Jan 2019, K2 and e4 1 Sep 2018 - 1 Jan 2019, R1: same end, the earlier
         start is kept (rule 3), so RESIDENTIAL counts 1, not 2, in September.
      e5 1 Dec 2018 open, H5: e3 ends when it starts (rule 4), so on 15 December only
         SUPPORTED counts for A.
    B: DOB 1 March 2018. e6 1-1 May 2018 (starts and ends the same day: never in the stock);
       e7 1 Jul 2018 open, Z1: aged 0.3, BIRTH_TO_ONE, OTHER.
    C has no header: left out (the model joins episodes to headers).
    """
    episodes = _episodes(
        [
            ("A", D(2018, 1, 1), None, "U1"),
            ("A", D(2018, 1, 1), D(2018, 6, 1), "U1"),
            ("A", D(2018, 6, 1), D(2019, 1, 1), "K2"),
            ("A", D(2018, 9, 1), D(2019, 1, 1), "R1"),
            ("A", D(2018, 12, 1), None, "H5"),
            ("B", D(2018, 5, 1), D(2018, 5, 1), "U1"),
            ("B", D(2018, 7, 1), None, "Z1"),
            ("C", D(2018, 1, 1), None, "U1"),
        ]
    )
    header = _header(
        [("A", D(2014, 1, 1), 2020), ("A", D(2010, 1, 1), 2019), ("B", D(2018, 3, 1), 2019)]
    )
    dates = [D(2018, 3, 31), D(2018, 5, 1), D(2018, 6, 1), D(2018, 9, 30), D(2018, 12, 15)]
    assert cla_stock(episodes, header, dates) == {
        (D(2018, 3, 31), "FIVE_TO_TEN", "FOSTERING"): 1,
        (D(2018, 5, 1), "FIVE_TO_TEN", "FOSTERING"): 1,
        (D(2018, 6, 1), "FIVE_TO_TEN", "RESIDENTIAL"): 1,
        (D(2018, 9, 30), "FIVE_TO_TEN", "RESIDENTIAL"): 1,
        (D(2018, 9, 30), "BIRTH_TO_ONE", "OTHER"): 1,
        (D(2018, 12, 15), "FIVE_TO_TEN", "SUPPORTED"): 1,
        (D(2018, 12, 15), "BIRTH_TO_ONE", "OTHER"): 1,
    }


def test_ids_of_digits_are_ranked_as_numbers_but_leading_zeros_keep_them_apart():
    """Ids of digits alone take the quicker numeric path: "1" has a header (DOB 1 January 2010),
    "01" has none, so "01"'s episode is left out as C's is above (were they one child, "1"
    would move to R1 on 1 February); "20" and "3" (no leading
    zeros, lengths differ) are two children, each counted once. On 31 March 2018: "1" and "3"
    FIVE_TO_TEN FOSTERING (2), "20" ONE_TO_FIVE RESIDENTIAL (1)."""
    episodes = _episodes(
        [
            ("1", D(2018, 1, 1), None, "U1"),
            ("01", D(2018, 2, 1), D(2018, 6, 1), "R1"),
            ("20", D(2018, 2, 1), None, "K2"),
            ("3", D(2018, 1, 1), None, "U3"),
        ]
    )
    header = _header(
        [("20", D(2015, 1, 1), 2018), ("1", D(2010, 1, 1), 2018), ("3", D(2011, 6, 1), 2018)]
    )
    assert cla_stock(episodes, header, [D(2018, 3, 31)]) == {
        (D(2018, 3, 31), "FIVE_TO_TEN", "FOSTERING"): 2,
        (D(2018, 3, 31), "ONE_TO_FIVE", "RESIDENTIAL"): 1,
    }


def test_ids_of_one_length_are_told_apart_digit_by_digit():
    """Ids of one length (leading zeros and all) are told apart as numbers: "0012" and
    "0021" (headers: DOB 2010 and 2015) are two children, "1200" (no header) a third, left out;
    on 31 March 2018 "0012" is FIVE_TO_TEN FOSTERING, "0021" ONE_TO_FIVE RESIDENTIAL."""
    from selfeval.indicators.stock import _digit_keys

    episodes = _episodes(
        [
            ("0012", D(2018, 1, 1), None, "U1"),
            ("1200", D(2018, 1, 1), None, "U1"),
            ("0021", D(2018, 2, 1), None, "K2"),
        ]
    )
    header = pa.table(
        {
            "CHILD": ["0021", "0012"],
            "DOB": pa.array([D(2015, 1, 1), D(2010, 1, 1)], pa.date32()),
            "return_year": pa.array([2018, 2018], pa.int32()),
        }
    )
    assert cla_stock(episodes, header, [D(2018, 3, 31)]) == {
        (D(2018, 3, 31), "FIVE_TO_TEN", "FOSTERING"): 1,
        (D(2018, 3, 31), "ONE_TO_FIVE", "RESIDENTIAL"): 1,
    }
    for ids in (
        ["0012", "1200", "0021", "0012", "9999", "0000"],
        ["12345678901234567", "12345678901234576", "12345678901234567"],  # 17 digits: parsed
        ["20", "3", "100", "3"],  # lengths differ, no leading zero: parsed
        ["9" * 16, "0" * 16, "9" * 16],
    ):
        keys = _digit_keys(pa.array(ids)).tolist()
        assert len(set(keys)) == len(set(ids))
        pairs = list(zip(keys, ids, strict=True))
        assert all((a == b) == (x == y) for a, x in pairs for b, y in pairs)
    for ids in (["1", "01"], ["12", "1a"], ["12", None], ["1" * 19], [""]):
        assert _digit_keys(pa.array(ids, pa.string())) is None, ids


def test_the_stock_of_every_day_in_order_is_the_stock_of_each_day():
    """``daily_stock`` over consecutive days (counts read off the running sums as they lie) gives
    what it gives for the same days in another order (picked out day by day)."""
    from datetime import timedelta

    from selfeval.indicators.stock import daily_stock

    episodes = _episodes(
        [
            ("A", D(2018, 1, 1), None, "U1"),
            ("A", D(2018, 6, 1), D(2019, 1, 1), "K2"),
            ("B", D(2018, 7, 1), D(2018, 8, 1), "Z1"),
        ]
    )
    header = pa.table(
        {
            "CHILD": ["A", "B"],
            "DOB": pa.array([D(2010, 1, 1), D(2018, 3, 1)], pa.date32()),
            "return_year": pa.array([2019, 2019], pa.int32()),
        }
    )
    days = [D(2017, 12, 30) + timedelta(n) for n in range(400)]
    in_order = daily_stock(episodes, header, days).as_dict()
    assert in_order == daily_stock(episodes, header, days[::-1]).as_dict()
    assert in_order[(D(2018, 7, 15), "BIRTH_TO_ONE", "OTHER")] == 1
    assert in_order[(D(2018, 7, 15), "FIVE_TO_TEN", "RESIDENTIAL")] == 1
    assert (D(2018, 8, 1), "BIRTH_TO_ONE", "OTHER") not in in_order
    # A: 1 January to 31 May (cut by its next start: 151 days), 1 June to 31 December (214);
    # B: 1 to 31 July (31)
    assert sum(in_order.values()) == 151 + 214 + 31


def test_placements_by_their_two_letters_or_else_by_arrow():
    """Codes of two letters are looked up by their bytes; a missing or longer code (only Arrow's
    lookup takes those) is OTHER, as the model has it."""
    from selfeval.indicators.stock import CATEGORY_NAMES, _categories

    def names(codes):
        return [CATEGORY_NAMES[i] for i in _categories(pa.array(codes, pa.string()))]

    assert names(["U1", "K2", "H5", "Z1", "R1", "P2", "U6", "u1"]) == [
        "FOSTERING",
        "RESIDENTIAL",
        "SUPPORTED",
        "OTHER",
        "RESIDENTIAL",
        "SUPPORTED",
        "FOSTERING",
        "OTHER",
    ]
    assert names(["U1", None, "K2X", "K2"]) == ["FOSTERING", "OTHER", "OTHER", "RESIDENTIAL"]
    assert names(pa.chunked_array([["H5"], ["U3", "T0"]])) == ["SUPPORTED", "FOSTERING", "OTHER"]
