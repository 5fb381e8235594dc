"""Renderers of a :class:`~selfeval.outputs.document.Document`: HTML, Word (DOCX) and PDF.

HTML is Jinja2 with autoescaping: headings in order, tables with captions and ``th scope``,
images with alt text. Word is python-docx with real heading styles, header rows marked to
repeat on each page, table captions and alt text, and images with alt text (``docPr descr``).
PDF is WeasyPrint's rendering of the HTML, tagged (PDF/UA) so that screen readers can follow
it (docs/decisions: PDF from HTML).
"""

from __future__ import annotations

import base64
import io
from datetime import date
from pathlib import Path

from docx import Document as DocxDocument
from docx.document import Document as DocxFile
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph as DocxParagraph
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from selfeval.errors import UsageError
from selfeval.outputs.document import (
    BulletList,
    Document,
    Heading,
    Image,
    Paragraph,
    Span,
    Table,
)
from selfeval.outputs.formatting import format_figure, format_number, long_date

FORMATS = ("html", "docx", "pdf")

templates = Environment(
    loader=PackageLoader("selfeval.outputs", "templates"),
    autoescape=select_autoescape(("html", "xml", "j2"), default=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
"""The one Jinja environment of every page and document selfeval renders (outputs/templates);
the web app's pages are Django templates."""
templates.filters["b64"] = lambda data: base64.b64encode(data).decode("ascii")
templates.filters["long_date"] = lambda d: long_date(
    date.fromisoformat(d) if isinstance(d, str) else d  # summaries carry ISO text (JSON's)
)
templates.filters["percent"] = lambda v: format_number(v, "percent")
templates.filters["value"] = lambda r: format_figure(r.value, r.unit, r.reason)
"""An indicator result (``indicators.Result``) as the web and the documents show it."""


def _spans_html(spans: tuple[Span, ...]) -> Markup:
    out = []
    for s in spans:
        t = escape(s.text)
        if s.emphasis:
            t = Markup("<em>{}</em>").format(t)
        if s.strong:
            t = Markup("<strong>{}</strong>").format(t)
        if s.note is not None:
            t = Markup(
                '{}<a class="evidence-ref" href="#evidence-{}" aria-label="evidence {}">[{}]</a>'
            ).format(t, s.note, s.note, s.note)
        out.append(t)
    return Markup("").join(out)


def keywords(doc: Document) -> str:
    """The document's metadata as one line (kept in every format for ``report check``)."""
    return "selfeval " + " ".join(f"{k}={v}" for k, v in sorted(doc.meta.items()))


def to_html(doc: Document) -> str:
    return templates.get_template("document.html.j2").render(
        doc=doc, spans=_spans_html, keywords=keywords(doc)
    )


def to_pdf_bytes(doc: Document) -> bytes:
    """The HTML rendered by WeasyPrint as a tagged PDF (PDF/UA-1)."""
    try:
        from weasyprint import HTML
    except OSError as e:  # pango missing: WeasyPrint loads it at import
        raise UsageError(
            f"PDF output needs the pango libraries (Debian: libpango-1.0-0): {e}"
        ) from None
    pdf: bytes = HTML(string=to_html(doc)).write_pdf(pdf_variant="pdf/ua-1")  # untyped library
    return pdf


def to_docx_bytes(doc: Document) -> bytes:
    d = DocxDocument()
    styles = d.styles
    styles["Normal"].font.name = "Arial"
    styles["Normal"].font.size = Pt(11)
    for section in d.sections:  # A4 with 2 cm margins, as councils print
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.left_margin = section.right_margin = Cm(2)
        section.top_margin = section.bottom_margin = Cm(2)
    d.core_properties.title = doc.title
    d.core_properties.subject = doc.subtitle
    d.core_properties.keywords = keywords(doc)
    d.core_properties.author = "selfeval"
    d.add_heading(doc.title, level=0)
    if doc.subtitle:
        d.add_paragraph(doc.subtitle, style="Subtitle")
    picture_id = 0
    for b in doc.blocks:
        if isinstance(b, Heading):
            h = d.add_heading(
                " ".join(x for x in (b.number, b.text) if x), level=min(b.level - 1, 9)
            )
            h.paragraph_format.page_break_before = b.new_page or None
            h.paragraph_format.keep_with_next = True
        elif isinstance(b, Paragraph):
            p = d.add_paragraph()
            if b.number:
                p.add_run(b.number + " ")
            if b.draft:
                r = p.add_run("Draft, not yet accepted: ")
                r.bold = True
                r.font.color.rgb = RGBColor(0x6F, 0x37, 0x00)
            _docx_spans(p, b.spans)
        elif isinstance(b, BulletList):
            style = "List Number" if b.ordered else "List Bullet"
            for item in b.items:
                _docx_spans(d.add_paragraph(style=style), item)
        elif isinstance(b, Table):
            _docx_table(d, b)
        elif isinstance(b, Image):
            picture_id += 1
            _docx_image(d, b)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def _docx_spans(p: DocxParagraph, spans: tuple[Span, ...]) -> None:
    for s in spans:
        r = p.add_run(s.text)
        r.bold = s.strong or None
        r.italic = s.emphasis or None
        if s.note is not None:
            ref = p.add_run(f"[{s.note}]")
            ref.font.superscript = True


def _docx_table(d: DocxFile, t: Table) -> None:
    cap = d.add_paragraph(t.caption, style="Caption")
    cap.paragraph_format.keep_with_next = True
    n_cols = len(t.header) if t.header else max((len(r) for r in t.rows), default=1)
    n_rows = len(t.rows) + (1 if t.header else 0)
    table = d.add_table(rows=n_rows, cols=n_cols)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    tbl_pr = table._tbl.tblPr
    for tag, val in (("w:tblCaption", t.caption), ("w:tblDescription", t.caption)):
        el = OxmlElement(tag)
        el.set(qn("w:val"), val)
        tbl_pr.append(el)
    offset = 0
    if t.header:
        row = table.rows[0]
        tr_pr = row._tr.get_or_add_trPr()
        header = OxmlElement("w:tblHeader")
        header.set(qn("w:val"), "true")
        tr_pr.append(header)
        for j, h in enumerate(t.header):
            cell = row.cells[j]
            cell.text = ""
            run = cell.paragraphs[0].add_run(h)
            run.bold = True
            if j in t.numeric:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
        offset = 1
    for i, values in enumerate(t.rows):
        row_pr = table.rows[i + offset]._tr.get_or_add_trPr()
        no_split = OxmlElement("w:cantSplit")
        no_split.set(qn("w:val"), "true")
        row_pr.append(no_split)
        cells = table.rows[i + offset].cells
        for j, v in enumerate(values):
            cells[j].text = ""
            run = cells[j].paragraphs[0].add_run(v)
            if t.compact:
                run.font.size = Pt(8)
            if j == 0 and t.row_headers:
                run.bold = True
            if j in t.numeric:
                cells[j].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    d.add_paragraph()


def _docx_image(d: DocxFile, img: Image) -> None:
    if img.mime != "image/png":
        raise UsageError(f"a Word document can embed PNG images, not {img.mime}")
    d.add_picture(io.BytesIO(img.data), width=Cm(15))
    pic_par = d.paragraphs[-1]
    for doc_pr in pic_par._p.iter(qn("wp:docPr")):
        doc_pr.set("descr", img.alt)
        doc_pr.set("title", img.caption)
    d.add_paragraph(img.caption, style="Caption")


def write(doc: Document, fmt: str, out: Path) -> Path:
    """Write the document in one of :data:`FORMATS` to ``out``."""
    if fmt not in FORMATS:
        raise UsageError(f"--format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "html":
        out.write_text(to_html(doc), encoding="utf-8")
    elif fmt == "docx":
        out.write_bytes(to_docx_bytes(doc))
    else:
        out.write_bytes(to_pdf_bytes(doc))
    return out
