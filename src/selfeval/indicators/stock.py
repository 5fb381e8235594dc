"""The children-looked-after stock by age band and placement type, as demand models count it.

Social Finance's demand model (D2I's ``cs-demand-model``, ``PopulationStats.stock``) counts, on
each day, the care episodes open that day by the child's age band *at the episode's start* and
the episode's placement category, after cleaning the episodes of several years' returns:

1. Episodes of every year joined to the child's header (its first DOB).
2. Of episodes of one child starting on the same day, the one ending latest is kept (an open
   one loses to a closed one: it was re-reported and then closed).
3. Of episodes of one child ending on the same day (or both open), the earliest-starting one.
4. An episode that is open, or ends after the child's next episode starts, ends then.

This module computes the same stock in one DuckDB query, so that a council's demand model and
its self-evaluation start from the same numbers. Age bands and placement categories are the
model's standard configuration (``standard-v1``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import duckdb
import pyarrow as pa

YEAR_IN_DAYS = 365.24


@dataclass(frozen=True)
class Band:
    name: str
    low: float
    high: float


AGE_BANDS = (
    Band("BIRTH_TO_ONE", -1, 1),
    Band("ONE_TO_FIVE", 1, 5),
    Band("FIVE_TO_TEN", 5, 10),
    Band("TEN_TO_SIXTEEN", 10, 16),
    Band("SIXTEEN_TO_EIGHTEEN", 16, 30),
)
PLACEMENT_CATEGORIES = {
    "FOSTERING": ("U1", "U2", "U3", "U4", "U5", "U6"),
    "RESIDENTIAL": ("K2", "R1"),
    "SUPPORTED": ("H5", "P2"),
}


def _band_sql() -> str:
    cases = " ".join(f"WHEN age >= {b.low} AND age < {b.high} THEN '{b.name}'" for b in AGE_BANDS)
    return f"CASE {cases} END"


def _category_sql() -> str:
    cases = " ".join(
        f"WHEN PLACE IN ({', '.join(repr(p) for p in places)}) THEN '{name}'"
        for name, places in PLACEMENT_CATEGORIES.items()
    )
    return f"CASE {cases} ELSE 'OTHER' END"


def cla_stock(
    episodes: pa.Table, header: pa.Table, dates: Sequence[date]
) -> dict[tuple[date, str, str], int]:
    """{(date, age band, placement category): children's episodes open that day}.

    ``episodes`` and ``header`` are the 903 tables of every year, stacked, with DECOM, DEC and
    DOB as dates and ``return_year`` on the episodes (the order the model reads them in).
    """
    con = duckdb.connect()
    try:
        con.register(
            "episodes_in", episodes.select(["CHILD", "DECOM", "DEC", "PLACE", "return_year"])
        )
        con.register("header_in", header.select(["CHILD", "DOB", "return_year"]))
        con.register("dates_in", pa.table({"d": pa.array(list(dates), pa.date32())}))
        rows = con.execute(
            f"""
            WITH header AS (
                SELECT CHILD, arg_min(DOB, return_year) AS DOB FROM header_in GROUP BY CHILD
            ),
            joined AS (
                SELECT e.CHILD, e.DECOM, e.DEC, e.PLACE, h.DOB
                FROM episodes_in e JOIN header h USING (CHILD)
            ),
            same_start AS (  -- rule 2: the latest end (an open end counts as earliest)
                SELECT * FROM joined QUALIFY row_number() OVER (
                    PARTITION BY CHILD, DECOM ORDER BY DEC DESC NULLS LAST) = 1
            ),
            same_end AS (  -- rule 3: the earliest start (open ends are one group)
                SELECT * FROM same_start QUALIFY row_number() OVER (
                    PARTITION BY CHILD, DEC ORDER BY DECOM) = 1
            ),
            cut AS (  -- rule 4
                SELECT *, lead(DECOM) OVER (PARTITION BY CHILD ORDER BY DECOM, DEC NULLS FIRST)
                    AS next_decom FROM same_end
            ),
            clean AS (
                SELECT CHILD, DECOM, PLACE,
                    CASE WHEN next_decom IS NOT NULL AND (DEC IS NULL OR DEC > next_decom)
                         THEN next_decom ELSE DEC END AS DEC,
                    date_diff('day', DOB, DECOM) / {YEAR_IN_DAYS} AS age
                FROM cut
            ),
            binned AS (
                SELECT DECOM, DEC, {_band_sql()} AS band, {_category_sql()} AS category
                FROM clean
            )
            SELECT d, band, category, count(*) AS n
            FROM dates_in JOIN binned ON DECOM <= d AND (DEC IS NULL OR DEC > d)
            GROUP BY ALL
            """
        ).fetchall()
    finally:
        con.close()
    return {(d, band, cat): int(n) for d, band, cat, n in rows}
