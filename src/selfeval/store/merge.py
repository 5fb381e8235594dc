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
6. Activity within a CIN episode (``TableSpec.activity``): each return is authoritative for its
   own period. A row, matched to its episode (LAchildID, CINreferralDate) through its own
   load (``CINdetailsID`` links rows within one return only), stays unless its episode is gone,
   a later return reports the same activity (that row wins), or a later return reporting the
   episode finds it open at or after its start and leaves it out.
7. Other child rows (``TableSpec.parent``) follow their parent: they are kept from the load
   whose parent row won, and only there.

With ``max_year`` only the loads of that return year and earlier count: the record *as
returned* for that year.

The rule depends on return years, never on the order the loads were made in (except rule 1,
where a later load of the same year is a resubmission).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import duckdb
import pyarrow as pa

from selfeval.schema import TableSpec, spec
from selfeval.store.loads import LoadRecord


class Store(Protocol):
    """What the merge reads of a store (``selfeval.store.Store``, which merges with this)."""

    def table_files(
        self, name: str, la_code: str | None = None
    ) -> list[tuple[LoadRecord, Path]]: ...

    def table_names(self, la_code: str | None = None) -> list[str]: ...

    def duckdb(self) -> duckdb.DuckDBPyConnection: ...


def merged_table(
    store: Store, name: str, la_code: str | None = None, max_year: int | None = None
) -> pa.Table | None:
    """The table ``name`` as the single record holds it, merged across loads by the rule.

    With ``max_year``, only loads of that return year and earlier (and loads without a return
    year) are merged: the record as it stood when that year's return was made."""
    sql = merged_query(store, name, la_code, max_year)
    return None if sql is None else run_merged(store, sql)


def merged_query(
    store: Store, name: str, la_code: str | None = None, max_year: int | None = None
) -> str | None:
    """The DuckDB query of ``merged_table`` (None: no load holds the table). It names every
    file it reads and every load's id, and a load's files never change once it is recorded:
    the same query gives the same table."""
    files = table_files(store, name, la_code, max_year)
    if not files:
        return None
    return f"select * from ({_merged_sql(store, name, la_code, files, max_year)})"


def run_merged(store: Store, sql: str) -> pa.Table:
    """Run a ``merged_query`` on the store's DuckDB."""
    con = store.duckdb().cursor()
    try:
        table: pa.Table = con.sql(sql).to_arrow_table()
        return table
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
        sql = _drop_unreported(sql, s, s.span, kept)
    if s.activity:
        if s.parent is None:
            raise ValueError(f"{s.name}: activity within an episode needs its parent table")
        sql = _episode_activity(sql, s.parent, s.activity, store, la_code, max_year)
    elif s.parent:
        sql = _follow_parent(sql, s, s.parent, store, la_code, max_year)
    return sql


def _latest_by_key(sql: str, s: TableSpec) -> str:
    part = ", ".join(["la_code", *(_q(k) for k in s.key)])
    return (
        f"select * exclude (_rank) from (select *, row_number() over (partition by {part} "
        f"order by return_year desc, load_id desc) as _rank from ({sql})) where _rank = 1"
    )


def _drop_unreported(
    sql: str, s: TableSpec, span: tuple[str, str], kept: Sequence[tuple[LoadRecord, Path]]
) -> str:
    """Rule 4: rows left open at a year's end that the next year's loaded return drops."""
    cond = _unreported(s, span, kept)
    return sql if cond is None else f"select t.* from ({sql}) t where not ({cond})"


def _unreported(
    s: TableSpec, span: tuple[str, str], kept: Sequence[tuple[LoadRecord, Path]]
) -> str | None:
    """The condition (on ``t``) of a row rule 4 drops; None when no load has a return year."""
    _start, end = span
    years = sorted({(rec.la_code, rec.return_year) for rec, _ in kept if rec.return_year})
    if not years:
        return None
    values = ", ".join(f"('{la}', {int(y)})" for la, y in years)
    return (
        f"(t.{_q(end)} is null or t.{_q(end)} >= make_date(t.return_year::int, 4, 1)) "
        f"and exists (select 1 from (values {values}) as v(la, y) "
        f"where v.la = t.la_code and v.y = t.return_year + 1)"
    )


@dataclass(frozen=True)
class Dropped:
    """Rows of one table that a return left open at its 31 March and the next return does not
    report: the record as now recorded drops them (rule 4); as returned they count."""

    table: str
    la_code: str
    return_year: int
    rows: int
    ending_1_april: int
    """Of them, rows that end on 1 April, the first day of the next return's year."""

    def describe(self) -> str:
        y = self.return_year
        what = f"{self.rows} {'row' if self.rows == 1 else 'rows'} of {self.table}"
        text = (
            f"{what} that the {y} return ({self.la_code}) leaves open at 31 March {y} "
            f"{'is' if self.rows == 1 else 'are'} not in the {y + 1} return, which speaks for "
            f"everything open from 1 April {y}: as now recorded they are dropped, also from "
            f"31 March {y}; as returned for {y} they count"
        )
        if self.ending_1_april:
            text += (
                f" ({self.ending_1_april} of them {'ends' if self.ending_1_april == 1 else 'end'}"
                f" on 1 April {y}, the first day of the {y + 1} return's year)"
            )
        return text


