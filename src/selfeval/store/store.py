"""The store: open by URL, load tables in one transaction, list, undo and read them."""

from __future__ import annotations

import fcntl
import getpass
import hashlib
import json
import os
import shutil
import signal
import threading
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from io import BufferedWriter
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import sqlalchemy as sa
from sqlalchemy.engine.interfaces import DBAPIConnection

from selfeval import __version__
from selfeval.errors import NoData, SelfevalError, UsageError
from selfeval.schema import ALL_TABLES, is_known
from selfeval.settings import current
from selfeval.store import db, migrate
from selfeval.store.loads import FileInfo, LoadRecord
from selfeval.store.merge import merged_query, run_merged

MERGED_TABLES_BYTES = 256 * 2**20
"""The most memory a store keeps its recently merged tables in (``Store.table``)."""
CHILD_ID_FIELDS = ("CHILD", "LAchildID")
"""The fields that hold a child's id in the returns (SSDA903, CIN census)."""
DEFAULT_LA = "default_la_code"


def which_authority(
    held: Iterable[str],
    given: str | None = None,
    *,
    default: str | None = None,
    what: str = "returns",
) -> str:
    """The authority a command or page is about (the one rule of the CLI, the web and the
    library): as ``given``; else the only one ``held``; else ``default`` (the store's default
    authority) where it is among them or none is held. Refuses where that leaves several or
    none, saying so."""
    if given:
        return given
    las = sorted(set(held))
    if len(las) == 1:
        return las[0]
    if default and (not las or default in las):
        return default
    if not las:
        raise NoData(f"the store holds no {what}: load some first")
    raise UsageError(
        f"the store holds {what} of several authorities ({', '.join(las)}): give --la CODE"
    )


@dataclass(frozen=True)
class PendingLoad:
    """A load that has been read (and validated) but not yet recorded."""

    la_code: str
    kind: str
    return_year: int | None
    files: list[FileInfo]
    tables: Mapping[str, pa.Table]
    validation: dict[str, Any] = field(default_factory=dict)
    validators: dict[str, str] = field(default_factory=dict)
    pseudonym_key_id: str | None = None
    attachments: Mapping[str, bytes] = field(default_factory=dict)
    """Extra files kept in the load's folder (e.g. the validation report)."""

    @property
    def content_hash(self) -> str:
        return content_hash(
            self.kind, self.la_code, self.return_year, self.files, self.pseudonym_key_id
        )

    @property
    def folder(self) -> str:
        return f"{self.la_code}-{self.kind}-{self.return_year or 'na'}-{self.content_hash[:16]}"


def content_hash(
    kind: str,
    la_code: str,
    return_year: int | None,
    files: Iterable[FileInfo],
    pseudonym_key_id: str | None = None,
) -> str:
    """The identity of a load: what kind, for whom, which year, the files' contents, the key."""
    h = hashlib.sha256()
    h.update(f"{kind}\n{la_code}\n{return_year}\n".encode())
    if pseudonym_key_id:
        h.update(f"pseudonymised:{pseudonym_key_id}\n".encode())
    for sha in sorted(f.sha256 for f in files):
        h.update(sha.encode())
    return h.hexdigest()


def _data_dir_for(url: sa.URL) -> Path:
    if url.get_backend_name() == "sqlite":
        if not url.database or url.database == ":memory:":
            raise UsageError("an in-memory SQLite store has nowhere to keep its data; give a file")
        return Path(url.database + ".data")
    given = current().data_dir
    if not given:
        raise UsageError(
            "a PostgreSQL store keeps its child-level files in a folder: set SELFEVAL_DATA_DIR"
        )
    return given


