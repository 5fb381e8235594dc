"""The CIN census XML, streamed child by child into the tables of DfE's validator.

The tables and their columns are those of ``cin_validator.ingress.XMLtoCSV`` (declared in
``selfeval.schema.cin``), built the way it builds them: values are the text of each block's
first element of that name; ``CINdetailsID``, ``AssessmentID`` and ``CPPID`` count from 1
within their parent; ``ChildProtectionPlans`` misplaced directly under ``Child`` are read as
the validator reads them. Two differences, both recorded in docs/decisions:

- every ``CPPreviewDate`` of a plan's ``Reviews`` is a row (DfE's schema allows many; the
  validator keeps only the first of each ``Reviews`` block);
- ``Assessments.AssessmentFactors`` is the factors joined by commas (the validator holds a
  Python list there), the factors themselves being rows of ``AssessmentFactorsList``.

A table the census did not collect in the file's year (``COLLECTED_FROM``: CIN plan dates
before 2022) is left out of the return, so its figures are "no data", never 0. Every element
of a Child that no table keeps is counted and named in a warning (the load's report).

The file is parsed once, in constant memory per child, with DTDs and entities refused.
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from selfeval.errors import InputError, Location
from selfeval.returns import xml
from selfeval.returns.base import MAX_BYTES, InputWarning, ReturnTables, la_code_of
from selfeval.returns.tables import ISO_DATE, typed_columns
from selfeval.schema import CIN
from selfeval.schema.cin import COLLECTED_FROM

KIND = "cin"
_ROWS_OF = {spec.source: spec for spec in CIN.values()}
_HEADER_FIELDS = {
    "CollectionDetails": ("Collection", "Year", "ReferenceDate"),
    "Source": ("SourceLevel", "LEA", "SoftwareCode", "Release", "SerialNo", "DateTime"),
}
_ID_COLUMNS = ("LAchildID", "CINdetailsID", "AssessmentID", "CPPID")


def _own(source: str) -> tuple[str, ...]:
    """A table's fields after its leading id columns, in the table's order."""
    fields = _ROWS_OF[source].fields
    n = 0
    while n < len(fields) and fields[n] in _ID_COLUMNS:
        n += 1
    return fields[n:]


_IDENTIFIERS = _ROWS_OF["ChildIdentifiers"].fields
_DETAILS = _own("CINdetails")
_ASSESSMENT = _own("Assessments")[:-1]  # AssessmentFactors comes from its own block
_PLAN_DATES = _own("CINplanDates")
_S47 = _own("Section47")
_CPP = _own("ChildProtectionPlans")
_PRE = _own("PreProceedings")
_BLOCKS = (
    "ChildIdentifiers",
    "ChildCharacteristics",
    "Disabilities",
    "CINdetails",
    "Assessments",
    "FactorsIdentifiedAtAssessment",
    "CINPlanDates",
    "Section47",
    "ChildProtectionPlans",
    "Reviews",
    "PreProceedingsandFGDM",
)
KNOWN_ELEMENTS = frozenset(
    {"Child", *_BLOCKS, "Ethnicity", "Disability", "AssessmentFactors", "CPPreviewDate"}
    | {f for spec in CIN.values() for f in spec.fields}
)
"""Every element of a Child that the reader keeps; any other is counted and named."""


class _Tables:
    """Rows of text per validator table (in the table's field order), with their lines."""

    def __init__(self) -> None:
        self.rows: dict[str, list[tuple[str | None, ...]]] = {s.source: [] for s in CIN.values()}
        self.lines: dict[str, list[int]] = {s.source: [] for s in CIN.values()}
        self.unread = xml.Unread(KNOWN_ELEMENTS)

    def add(self, table: str, line: int | None, row: tuple[str | None, ...]) -> None:
        self.rows[table].append(row)
        self.lines[table].append(line or 0)

    def columns(self, table: str) -> dict[str, list[str | None]]:
        fields = _ROWS_OF[table].fields
        rows = self.rows[table]
        if not rows:
            return {f: [] for f in fields}
        return {f: list(col) for f, col in zip(fields, zip(*rows, strict=True), strict=True)}


def _values(block: etree._Element | None, fields: tuple[str, ...]) -> tuple[str | None, ...]:
    first = xml.first_texts(block)
    return tuple(first.get(f) for f in fields)


def _plans(out: _Tables, parent: etree._Element, child_id: str, detail_id: int) -> None:
    detail = str(detail_id)
    for cpp_id, plan in enumerate(parent.findall("ChildProtectionPlans"), 1):
        ids = (child_id, detail, str(cpp_id))
        out.add("ChildProtectionPlans", plan.sourceline, ids + _values(plan, _CPP))
        for reviews in plan.findall("Reviews"):
            for review in reviews.findall("CPPreviewDate"):
                out.add("Reviews", review.sourceline, (*ids, review.text))


def _child(out: _Tables, child: etree._Element, name: str) -> None:
    identifiers = child.find("ChildIdentifiers")
    ids = _values(identifiers, _IDENTIFIERS)
    child_id = ids[0]
    if child_id is None or not child_id.strip():
        raise InputError(
            Location(name, child.sourceline, "LAchildID"),
            "required",
            "a Child has no LAchildID, so its rows could not be told apart from another's",
        )
    out.add("ChildIdentifiers", (identifiers if identifiers is not None else child).sourceline, ids)
    chars = child.find("ChildCharacteristics")
    line = (chars if chars is not None else child).sourceline
    out.add("ChildCharacteristics", line, (child_id, xml.text(chars, "Ethnicity")))
    disabilities = chars.find("Disabilities") if chars is not None else None
    if disabilities is not None:
        for d in disabilities:
            out.add("Disabilities", d.sourceline, (child_id, d.text))
    detail_id = 0
    for detail_id, detail in enumerate(child.findall("CINdetails"), 1):
        d_ids = (child_id, str(detail_id))
        out.add("CINdetails", detail.sourceline, d_ids + _values(detail, _DETAILS))
        for assessment_id, a in enumerate(detail.findall("Assessments"), 1):
            a_ids = (*d_ids, str(assessment_id))
            first = xml.first_texts(a)
            joined = first.get("AssessmentFactors")
            factors = a.find("FactorsIdentifiedAtAssessment")
            if factors is not None and len(factors):
                texts = []
                for f in factors:
                    out.add("AssessmentFactorsList", f.sourceline, (*a_ids, f.text))
                    texts.append(f.text or "")
                joined = ",".join(texts)
            values = tuple(first.get(f) for f in _ASSESSMENT)
            out.add("Assessments", a.sourceline, (*a_ids, *values, joined))
        for p in detail.findall("CINPlanDates"):
            out.add("CINplanDates", p.sourceline, d_ids + _values(p, _PLAN_DATES))
        for s in detail.findall("Section47"):
            out.add("Section47", s.sourceline, d_ids + _values(s, _S47))
        for pp in detail.findall("PreProceedingsandFGDM"):
            out.add("PreProceedings", pp.sourceline, d_ids + _values(pp, _PRE))
        _plans(out, detail, child_id, detail_id)
    _plans(out, child, child_id, detail_id)
    out.unread.count(child)


def _header(out: _Tables, header: etree._Element) -> dict[str, str | None]:
    values: dict[str, str | None] = {}
    for block, fields in _HEADER_FIELDS.items():
        first = xml.first_texts(header.find(block))
        values |= {f: first.get(f) for f in fields}
    out.add("Header", header.sourceline, tuple(values.get(f) for f in _ROWS_OF["Header"].fields))
    return values


def _refuse_kind(name: str, line: int | None, what: str) -> InputError:
    return InputError(Location(name, line), "wrong-kind", f"not a CIN census file: {what}")


def read(
    path: Path,
    *,
    la_code: str | None = None,
    return_year: int | None = None,
    max_bytes: int = MAX_BYTES,
) -> ReturnTables:
    """A CIN census XML file as the validator's tables (store names), typed; refused whole if
    any of it cannot be read. ``la_code`` and ``return_year`` default to the Header's LEA and
    the year of its ReferenceDate (2024-03-31 is the 2024 return)."""
    name = path.name
    out = _Tables()
    header: dict[str, str | None] | None = None
    root = xml.root_tag(path, max_bytes)
    if root != "Message":
        raise _refuse_kind(name, 1, f"its root element is <{root}>")
    events = xml.iterparse(path, tag=("Header", "Child"), events=("end",), max_bytes=max_bytes)
    try:
        for _event, el in events:
            parent = el.getparent()
            if el.tag == "Header":
                if parent is None or parent.getparent() is not None:
                    continue
                header = _header(out, el)
                if (header.get("Collection") or "").strip() != "CIN":
                    raise _refuse_kind(
                        name, el.sourceline, f"its collection is {header.get('Collection')!r}"
                    )
                el.clear()
                continue
            if parent is None or parent.tag != "Children" or parent.getparent() is None:
                continue
            if header is None:
                raise InputError(
                    Location(name, el.sourceline), "header", "the Children come before the Header"
                )
            _child(out, el, name)
            xml.release(el)
    finally:
        events.close()
    if header is None:
        raise InputError(Location(name), "header", "the file has no CIN census Header")

    warnings: list[InputWarning] = []
    lea = la_code_of(header.get("LEA"), Location(name, out.lines["Header"][0], "LEA"))
    if la_code is None:
        la_code = lea
    elif la_code != lea:
        warnings.append(
            InputWarning(
                Location(name, out.lines["Header"][0], "LEA"),
                "la-mismatch",
                f"the Header's LEA is {lea} but the file is loaded as LA {la_code}",
            )
        )
    ref = (header.get("ReferenceDate") or "").strip()
    ref_year = int(ref[:4]) if len(ref) >= 4 and ref[:4].isdigit() else None
    if return_year is None:
        if ref_year is None:
            raise InputError(
                Location(name, out.lines["Header"][0], "ReferenceDate"),
                "header",
                "the Header has no ReferenceDate, so the return year is unknown (give --year)",
            )
        return_year = ref_year
    elif ref_year is not None and ref_year != return_year:
        warnings.append(
            InputWarning(
                Location(name, out.lines["Header"][0], "ReferenceDate"),
                "year-mismatch",
                f"the Header's ReferenceDate is {ref} but the file is loaded as the "
                f"{return_year} return",
            )
        )
    tables = {
        spec.name: typed_columns(
            spec,
            out.columns(spec.source),
            file=name,
            la_code=la_code,
            return_year=return_year,
            row_numbers=out.lines[spec.source],
            date_format=ISO_DATE,
        )
        for spec in CIN.values()
        if return_year >= COLLECTED_FROM.get(spec.name, 0) or out.rows[spec.source]
    }
    warnings += out.unread.warnings(name)
    for table, first in COLLECTED_FROM.items():
        if return_year < first and out.rows[CIN[table].source]:
            warnings.append(
                InputWarning(
                    Location(name),
                    "not-collected",
                    f"{len(out.rows[CIN[table].source])} rows of {table}, which the census "
                    f"collected from the {first} return only, were kept as given",
                )
            )
    return ReturnTables(
        tables, kind=KIND, la_code=la_code, return_year=return_year, warnings=warnings
    )


def sniff(path: Path) -> bool:
    """True if the file is XML whose root is ``Message`` with a CIN collection header."""
    h = xml.head(path)
    return h.get("_root") == "Message" and h.get("Collection") == "CIN"
