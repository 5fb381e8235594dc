"""What the store records of a load: the load itself and its input files."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any


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
    """One load as the store records it: what, for whom, which year, who, when, from which files."""

    id: int
    la_code: str
    kind: str
    return_year: int | None
    content_hash: str
    folder: str
    loaded_by: str
    loaded_at: datetime
    tables: dict[str, int]
    validation: dict[str, Any]
    pseudonymised: bool
    files: tuple[FileInfo, ...] = ()
    pseudonym_key_id: str | None = None
    validators: dict[str, str] = field(default_factory=dict)
    selfeval_version: str = ""
    batch: str = ""

    def audit_detail(self) -> dict[str, object]:
        """What an audit-log event about this load names: its authority, kind, year, content."""
        return {
            "la_code": self.la_code,
            "kind": self.kind,
            "return_year": self.return_year,
            "content_hash": self.content_hash,
        }

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready form (for ``selfeval loads --format json`` and the web app)."""
        d = asdict(self)
        d["loaded_at"] = self.loaded_at.isoformat()
        d["files"] = [asdict(f) for f in self.files]
        return d
