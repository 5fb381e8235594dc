"""Indicators' compiled SQL kept on disk, so that a new process does not compile it again.

Building an indicator's Ibis expression and compiling it to SQL costs far more than running
it (about 3 s for the catalogue, against well under a second to run it for a date): every
``selfeval`` command and every web worker paid it once. The SQL depends only on the code that
builds it (selfeval's own, Ibis, SQLGlot and the engine's), the engine, the indicator and
the schemas of its tables, and those make its key: a file
``$SELFEVAL_CACHE/indicator-sql/<code digest>/<key digest>.sql``, written whole (a temporary
file renamed into place) so that a reader never sees half of one. A change to any of
selfeval's source files gives another digest, and so another folder: SQL compiled by other
code is never read. Only indicators declared inside the selfeval package are kept (one
declared elsewhere, such as a test's, has code the digest does not cover). The cache is a
convenience: a folder that cannot be read or written is passed over, and SQL is compiled as
before.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import selfeval
from selfeval.cachefiles import path as cache_path
from selfeval.cachefiles import write_whole
from selfeval.indicators.registry import Indicator

_ENGINES = ("ibis-framework", "sqlglot", "duckdb", "pyspark")


@lru_cache(maxsize=1)
def code_digest() -> str:
    """A digest of every Python source file of the selfeval package and of the versions of
    the libraries that compile its SQL."""
    h = hashlib.sha256()
    root = Path(selfeval.__file__).resolve().parent
    for path in sorted(root.rglob("*.py")):
        h.update(path.relative_to(root).as_posix().encode())
        h.update(b"\0")
        h.update(path.read_bytes())
        h.update(b"\0")
    for name in _ENGINES:
        try:
            h.update(f"{name}={version(name)}\n".encode())
        except PackageNotFoundError:
            h.update(f"{name}=none\n".encode())
    return h.hexdigest()[:20]


def _kept(ind: Indicator) -> bool:
    module = getattr(ind.compute, "__module__", "") or ""
    return module == "selfeval" or module.startswith("selfeval.")


def _path(key: tuple[object, ...]) -> Path:
    name = hashlib.sha256(repr(key).encode()).hexdigest()
    return cache_path("indicator-sql", code_digest(), f"{name}.sql")


def read(ind: Indicator, key: tuple[object, ...]) -> str | None:
    """The SQL compiled for ``key`` by this code, or None."""
    if not _kept(ind):
        return None
    try:
        return _path(key).read_text(encoding="utf-8") or None
    except (OSError, UnicodeDecodeError):
        return None


def write(ind: Indicator, key: tuple[object, ...], sql: str) -> None:
    """Keep ``sql`` for ``key`` (quietly not, where the cache folder cannot be written)."""
    if not _kept(ind):
        return
    write_whole(_path(key), sql.encode("utf-8"))
