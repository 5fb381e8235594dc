"""The size limit every reader applies, configurable without code.

The limit defends against a file meant to exhaust memory or disk. ``SELFEVAL_MAX_FILE_BYTES``
(or ``max_bytes=`` in the library) changes it, so that tests can be fast and an authority with
unusually large returns can raise it; the check itself is ``base.check_file``.
"""

from __future__ import annotations

from pathlib import Path

from selfeval.returns.base import MAX_BYTES, check_file, check_size_of
from selfeval.settings import max_file_bytes as max_file_bytes_setting


def max_file_bytes(override: int | None = None) -> int:
    """The largest file a reader accepts: ``override``, else ``$SELFEVAL_MAX_FILE_BYTES``."""
    if override is not None:
        return override
    return max_file_bytes_setting() or MAX_BYTES


def check_size(path: Path, max_bytes: int | None = None) -> None:
    """Refuse a missing, empty or oversized file (over ``max_file_bytes``) before reading it."""
    check_file(path, max_file_bytes(max_bytes))


def check_read_size(path: Path, size: int, max_bytes: int | None = None) -> None:
    """``check_size`` for a file whose size ``base.readable_size`` has given (not asked again)."""
    check_size_of(path.name, size, max_file_bytes(max_bytes))