class LoadsRead:
    """The store's loads as ``Store.read_loads`` read them: the merge reads a store through
    this (``merge.Store``), so that a table, its parent tables and their coverage are all
    merged from one reading of the loads."""

    def __init__(self, store: Store, records: tuple[LoadRecord, ...], la_code: str | None):
        self.store = store
        self.records = records
        self.la_code = la_code
        self._files: dict[tuple[str, str | None], list[tuple[LoadRecord, Path]]] = {}

    def table_files(self, name: str, la_code: str | None = None) -> list[tuple[LoadRecord, Path]]:
        """The loads holding the table ``name`` (of ``la_code``), with its file in each."""
        key = (name, la_code)
        if key not in self._files:
            self._files[key] = [
                (rec, p)
                for rec in self._of(la_code)
                if name in rec.tables
                and (p := self.store.data_dir / "loads" / rec.folder / f"{name}.parquet").exists()
            ]
        return list(self._files[key])

    def table_names(self, la_code: str | None = None) -> list[str]:
        """Every table that some load read holds."""
        return sorted({n for rec in self._of(la_code) for n in rec.tables})

    def table(
        self, name: str, la_code: str | None = None, max_year: int | None = None
    ) -> pa.Table | None:
        """``Store.table`` of these loads."""
        return self.store._merged_table(self, name, la_code, max_year)

    def duckdb(self) -> duckdb.DuckDBPyConnection:
        return self.store.duckdb()

    def _of(self, la_code: str | None) -> tuple[LoadRecord, ...]:
        """The loads read of ``la_code`` (None or "": every authority's, as ``Store.loads``)."""
        la_code = la_code or None
        if la_code == self.la_code:
            return self.records
        if self.la_code is not None:
            raise ValueError(f"these loads are authority {self.la_code}'s, not {la_code}'s")
        return tuple(r for r in self.records if r.la_code == la_code)


