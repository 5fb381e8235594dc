"""The single record's tables: names and columns, as the returns themselves name them.

Child-level tables keep DfE's own field names (SSDA903 CSV headers, CIN census XML element
names, the Standard Safeguarding Dataset's field names), so that a table in the store reads
exactly as the return does and DfE's validators' rules can be quoted against it. Every stored
table also carries three columns of ours, in lower case: ``la_code`` (the authority's 3-digit
DfE code), ``return_year`` (the collection year: 2019 = 1 April 2018 to 31 March 2019) and
``load_id`` (the load that brought the row; added when the table is read, since a load's
Parquet files are written before its id exists).

One module per return declares its tables; this package gathers them.
"""

from __future__ import annotations

from selfeval.schema import annex_a, cin, ssda903, workforce
from selfeval.schema.base import STORE_COLUMNS, TableSpec, spec_from_header

SSDA903: dict[str, TableSpec] = {t.name: t for t in ssda903.TABLES}
CIN: dict[str, TableSpec] = {t.name: t for t in cin.TABLES}
ANNEX_A: dict[str, TableSpec] = {t.name: t for t in annex_a.TABLES}
WORKFORCE: dict[str, TableSpec] = {t.name: t for t in workforce.TABLES}

ALL_TABLES: dict[str, TableSpec] = {}
for _module_tables in (ssda903.TABLES, cin.TABLES, annex_a.TABLES, workforce.TABLES):
    for _t in _module_tables:
        if _t.name in ALL_TABLES:
            raise ValueError(f"table {_t.name!r} declared twice")
        ALL_TABLES[_t.name] = _t


RETURN_NAMES = {
    "ssda903": "SSDA903",
    "cin": "CIN census",
    "annex_a": "Annex A",
    "workforce": "CSWW",
    "ssd": "SSD",
}
"""The returns as people name them, by the prefix of their tables' names in the store."""

OTHER_NAMES = {
    "population": "ONS population estimates",
    "postcode_centroids": "ONS postcode centroids",
    "quality_audits": "case audits",
    "plan_actions": "improvement plan actions",
    "referrals_assessed": "SSD or CIN census referrals and assessments",
}
"""The other tables indicators read (references, workbooks, derived tables), as people name
them."""


def title(name: str) -> str:
    """A table as people name it: its return and its own name there ("SSDA903 Episodes",
    "Annex A List 1", "CIN census Assessments", "SSD cin episodes"), or what the other tables
    indicators read are ("case audits"); else the store's name."""
    if name in OTHER_NAMES:
        return OTHER_NAMES[name]
    for prefix, named in RETURN_NAMES.items():
        if name.startswith(prefix + "_"):
            t = ALL_TABLES.get(name)
            own = t.source if t is not None and t.source else name[len(prefix) + 1 :]
            return f"{named} {own.replace('_', ' ')}"
    return name


def spec(name: str) -> TableSpec:
    """The table's spec; SSD tables (``ssd_*``) come from the SSD's own YAML specifications."""
    if name in ALL_TABLES:
        return ALL_TABLES[name]
    if name.startswith("ssd_"):
        from selfeval.errors import UsageError
        from selfeval.schema import ssd

        try:
            return ssd.load_specs().get(name) or ssd.snapshot_spec(name)
        except UsageError:
            return ssd.snapshot_spec(name)
    raise KeyError(f"no table called {name!r} in the single record")


def is_known(name: str) -> bool:
    """Whether the single record has a table of this name (any SSD table counts)."""
    return name in ALL_TABLES or name.startswith("ssd_")


__all__ = [
    "ALL_TABLES",
    "ANNEX_A",
    "CIN",
    "SSDA903",
    "STORE_COLUMNS",
    "WORKFORCE",
    "TableSpec",
    "is_known",
    "spec",
    "spec_from_header",
]
