"""``report check``: every number in a document that no computed figure supports.

A report may be edited by hand after selfeval writes it. This reads the document back (DOCX,
HTML, Markdown or PDF), finds every number in its text, and compares each with the figures the
store computes for the document's dates (its own metadata, and every date its text names):
each indicator's value, numerator and denominator, at the precision the number is written
with. Dates, years, section and page numbers, citations, telephone numbers and the numbers
inside indicator names ("within 5 working days") are not figures and are skipped.
"""

from __future__ import annotations

import calendar
import contextlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import ClassVar

from selfeval.assurance import repository as assurance
from selfeval.errors import InputError, Location, NoData, UsageError
from selfeval.evaluation.benchmarking import default_comparators
from selfeval.evaluation.placeholders import FigureCache
from selfeval.evaluation.sef import SefOptions, build_sef
from selfeval.indicators import Result, catalogue, compute, sources_from_store
from selfeval.plans import repository as plans
from selfeval.store import Store

MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_MONTH_NUM = {m: i for i, m in enumerate(calendar.month_name) if m}

# Stretches of text that contain digits but are not figures; blanked before numbers are read.
_NOT_FIGURES = [
    re.compile(r"\{\{.*?\}\}", re.S),  # placeholders in a Markdown source
    re.compile(r"\b\d{4}-\d{2}-\d{2}\b"),  # ISO dates
    re.compile(r"\b\d{1,2}[./]\d{1,2}[./]\d{2,4}\b"),  # 28.11.2019, 31/03/2020
    re.compile(rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{MONTHS})(?:\s+\d{{4}})?\b"),
    re.compile(rf"\b(?:{MONTHS})\s+\d{{4}}\b"),
    re.compile(r"\b(?:19|20)\d{2}\s*(?:-|–|to)\s*(?:19|20)?\d{2}\b"),  # 2019-20, 2018 to 2019
    re.compile(r"\[\d+\]"),  # citations of the evidence register
    re.compile(r"\bloads?\s+\d+(?:\s*[,;]\s*(?:load\s+)?\d+)*", re.I),
    re.compile(r"\bp\s*[=<>]\s*\d*\.?\d+"),  # p-values
    re.compile(r"\b0\d{3,4}\s?\d{3}\s?\d{3,4}\b"),  # telephone numbers
    re.compile(r"\S+@\S+"),  # e-mail addresses
    re.compile(r"(?m)^\s*(?:\d+\.)+\d*\s"),  # section and list numbers at a line's start
    re.compile(r"(?m)^\s*\d+\s*$"),  # a line that is only a number: a page number
    re.compile(r"\b(?:section|paragraph|page|list|table|figure|appendix)\s+\d+(?:\.\d+)*", re.I),
    re.compile(r"\b(?:authority|LA|la_code)\s+\d{3}\b", re.I),  # an authority's DfE code
]
_NUMBER = re.compile(r"(?<![\w/.\-])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(%|\+)?(?![\w/])")
_YEAR = re.compile(r"^(?:19|20)\d{2}$")
_BOILERPLATE = {
    ("12", "months"),
    ("1", "to"),
    ("5", "children"),
    ("5", "working"),
    ("5", "days"),
    ("15", "working"),
    ("45", "working"),
    ("20", "miles"),
    ("2", "years"),
    ("3+", "placements"),
    ("3+", "social"),
}
"""Numbers in fixed wording: selfeval's own (the three questions, the disclosure note) and the
thresholds in the names of DfE's measures; the catalogue's titles add their own."""


@dataclass(frozen=True)
class Unsupported:
    """A number in the document that no computed figure supports."""

    text: str
    context: str

    def __str__(self) -> str:
        return f'{self.text} in "…{self.context}…"'


@dataclass(frozen=True)
class ReadDocument:
    text: str
    meta: dict[str, str]


