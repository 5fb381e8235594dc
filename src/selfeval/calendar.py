"""Working days in England: weekdays less England and Wales bank holidays.

A working-day count is a join against a calendar table (one row per date, with the number of
working days up to and including it), so that the same definition runs on every engine.
Working days from A to B = index(B) - index(A): the weekdays after A up to and including B,
less bank holidays; the same day is 0.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays
import pyarrow as pa

CALENDAR_START = date(2000, 1, 1)
CALENDAR_END = date(2040, 12, 31)


@lru_cache(maxsize=1)
def bank_holidays() -> frozenset[date]:
    years = range(CALENDAR_START.year, CALENDAR_END.year + 1)
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=years).keys())


def is_working_day(d: date) -> bool:
    return d.weekday() < 5 and d not in bank_holidays()


def working_days_between(start: date, end: date) -> int:
    """Weekdays after ``start`` up to and including ``end``, less bank holidays (may be < 0)."""
    if end < start:
        return -working_days_between(end, start)
    n, d = 0, start
    while d < end:
        d += timedelta(days=1)
        n += is_working_day(d)
    return n


@lru_cache(maxsize=1)
def calendar_table() -> pa.Table:
    """One row per date: ``date``, ``is_working_day``, ``wd_index`` (working days to date)."""
    dates, flags, idx = [], [], []
    n, d = 0, CALENDAR_START
    while d <= CALENDAR_END:
        w = is_working_day(d)
        n += w
        dates.append(d)
        flags.append(w)
        idx.append(n)
        d += timedelta(days=1)
    return pa.table(
        {
            "date": pa.array(dates, pa.date32()),
            "is_working_day": pa.array(flags, pa.bool_()),
            "wd_index": pa.array(idx, pa.int32()),
        }
    )
