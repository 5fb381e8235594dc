"""The inspection-readiness pack as people read it: HTML, PDF or XLSX, for an audience.

``internal`` (staff with child-level access) sees every table, the children inspectors are
likely to sample included. ``public`` (councillors, published papers) sees no child-level
table and no worker's name, and every count of 1 to 5 children is suppressed as DfE does
(``selfeval.outputs.disclosure``: primary and secondary suppression down each column with its
total; a percentage or ratio made from a suppressed count is suppressed too).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Literal

from selfeval.errors import UsageError
from selfeval.evaluation.readiness import Pack, PackTable
from selfeval.outputs.disclosure import SUPPRESSED, is_small, suppress_column
from selfeval.outputs.document import Document, Heading, Paragraph, Table, text
from selfeval.outputs.formatting import format_number, long_date
from selfeval.outputs.render import to_html, to_pdf_bytes
from selfeval.outputs.tables import xlsx_sheets

Audience = Literal["internal", "public"]
FORMATS = ("html", "pdf", "xlsx")


def for_audience(t: PackTable, audience: Audience) -> PackTable | None:
    """The table as the audience may see it (None: not for this audience)."""
    if audience == "internal":
        return t
    if t.child_level or t.key.endswith("_by_worker"):
        return None
    if t.key == "adoption":
        placed = t.rows[0]
        hide = [is_small(v) if isinstance(v, int) else False for v in placed[1:]]
        rows = [
            (
                r[0],
                *(
                    SUPPRESSED if h and v is not None else v
                    for v, h in zip(r[1:], hide, strict=True)
                ),
            )
            for r in t.rows
        ]
        return PackTable(
            t.key, t.title, t.columns, rows, t.counts, t.percents, t.child_level, t.note
        )
    cells: list[list[object]] = [list(r) for r in t.rows]
    for c in t.counts:  # down each count column with its total, as DfE does
        known = {i: v for i, r in enumerate(cells) if isinstance(v := r[c], int | float)}
        if known:
            shown, _ = suppress_column([int(v) for v in known.values()])
            for i, new in zip(known, shown, strict=True):
                cells[i][c] = new
    for pc, sources in t.percents.items():
        for r in cells:
            if any(r[s] == SUPPRESSED for s in sources):
                r[pc] = SUPPRESSED
    return PackTable(
        t.key, t.title, t.columns, [tuple(r) for r in cells], t.counts, t.percents, False, t.note
    )


def _cell(v: object, count: bool = False) -> str:
    """A cell as the documents write it: a count whole (a count the engine gave as 252.0
    reads 252), other numbers to one decimal place, a date in words."""
    if v is None:
        return ""
    if isinstance(v, float):
        return format_number(v, "count" if count else "ratio")
    if isinstance(v, int) and not isinstance(v, bool):
        return f"{v:,}"
    if isinstance(v, date):
        return long_date(v)
    return str(v)


def _numeric(t: PackTable) -> frozenset[int]:
    return frozenset(
        i
        for i in range(len(t.columns))
        if any(isinstance(r[i], int | float) and not isinstance(r[i], bool) for r in t.rows)
    )


def document(pack: Pack, audience: Audience) -> Document:
    """The pack as a document (rendered to HTML and PDF by ``selfeval.outputs.render``)."""
    doc = Document(
        title=f"Inspection readiness: Annex A for {pack.la_code}",
        subtitle=f"Annex A at {long_date(pack.at)} (return year {pack.year})"
        + (f", beside {pack.last_year}'s" if pack.last_year else ", no earlier workbook stored")
        + f"; for a{'n internal' if audience == 'internal' else ' public'} audience",
        meta={
            "kind": "annex-a-pack",
            "la": pack.la_code,
            "at": pack.at.isoformat(),
            "audience": audience,
        },
    )
    if audience == "public":
        doc.add(
            Paragraph(
                text(
                    "Counts of 1 to 5 children are shown as c, with further cells suppressed "
                    "so that they cannot be worked out from the totals; children's records and "
                    "workers' names are not shown."
                )
            )
        )
    for s in pack.sections:
        tables = [x for t in s.tables if (x := for_audience(t, audience)) is not None]
        if not tables:
            continue
        doc.add(Heading(2, s.title), Paragraph(text(s.intro)))
        for t in tables:
            doc.add(
                Table(
                    caption=t.title,
                    header=t.columns,
                    rows=tuple(
                        tuple(_cell(v, i in t.counts) for i, v in enumerate(r)) for r in t.rows
                    ),
                    numeric=_numeric(t),
                )
            )
            if t.note:
                doc.add(Paragraph(text(t.note)))
    return doc


def xlsx_bytes(pack: Pack, audience: Audience) -> bytes:
    """One sheet per table (its key as the sheet's name), the title in the first row; text
    that a spreadsheet would run as a formula is escaped."""
    about: list[Sequence[object]] = [
        ("Inspection readiness: Annex A", pack.la_code),
        ("Annex A at", pack.at),
        ("Return year", pack.year),
        ("Compared with", pack.last_year),
        ("Audience", audience),
    ]
    sheets: list[tuple[str, list[Sequence[object]]]] = [("About", about)]
    used: set[str] = {"About"}
    for s in pack.sections:
        for t in s.tables:
            shown = for_audience(t, audience)
            if shown is not None:
                name = _sheet_name(shown.key, used)
                sheets.append((name, [[shown.title], shown.columns, *shown.rows]))
    return xlsx_sheets(sheets)


def _sheet_name(key: str, used: set[str]) -> str:
    name = key[:31]
    i = 2
    while name in used:
        name = f"{key[:28]}_{i}"
        i += 1
    used.add(name)
    return name


def write_pack(pack: Pack, fmt: str, out: Path, audience: Audience = "internal") -> Path:
    """Write the pack in one of ``FORMATS``."""
    if fmt not in FORMATS:
        raise UsageError(f"--format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "xlsx":
        out.write_bytes(xlsx_bytes(pack, audience))
    elif fmt == "html":
        out.write_text(to_html(document(pack, audience)), encoding="utf-8")
    else:
        out.write_bytes(to_pdf_bytes(document(pack, audience)))
    return out


def child_level_tables(pack: Pack) -> Sequence[PackTable]:
    """The tables that name children (for audit logging what was shown)."""
    return [t for s in pack.sections for t in s.tables if t.child_level]
