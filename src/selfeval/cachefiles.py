"""Files selfeval keeps under ``$SELFEVAL_CACHE`` to spare a new process work it has done
before (compiled SQL, reference tables). Each is a convenience: a file is written whole (a
temporary file renamed into place, so a reader never sees half of one), and a folder that
cannot be written is passed over quietly, the work then being done again."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from selfeval.settings import current


def path(*parts: str) -> Path:
    """A file or folder under the cache folder."""
    return current().cache.joinpath(*parts)


def write_whole(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` whole (quietly not, where the folder cannot be written)."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:
        return
