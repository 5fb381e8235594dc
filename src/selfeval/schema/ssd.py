"""The Standard Safeguarding Dataset's tables, from its own YAML specifications.

The SSD (Data to Insight's ssd-data-model) publishes one YAML file per table (``data/objects``:
field names, types, keys, validators). selfeval reads those files at run time instead of
copying them: point ``SELFEVAL_SSD_SPEC`` at the folder, or keep a source checkout beside
``../shared/data/formats/ssd``. An SSD extract is a whole history up to the day it was run,
so each load of a table replaces the previous one (``snapshot``).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from selfeval.errors import InputError, Location, UsageError
from selfeval.schema.base import TableSpec
from selfeval.settings import current

ENV = "SELFEVAL_SSD_SPEC"
DATE_TYPES = {"datetime", "date", "datetime2", "smalldatetime"}
INT_TYPES = {"int", "bigint", "smallint", "tinyint"}
FLOAT_TYPES = {"float", "decimal", "numeric", "real"}
MAX_SPEC_BYTES = 1024 * 1024
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""The safe loader (no Python objects from tags), in C where PyYAML was built with libyaml."""


def spec_folder() -> Path | None:
    """Where the SSD's YAML specifications are: $SELFEVAL_SSD_SPEC, else a sibling checkout."""
    given = current().ssd_spec
    if given:
        return given
    here = Path(__file__).resolve()
    for parent in here.parents:
        candidate = parent.parent / "shared" / "data" / "formats" / "ssd"
        if (parent / "pyproject.toml").exists() and candidate.is_dir():
            return candidate
    return None


def _required(field: dict[str, Any]) -> bool:
    for v in field.get("validators") or []:
        if isinstance(v, dict) and (v.get("required") or {}).get("enabled"):
            return True
    return False


def _table(node: dict[str, Any], where: Location) -> TableSpec:
    try:
        name = str(node["name"])
        fields = node["fields"]
        names = tuple(str(f["name"]) for f in fields)
    except (KeyError, TypeError) as e:
        raise InputError(where, "ssd-spec", f"a table without name or fields ({e})") from None
    types = {str(f["name"]): str(f.get("type") or "").lower() for f in fields}
    return TableSpec(
        name=name,
        fields=names,
        dates=tuple(n for n in names if types[n] in DATE_TYPES),
        integers=tuple(n for n in names if types[n] in INT_TYPES),
        numbers=tuple(n for n in names if types[n] in FLOAT_TYPES),
        key=tuple(str(f["name"]) for f in fields if f.get("primary_key")),
        required=tuple(str(f["name"]) for f in fields if _required(f)),
        snapshot=True,
        source=name,
    )


@lru_cache(maxsize=4)
def load_specs(folder: Path | None = None) -> dict[str, TableSpec]:
    """Every SSD table specification in ``folder`` (default: ``spec_folder()``), by name."""
    folder = folder or spec_folder()
    if folder is None or not Path(folder).is_dir():
        raise UsageError(
            "the Standard Safeguarding Dataset's table specifications were not found: set "
            f"{ENV} to the folder of ssd-data-model's YAML files (data/objects)"
        )
    out: dict[str, TableSpec] = {}
    for path in sorted(Path(folder).glob("ssd_*.yml")):
        if path.stat().st_size > MAX_SPEC_BYTES:
            raise InputError(Location(path.name), "file-too-large", "not an SSD specification")
        try:
            doc = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)  # noqa: S506
        except yaml.YAMLError as e:
            raise InputError(Location(path.name), "yaml", f"not readable YAML ({e})") from None
        for node in (doc or {}).get("nodes") or []:
            t = _table(node, Location(path.name))
            out[t.name] = t
    if not out:
        raise UsageError(f"no SSD table specifications (ssd_*.yml) in {folder}")
    return out


def snapshot_spec(name: str) -> TableSpec:
    """A stand-in spec for reading a stored SSD table when the YAML files are not at hand."""
    return TableSpec(name=name, fields=(), snapshot=True, source=name)
