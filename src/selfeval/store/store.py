"""The store: open by URL, load tables in one transaction, list, undo and read them."""

from __future__ import annotations

import getpass
import hashlib
import json
import os
import shutil
import uuid
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import sqlalchemy as sa

from selfeval.errors import NoData, SelfevalError, UsageError
from selfeval.schema import ALL_TABLES
from selfeval.store import db

DEFAULT_URL = "sqlite:///selfeval.db"


@dataclass(frozen=True)
class FileInfo:
    """One input file of a load: its name as given, content hash and size."""

    name: str
    sha256: str
    size_bytes: int
    table_name: str | None = None

    @classmethod
    def of(cls, path: Path, table_name: str | None = None) -> FileInfo:
        h = hashlib.sha256()
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
        return cls(path.name, h.hexdigest(), path.stat().st_size, table_name)


@dataclass(frozen=True)
class LoadRecord:
    id: int
    la_code: str
    kind: str
    return_year: int | None
    content_hash: str
    folder: str
    loaded_by: str
    loaded_at: datetime
    tables: dict[str, int]
    validation: dict
    pseudonymised: bool
    files: tuple[FileInfo, ...] = ()


def content_hash(
    kind: str, la_code: str, return_year: int | None, files: Iterable[FileInfo]
) -> str:
    """The identity of a load: what kind, for whom, which year, and the files' contents."""
    h = hashlib.sha256()
    h.update(f"{kind}\n{la_code}\n{return_year}\n".encode())
    for sha in sorted(f.sha256 for f in files):
        h.update(sha.encode())
    return h.hexdigest()