class Store:
    """The single record of one or more local authorities."""

    def __init__(self, url: str, data_dir: Path | None = None) -> None:
        try:
            self.url = sa.make_url(url)
        except sa.exc.ArgumentError as e:
            raise UsageError(f"--db {url!r} is not a database URL: {e}") from None
        self.data_dir = Path(data_dir) if data_dir else _data_dir_for(self.url)
        if self.url.get_backend_name() == "sqlite" and self.url.database:
            Path(self.url.database).parent.mkdir(parents=True, exist_ok=True)
            private_file(Path(self.url.database))  # SQLite gives its -wal and -shm the same
        self.engine = sa.create_engine(self.url)
        self._duckdb: duckdb.DuckDBPyConnection | None = None
        self._merged: dict[str, pa.Table] = {}
        self._merged_lock = threading.Lock()
        if self.url.get_backend_name() == "sqlite":
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)
        private_dir(self.data_dir)
        private_dir(self.data_dir / "loads")
        migrate.ensure_current(self.engine)  # a new database made at head; an old one refused
        with self.writing(wait=False) as got:
            if got:  # else another process is writing; it, or the next opener, sweeps
                self._sweep()

    # -- loads -------------------------------------------------------------------------------

    def find_load(self, la_code: str, chash: str) -> LoadRecord | None:
        with self.engine.connect() as c:
            row = c.execute(
                sa.select(db.loads).where(
                    db.loads.c.la_code == la_code, db.loads.c.content_hash == chash
                )
            ).first()
        return self._record(row) if row else None

    def add_load(
        self,
        *,
        la_code: str,
        kind: str,
        return_year: int | None,
        files: list[FileInfo],
        tables: Mapping[str, pa.Table],
        validation: dict[str, Any] | None = None,
        loaded_by: str | None = None,
        pseudonymised: bool = False,
        pseudonym_key_id: str | None = None,
    ) -> tuple[LoadRecord, bool]:
        """Record one load atomically: (record, created); the same files again change nothing."""
        if pseudonymised and not pseudonym_key_id:
            raise SelfevalError("internal: a pseudonymised load needs its key's fingerprint")
        pending = PendingLoad(
            la_code=la_code,
            kind=kind,
            return_year=return_year,
            files=files,
            tables=tables,
            validation=validation or {},
            pseudonym_key_id=pseudonym_key_id,
        )
        [(rec, created)] = self.add_loads([pending], loaded_by=loaded_by)
        return rec, created

    def add_loads(
        self, pending: Sequence[PendingLoad], *, loaded_by: str | None = None
    ) -> list[tuple[LoadRecord, bool]]:
        """Record several loads as one transaction: all of them, or (on any failure) none.

        Each load's files are written to ``staging/``, fsynced and renamed into ``loads/``; then
        one database transaction inserts every load's row. The row is the commit point: until
        it exists, a folder is an orphan that the next opening of the store sweeps away.
        Loads already in the store (same content hash) are left as they are.
        """
        batch = uuid.uuid4().hex
        who = loaded_by or whoami()
        with self.writing():
            existing: dict[int, LoadRecord] = {}
            todo: list[tuple[int, PendingLoad]] = []
            seen: set[tuple[str, str]] = set()
            for i, p in enumerate(pending):
                found = self.find_load(p.la_code, p.content_hash)
                if found:
                    existing[i] = found
                elif (p.la_code, p.content_hash) not in seen:
                    seen.add((p.la_code, p.content_hash))
                    todo.append((i, p))
            self._check_pseudonym_keys([p for _, p in todo])
            moved: list[Path] = []
            try:
                for _, p in todo:
                    moved.append(self._write_folder(p))
                ids = self._insert_rows([p for _, p in todo], who, batch)
            except BaseException:
                for f in moved:
                    shutil.rmtree(f, ignore_errors=True)
                raise
            crash_point("db-commit")
        created = dict(zip((i for i, _ in todo), ids, strict=True))
        out: list[tuple[LoadRecord, bool]] = []
        for i, p in enumerate(pending):
            if i in existing:
                out.append((existing[i], False))
            elif i in created:
                out.append((self.load(created[i]), True))
            else:  # the same load twice in one call
                first = self.find_load(p.la_code, p.content_hash)
                if first is None:  # its first time in this call was stored just above
                    raise RuntimeError(f"load {p.content_hash} was not stored")
                out.append((first, False))
        return out

    def _write_folder(self, p: PendingLoad) -> Path:
        staging = self.data_dir / "staging" / uuid.uuid4().hex
        private_dir(staging.parent)
        staging.mkdir(mode=0o700)
        try:
            for name, table in p.tables.items():
                if not is_known(name):
                    raise SelfevalError(f"internal: table {name!r} is not in selfeval.schema")
                with _private_open(staging / f"{name}.parquet") as f:
                    pq.write_table(table, f)
                crash_point("staging-write")
            for fname, data in p.attachments.items():
                if "/" in fname or fname.startswith(".") or fname.endswith(".parquet"):
                    raise SelfevalError(f"internal: attachment name {fname!r} is not allowed")
                with _private_open(staging / fname) as f:
                    f.write(data)
            _fsync_dir(staging)
            crash_point("staging-fsync")
            final = self.data_dir / "loads" / p.folder
            if final.exists():  # an orphan of an interrupted load of the same files
                shutil.rmtree(final)
            os.replace(staging, final)
            _fsync_dir(final.parent)
            crash_point("rename")
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        return final

    def _insert_rows(self, todo: Sequence[PendingLoad], who: str, batch: str) -> list[int]:
        ids: list[int] = []
        if not todo:
            return ids
        with self.engine.begin() as c:
            for p in todo:
                load_id = db.inserted_id(
                    c.execute(
                        sa.insert(db.loads).values(
                            la_code=p.la_code,
                            kind=p.kind,
                            return_year=p.return_year,
                            content_hash=p.content_hash,
                            folder=p.folder,
                            loaded_by=who,
                            loaded_at=datetime.now(UTC),
                            tables={n: t.num_rows for n, t in p.tables.items()},
                            validation=p.validation,
                            pseudonymised=p.pseudonym_key_id is not None,
                            pseudonym_key_id=p.pseudonym_key_id,
                            validators=p.validators,
                            selfeval_version=__version__,
                            batch=batch,
                        )
                    )
                )
                if p.files:
                    c.execute(
                        sa.insert(db.load_files),
                        [db.values_of(f, db.load_files, load_id=load_id) for f in p.files],
                    )
                ids.append(load_id)
                crash_point("db-insert")
            if self.get_setting(DEFAULT_LA, conn=c) is None:
                self.set_setting(DEFAULT_LA, todo[0].la_code, conn=c)
        return ids

    def _check_pseudonym_keys(self, todo: Sequence[PendingLoad]) -> None:
        """Children match across loads only if every load of an authority used the same key."""
        for p in todo:
            keys = {r.pseudonym_key_id for r in self.loads(p.la_code)}
            keys |= {q.pseudonym_key_id for q in todo if q.la_code == p.la_code}
            if len(keys) > 1:
                raise UsageError(
                    f"authority {p.la_code}'s loads would mix "
                    + (
                        "pseudonymised and identifiable children"
                        if None in keys
                        else "different pseudonymisation keys"
                    )
                    + ": children would not match across returns; use the same key for every load"
                )

    def load(self, load_id: int) -> LoadRecord:
        with self.engine.connect() as c:
            row = c.execute(sa.select(db.loads).where(db.loads.c.id == load_id)).first()
            if row is None:
                raise NoData(f"there is no load {load_id} in this store")
            files = c.execute(
                sa.select(db.load_files)
                .where(db.load_files.c.load_id == load_id)
                .order_by(db.load_files.c.id)
            ).all()
        return self._record(row, files)

    def loads(self, la_code: str | None = None) -> list[LoadRecord]:
        q = sa.select(db.loads).order_by(db.loads.c.id)
        if la_code:
            q = q.where(db.loads.c.la_code == la_code)
        with self.engine.connect() as c:
            return [self._record(r) for r in c.execute(q)]

    def undo(self, load_id: int) -> LoadRecord:
        """Remove one load: its record first (one transaction), then its folder."""
        with self.writing():
            rec = self.load(load_id)
            with self.engine.begin() as c:
                c.execute(sa.delete(db.load_files).where(db.load_files.c.load_id == load_id))
                c.execute(sa.delete(db.loads).where(db.loads.c.id == load_id))
            crash_point("undo-db")
            shutil.rmtree(self.data_dir / "loads" / rec.folder, ignore_errors=True)
        return rec

    # -- tables ------------------------------------------------------------------------------

    def read_loads(self, la_code: str | None = None) -> LoadsRead:
        """The loads (of ``la_code``, else every authority's) read once, for work over many
        tables: their merges (each of which reads its parent tables' loads too) and what they
        cover then come from one reading, which they agree with however the loads change
        meanwhile; the next reading sees the change."""
        return LoadsRead(self, tuple(self.loads(la_code)), la_code or None)

    def table_files(self, name: str, la_code: str | None = None) -> list[tuple[LoadRecord, Path]]:
        """The loads holding the table ``name``, with its file in each."""
        return self.read_loads(la_code).table_files(name, la_code)

    def load_tables(self, rec: LoadRecord) -> dict[str, pa.Table]:
        """One load's own tables, as it was loaded (no merge with other loads)."""
        folder = self.data_dir / "loads" / rec.folder
        return {
            name: pq.read_table(folder / f"{name}.parquet")
            for name in rec.tables
            if (folder / f"{name}.parquet").exists()
        }

    def table(
        self, name: str, la_code: str | None = None, max_year: int | None = None
    ) -> pa.Table | None:
        """The merged table across loads (docs/merge-rule.md); with ``max_year``, of the loads
        of that return year and earlier only (the *as returned* basis of that year).

        The tables merged last are kept, by their query (``merge.merged_query``, which names
        each file and load read), up to ``MERGED_TABLES_BYTES``: the sources of every
        computation read every table, and merging them again was half of their making."""
        return self.read_loads(la_code).table(name, la_code, max_year)

    def _merged_table(
        self, loads: LoadsRead, name: str, la_code: str | None, max_year: int | None
    ) -> pa.Table | None:
        """``table`` of the loads as ``loads`` read them (the merged tables kept, as above)."""
        sql = merged_query(loads, name, la_code, max_year)
        if sql is None:
            return None
        with self._merged_lock:
            table = self._merged.pop(sql, None)
            if table is not None:
                self._merged[sql] = table  # the most recently used last
                return table
        table = run_merged(self, sql)
        if table.nbytes <= MERGED_TABLES_BYTES // 4:
            with self._merged_lock:
                self._merged[sql] = table
                while sum(t.nbytes for t in self._merged.values()) > MERGED_TABLES_BYTES:
                    del self._merged[next(iter(self._merged))]
        return table

    def table_names(self, la_code: str | None = None) -> list[str]:
        """Every table that some load in the store holds."""
        return self.read_loads(la_code).table_names(la_code)

    def duckdb(self) -> duckdb.DuckDBPyConnection:
        """An in-process DuckDB that reads the store's Parquet files (opened once, on demand)."""
        if self._duckdb is None:
            self._duckdb = duckdb.connect()
        return self._duckdb

    def child_ids(self, la_code: str) -> set[str] | None:
        """Every child id (903 CHILD, CIN LAchildID) in the authority's loaded returns; None
        when it holds no returns, so callers can tell "unknown child" from "nothing to check"."""
        loads = self.read_loads(la_code)
        files = [
            p
            for name, spec in ALL_TABLES.items()
            if set(CHILD_ID_FIELDS) & set(spec.fields)
            for _, p in loads.table_files(name, la_code)
        ]
        if not files:
            return None
        con = duckdb.connect()
        try:
            ids: set[str] = set()
            for p in files:
                cols = [f for f in CHILD_ID_FIELDS if f in pq.read_schema(p).names]
                for c in cols:
                    rows = con.execute(
                        f'select distinct "{c}" from read_parquet(?) where "{c}" is not null',
                        [str(p)],
                    ).fetchall()
                    ids.update(str(r[0]) for r in rows)
        finally:
            con.close()
        return ids

    def la_codes(self) -> list[str]:
        with self.engine.connect() as c:
            return [r[0] for r in c.execute(sa.select(db.loads.c.la_code).distinct())]

    # -- settings ----------------------------------------------------------------------------

    def get_setting(
        self, key: str, default: object = None, *, conn: sa.Connection | None = None
    ) -> object:
        q = sa.select(db.settings.c.value).where(db.settings.c.key == key)
        if conn is not None:
            row = conn.execute(q).first()
        else:
            with self.engine.connect() as c:
                row = c.execute(q).first()
        return row[0] if row else default

    def set_setting(self, key: str, value: object, *, conn: sa.Connection | None = None) -> None:
        if conn is None:
            with self.engine.begin() as c:
                self.set_setting(key, value, conn=c)
            return
        conn.execute(sa.delete(db.settings).where(db.settings.c.key == key))
        conn.execute(sa.insert(db.settings).values(key=key, value=value))

    @property
    def default_la(self) -> str | None:
        """The authority a load is for when none is named: the first one loaded, or as set."""
        v = self.get_setting(DEFAULT_LA)
        return str(v) if v else None

    def attachment(self, load_id: int, name: str) -> bytes | None:
        """An extra file kept with a load (e.g. ``validation.json``), or None."""
        rec = self.load(load_id)
        p = self.data_dir / "loads" / rec.folder / name
        return p.read_bytes() if p.is_file() and "/" not in name else None

    @contextmanager
    def writing(self, wait: bool = True) -> Iterator[bool]:
        """Hold the store's write lock: one writer at a time, and no sweep during a write.

        The lock is an advisory ``flock`` on ``<data>/.lock``; the kernel releases it when the
        holder dies, so a killed ingest never leaves the store locked.
        """
        fd = os.open(self.data_dir / ".lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
            except BlockingIOError:
                yield False
                return
            yield True
        finally:
            os.close(fd)

    # -- internals ---------------------------------------------------------------------------

    def _sweep(self) -> None:
        """Remove what an interrupted load left: staging folders and unrecorded load folders."""
        shutil.rmtree(self.data_dir / "staging", ignore_errors=True)
        (self.data_dir / "staging").mkdir(mode=0o700)
        with self.engine.connect() as c:
            known = {r[0] for r in c.execute(sa.select(db.loads.c.folder))}
        for d in (self.data_dir / "loads").iterdir():
            if d.name not in known:
                shutil.rmtree(d, ignore_errors=True)

    @staticmethod
    def _record(row: sa.Row[Any], files: Iterable[sa.Row[Any]] = ()) -> LoadRecord:
        m = row._mapping
        tables = m["tables"] if isinstance(m["tables"], dict) else json.loads(m["tables"])
        loaded_at = m["loaded_at"]
        if loaded_at.tzinfo is None:  # SQLite keeps no time zone; the store writes UTC
            loaded_at = loaded_at.replace(tzinfo=UTC)
        return LoadRecord(
            id=m["id"],
            la_code=m["la_code"],
            kind=m["kind"],
            return_year=m["return_year"],
            content_hash=m["content_hash"],
            folder=m["folder"],
            loaded_by=m["loaded_by"],
            loaded_at=loaded_at,
            tables=tables,
            validation=m["validation"],
            pseudonymised=m["pseudonymised"],
            files=tuple(FileInfo(f.name, f.sha256, f.size_bytes, f.table_name) for f in files),
            pseudonym_key_id=m["pseudonym_key_id"],
            validators=m["validators"] or {},
            selfeval_version=m["selfeval_version"] or "",
            batch=m["batch"] or "",
        )


PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600
"""The store's folders and files are its owner's only, whatever the umask (child-level data)."""


def private_dir(path: Path) -> None:
    """Make ``path`` (and missing parents) a folder only its owner may open."""
    path.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
    st = path.stat()
    if st.st_mode & 0o777 != PRIVATE_DIR and st.st_uid == os.getuid():
        os.chmod(path, PRIVATE_DIR)


def private_file(path: Path) -> None:
    """Create ``path`` empty if missing, readable and writable by its owner only."""
    if not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, PRIVATE_FILE))
    st = path.stat()
    if st.st_mode & 0o777 != PRIVATE_FILE and st.st_uid == os.getuid():
        os.chmod(path, PRIVATE_FILE)


