"""What a table's declaration is made of: ``TableSpec``, and the three columns of ours every
stored table carries (``STORE_COLUMNS``; ``selfeval.schema`` says what they hold)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypedDict, Unpack

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
    per_year: bool = False
    """Each return year's rows are separate facts (e.g. the OC3 outcomes of that year): no merge."""
    parent: tuple[str, str] | None = None
    """(parent table, link field): rows belong to a parent row of the same load (CIN census
    ids link rows within one return only). Without ``activity`` they follow their parent's
    winning return."""
    activity: tuple[tuple[str, ...], tuple[str, ...]] | None = None
    """Activity within a CIN episode (``parent`` is ``cin_details``): (the fields that tell it
    apart within its episode across returns, the fields whose first non-blank value ends it).
    Each return is authoritative for its own period: activity an earlier return reports wholly
    before a later return's period stays; what is open at or after its start comes from the
    later return (docs/merge-rule.md, rule 5)."""
    span: tuple[str, str] | None = None
    """(start field, end field) of a row that a return re-reports while it is open: a blank end
    means open at the return's 31 March, so the next year's return must report it again (see
    docs/merge-rule.md)."""
    snapshot: bool = False
    """A whole extract (the SSD): the latest load of the table replaces earlier ones."""
    source: str = ""
    """The name DfE's validator gives the table (e.g. ``Episodes``, ``ChildProtectionPlans``)."""


class SpecOptions(TypedDict, total=False):
    """The fields of a TableSpec after its name and fields (all optional)."""

    dates: tuple[str, ...]
    integers: tuple[str, ...]
    numbers: tuple[str, ...]
    key: tuple[str, ...]
    required: tuple[str, ...]
    per_year: bool
    parent: tuple[str, str] | None
    activity: tuple[tuple[str, ...], tuple[str, ...]] | None
    span: tuple[str, str] | None
    snapshot: bool
    source: str


def spec_from_header(name: str, header: str, **kw: Unpack[SpecOptions]) -> TableSpec:
    """A TableSpec whose fields are a comma-separated header row."""
    return TableSpec(name=name, fields=tuple(header.split(",")), **kw)
