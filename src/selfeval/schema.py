"""The single record's tables: names and columns, as the returns themselves name them.

Child-level tables keep DfE's own field names (SSDA903 CSV headers, CIN census XML element
names, the Standard Safeguarding Dataset's field names), so that a table in the store reads
exactly as the return does and DfE's validators' rules can be quoted against it. Every stored
table also carries three columns of ours, in lower case: ``la_code`` (the authority's 3-digit
DfE code), ``return_year`` (the collection year: 2019 = 1 April 2018 to 31 March 2019) and
``load_id`` (the load that brought the row; added when the table is read, since a load's
Parquet files are written before its id exists).
"""

from __future__ import annotations

from dataclasses import dataclass, field

STORE_COLUMNS = ("la_code", "return_year", "load_id")


@dataclass(frozen=True)
class TableSpec:
    """A child-level table: its name in the store, its fields, types and merge key."""

    name: str
    fields: tuple[str, ...]
    dates: tuple[str, ...] = ()
    integers: tuple[str, ...] = ()
    numbers: tuple[str, ...] = ()
    key: tuple[str, ...] = ()
    """Fields that identify a row across returns: a later return's row with the same key wins."""
    required: tuple[str, ...] = field(default=())


def _spec(name: str, header: str, **kw: tuple[str, ...]) -> TableSpec:
    return TableSpec(name=name, fields=tuple(header.split(",")), **kw)


# SSDA903: one CSV per table, identified by its exact header row.
SSDA903 = {
    s.name: s
    for s in [
        _spec(
            "ssda903_header",
            "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB",
            dates=("DOB", "MC_DOB"),
            key=("CHILD",),
            required=("CHILD", "SEX", "DOB"),
        ),
        _spec(
            "ssda903_episodes",
            "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,"
            "HOME_POST,PL_POST,URN",
            dates=("DECOM", "DEC"),
            key=("CHILD", "DECOM"),
            required=("CHILD", "DECOM", "RNE", "LS", "PLACE"),
        ),
    ]
}

ALL_TABLES: dict[str, TableSpec] = {**SSDA903}


def spec(name: str) -> TableSpec:
    try:
        return ALL_TABLES[name]
    except KeyError:
        raise KeyError(f"no table called {name!r} in the single record") from None
