"""The tables an indicator reads, as Ibis tables on one engine, with what they cover."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

import duckdb
import ibis
import ibis.expr.types as ir
import pyarrow as pa
import pyarrow.compute as pc

from selfeval.calendar import calendar_table
from selfeval.indicators.backends import register
from selfeval.indicators.basis import Basis
from selfeval.outputs.formatting import long_date


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

    def describe(self, la_code: str) -> str:
        """What the loads cover for the authority: "1 October 2023 to 31 March 2024" (spans joined
        where they meet, separated by commas), or "nothing for authority 336"."""
        spans = _joined(self.spans.get(la_code, []))
        if not spans:
            return f"nothing for authority {la_code}"
        return ", ".join(f"{long_date(s)} to {long_date(e)}" for s, e in spans)


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

    ``basis`` (and, as returned, ``year``) says which record the tables are: every figure
    computed from them carries it.

    ``tables`` are the single record's tables (child-level, with ``la_code``) and any reference
    tables such as ``population`` (la_code, year, population); ``references`` are reference
    tables built only when an indicator first reads them (see ``register_reference``).

    Several threads may compute on one Sources at once (the web app's threads): each thread
    queries through a DuckDB cursor of its own (a connection of its own to the same in-process
    database, every table registered on it) and registers its computation's ``periods`` there,
    as a DuckDB connection is not safe to share between threads and a registered view is seen
    only by its connection. The shared connection, which definitions are compiled against and
    reference tables are built on, is used under a lock. Other engines (Spark's temporary views
    are session-wide) compute one at a time.
    """

    def __init__(
        self,
        tables: dict[str, pa.Table],
        coverage: dict[str, Coverage] | None = None,
        backend: ibis.BaseBackend | None = None,
        *,
        basis: Basis = Basis.AS_RECORDED,
        year: int | None = None,
    ) -> None:
        self.backend = backend or ibis.duckdb.connect()
        self.basis = basis
        """The basis of every figure computed from these sources."""
        self.year = year
        """On the as-returned basis, the return year whose record these sources are."""
        self.coverage = coverage or {}
        self._tables: dict[str, ir.Table] = {}
        self._arrow: dict[str, pa.Table] = dict(tables)
        """The Arrow tables, kept alive while DuckDB's views scan them."""
        self._la_codes: list[str] | None = None
        self._lock = threading.RLock()
        """Held while the shared connection is used (registering, building, reading)."""
        self._serial = threading.Lock()
        """Held for a whole computation on engines other than DuckDB."""
        self._local = threading.local()
        self._version = 0
        """Counts the changes of the tables, so that threads' cursors know they are stale."""
        self._arrow["calendar"] = calendar_table()
        for name, t in self._arrow.items():
            self._tables[name] = register(self.backend, name, t)

    def has(self, name: str) -> bool:
        if name in self._tables:
            return True
        ref = _REFERENCE_NEEDS.get(name)
        if name not in _REFERENCES or not ref:
            return name in _REFERENCES
        if isinstance(ref[0], tuple):  # alternatives: any one set of tables will do
            return any(all(self.has(n) for n in alt) for alt in ref)
        return all(self.has(n) for n in ref)

    def table(self, name: str) -> ir.Table:
        with self._lock:
            if name not in self._tables and self.has(name):
                built = _REFERENCES[name](self)
                self._arrow[name] = built
                self._tables[name] = register(self.backend, name, built)
                self._version += 1
            try:
                return self._tables[name]
            except KeyError:
                from selfeval.errors import NoData

                raise NoData(f"the store has no {name} table") from None

    def add(self, name: str, table: pa.Table) -> ir.Table:
        """Add (or replace) a table, e.g. a ``population`` table the store does not hold."""
        with self._lock:
            self._arrow[name] = table
            self._tables[name] = register(self.backend, name, table)
            self._la_codes = None
            self._version += 1
            return self._tables[name]

    @contextmanager
    def computing(self, periods: pa.Table) -> Iterator[Computation]:
        """One computation over ``periods``: what its definitions compile against (a table
        always named ``periods``, so that compiled SQL is reused) and where its query runs."""
        if self.backend.name == "duckdb":
            with self._lock:  # the shared view: only its schema is read (every periods' is one)
                self._arrow["periods"] = periods
                shared = self._tables["periods"] = register(self.backend, "periods", periods)
            yield Computation(self, shared, periods)
            return
        with self._serial, self._lock:
            self._arrow["periods"] = periods
            self._tables["periods"] = register(self.backend, "periods", periods)
            yield Computation(self, self._tables["periods"], periods)

    def signature(self, names: tuple[str, ...]) -> tuple[object, ...]:
        """The names and schemas of these tables (those already built), for caching SQL."""
        return tuple(
            (n, tuple(self._tables[n].schema().items()))
            for n in (*names, "calendar", "periods")
            if n in self._tables
        )

    def compile(self, expr: ir.Expr) -> str:
        """The SQL of an expression on this engine (compiled on the shared connection)."""
        with self._lock:
            return str(self.backend.compile(expr))

    def fetch(self, sql: str, periods: pa.Table | None = None) -> pa.Table:
        """Run SQL compiled for this engine and return its rows as Arrow; on DuckDB, on a
        cursor of its own that sees every table and, as ``periods``, the table given."""
        if self.backend.name == "duckdb":
            cursor = self._cursor()
            cursor.register("periods", periods if periods is not None else self._arrow["periods"])
            table: pa.Table = cursor.sql(sql).to_arrow_table()
            return table
        with self._lock:  # ibis's backends are untyped (Any)
            if self.backend.name == "pyspark":
                table = self.backend._session.sql(sql).toArrow()
            else:
                table = self.backend.to_pyarrow(self.backend.sql(sql))
            return table

    def _cursor(self) -> duckdb.DuckDBPyConnection:
        """This thread's DuckDB cursor, with every table registered on it (made again when a
        table has been added or built since): registering them all costs more than a small
        query, and a web server's threads live long."""
        mine = self._local.__dict__
        if mine.get("version") != self._version:
            with self._lock:
                tables, version = dict(self._arrow), self._version
                cursor = self.backend.con.cursor()
            for name, t in tables.items():
                cursor.register(name, t)
            mine.update(cursor=cursor, version=version)
        mine_cursor: duckdb.DuckDBPyConnection = mine["cursor"]
        return mine_cursor

    @property
    def calendar(self) -> ir.Table:
        return self._tables["calendar"]

    def la_codes(self) -> list[str]:
        """The authorities the child-level tables hold (read once, then remembered)."""
        with self._lock:
            if self._la_codes is not None:
                return list(self._la_codes)
            codes: set[str] = set()
            skip = ("calendar", "population", "periods")
            for name, t in self._arrow.items():  # read from Arrow: no engine job per table
                if name not in skip and "la_code" in t.schema.names:
                    codes.update(
                        str(c) for c in pc.unique(t.column("la_code")).drop_null().to_pylist()
                    )
            self._la_codes = sorted(codes)
            return list(self._la_codes)


@dataclass(frozen=True)
class Computation:
    """One computation's periods: the table its definitions are compiled against, and the
    rows it is run on (see ``Sources.computing``)."""

    sources: Sources
    periods: ir.Table
    rows: pa.Table

    def fetch(self, sql: str) -> pa.Table:
        """Run this computation's SQL (compiled against ``periods``) on its own periods."""
        return self.sources.fetch(sql, self.rows)


_REFERENCES: dict[str, Reference] = {}
_REFERENCE_NEEDS: dict[str, tuple[str, ...] | tuple[tuple[str, ...], ...]] = {}


def register_reference(
    name: str, needs: tuple[str, ...] | tuple[tuple[str, ...], ...] = ()
) -> Callable[[Reference], Reference]:
    """Declare a reference table built on first use from the tables it ``needs`` (or from any
    one of several sets of tables: ``needs=(("a", "b"), ("c", "d"))``)."""

    def wrap(fn: Reference) -> Reference:
        _REFERENCES[name] = fn
        _REFERENCE_NEEDS[name] = needs
        return fn

    return wrap