def read_document(path: Path) -> ReadDocument:
    """A document's text and selfeval metadata, whatever its format."""
    suffix = path.suffix.lower()
    if not path.exists():
        raise UsageError(f"{path}: no such file")
    try:
        if suffix == ".docx":
            return _read_docx(path)
        if suffix in (".html", ".htm"):
            return _read_html(path.read_text(encoding="utf-8"))
        if suffix in (".md", ".markdown", ".txt"):
            return ReadDocument(path.read_text(encoding="utf-8"), {})
        if suffix == ".pdf":
            return _read_pdf(path)
    except (UnicodeDecodeError, ValueError, KeyError, OSError) as e:
        raise InputError(Location(str(path)), "readable", f"cannot be read: {e}") from None
    raise UsageError(f"{path}: report check reads .docx, .html, .md or .pdf files")


def _meta_from_keywords(keywords: str) -> dict[str, str]:
    if not keywords.startswith("selfeval"):
        return {}
    return dict(p.split("=", 1) for p in keywords.split()[1:] if "=" in p)


def _read_docx(path: Path) -> ReadDocument:
    import zipfile

    from docx import Document as open_docx
    from docx.table import Table as DocxTable
    from docx.text.paragraph import Paragraph as DocxParagraph

    try:
        d = open_docx(str(path))
    except (zipfile.BadZipFile, KeyError) as e:
        raise InputError(Location(str(path)), "docx", f"is not a Word document: {e}") from None
    lines = []
    for el in d.element.body.iterchildren():
        tag = el.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(DocxParagraph(el, d).text)
        elif tag == "tbl":
            for row in DocxTable(el, d).rows:
                lines.append(" | ".join(c.text for c in row.cells))
    return ReadDocument("\n".join(lines), _meta_from_keywords(d.core_properties.keywords or ""))


class _HtmlText(HTMLParser):
    BLOCKS: ClassVar[set[str]] = {
        "p",
        "li",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "tr",
        "caption",
        "figcaption",
        "div",
    }

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.meta: dict[str, str] = {}
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag in ("script", "style", "title"):
            self._skip += 1
        elif tag == "meta" and a.get("name") == "keywords":
            self.meta = _meta_from_keywords(a.get("content") or "")
        elif tag in ("td", "th"):
            self.parts.append(" | ")
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "title"):
            self._skip -= 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def _read_html(source: str) -> ReadDocument:
    p = _HtmlText()
    p.feed(source)
    return ReadDocument("".join(p.parts), p.meta)


def _read_pdf(path: Path) -> ReadDocument:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        r = PdfReader(str(path))
        text = "\n".join(page.extract_text() or "" for page in r.pages)
        keywords = str((r.metadata.get("/Keywords") if r.metadata else None) or "")
    except PdfReadError as e:
        raise InputError(Location(str(path)), "pdf", f"is not a readable PDF: {e}") from None
    return ReadDocument(text, _meta_from_keywords(keywords))


