"""How a figure, a date and a percentage read, in every output: the web, CSV/XLSX, documents.

One home, so that the same figure reads the same on a page, in a spreadsheet and in the
self-evaluation: counts, days and rates per 10,000 whole with thousands separators (DfE
publishes them so), percentages to one decimal place, anything else to one decimal place.
"""

from __future__ import annotations

import math
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

NO_DATA = "no data"
NOT_COMPUTED = "—"


def format_number(value: float | None, unit: str, rounded: bool = False) -> str:
    """A value in the house style: ``1,234`` children, ``412`` days, ``96`` per 10,000,
    ``12.3%`` (``12%`` when ``rounded``, for a headline)."""
    if value is None:
        return NO_DATA
    if not math.isfinite(value):
        return NOT_COMPUTED
    if unit == "percent":
        return f"{_half_up(value, 0 if rounded else 1)}%"
    if unit in ("count", "days", "rate_per_10k"):
        return f"{_half_up(value, 0):,}"
    return f"{_half_up(value, 1):,}"


def _half_up(value: float, places: int) -> Decimal:
    """``value`` to ``places`` decimals, a half rounded up (away from zero), as DfE and Excel
    round (13 of 16 is 81.3%, where Python's own formatting gives the even 81.2%): read from
    the float's shortest decimal form, so that 81.25 is the half it is written as."""
    return Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def excel_format(unit: str) -> str:
    """The spreadsheet number format that shows a value as ``format_number`` writes it (the
    cell keeps the exact value)."""
    if unit == "percent":
        return '0.0"%"'
    if unit in ("count", "days", "rate_per_10k"):
        return "#,##0"
    return "#,##0.0"


def format_figure(value: float | None, unit: str, reason: str | None = None) -> str:
    """A computed figure, or why there is none: "no data" where its source is not loaded,
    a dash where it could not be computed (``reason`` says why)."""
    if value is None:
        return NO_DATA if (reason or "").startswith("no data") else NOT_COMPUTED
    return format_number(value, unit)


def long_date(d: date) -> str:
    """A date as people write it in a report: 31 March 2020."""
    return f"{d.day} {d:%B %Y}"
