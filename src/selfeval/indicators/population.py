"""ONS mid-year populations (children aged 0 to 17) as the indicator engine's ``population``
source: one row per authority and mid-year, the denominator of rates per 10,000 children.

DfE divides a count at 31 March Y by the estimate for mid-year Y-1 (Wolverhampton, 31 March
2020: 588 / 61,173 (mid-2019) x 10,000 = 96), so a rate indicator joins ``year = Y - 1``.
"""

from __future__ import annotations

from collections.abc import Sequence

import pyarrow as pa

from selfeval.indicators.published import POPULATION, has_benchmarks, published_series
from selfeval.store import Store

_FIELDS: list[tuple[str, pa.DataType]] = [
    ("la_code", pa.string()),
    ("year", pa.int64()),
    ("population", pa.float64()),
]
SCHEMA = pa.schema(_FIELDS)


def population_table(store: Store, la_codes: Sequence[str] | None = None) -> pa.Table | None:
    """The imported estimates (for ``la_codes`` only, when given), or None if none imported."""
    if not has_benchmarks(store):
        return None
    s = published_series(store, POPULATION)
    wanted = set(la_codes) if la_codes is not None else None
    rows = sorted(
        (la, year, cell.value)
        for (la, year), cell in s.authorities.items()
        if cell.value is not None and (wanted is None or la in wanted)
    )
    if not s.authorities:
        return None
    return pa.table(
        {
            "la_code": pa.array([r[0] for r in rows], pa.string()),
            "year": pa.array([r[1] for r in rows], pa.int64()),
            "population": pa.array([r[2] for r in rows], pa.float64()),
        },
        schema=SCHEMA,
    )
