"""Pseudonymisation of child identifiers at ingest, with a key the store never holds.

Each identifier (903 ``CHILD``, ``UPN``; CIN ``LAchildID``, ``UPN``, ``FormerUPN``; and any
field registered by ``register_identifier_fields``, the hook for the SSD's person ids) is
replaced by ``HMAC-SHA256(key, value)`` truncated to its first 16 hex digits (64 bits), after
trimming spaces and upper-casing the value as DfE's validators do. The same value gives the
same pseudonym in every return and year, so one child still matches across them, and without
the key a pseudonym cannot be reversed or recomputed from a guessed identifier.

The key file must hold at least 32 bytes (e.g. ``openssl rand -hex 32 > key``) and must not be
readable or writable by everyone (``chmod 600 key``). The store records only a fingerprint of
the key (an HMAC of a fixed text), so that loads made with different keys are refused.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import stat
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from selfeval.errors import UsageError

MIN_KEY_BYTES = 32
PSEUDONYM_HEX_DIGITS = 16
IDENTIFIER_FIELDS: frozenset[str] = frozenset({"CHILD", "UPN", "LAchildID", "FormerUPN"})
"""Fields holding a child's identifier, in whichever table they appear."""

_TABLE_FIELDS: dict[str, frozenset[str]] = {}


def register_identifier_fields(table: str, fields: tuple[str, ...]) -> None:
    """Declare more identifier fields of one table (e.g. the SSD's ``person_id``)."""
    _TABLE_FIELDS[table] = _TABLE_FIELDS.get(table, frozenset()) | frozenset(fields)


def identifier_fields(table: str, columns: list[str]) -> list[str]:
    """The columns of ``table`` that hold child identifiers."""
    extra = _TABLE_FIELDS.get(table, frozenset())
    return [c for c in columns if c in IDENTIFIER_FIELDS or c in extra]


class Pseudonymiser:
    """Replaces child identifiers by keyed hashes; holds the key in memory only."""

    def __init__(self, key: bytes) -> None:
        if len(key) < MIN_KEY_BYTES:
            raise UsageError(
                f"the pseudonymisation key is {len(key)} bytes; it must be at least "
                f"{MIN_KEY_BYTES} (make one with: openssl rand -hex 32 > key; chmod 600 key)"
            )
        self._key = key
        self.key_id = hmac.new(key, b"selfeval pseudonym key fingerprint v1", "sha256").hexdigest()[
            :16
        ]

    @classmethod
    def from_key_file(cls, path: Path) -> Pseudonymiser:
        """Read a key file, refusing one that everyone may read or write, or that is too short."""
        try:
            st = os.stat(path)
        except OSError as e:
            raise UsageError(f"cannot read the key file {path}: {e.strerror}") from None
        if not stat.S_ISREG(st.st_mode):
            raise UsageError(f"the key file {path} is not a regular file")
        if st.st_mode & (stat.S_IROTH | stat.S_IWOTH):
            raise UsageError(
                f"the key file {path} may be read or written by everyone: "
                f"restrict it first (chmod 600 {path})"
            )
        # A text key (openssl rand -hex 32) ends with a line break, which is not part of it; a
        # binary key is taken whole (any of its bytes may be a space or a tab).
        return cls(path.read_bytes().removesuffix(b"\n").removesuffix(b"\r"))

    def pseudonym(self, value: str) -> str:
        v = value.strip().upper().encode()
        return hmac.new(self._key, v, hashlib.sha256).hexdigest()[:PSEUDONYM_HEX_DIGITS]

    def table(self, name: str, table: pa.Table) -> pa.Table:
        """The table with every identifier column replaced (blanks stay blank)."""
        for col in identifier_fields(name, table.column_names):
            i = table.column_names.index(col)
            table = table.set_column(i, col, self._column(table.column(col)))
        return table

    def tables(self, tables: Mapping[str, pa.Table]) -> dict[str, pa.Table]:
        return {n: self.table(n, t) for n, t in tables.items()}

    def _column(self, col: pa.ChunkedArray[Any]) -> pa.ChunkedArray[Any]:
        enc = pc.dictionary_encode(col.cast(pa.string())).combine_chunks()
        assert isinstance(enc, pa.DictionaryArray)  # the stubs type it as the input's array
        mapped = pa.array([self.pseudonym(v) for v in enc.dictionary.to_pylist()], pa.string())
        return pa.chunked_array([pc.take(mapped, enc.indices)], type=pa.string())