def _private_open(path: Path) -> BufferedWriter:
    """A new file, opened for writing, readable by its owner only from its first byte."""
    return os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE), "wb")


def _sqlite_pragmas(dbapi_conn: DBAPIConnection, _record: object) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")
    cur.close()


def _fsync_dir(path: Path) -> None:
    for p in path.iterdir() if path.is_dir() else ():
        if p.is_file():
            with open(p, "rb") as f:
                os.fsync(f.fileno())
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def crash_point(step: str) -> None:
    """Fault injection for the crash-safety test: die here if ``SELFEVAL_CRASH_AT`` names step.

    ``SELFEVAL_CRASH_AT=rename`` kills the process (SIGKILL, no clean-up) right after a load's
    folder is renamed into place; ``name:N`` kills it at the step's Nth passing.
    """
    want = current().crash_at
    if not want:
        return
    name, _, nth = want.partition(":")
    if name != step:
        return
    _CRASH_COUNTS[step] = _CRASH_COUNTS.get(step, 0) + 1
    if _CRASH_COUNTS[step] >= int(nth or 1):
        os.kill(os.getpid(), signal.SIGKILL)


_CRASH_COUNTS: dict[str, int] = {}


def whoami() -> str:
    """Who is making a load or an import: the operating system's user name."""
    try:
        return getpass.getuser()
    except Exception:
        return "unknown"


def store_url(url: str | None = None) -> str:
    """The store's database URL: ``url``, else ``$SELFEVAL_DB``, else ``selfeval.db`` here."""
    return url or current().db


def open_store(url: str | None = None) -> Store:
    """Open the store named by ``url``, else ``$SELFEVAL_DB``, else ``selfeval.db`` here."""
    return Store(store_url(url))


@contextmanager
def opened(url: str | None = None) -> Iterator[Store]:
    s = open_store(url)
    try:
        yield s
    finally:
        s.engine.dispose()
