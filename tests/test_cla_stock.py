"""The children-looked-after stock as cs-demand-model counts it (``indicators.stock``), on one
small hand-made history that exercises each of the model's cleaning rules."""

from __future__ import annotations

from datetime import date

import pyarrow as pa

from selfeval.indicators.stock import cla_stock

D = date


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
    header = pa.table(
        {
            "CHILD": ["A", "A", "B"],
            "DOB": pa.array([D(2014, 1, 1), D(2010, 1, 1), D(2018, 3, 1)], pa.date32()),
            "return_year": pa.array([2020, 2019, 2019], pa.int32()),
        }
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
    header = pa.table(
        {
            "CHILD": ["20", "1", "3"],
            "DOB": pa.array([D(2015, 1, 1), D(2010, 1, 1), D(2011, 6, 1)], pa.date32()),
            "return_year": pa.array([2018, 2018, 2018], pa.int32()),
        }
    )
    assert cla_stock(episodes, header, [D(2018, 3, 31)]) == {
        (D(2018, 3, 31), "FIVE_TO_TEN", "FOSTERING"): 2,
        (D(2018, 3, 31), "ONE_TO_FIVE", "RESIDENTIAL"): 1,
    }
