"""The children-looked-after stock by age band and placement type, as demand models count it.

Social Finance's demand model (D2I's ``cs-demand-model``, ``PopulationStats.stock``) counts, on
each day, the care episodes open that day by the child's age band *at the episode's start* and
the episode's placement category, after cleaning the episodes of several years' returns:

1. Episodes of every year joined to the child's header (its first DOB).
2. Of episodes of one child starting on the same day, the one ending latest is kept (an open
   one loses to a closed one: it was re-reported and then closed).
3. Of episodes of one child ending on the same day (or both open), the earliest-starting one.
4. An episode that is open, or ends after the child's next episode starts, ends then.

This module computes the same stock with one vectorised pass (numpy over Arrow columns: a few
sorts of packed keys and one count per bin and day, no per-row Python), so that a council's
demand model and its self-evaluation start from the same numbers, for every day of five years
in well under a second. Age bands and placement categories are the model's standard configuration
(``standard-v1``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeAlias, cast

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

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
CATEGORY_NAMES = (*PLACEMENT_CATEGORIES, "OTHER")
_PLACES = [p for places in PLACEMENT_CATEGORIES.values() for p in places]
_PLACE_CODES = pa.array(_PLACES)
_PLACE_CATEGORY = np.array(
    [i for i, places in enumerate(PLACEMENT_CATEGORIES.values()) for _ in places]
    + [len(PLACEMENT_CATEGORIES)]  # not found: OTHER
)
_OPEN = np.iinfo(np.int64).min  # an open episode's end, sorted first as the model sorts NaT
_EPOCH = date(1970, 1, 1).toordinal()
_BITS = 21  # bits of a packed sort key's part: 2 million children, 5,700 years of days


Ints: TypeAlias = "np.ndarray[Any, np.dtype[np.int64]]"
Column: TypeAlias = "pa.ChunkedArray[Any] | pa.Array[Any]"


def _days(column: Column) -> Ints:
    """Days since 1970 as int64, an open (null) date as ``_OPEN`` (numpy's NaT is that value)."""
    if column.type != pa.date32():
        column = pc.cast(column, pa.date32())
    if isinstance(column, pa.ChunkedArray):
        dates = column.to_numpy()
    else:
        dates = column.to_numpy(zero_copy_only=False)
    return np.asarray(dates, "datetime64[D]").view(np.int64)


def _first_of_runs(*keys: Ints) -> np.ndarray[Any, np.dtype[np.bool_]]:
    """For rows sorted by ``keys``, True at the first row of each run of equal keys."""
    first = np.ones(len(keys[0]), bool)
    first[1:] = np.logical_or.reduce([k[1:] != k[:-1] for k in keys])
    return first


def _child_codes(*columns: Column) -> list[Ints]:
    """Each column's child identifiers as small integers, equal ids equal codes across the
    columns (a missing id is a code of its own). Ids of digits alone (most authorities') are
    ranked as numbers by one sort, several times quicker than hashing them as text; leading
    zeros keep ids apart, so numbers only where the ids' lengths are equal or none starts
    with 0."""
    parts = [c if c.type == pa.string() else pc.cast(c, pa.string()) for c in columns]
    ids = pa.chunked_array(
        [ch for p in parts for ch in (p.chunks if isinstance(p, pa.ChunkedArray) else [p])],
        pa.string(),
    )
    lengths = pc.binary_length(ids)
    shortest, longest = pc.min(lengths).as_py() or 0, pc.max(lengths).as_py() or 0
    if (
        ids.null_count == 0
        and len(ids)
        and 1 <= shortest <= longest <= 18
        and pc.all(pc.ascii_is_decimal(ids)).as_py()
        and (shortest == longest or not pc.any(pc.starts_with(ids, "0")).as_py())
    ):
        numbers = pc.cast(ids, pa.int64()).to_numpy()
        order = np.argsort(numbers, kind="stable")  # quick: returns list children in order
        codes = np.empty(len(numbers), np.int64)
        codes[order] = np.cumsum(_first_of_runs(numbers[order])) - 1
    else:
        coded = cast("pa.DictionaryArray[Any, Any]", pc.dictionary_encode(ids.combine_chunks()))
        indices = coded.indices.fill_null(len(coded.dictionary))  # a missing id: its own
        codes = indices.to_numpy().astype(np.int64)
    return np.split(codes, np.cumsum([len(c) for c in columns])[:-1])


def _sort_order(*keys: Ints) -> Ints:
    """The stable order of rows by ``keys`` (most significant first, each >= 0): one packed
    integer sorted when they fit in 63 bits (several times quicker), else ``np.lexsort``."""
    if all(len(k) == 0 or k.max() < 1 << _BITS for k in keys) and len(keys) * _BITS < 64:
        packed = np.zeros(len(keys[0]), np.int64)
        for k in keys:
            packed = (packed << _BITS) | k
        return np.argsort(packed, kind="stable")
    return np.lexsort(keys[::-1])


def clean_episodes(episodes: pa.Table, header: pa.Table) -> dict[str, Ints]:
    """The model's cleaned episodes (rules 1-4) as arrays: ``start``, ``end`` (days, open =
    ``_OPEN``), ``band`` (index into ``AGE_BANDS``, -1 outside them), ``category`` (index into
    ``CATEGORY_NAMES``)."""
    child, h_child = _child_codes(episodes.column("CHILD"), header.column("CHILD"))

    # Rule 1: each child's DOB from the first header that has the child (earliest return).
    years = header.column("return_year").to_numpy()  # a missing year (NaN) as 0
    h_year = np.nan_to_num(years, nan=0).astype(np.int64)
    first = _sort_order(h_child, h_year - (h_year.min() if len(h_year) else 0))
    first = first[_first_of_runs(h_child[first])]
    dob = np.full(max(child.max(initial=-1), h_child.max(initial=-1)) + 1, _OPEN, np.int64)
    dob[h_child[first]] = _days(header.column("DOB"))[first]
    has_header = dob[child] != _OPEN

    start, end = _days(episodes.column("DECOM")), _days(episodes.column("DEC"))
    place = episodes.column("PLACE")
    if place.type != pa.string():
        place = pc.cast(place, pa.string())
    found = pc.index_in(place, _PLACE_CODES).fill_null(len(_PLACES))
    category = _PLACE_CATEGORY[found.to_numpy()]
    keep = np.flatnonzero(has_header & (start != _OPEN))  # the model asserts DECOM is there
    child, start, end, category = child[keep], start[keep], end[keep], category[keep]

    # Sort as the model does: child, start, end with open ends first; ties keep their order.
    # Days as offsets from the earliest (open ends 0, first), so that the keys pack.
    closed = end != _OPEN
    base = min(start.min(initial=0), end[closed].min(initial=0)) - 1
    start_at, end_at = start - base, np.where(closed, end - base, 0)
    order = _sort_order(child, start_at, end_at)
    child, start, end, category = child[order], start[order], end[order], category[order]
    start_at, end_at = start_at[order], end_at[order]
    # Rule 2: of one child's episodes starting the same day, the last (the latest end).
    same = np.ones(len(child), bool)
    same[:-1] = (child[1:] != child[:-1]) | (start[1:] != start[:-1])
    child, start, end, category = child[same], start[same], end[same], category[same]
    end_at = end_at[same]
    # Rule 3: of one child's episodes ending the same day (or open), the first in that order.
    by_end = _sort_order(child, end_at)
    kept = np.sort(by_end[_first_of_runs(child[by_end], end[by_end])])
    child, start, end, category = child[kept], start[kept], end[kept], category[kept]
    # Rule 4: an open episode, or one ending after the child's next start, ends then.
    next_start = np.full(len(child), _OPEN, np.int64)
    same_child = child[1:] == child[:-1]
    next_start[:-1][same_child] = start[1:][same_child]
    cut = (next_start != _OPEN) & ((end == _OPEN) | (end > next_start))
    end = np.where(cut, next_start, end)

    age = (start - dob[child]) / YEAR_IN_DAYS
    band = np.full(len(child), -1)
    for i, b in enumerate(AGE_BANDS):
        band[(age >= b.low) & (age < b.high)] = i
    return {"start": start, "end": end, "band": band, "category": category}


@dataclass(frozen=True)
class DailyStock:
    """The stock as a matrix: ``counts[bin, day]`` for bins in (age band, category) order."""

    dates: Sequence[date]
    counts: np.ndarray

    def as_dict(self) -> dict[tuple[date, str, str], int]:
        """{(date, age band, placement category): count}, zeros left out."""
        n_cat = len(CATEGORY_NAMES)
        out: dict[tuple[date, str, str], int] = {}
        for b, j in zip(*np.nonzero(self.counts), strict=True):
            band, cat = divmod(int(b), n_cat)
            out[(self.dates[j], AGE_BANDS[band].name, CATEGORY_NAMES[cat])] = int(self.counts[b, j])
        return out


def daily_stock(episodes: pa.Table, header: pa.Table, dates: Sequence[date]) -> DailyStock:
    """The stock on each of ``dates`` by age band and placement category (``cla_stock``)."""
    ep = clean_episodes(episodes, header)
    n_bins = len(AGE_BANDS) * len(CATEGORY_NAMES)
    days = np.array([d.toordinal() for d in dates], np.int64) - _EPOCH  # quicker than numpy's
    if not len(days):
        return DailyStock(dates, np.zeros((n_bins, 0), np.int64))
    # Starts and ends counted per bin and day (slot 0: before the first date, the last slot:
    # after the last), summed along the days: the stock on a day is the starts up to it less
    # the ends up to it.
    first, width = days.min(), days.max() - days.min() + 3
    inside = ep["band"] >= 0
    bins = (ep["band"] * len(CATEGORY_NAMES) + ep["category"])[inside]
    start, end = ep["start"][inside], ep["end"][inside]
    closed = end != _OPEN

    def cumulative(bins: np.ndarray, when: np.ndarray) -> np.ndarray:
        slot = np.clip(when - first + 1, 0, width - 1)
        counts = np.bincount(bins * width + slot, minlength=n_bins * width)
        return counts.reshape(n_bins, width).cumsum(axis=1)

    at = days - first + 1
    counts = cumulative(bins, start)[:, at] - cumulative(bins[closed], end[closed])[:, at]
    return DailyStock(dates, counts)


def cla_stock(
    episodes: pa.Table, header: pa.Table, dates: Sequence[date]
) -> dict[tuple[date, str, str], int]:
    """{(date, age band, placement category): children's episodes open that day}, zeros left out.

    ``episodes`` and ``header`` are the 903 tables of every year, stacked in return-year order,
    with DECOM, DEC and DOB as dates and ``return_year`` on the header. As the model does, the
    stock on a day is the episodes started by then less those ended by then, per bin.
    """
    return daily_stock(episodes, header, dates).as_dict()