def dropped(store: Store, la_code: str | None = None) -> list[Dropped]:
    """What rule 4 drops from the record as now recorded, by table, authority and return year:
    the reason a figure as now recorded leaves out what the earlier return counted."""
    out = []
    for name in store.table_names(la_code):
        s = spec(name)
        if not s.span or s.per_year or s.snapshot:
            continue
        kept = latest_loads_per_year(table_files(store, name, la_code))
        cond = _unreported(s, s.span, kept)
        if cond is None:
            continue
        sql = _merged_sql_raw(store, name, la_code, None)
        if s.key:
            sql = _latest_by_key(sql, s)
        end = _q(s.span[1])
        con = store.duckdb().cursor()
        try:
            found = con.sql(
                f"select la_code, return_year::int, count(*)::int, "
                f"count(*) filter (where t.{end} = make_date(t.return_year::int, 4, 1))::int "
                f"from ({sql}) t where {cond} group by all order by all"
            ).fetchall()
        finally:
            con.close()
        out += [Dropped(name, la, y, n, a) for la, y, n, a in found]
    return out


def _follow_parent(
    sql: str,
    s: TableSpec,
    parent_link: tuple[str, str],
    store: Store,
    la_code: str | None,
    max_year: int | None,
) -> str:
    """Other child rows (disabilities, assessment factors): only from the load in which
    their parent row won."""
    parent_name, link = parent_link
    parent = spec(parent_name)
    if not table_files(store, parent_name, la_code, max_year):
        return f"select * from ({sql}) where false"
    shared = (*parent.key, *_EPISODE_IDS)
    cols = list(dict.fromkeys(k for k in shared if k in s.fields and k in parent.fields))
    cols = [c for c in cols if c != link] + [link]
    on = " and ".join(["c.load_id = p.load_id", *(f"c.{_q(c)} = p.{_q(c)}" for c in cols)])
    pcols = ", ".join(["load_id", *(_q(c) for c in cols)])
    parent_sql = _merged_sql(store, parent_name, la_code, max_year=max_year)
    return (
        f"select c.* from ({sql}) c where exists (select 1 from "
        f"(select distinct {pcols} from ({parent_sql})) p where {on})"
    )


_EPISODE_IDS = ("LAchildID", "CINdetailsID")
"""The ids a CIN census row names its child and episode by (valid within one return)."""


def _episode_activity(
    sql: str,
    parent_link: tuple[str, str],
    activity: tuple[tuple[str, ...], tuple[str, ...]],
    store: Store,
    la_code: str | None,
    max_year: int | None,
) -> str:
    """Activity within a CIN episode (docs rule 5): each return authoritative for its period.

    A row of return R belongs, through the ids of its own load, to the episode (LAchildID,
    CINreferralDate). It is kept when that episode is in the merged record, no later return
    reports the same activity (same episode, same ``activity`` fields: the later one wins), and
    no later return R2 that reports the episode finds it open at or after R2's start (1 April
    R2-1): a blank end, or an end on or after that day. Activity wholly before a later return's
    period is history that return had no reason to repeat, and stays.
    """
    parent_name, link = parent_link
    parent = spec(parent_name)
    if not table_files(store, parent_name, la_code, max_year):
        return f"select * from ({sql}) where false"
    ident, ends = activity
    ref = _q(parent.span[0]) if parent.span else _q(parent.key[-1])
    child, detail = (_q(k) for k in _EPISODE_IDS)
    reported = _merged_sql_raw(store, parent_name, la_code, max_year)
    merged = _merged_sql(store, parent_name, la_code, max_year=max_year)
    end = (
        f"coalesce({', '.join('c.' + _q(e) for e in ends)})"
        if len(ends) > 1
        else ("c." + _q(ends[0]))
    )
    same = " and ".join(f"c2.{_q(k)} = c.{_q(k)}" for k in ident)
    episode = (
        "{a}.la_code = c.la_code and {a}.{child} = c.{child} "
        "and {a}._ref is not distinct from c._ref"
    )
    return (
        f"with d as (select distinct la_code, load_id, return_year, {child}, {detail}, "
        f"{ref} as _ref from ({reported})), "
        f"m as (select distinct la_code, {child}, {ref} as _ref from ({merged})), "
        f"ce as (select c.*, d._ref from ({sql}) c join d on d.load_id = c.load_id "
        f"and d.{child} = c.{child} and d.{detail} = c.{_q(link)}) "
        f"select * exclude (_ref) from ce c where "
        f"exists (select 1 from m where {episode.format(a='m', child=child)}) "
        f"and not exists (select 1 from ce c2 where {episode.format(a='c2', child=child)} "
        f"and c2.return_year > c.return_year and {same}) "
        f"and not exists (select 1 from d where {episode.format(a='d', child=child)} "
        f"and d.return_year > c.return_year "
        f"and ({end} is null or {end} >= make_date(d.return_year::int - 1, 4, 1)))"
    )


def _merged_sql_raw(store: Store, name: str, la_code: str | None, max_year: int | None) -> str:
    """Every row of the loads that count (rule 1), before rules 3-5: what each return reports."""
    kept = latest_loads_per_year(table_files(store, name, la_code, max_year))
    return " union all by name ".join(
        f"select *, {int(rec.id)}::bigint as load_id from read_parquet('{_quote(p)}')"
        for rec, p in kept
    )


def _q(ident: str) -> str:
    return '"' + ident.replace('"', '""') + '"'


def _quote(path: object) -> str:
    return str(path).replace("'", "''")