def _data_dir_for(url: sa.URL) -> Path:
    if url.get_backend_name() == "sqlite":
        if not url.database or url.database == ":memory:":
            raise UsageError("an in-memory SQLite store has nowhere to keep its data; give a file")
        return Path(url.database + ".data")
    env = os.environ.get("SELFEVAL_DATA_DIR")
    if not env:
        raise UsageError(
            "a PostgreSQL store keeps its child-level files in a folder: set SELFEVAL_DATA_DIR"
        )
    return Path(env)


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
        self.engine = sa.create_engine(self.url)
        if self.url.get_backend_name() == "sqlite":
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)
        db.metadata.create_all(self.engine)
        (self.data_dir / "loads").mkdir(parents=True, exist_ok=True)
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
        validation: dict | None = None,
        loaded_by: str | None = None,
        pseudonymised: bool = False,
    ) -> tuple[LoadRecord, bool]:
        """Record a load atomically: (record, created); the same files again change nothing."""
        chash = content_hash(kind, la_code, return_year, files)
        existing = self.find_load(la_code, chash)
        if existing:
            return existing, False
        folder = f"{la_code}-{kind}-{return_year or 'na'}-{chash[:16]}"
        staging = self.data_dir / "staging" / uuid.uuid4().hex
        staging.mkdir(parents=True)
        try:
            counts = {}
            for name, table in tables.items():
                if name not in ALL_TABLES:
                    raise SelfevalError(f"internal: table {name!r} is not in selfeval.schema")
                pq.write_table(table, staging / f"{name}.parquet")
                counts[name] = table.num_rows
            _fsync_dir(staging)
            final = self.data_dir / "loads" / folder
            os.replace(staging, final)
            _fsync_dir(final.parent)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        try:
            with self.engine.begin() as c:
                load_id = c.execute(
                    sa.insert(db.loads).values(
                        la_code=la_code,
                        kind=kind,
                        return_year=return_year,
                        content_hash=chash,
                        folder=folder,
                        loaded_by=loaded_by or _whoami(),
                        loaded_at=datetime.now(UTC),
                        tables=counts,
                        validation=validation or {},
                        pseudonymised=pseudonymised,
                    )
                ).inserted_primary_key[0]
                if files:
                    c.execute(
                        sa.insert(db.load_files),
                        [
                            dict(
                                load_id=load_id,
                                name=f.name,
                                sha256=f.sha256,
                                size_bytes=f.size_bytes,
                                table_name=f.table_name,
                            )
                            for f in files
                        ],
                    )
        except BaseException:
            shutil.rmtree(self.data_dir / "loads" / folder, ignore_errors=True)
            raise
        rec = self.load(load_id)
        return rec, True

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
        rec = self.load(load_id)
        with self.engine.begin() as c:
            c.execute(sa.delete(db.load_files).where(db.load_files.c.load_id == load_id))
            c.execute(sa.delete(db.loads).where(db.loads.c.id == load_id))
        shutil.rmtree(self.data_dir / "loads" / rec.folder, ignore_errors=True)
        return rec

    # -- tables ------------------------------------------------------------------------------

    def table_files(self, name: str, la_code: str | None = None) -> list[tuple[LoadRecord, Path]]:
        out = []
        for rec in self.loads(la_code):
            p = self.data_dir / "loads" / rec.folder / f"{name}.parquet"
            if name in rec.tables and p.exists():
                out.append((rec, p))
        return out

    def table(self, name: str, la_code: str | None = None) -> pa.Table | None:
        """The merged table across loads: for rows with the same key, the latest return wins."""
        from selfeval.store.merge import merged_table

        return merged_table(self, name, la_code)

    def la_codes(self) -> list[str]:
        with self.engine.connect() as c:
            return [r[0] for r in c.execute(sa.select(db.loads.c.la_code).distinct())]

    # -- settings ----------------------------------------------------------------------------

    def get_setting(self, key: str, default: object = None) -> object:
        with self.engine.connect() as c:
            row = c.execute(sa.select(db.settings.c.value).where(db.settings.c.key == key)).first()
        return row[0] if row else default

    def set_setting(self, key: str, value: object) -> None:
        with self.engine.begin() as c:
            c.execute(sa.delete(db.settings).where(db.settings.c.key == key))
            c.execute(sa.insert(db.settings).values(key=key, value=value))

    # -- internals ---------------------------------------------------------------------------

    def _sweep(self) -> None:
        """Remove what an interrupted load left: staging folders and unrecorded load folders."""
        shutil.rmtree(self.data_dir / "staging", ignore_errors=True)
        with self.engine.connect() as c:
            known = {r[0] for r in c.execute(sa.select(db.loads.c.folder))}
        for d in (self.data_dir / "loads").iterdir():
            if d.name not in known:
                shutil.rmtree(d, ignore_errors=True)

    @staticmethod
    def _record(row: sa.Row, files: Iterable[sa.Row] = ()) -> LoadRecord:
        m = row._mapping
        tables = m["tables"] if isinstance(m["tables"], dict) else json.loads(m["tables"])
        return LoadRecord(
            id=m["id"],
            la_code=m["la_code"],
            kind=m["kind"],
            return_year=m["return_year"],
            content_hash=m["content_hash"],
            folder=m["folder"],
            loaded_by=m["loaded_by"],
            loaded_at=m["loaded_at"],
            tables=tables,
            validation=m["validation"],
            pseudonymised=m["pseudonymised"],
            files=tuple(FileInfo(f.name, f.sha256, f.size_bytes, f.table_name) for f in files),
        )


def _sqlite_pragmas(dbapi_conn, _record) -> None:
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


def _whoami() -> str:
    try:
        return getpass.getuser()
    except Exception:
        return "unknown"


def open_store(url: str | None = None) -> Store:
    """Open the store named by ``url``, else ``$SELFEVAL_DB``, else ``selfeval.db`` here."""
    return Store(url or os.environ.get("SELFEVAL_DB") or DEFAULT_URL)


@contextmanager
def opened(url: str | None = None) -> Iterator[Store]:
    s = open_store(url)
    try:
        yield s
    finally:
        s.engine.dispose()
