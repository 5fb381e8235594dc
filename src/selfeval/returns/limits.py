"""Limits every reader applies before parsing: no empty files, nothing far too large.

The size limit defends against a file meant to exhaust memory or disk; it is configurable
(``SELFEVAL_MAX_FILE_BYTES``, or ``max_bytes=`` in the library) so that tests can be fast and an
authority with unusually large returns can raise it.
"""

from __future__ import annotations

import os
from pathlib import Path

from selfeval.errors import InputError, Location

DEFAULT_MAX_FILE_BYTES = 512 * 1024 * 1024


def max_file_bytes(override: int | None = None) -> int:
    """The largest file a reader accepts: ``override``, else ``$SELFEVAL_MAX_FILE_BYTES``."""
    if override is not None:
        return override
    env = os.environ.get("SELFEVAL_MAX_FILE_BYTES", "").strip()
    return int(env) if env.isdigit() else DEFAULT_MAX_FILE_BYTES


def check_size(path: Path, max_bytes: int | None = None) -> int:
    """The file's size, after refusing an empty file or one over the limit."""
    size = path.stat().st_size
    if size == 0:
        raise InputError(Location(path.name), "empty-file", "the file is empty")
    limit = max_file_bytes(max_bytes)
    if size > limit:
        raise InputError(
            Location(path.name),
            "file-too-large",
            f"the file is {size:,} bytes, over the limit of {limit:,} (SELFEVAL_MAX_FILE_BYTES)",
        )
    return size
