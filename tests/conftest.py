"""Shared fixtures: a fresh store in a temporary folder, and hand-made 903 files."""

from __future__ import annotations

from pathlib import Path

import pytest

from selfeval.schema import SSDA903
from selfeval.store import Store

SHARED = Path(__file__).resolve().parents[2] / "shared"


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store(f"sqlite:///{tmp_path / 'selfeval.db'}")
    yield s
    s.engine.dispose()


def write_903_table(path: Path, table: str, rows: list[dict[str, str]]) -> Path:
    """A 903 CSV with the table's exact DfE header; missing fields are blank."""
    fields = SSDA903[table].fields
    lines = [",".join(fields)]
    lines += [",".join(r.get(f, "") for f in fields) for r in rows]
    path.write_text("\n".join(lines) + "\n")
    return path
