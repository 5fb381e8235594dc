"""How loads combine into the single record (the full rule, with examples: docs/merge-rule.md).

Each SSDA903 or CIN return covers one collection year (``return_year`` Y: 1 April Y-1 to
31 March Y) and re-reports what was open at its start. For one authority and one table:

1. A return year is one return: of several loads of the same year, the latest load wins whole.
2. Per-year tables (``TableSpec.per_year``, e.g. OC2, OC3) keep every year's rows.
3. Rows with the same key (``TableSpec.key``): the latest return year's row wins.
4. Rows with a span (``TableSpec.span``): a row that an earlier return leaves open at its
   31 March (blank end, or an end on or after the next 1 April) must be re-reported by the next
   year's return; when that return is loaded and does not report it, the row is dropped.
5. Snapshot tables (``TableSpec.snapshot``: the Standard Safeguarding Dataset's extracts, which
   hold a whole history and no return year): the latest load replaces earlier ones (rule 1).
6. Child rows (``TableSpec.parent``) follow their parent: they are kept from the load whose
   parent row won, and only there (CIN ids such as ``CINdetailsID`` link rows within a load).

The rule depends on return years, never on the order the loads were made in (except rule 1,
where a later load of the same year is a resubmission).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa

from selfeval.schema import TableSpec, spec

if TYPE_CHECKING:
    from selfeval.store.store import LoadRecord, Store


def merged_table(
    store: Store, name: str, la_code: str | None = None, max_year: int | None = None
) -> pa.Table | None:
    """The table ``name`` as the single record holds it, merged across loads by the rule.

    With ``max_year``, only loads of that return year and earlier (and loads without a return
    year) are merged: the record as it stood when that year's return was made."""
    files = table_files(store, name, la_code, max_year)
    if not files:
        return None
    con = store.duckdb().cursor()
    try:
        return con.sql(
            f"select * from ({_merged_sql(store, name, la_code, files, max_year)})"
        ).to_arrow_table()
    finally:
        con.close()


def table_files(
    store: Store, name: str, la_code: str | None = None, max_year: int | None = None
) -> list[tuple[LoadRecord, Path]]:
    """The loads holding ``name``; with ``max_year``, those of that return year or earlier
    (and those without a return year: audits, plans, SSD extracts)."""
    files = store.table_files(name, la_code)
    if max_year is None:
        return files
    return [(r, p) for r, p in files if r.return_year is None or r.return_year <= max_year]


def latest_loads_per_year(
    files: Sequence[tuple[LoadRecord, Path]],
) -> list[tuple[LoadRecord, Path]]:
    """Rule 1: of several loads of one authority's return year, only the latest counts."""
    best: dict[tuple[str, int | None], tuple[LoadRecord, Path]] = {}
    for rec, p in files:
        k = (rec.la_code, rec.return_year)
        if k not in best or rec.id > best[k][0].id:
            best[k] = (rec, p)
    return sorted(best.values(), key=lambda rp: rp[0].id)


def _merged_sql(
    store: Store,
    name: str,
    la_code: str | None,
    files: Sequence[tuple[LoadRecord, Path]] | None = None,
    max_year: int | None = None,
) -> str:
    s = spec(name)
    if files is None:
        files = table_files(store, name, la_code, max_year)
    kept = latest_loads_per_year(files)
    parts = [
        f"select *, {int(rec.id)}::bigint as load_id from read_parquet('{_quote(p)}')"
        for rec, p in kept
    ]
    sql = " union all by name ".join(parts)
    if s.per_year or s.snapshot:
        # A snapshot (an SSD extract, no return year) is one "year": rule 1 keeps its latest load.
        return sql
    if s.key:
        sql = _latest_by_key(sql, s)
    if s.span:
        sql = _drop_unreported(sql, s, kept)
    if s.parent:
        sql = _follow_parent(sql, s, store, la_code, max_year)
    return sql


def _latest_by_key(sql: str, s: TableSpec) -> str:
    part = ", ".join(["la_code", *(_q(k) for k in s.key)])
    return (
        f"select * exclude (_rank) from (select *, row_number() over (partition by {part} "
        f"order by return_year desc, load_id desc) as _rank from ({sql})) where _rank = 1"
    )


def _drop_unreported(sql: str, s: TableSpec, kept: Sequence[tuple[LoadRecord, Path]]) -> str:
    """Rule 4: rows left open at a year's end that the next year's loaded return drops."""
    _start, end = s.span  # type: ignore[misc]
    years = sorted({(rec.la_code, rec.return_year) for rec, _ in kept if rec.return_year})
    if not years:
        return sql
    values = ", ".join(f"('{la}', {int(y)})" for la, y in years)
    return (
        f"select t.* from ({sql}) t where not ("
        f"(t.{_q(end)} is null or t.{_q(end)} >= make_date(t.return_year::int, 4, 1)) "
        f"and exists (select 1 from (values {values}) as v(la, y) "
        f"where v.la = t.la_code and v.y = t.return_year + 1))"
    )


def _follow_parent(
    sql: str, s: TableSpec, store: Store, la_code: str | None, max_year: int | None
) -> str:
    """Rule 5: keep child rows only from the load in which their parent row won."""
    parent_name, link = s.parent  # type: ignore[misc]
    parent = spec(parent_name)
    if not table_files(store, parent_name, la_code, max_year):
        return f"select * from ({sql}) where false"
    cols = [k for k in parent.key if k in s.fields and k != link] + [link]
    on = " and ".join(["c.load_id = p.load_id", *(f"c.{_q(c)} = p.{_q(c)}" for c in cols)])
    pcols = ", ".join(["load_id", *(_q(c) for c in cols)])
    parent_sql = _merged_sql(store, parent_name, la_code, max_year=max_year)
    return (
        f"select c.* from ({sql}) c where exists (select 1 from "
        f"(select distinct {pcols} from ({parent_sql})) p where {on})"
    )


def _q(ident: str) -> str:
    return '"' + ident.replace('"', '""') + '"'


def _quote(path: object) -> str:
    return str(path).replace("'", "''")
