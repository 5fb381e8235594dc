"""Loading returns into the store: read every file, then record them as one load."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from selfeval.errors import UsageError
from selfeval.returns import ssda903
from selfeval.store import FileInfo, LoadRecord, Store


@dataclass(frozen=True)
class IngestResult:
    load: LoadRecord
    created: bool


def ingest_903(
    store: Store,
    paths: list[Path],
    *,
    la_code: str,
    return_year: int,
    loaded_by: str | None = None,
) -> IngestResult:
    """Read SSDA903 CSV tables of one return year and record them as one load.

    Every file is read before anything is written: one unreadable file refuses the load.
    """
    if not paths:
        raise UsageError("no files given")
    tables: dict[str, list[pa.Table]] = defaultdict(list)
    files = []
    for p in paths:
        name, table = ssda903.read_csv(p, la_code=la_code, return_year=return_year)
        tables[name].append(table)
        files.append(FileInfo.of(p, name))
    merged = {n: pa.concat_tables(ts) for n, ts in tables.items()}
    rec, created = store.add_load(
        la_code=la_code,
        kind="903",
        return_year=return_year,
        files=files,
        tables=merged,
        loaded_by=loaded_by,
    )
    return IngestResult(rec, created)
