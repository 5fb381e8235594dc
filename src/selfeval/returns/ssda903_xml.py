"""The SSDA903 XML form (root ``EXPSSDA903``) to the same tables as the 903 CSVs.

The layout is the one D2I's ``lac_validator.ingress.read_xml_from_text`` reads: one ``CHILD``
per child with a ``HEADER`` (``CHILDID``, SEX, DOB, ...; ``AREVIEW``, ``AMISSING``, ``OC2``,
``PERMANENCE``, ``AD_PLACED`` blocks inside it) and ``EPISODE`` blocks (``PL`` is PLACE). A
row takes the child's values (its leaves anywhere, the last of a name winning) overlaid with
its own block's. UASC, OC3 and AD1 rows exist when UASC, IN_TOUCH or DATE_INT has a value.
The XML carries no LA code or year: they are given. Dates are dd/mm/yyyy as in the CSVs.
Every table the 903 collected is in the result, with no rows when the file has none of them
(no missing episodes is 0, not "no data"); elements no table keeps are counted and named.
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from selfeval.errors import InputError, Location
from selfeval.returns import xml
from selfeval.returns.base import MAX_BYTES, ReturnTables
from selfeval.returns.tables import typed_columns
from selfeval.schema import SSDA903
from selfeval.schema.ssda903 import COLLECTED_FROM

KIND = "903"
ROOT = "EXPSSDA903"
_RENAMED = {"CHILDID": "CHILD", "PL": "PLACE"}
_HEADER_BLOCKS = {
    "AREVIEW": "ssda903_reviews",
    "AMISSING": "ssda903_missing",
    "OC2": "ssda903_oc2",
    "PERMANENCE": "ssda903_prev_perm",
    "AD_PLACED": "ssda903_placed_adoption",
}
_WHEN_PRESENT = {"UASC": "ssda903_uasc", "IN_TOUCH": "ssda903_oc3", "DATE_INT": "ssda903_ad1"}
KNOWN_ELEMENTS = frozenset(
    {"CHILD", "HEADER", "EPISODE", *_HEADER_BLOCKS, *_RENAMED, *_WHEN_PRESENT}
    | {f for spec in SSDA903.values() for f in spec.fields}
)
"""Every element of a CHILD that some table keeps; any other is counted and named."""


def _leaves(el: etree._Element) -> dict[str, str | None]:
    return {
        _RENAMED.get(n.tag, n.tag): n.text
        for n in el.iter()
        if len(n) == 0 and isinstance(n.tag, str)
    }


class _Rows:
    def __init__(self) -> None:
        self.rows: dict[str, list[dict[str, str | None]]] = {n: [] for n in SSDA903}
        self.lines: dict[str, list[int]] = {n: [] for n in SSDA903}
        self.unread = xml.Unread(KNOWN_ELEMENTS)

    def add(self, table: str, line: int | None, values: dict[str, str | None]) -> None:
        self.rows[table].append(values)
        self.lines[table].append(line or 0)

    def columns(self, table: str) -> dict[str, list[str | None]]:
        rows = self.rows[table]
        return {f: [r.get(f) for r in rows] for f in SSDA903[table].fields}


def _child(out: _Rows, child: etree._Element, name: str) -> None:
    values = _leaves(child)
    if not (values.get("CHILD") or "").strip():
        raise InputError(
            Location(name, child.sourceline, "CHILDID"),
            "required",
            "a CHILD has no CHILDID, so its rows could not be told apart from another's",
        )
    out.add("ssda903_header", child.sourceline, values)
    for leaf, table in _WHEN_PRESENT.items():
        if values.get(leaf) is not None:
            out.add(table, child.sourceline, values)
    for block in child:
        if block.tag == "EPISODE":
            out.add("ssda903_episodes", block.sourceline, values | _leaves(block))
        elif block.tag == "HEADER":
            for sub in block:
                block_table = _HEADER_BLOCKS.get(sub.tag) if isinstance(sub.tag, str) else None
                if block_table:
                    out.add(block_table, sub.sourceline, values | _leaves(sub))
    out.unread.count(child)


def read(
    path: Path, *, la_code: str | None, return_year: int | None, max_bytes: int = MAX_BYTES
) -> ReturnTables:
    """An SSDA903 XML file as the 903 tables, typed; refused whole if any of it cannot be read."""
    name = path.name
    root = xml.root_tag(path, max_bytes)
    if root != ROOT:
        raise InputError(
            Location(name, 1), "wrong-kind", f"not an SSDA903 XML file: its root is <{root}>"
        )
    out = _Rows()
    events = xml.iterparse(path, tag=("CHILD",), events=("end",), max_bytes=max_bytes)
    try:
        for _event, el in events:
            parent = el.getparent()
            if parent is None or parent.getparent() is not None:
                continue
            _child(out, el, name)
            xml.release(el)
    finally:
        events.close()
    tables = {
        table: typed_columns(
            SSDA903[table],
            out.columns(table),
            file=name,
            la_code=la_code,
            return_year=return_year,
            row_numbers=out.lines[table],
        )
        for table in SSDA903
        if out.rows[table] or _collected(table, return_year)
    }
    return ReturnTables(
        tables,
        kind=KIND,
        la_code=la_code,
        return_year=return_year,
        warnings=out.unread.warnings(name),
    )


def _collected(table: str, return_year: int | None) -> bool:
    """Whether the 903 of ``return_year`` collected ``table`` (an XML file with none of its
    rows then has it with no rows); a table collected only from some year is kept only when
    the year is known to be one of them."""
    first = COLLECTED_FROM.get(table)
    return first is None or (return_year is not None and return_year >= first)


def sniff(path: Path) -> bool:
    """True if the file is XML whose root is ``EXPSSDA903``."""
    return xml.head(path, max_events=2).get("_root") == ROOT
