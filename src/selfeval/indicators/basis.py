"""The two bases a figure is on, and which loads each one reads (decision: docs/decisions).

*As returned*: a year's figures from the record as it stood when that year's return was made,
built from the loads of that return year and earlier (so the year's own returns speak for its
period exactly as submitted, and look-back indicators find the earlier years they need); the
basis of every comparison with DfE's published statistics. *As now recorded*: from every load,
with later returns' corrections and late-recorded episodes.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum


class Basis(StrEnum):
    """Which record a figure is computed from; its value is the name printed beside figures."""

    AS_RETURNED = "as returned"
    AS_RECORDED = "as now recorded"

    @property
    def option(self) -> str:
        """The command-line spelling: ``as-returned`` or ``as-recorded``."""
        return "as-returned" if self is Basis.AS_RETURNED else "as-recorded"

    @classmethod
    def parse(cls, text: str | Basis) -> Basis:
        """A basis from its value, its name or its command-line spelling."""
        if isinstance(text, Basis):
            return text
        t = str(text).strip().lower().replace("_", "-").replace(" ", "-")
        for b in cls:
            if t in (b.value.replace(" ", "-"), b.option, b.name.lower().replace("_", "-")):
                return b
        from selfeval.errors import UsageError

        raise UsageError(f"a basis is as-returned or as-recorded, not {text!r}")


AS_RETURNED = Basis.AS_RETURNED
AS_RECORDED = Basis.AS_RECORDED


def collection_year(at: date) -> int:
    """The 903/CIN collection year containing ``at`` (1 April Y-1 to 31 March Y gives Y)."""
    return at.year + 1 if at.month >= 4 else at.year


def census_year(at: date) -> int:
    """The workforce census year containing ``at`` (1 October Y-1 to 30 September Y gives Y)."""
    return at.year + 1 if at.month >= 10 else at.year


def table_year(year: int | date, table: str) -> int:
    """The last return year a table is read to on the as-returned basis for ``year``: an int is
    a return year as it stands; a date gives the year containing it (the workforce census year
    for ``workforce_*`` tables, the collection year for the rest)."""
    if isinstance(year, date):
        return census_year(year) if table.startswith("workforce") else collection_year(year)
    return int(year)
