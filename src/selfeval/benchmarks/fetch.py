"""``selfeval benchmarks fetch``: download DfE's published files, safely.

Which files, and from where, is a small manifest (JSON): a list of ``{"file": NAME, "url":
URL, "publication": PAGE}``. EES gives each release's files new addresses, so the built-in
manifest names the files and the publication pages they are on; the addresses come from
``--base-url`` (every file is ``BASE/NAME``, e.g. a council's own mirror) or from a manifest
that gives each file's ``url``. A file is downloaded to a temporary file beside its target and
renamed over it only when complete, so an existing file is never partly overwritten.
"""

from __future__ import annotations

import json
import os
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from selfeval.benchmarks.ees import MAX_BYTES
from selfeval.errors import SelfevalError, UsageError


@dataclass(frozen=True)
class Entry:
    file: str
    url: str | None
    publication: str | None = None


def load_manifest(path: Path | None = None, *, base_url: str | None = None) -> list[Entry]:
    """The manifest's entries; ``base_url`` gives every file the address ``BASE/NAME``."""
    if path is None:
        text = resources.files("selfeval.benchmarks").joinpath("manifest.json").read_text()
        where = "the built-in manifest"
    else:
        text = Path(path).read_text(encoding="utf-8")
        where = str(path)
    try:
        raw = json.loads(text)
        entries = [Entry(str(f["file"]), f.get("url"), f.get("publication")) for f in raw["files"]]
    except (ValueError, KeyError, TypeError) as e:
        raise UsageError(f"{where} is not a manifest of files ({e})") from None
    for entry in entries:
        if Path(entry.file).name != entry.file or entry.file.startswith("."):
            raise UsageError(f"{where}: {entry.file!r} is not a plain file name")
    if base_url:
        base = base_url.rstrip("/") + "/"
        entries = [
            Entry(e.file, urllib.parse.urljoin(base, urllib.parse.quote(e.file)), e.publication)
            for e in entries
        ]
    return entries


def fetch_all(entries: list[Entry], out: Path, *, timeout: float = 60.0) -> list[Path]:
    """Download every entry into ``out``; the first failure stops with a clear message."""
    urls: list[tuple[Entry, str]] = []
    for entry in entries:
        if not entry.url:
            raise UsageError(
                f"no address for {entry.file}: give --base-url, or a --manifest with its url"
                + (f" (DfE publishes it on {entry.publication})" if entry.publication else "")
            )
        urls.append((entry, entry.url))
    out.mkdir(parents=True, exist_ok=True)
    return [fetch_one(url, out / entry.file, timeout=timeout) for entry, url in urls]


def fetch_one(url: str, target: Path, *, timeout: float = 60.0) -> Path:
    """Download ``url`` to ``target`` through a temporary file and an atomic rename."""
    scheme = urllib.parse.urlsplit(url).scheme
    if scheme not in ("http", "https"):
        raise UsageError(f"{url} is not an http or https address")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            try:
                with urllib.request.urlopen(url, timeout=timeout) as r:  # noqa: S310 (checked)
                    size = 0
                    while block := r.read(1 << 16):
                        size += len(block)
                        if size > MAX_BYTES:
                            raise SelfevalError(
                                f"{url} is larger than {MAX_BYTES >> 20} MB: not downloaded"
                            )
                        f.write(block)
            except urllib.error.HTTPError as e:
                raise SelfevalError(
                    f"could not download {target.name} from {url}: HTTP {e.code} {e.reason}"
                ) from None
            except urllib.error.URLError as e:
                raise SelfevalError(
                    f"could not download {target.name} from {url}: {e.reason}"
                ) from None
            except TimeoutError:
                raise SelfevalError(
                    f"could not download {target.name} from {url}: no answer within {timeout:g} s"
                ) from None
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target
