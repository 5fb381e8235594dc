"""How loads combine into the single record.

Each SSDA903 or CIN return covers one collection year (``return_year`` Y: 1 April Y-1 to
31 March Y) and re-reports what was open at its start. The rule: for rows with the same key
(the table's ``TableSpec.key``, within one authority), the row from the latest return year
wins; rows that only an earlier return has are kept as history.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import duckdb
import pyarrow as pa

from selfeval.schema import spec

if TYPE_CHECKING:
    from selfeval.store.store import Store


def merged_table(store: Store, name: str, la_code: str | None = None) -> pa.Table | None:
    files = store.table_files(name, la_code)
    if not files:
        return None
    key = spec(name).key
    con = duckdb.connect()
    try:
        parts = [
            f"select *, {int(rec.id)} as load_id from read_parquet('{_quote(p)}')"
            for rec, p in files
        ]
        src = "(" + " union all by name ".join(parts) + ")"
        if not key:
            return con.execute(f"select * from {src}").to_arrow_table()
        part = ", ".join(["la_code", *(f'"{k}"' for k in key)])
        sql = (
            f"select * exclude (_rank) from (select *, row_number() over "
            f"(partition by {part} order by return_year desc, load_id desc) as _rank "
            f"from {src}) where _rank = 1"
        )
        return con.execute(sql).to_arrow_table()
    finally:
        con.close()


def _quote(path: object) -> str:
    return str(path).replace("'", "''")