def dates_named(text: str) -> set[date]:
    """Every date the text names: ISO dates, "31 March 2019", and "March 2019" (its last day)."""
    out: set[date] = set()
    for m in re.finditer(r"\b(\d{4})-(\d{2})-(\d{2})\b", text):
        with contextlib.suppress(ValueError):
            out.add(date(int(m[1]), int(m[2]), int(m[3])))
    for m in re.finditer(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({MONTHS})\s+(\d{{4}})\b", text):
        with contextlib.suppress(ValueError):
            out.add(date(int(m[3]), _MONTH_NUM[m[2]], int(m[1])))
    for m in re.finditer(rf"\b({MONTHS})\s+(\d{{4}})\b", text):
        y, mo = int(m[2]), _MONTH_NUM[m[1]]
        out.add(date(y, mo, calendar.monthrange(y, mo)[1]))
    return {d for d in out if 1990 <= d.year <= 2100}


def numbers_in(text: str) -> list[tuple[str, float, int, str]]:
    """(as written, value, decimals, context) of each number that could be a figure."""
    blanked = text
    for pat in _NOT_FIGURES:
        blanked = pat.sub(lambda m: " " * len(m.group(0)), blanked)
    out = []
    for m in _NUMBER.finditer(blanked):
        whole, frac, suffix = m.group(1), m.group(2) or "", m.group(3) or ""
        written = whole + frac + suffix
        if not frac and not suffix and "," not in whole and _YEAR.match(whole):
            continue  # a year
        after = blanked[m.end() :].lstrip().split(" ", 1)[0].lower().strip(".,;:()")
        if (whole, after) in _BOILERPLATE or (whole + suffix, after) in _definition_constants():
            continue
        value = float(whole.replace(",", "") + frac)
        context = " ".join(text[max(0, m.start() - 40) : m.end() + 40].split())
        out.append((written, value, len(frac) - 1 if frac else 0, context))
    return out


_CONSTANTS: set[tuple[str, str]] | None = None


def _definition_constants() -> set[tuple[str, str]]:
    """(number, next word) pairs written in indicator titles: "5 working", "3+ placements"."""
    global _CONSTANTS
    if _CONSTANTS is None:
        pairs = set()
        for ind in catalogue().values():
            words = re.findall(r"[\w+]+", ind.title.lower())
            for a, b in zip(words, [*words[1:], ""], strict=True):
                if re.fullmatch(r"\d+\+?", a):
                    pairs.add((a, b))
        _CONSTANTS = pairs
    return _CONSTANTS


def supported(value: float, decimals: int, figures: Iterable[float]) -> bool:
    """Whether some figure, written at this precision, is this number (half-up or half-even)."""
    tol = 0.5 * 10**-decimals + 1e-9
    return any(abs(f - value) <= tol for f in figures)


def figures_for(results: Iterable[Result]) -> set[float]:
    out: set[float] = set()
    for r in results:
        for v in (r.value, r.numerator, r.denominator):
            if v is not None:
                out.add(float(v))
    return out


def check_file(
    store: Store, path: Path, *, la_code: str | None = None, dates: Iterable[date] = ()
) -> list[Unsupported]:
    """Every number in the document at ``path`` that no figure computed from the store supports."""
    doc = read_document(path)
    la = la_code or doc.meta.get("la")
    if la is None:
        las = store.la_codes()
        if len(las) != 1:
            raise UsageError(
                f"{path} does not say which authority it is about: give --la "
                f"(the store holds {', '.join(las) or 'none'})"
            )
        la = las[0]
    asked = set(dates) | dates_named(doc.text)
    for k in ("at", "since"):
        if k in doc.meta:
            asked.add(date.fromisoformat(doc.meta[k]))
    if not asked:
        raise UsageError(f"{path} names no date to check its figures against: give --at")
    sources = sources_from_store(store, la)
    if not sources.la_codes():
        raise NoData(f"the store holds no returns for authority {la}")
    results = compute(sources, sorted(asked), la_codes=[la])
    figures = figures_for(results)
    if "at" in doc.meta and "since" in doc.meta:
        figures |= supporting_figures(
            store, la, date.fromisoformat(doc.meta["since"]), date.fromisoformat(doc.meta["at"])
        )
    comparators = default_comparators(store, la)
    if comparators is not None:
        for r in results:
            for versus in ("england", "region", "neighbours"):
                c = comparators.compare(r, versus) if r.value is not None else None
                if c is not None:
                    figures.add(c.value)
    return [
        Unsupported(written, ctx)
        for written, value, decimals, ctx in numbers_in(doc.text)
        if not supported(value, decimals, figures)
    ]


_DERIVED: dict[tuple[str, str, date, date, tuple[object, ...]], set[float]] = {}


def supporting_figures(store: Store, la: str, since: date, at: date) -> set[float]:
    """The numbers selfeval derives from the store for the period (benchmark medians and
    quartiles, ranks, trends, audits, the plan, population): the self-evaluation made again
    from the store for internal readers (a public edition shows a subset of its numbers). A
    number edited by hand is not among them."""
    state: tuple[object, ...] = (
        tuple(r.id for r in store.loads(la)),
        tuple((a.id, a.final_grade) for a in assurance.audits(store, la)),
        len(assurance.evidence_items(store, la)),
        tuple(
            (y, plans.plan(store, la, y).counts().items().__repr__())
            for y in plans.plan_years(store, la)
        ),
        plans.statuses_recorded(store, la),  # an action's status changes the ratings
    )
    key = (str(store.url), la, since, at, state)
    if key not in _DERIVED:
        record = FigureCache(store, la, public=False)  # internal: every number a public one shows
        doc = build_sef(record, SefOptions(la_code=la, at=at, since=since, public=False))
        _DERIVED[key] = {value for _, value, _, _ in numbers_in(doc.document.text())}
    return _DERIVED[key]
