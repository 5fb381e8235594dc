"""The tables an indicator reads, as Ibis tables on one engine, with what they cover."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from selfeval.calendar import calendar_table
from selfeval.indicators.backends import register


def open_at(start: ir.Value, end: ir.Value, at: ir.Value) -> ir.BooleanValue:
    """Open at a date: started on or before it, and its end blank or after it.

    An episode that ends on the date is not open on it; one that starts on the date is.
    """
    return (start <= at) & (end.isnull() | (end > at))


@dataclass(frozen=True)
class Coverage:
    """The dates a source table's loads cover, per authority (the return years' spans)."""

    spans: dict[str, list[tuple[date, date]]]

    def covers(self, la_code: str, start: date, end: date) -> bool:
        return any(s <= start and end <= e for s, e in _joined(self.spans.get(la_code, [])))


def _joined(spans: list[tuple[date, date]]) -> list[tuple[date, date]]:
    out: list[tuple[date, date]] = []
    for s, e in sorted(spans):
        if out and s <= date.fromordinal(out[-1][1].toordinal() + 1):
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


Reference = Callable[["Sources"], pa.Table]
"""Builds a reference table (e.g. postcode centroids) from the sources, when first needed."""


class Sources:
    """Named Ibis tables on one backend (DuckDB in process by default).

    ``tables`` are the single record's tables (child-level, with ``la_code``) and any reference
    tables such as ``population`` (la_code, year, population); ``references`` are reference
    tables built only when an indicator first reads them (see ``register_reference``).
    """

    def __init__(
        self,
        tables: dict[str, pa.Table],
        coverage: dict[str, Coverage] | None = None,
        backend: ibis.BaseBackend | None = None,
    ) -> None:
        self.backend = backend or ibis.duckdb.connect()
        self.coverage = coverage or {}
        self._tables: dict[str, ir.Table] = {}
        self._arrow: dict[str, pa.Table] = dict(tables)
        """The Arrow tables, kept alive while DuckDB's views scan them."""
        self._la_codes: list[str] | None = None
        for name, t in tables.items():
            self._tables[name] = register(self.backend, name, t)
        self._tables["calendar"] = register(self.backend, "calendar", calendar_table())

    def has(self, name: str) -> bool:
        if name in self._tables:
            return True
        ref = _REFERENCE_NEEDS.get(name)
        return name in _REFERENCES and (ref is None or all(self.has(n) for n in ref))

    def table(self, name: str) -> ir.Table:
        if name not in self._tables and self.has(name):
            built = _REFERENCES[name](self)
            self._arrow[name] = built
            self._tables[name] = register(self.backend, name, built)
        try:
            return self._tables[name]
        except KeyError:
            from selfeval.errors import NoData

            raise NoData(f"the store has no {name} table") from None

    def add(self, name: str, table: pa.Table) -> ir.Table:
        """Add (or replace) a table, e.g. a ``population`` table the store does not hold."""
        self._arrow[name] = table
        self._tables[name] = register(self.backend, name, table)
        self._la_codes = None
        return self._tables[name]

    def set_periods(self, periods: pa.Table) -> ir.Table:
        """Make ``periods`` the engine's table of periods (always named ``periods``, so that
        compiled definitions can be reused; one computation at a time per Sources)."""
        self._arrow["periods"] = periods
        self._tables["periods"] = register(self.backend, "periods", periods)
        return self._tables["periods"]

    def signature(self, names: tuple[str, ...]) -> tuple:
        """The names and schemas of these tables (those already built), for caching SQL."""
        return tuple(
            (n, tuple(self._tables[n].schema().items()))
            for n in (*names, "calendar", "periods")
            if n in self._tables
        )

    def fetch(self, sql: str) -> pa.Table:
        """Run SQL compiled for this engine and return its rows as Arrow."""
        if self.backend.name == "pyspark":
            return self.backend._session.sql(sql).toArrow()  # type: ignore[attr-defined]
        if self.backend.name == "duckdb":
            return self.backend.con.sql(sql).to_arrow_table()  # type: ignore[attr-defined]
        return self.backend.to_pyarrow(self.backend.sql(sql))

    @property
    def calendar(self) -> ir.Table:
        return self._tables["calendar"]

    def la_codes(self) -> list[str]:
        """The authorities the child-level tables hold (read once, then remembered)."""
        if self._la_codes is not None:
            return list(self._la_codes)
        codes: set[str] = set()
        for name, t in self._tables.items():
            if name not in ("calendar", "population", "periods") and "la_code" in t.columns:
                codes.update(self.backend.execute(t.select("la_code").distinct())["la_code"])
        self._la_codes = sorted(codes)
        return list(self._la_codes)


_REFERENCES: dict[str, Reference] = {}
_REFERENCE_NEEDS: dict[str, tuple[str, ...]] = {}


def register_reference(name: str, needs: tuple[str, ...] = ()) -> Callable[[Reference], Reference]:
    """Declare a reference table built on first use from the tables it ``needs``."""

    def wrap(fn: Reference) -> Reference:
        _REFERENCES[name] = fn
        _REFERENCE_NEEDS[name] = needs
        return fn

    return wrap
