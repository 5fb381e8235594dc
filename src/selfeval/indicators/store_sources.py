"""Sources built from a store: its merged tables and the years its loads cover."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import ibis

from selfeval.errors import UsageError
from selfeval.indicators.basis import Basis, table_year
from selfeval.indicators.population import population_table
from selfeval.indicators.sources import Coverage, Sources
from selfeval.indicators.workbook_sources import quality_tables
from selfeval.store import Store
from selfeval.store.merge import table_files
from selfeval.store.store import LoadsRead

SIX_MONTH_LISTS = tuple(f"annex_a_list{n}" for n in range(1, 9))
"""Annex A's Lists 1-8 (contacts to children in care) hold the six months before the workbook
(Lists 6-8: every child open at any time in them)."""


def return_year_span(year: int, table: str = "") -> tuple[date, date]:
    """Collection year Y runs from 1 April Y-1 to 31 March Y; the workforce census year
    (``workforce_*`` tables) from 1 October Y-1 to 30 September Y; Annex A's lists, taken
    at 31 March Y, cover 1 October Y-1 to 31 March Y (Lists 1-8)."""
    if table.startswith("workforce"):
        return date(year - 1, 10, 1), date(year, 9, 30)
    if table in SIX_MONTH_LISTS:
        return date(year - 1, 10, 1), date(year, 3, 31)
    return date(year - 1, 4, 1), date(year, 3, 31)


def sources_from_store(
    store: Store,
    la_code: str | None = None,
    backend: ibis.BaseBackend | None = None,
    *,
    basis: Basis | str = Basis.AS_RECORDED,
    year: int | date | None = None,
    only: Iterable[str] | None = None,
    loads: LoadsRead | None = None,
) -> Sources:
    """The store's merged tables as engine sources (DuckDB unless ``backend`` is given).

    ``basis`` *as now recorded* (the default: what every caller that names no basis has always
    had) merges every load. *As returned* for ``year`` merges the loads of that return year and
    earlier only: an int is a return year (1 April Y-1 to 31 March Y; the workforce census to
    30 September Y); a date gives the collection year containing it (for ``workforce_*``
    tables, the census year containing it). Figures computed from these sources carry the basis.
    ``loads``: the store's loads (of ``la_code``) as the caller read them (``Store.read_loads``),
    for work that must agree with these sources; else they are read here.
    """
    basis = Basis.parse(basis)
    if basis is Basis.AS_RETURNED and year is None:
        raise UsageError("figures as returned need the year they are for")
    tables = {}
    coverage = {}
    wanted = set(only) if only is not None else None
    if loads is None:  # once: every table and its coverage from one reading
        loads = store.read_loads(la_code)
    for name in loads.table_names(la_code):
        if wanted is not None and name not in wanted:
            continue
        max_year = (
            table_year(year, name) if basis is Basis.AS_RETURNED and year is not None else None
        )
        t = loads.table(name, la_code, max_year)
        if t is None:
            continue
        tables[name] = t
        spans: dict[str, list[tuple[date, date]]] = {}
        for rec, _ in table_files(loads, name, la_code, max_year):
            if rec.return_year:
                spans.setdefault(rec.la_code, []).append(return_year_span(rec.return_year, name))
        if spans:  # tables without return years (SSD extracts) cover what they hold
            coverage[name] = Coverage(spans)
    # ONS mid-year estimates (la_code, year, population aged 0-17), when benchmarks are
    # imported; only for the authorities the store holds returns for.
    population = population_table(store, [la_code] if la_code else store.la_codes())
    if population is not None:
        tables["population"] = population
    if wanted is None:
        tables.update(quality_tables(store, la_code))  # audits and plan (application database)
    as_of = table_year(year, "") if basis is Basis.AS_RETURNED and year is not None else None
    return Sources(tables, coverage, backend=backend, basis=basis, year=as_of)
