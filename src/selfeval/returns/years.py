"""A return's year when its file does not state it (Annex A, the workforce CSV and XLSX).

The year is read from the file's name (``annex_a_2019.xlsx``) or, failing that, its folder's
(``annex_a/2019/``), and from the dates inside: the latest contact or referral (Annex A), or
start or leaving date (workforce), falls in the return's year (an Annex A's year runs 1 April
to 31 March, as the SSDA903's; the workforce census's to 30 September). Where the name and the
dates agree, or only one of them speaks, that is the year, and a note says where it came from;
where they disagree, or neither speaks, the caller must give the year
(docs/decisions/0020-one-ingest.md).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from selfeval.errors import UsageError

INFERRED_KINDS = ("annex-a", "workforce")
"""Kinds whose files (other than the CSWW XML) do not say which return year they are."""

_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")

_YEAR_END = {"annex-a": (3, 31), "workforce": (9, 30)}
"""The last day (month, day) of each kind's return year."""

PERIOD_DATES = {
    "annex-a": ("date_of_contact", "date_of_referral"),
    "workforce": ("RoleStartDate", "RoleEndDate"),
}
"""The dates that place a return in its year: Annex A's contacts (List 1) and referrals (List
3), the workforce census's starters and leavers. Others can lie outside it (a birth, or an
adoption order after the list was taken)."""


@dataclass(frozen=True)
class InferredYear:
    year: int
    note: str
    """Where the year came from, for the load's summary (ends in a ``[code]``)."""


def year_in_name(path: Path) -> int | None:
    """The one year the file's name holds, else the one its folder's name holds, else None."""
    for part in (path.stem, path.parent.name):
        years = {int(y) for y in _YEAR.findall(part)}
        if len(years) == 1:
            return years.pop()
        if years:
            return None
    return None


def latest_date(kind: str, tables: Mapping[str, pa.Table]) -> date | None:
    """The latest of the dates that place a return of ``kind`` in its year."""
    found: list[date] = []
    for t in tables.values():
        for name in t.column_names:
            col = t.column(name)
            if name not in PERIOD_DATES[kind] or not pa.types.is_date(col.type):
                continue
            if col.null_count == len(col):
                continue
            found.append(pc.max(col).as_py())
    return max(found, default=None)


def year_of_date(kind: str, d: date) -> int:
    """The return year of ``kind`` that ``d`` falls in."""
    month, day = _YEAR_END[kind]
    return d.year if (d.month, d.day) <= (month, day) else d.year + 1


def infer_year(kind: str, path: Path, tables: Mapping[str, pa.Table]) -> InferredYear:
    """The return year of a file that does not state it, or ``UsageError`` saying why not."""
    named = year_in_name(path)
    last = latest_date(kind, tables)
    dated = year_of_date(kind, last) if last is not None else None
    ask = "give --year YYYY (2019 means the 2018/19 return)"
    if named is not None and dated is not None and named != dated:
        raise UsageError(
            f"{path.name}: its name says {named}, but its latest date, {last:%d/%m/%Y}, lies "
            f"in the {dated} return's year, so which year it is cannot be told: {ask}"
        )
    if named is None and dated is None:
        raise UsageError(
            f"{path.name} does not say which return year it is (no year in its name or its "
            f"folder's, and no dates inside): {ask}"
        )
    if named is not None:
        why = f"from its name, {path.parent.name}/{path.name}"
        if last is not None:
            why += f", and its latest date, {last:%d/%m/%Y}"
        return InferredYear(named, f"{path.name}: return year {named}, {why} [year-from-name]")
    assert dated is not None and last is not None
    return InferredYear(
        dated,
        f"{path.name}: return year {dated}, from its latest date, {last:%d/%m/%Y} "
        "[year-from-dates]",
    )
