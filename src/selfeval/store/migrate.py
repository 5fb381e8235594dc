"""The store's schema version: Alembic migrations of its ``se_*`` tables.

A new, empty database is made at the newest revision (``create_all``, then stamped, as
Alembic's cookbook does); an existing one is only ever changed by ``selfeval db upgrade``
(``upgrade`` here), never silently on open: a store holding years of loads is migrated on
purpose, after a backup (docs/decisions/0013-store-migrations.md). A database made by
``create_all`` before migrations existed is stamped at the baseline once its tables are checked.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from selfeval.errors import NoData, SchemaOutOfDate, SelfevalError, UsageError
from selfeval.store import workbook_tables

SCRIPTS = "selfeval.store:migrations"
BASELINE = "0001_baseline"
"""The revision equal to the schema of the stores made before migrations existed."""
PREFIX = "se_"
"""The store's tables; the web app's own tables (Django's migrations) are not Alembic's."""


def all_tables() -> sa.MetaData:
    """The metadata with every ``se_`` table on it: the loads, benchmarks and reviews
    (``db``) and the workbook imports' (``workbook_tables``), for ``create_all``."""
    return workbook_tables.metadata  # db's, with the workbook tables declared on it


def include_name(name: str | None, type_: str, _parent: object) -> bool:
    """Alembic's filter: only the store's tables (and everything inside them)."""
    return type_ != "table" or bool(name and name.startswith(PREFIX))


def config(
    connection: sa.Connection | None = None, version_locations: Sequence[str] = ()
) -> Config:
    """Alembic's configuration for the store, on ``connection``; ``version_locations`` adds
    folders of further revisions (tests use one for a revision that exists only there)."""
    cfg = Config()
    cfg.set_main_option("script_location", SCRIPTS)
    if version_locations:
        own = ScriptDirectory.from_config(cfg).versions
        cfg.set_main_option("path_separator", "os")
        cfg.set_main_option("version_locations", ":".join([own, *version_locations]))
    cfg.attributes["connection"] = connection
    return cfg


@lru_cache(maxsize=8)
def _heads(version_locations: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(ScriptDirectory.from_config(config(None, version_locations)).get_heads())


def head(version_locations: Sequence[str] = ()) -> str:
    """The newest revision this selfeval knows."""
    heads = _heads(tuple(version_locations))
    if len(heads) != 1:
        raise SelfevalError(f"internal: the store's migrations have {len(heads)} heads, not one")
    return heads[0]


@dataclass(frozen=True)
class Status:
    """Where a database stands: its revision (None when unversioned) and what to do."""

    revision: str | None
    head: str
    state: str
    """``empty`` (no store tables yet), ``unversioned`` (made before migrations), ``current``,
    ``behind`` (``selfeval db upgrade`` brings it to head) or ``unknown`` (a newer selfeval's)."""

    def describe(self) -> str:
        where = self.revision or "no revision"
        return {
            "empty": f"empty (no store tables yet); this selfeval's schema is at {self.head}",
            "unversioned": "made before schema versions (selfeval db upgrade stamps it at "
            f"{BASELINE}, then upgrades it to {self.head})",
            "current": f"at {where} (current)",
            "behind": f"at {where}; this selfeval is at {self.head}: run selfeval db upgrade",
            "unknown": f"at {where}, a revision this selfeval does not know (a newer selfeval's)",
        }[self.state]


def status(connection: sa.Connection, version_locations: Sequence[str] = ()) -> Status:
    """Where the database on ``connection`` stands against this selfeval's migrations."""
    top = head(version_locations)
    rev = MigrationContext.configure(connection).get_current_revision()
    if rev is None:
        tables = sa.inspect(connection).get_table_names()
        state = "unversioned" if any(t.startswith(PREFIX) for t in tables) else "empty"
    elif rev == top:
        state = "current"
    elif rev in _known(tuple(version_locations)):
        state = "behind"
    else:
        state = "unknown"
    return Status(rev, top, state)


@lru_cache(maxsize=8)
def _known(version_locations: tuple[str, ...]) -> frozenset[str]:
    scripts = ScriptDirectory.from_config(config(None, version_locations))
    return frozenset(s.revision for s in scripts.walk_revisions())


def ensure_current(engine: sa.Engine, version_locations: Sequence[str] = ()) -> None:
    """On opening a store: make an empty database at head; accept one at head; refuse any
    other with what to do (never migrate on open: see the module's docstring)."""
    with engine.connect() as c:
        st = status(c, version_locations)
    if st.state == "current":
        return
    url = engine.url.render_as_string(hide_password=True)
    if st.state == "empty":
        with _changing(engine.url) as c:
            if status(c, version_locations).state == "empty":  # else made meanwhile
                all_tables().create_all(c)
                command.stamp(config(c, version_locations), "head")
        return
    if st.state == "unknown":
        raise SchemaOutOfDate(
            f"the store's database ({url}) is at schema revision {st.revision}, which this "
            f"selfeval (at {st.head}) does not know: it was upgraded by a newer selfeval; "
            "install that version"
        )
    what = (
        "was made before selfeval kept schema versions"
        if st.state == "unversioned"
        else f"is at schema revision {st.revision}, older than this selfeval's {st.head}"
    )
    raise SchemaOutOfDate(
        f"the store's database ({url}) {what}: back it up, then run "
        f"`selfeval --db {url} db upgrade`"
    )


def current(url: str, version_locations: Sequence[str] = ()) -> Status:
    """Where the database at ``url`` stands (``selfeval db current``); changes nothing."""
    u = _url(url)
    if u.get_backend_name() == "sqlite" and u.database and not Path(u.database).exists():
        raise NoData(f"there is no database at {u.database}")
    engine = sa.create_engine(u)
    try:
        with engine.connect() as c:
            return status(c, version_locations)
    finally:
        engine.dispose()


def upgrade(
    url: str, revision: str = "head", version_locations: Sequence[str] = ()
) -> tuple[Status, Status]:
    """Bring the database at ``url`` to ``revision`` (``selfeval db upgrade``): (before, after).

    An empty database is built by the migrations themselves; an unversioned one (made by
    ``create_all`` before migrations) is first checked to hold the baseline's tables and
    columns and stamped at the baseline. The whole upgrade is one transaction (SQLite and
    PostgreSQL both change tables transactionally): a failure leaves the database as it was.
    """
    with _changing(_url(url)) as c:
        before = status(c, version_locations)
        if before.state == "unknown":
            raise SchemaOutOfDate(
                f"the database is at schema revision {before.revision}, which this selfeval "
                "does not know: it was upgraded by a newer selfeval"
            )
        if before.state == "unversioned":
            _check_baseline(c)
            command.stamp(config(c, version_locations), BASELINE)
        command.upgrade(config(c, version_locations), revision)
        after = status(c, version_locations)
    return before, after


def _url(url: str) -> sa.URL:
    try:
        return sa.make_url(url)
    except sa.exc.ArgumentError as e:
        raise UsageError(f"--db {url!r} is not a database URL: {e}") from None


@contextmanager
def _changing(url: sa.URL) -> Iterator[sa.Connection]:
    """One transaction for changing the schema, committed at the end (rolled back on error).

    Its own engine: on SQLite the driver is told to leave transactions to us (so that table
    changes are inside the one transaction) and foreign keys stay off while tables are copied
    (with them on, dropping a table in batch mode would cascade-delete its children's rows);
    on PostgreSQL an advisory lock keeps two upgrades from racing.
    """
    engine = sa.create_engine(url)
    if engine.dialect.name == "sqlite":

        @sa.event.listens_for(engine, "connect")
        def _manual(dbapi_conn: sqlite3.Connection, _record: object) -> None:
            dbapi_conn.isolation_level = None
            dbapi_conn.execute("PRAGMA foreign_keys=OFF")

        @sa.event.listens_for(engine, "begin")
        def _begin(conn: sa.Connection) -> None:
            conn.exec_driver_sql("BEGIN IMMEDIATE")

    try:
        with engine.begin() as c:
            if c.dialect.name == "postgresql":
                c.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext('selfeval-store'))"))
            yield c
    finally:
        engine.dispose()


@lru_cache(maxsize=1)
def baseline_columns() -> dict[str, frozenset[str]]:
    """The baseline's tables and their columns, read by running it on a scratch database."""
    scratch = sa.create_engine("sqlite://")
    with scratch.connect() as c:
        command.upgrade(config(c), BASELINE)
        c.commit()
        insp = sa.inspect(c)
        out = {
            t: frozenset(col["name"] for col in insp.get_columns(t))
            for t in insp.get_table_names()
            if t.startswith(PREFIX)
        }
    scratch.dispose()
    return out


def _check_baseline(c: sa.Connection) -> None:
    """Refuse to stamp a database that lacks a table or column of the baseline."""
    insp = sa.inspect(c)
    have = set(insp.get_table_names())
    missing: list[str] = []
    for table, cols in sorted(baseline_columns().items()):
        if table not in have:
            missing.append(f"table {table}")
            continue
        got = {col["name"] for col in insp.get_columns(table)}
        missing += [f"column {table}.{n}" for n in sorted(cols - got)]
    if missing:
        raise SchemaOutOfDate(
            "the database was made by a selfeval older than the first schema revision and "
            f"lacks {', '.join(missing)}: it cannot be stamped; load its returns into a new store"
        )
