"""A report as a tree of blocks, rendered alike to HTML, Word and PDF.

The evaluation builds a :class:`Document`; each renderer walks it. Keeping one model means
the three formats say the same thing, and ``report check`` can read any of them back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.token import Token


@dataclass(frozen=True)
class Span:
    """A run of text; ``note`` is the evidence number a figure cites."""

    text: str
    strong: bool = False
    emphasis: bool = False
    note: int | None = None


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    number: str | None = None
    new_page: bool = False
    """Start a new page in print (PDF, Word) before this heading."""


@dataclass(frozen=True)
class Paragraph:
    spans: tuple[Span, ...]
    number: str | None = None
    """A paragraph number as councils use them ("3.2")."""
    draft: bool = False
    """Drafted by selfeval and not yet accepted by a person."""


@dataclass(frozen=True)
class BulletList:
    items: tuple[tuple[Span, ...], ...]
    ordered: bool = False


@dataclass(frozen=True)
class Table:
    """A table; ``header`` None for a table of labelled rows (row headers only)."""

    caption: str
    header: tuple[str, ...] | None
    rows: tuple[tuple[str, ...], ...]
    row_headers: bool = True
    numeric: frozenset[int] = frozenset()
    """Columns holding numbers (right-aligned)."""
    anchors: tuple[str, ...] | None = None
    """An id per row, for links to it (the evidence register's entries)."""
    compact: bool = False
    """Printed smaller (a wide table: the evidence register, benchmarks)."""


@dataclass(frozen=True)
class Image:
    data: bytes
    mime: str
    alt: str
    caption: str


Block = Heading | Paragraph | BulletList | Table | Image


@dataclass
class Document:
    title: str
    subtitle: str = ""
    blocks: list[Block] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)
    """Kind, authority and the dates the figures are for (read back by ``report check``)."""

    def add(self, *blocks: Block) -> None:
        self.blocks.extend(blocks)

    def text(self) -> str:
        """All the words of the document, block by block (for checking and searching)."""
        out = [self.title, self.subtitle]
        for b in self.blocks:
            if isinstance(b, Heading):
                out.append(" ".join(x for x in (b.number, b.text) if x))
            elif isinstance(b, Paragraph):
                out.append(" ".join(x for x in (b.number, spans_text(b.spans)) if x))
            elif isinstance(b, BulletList):
                out.extend(spans_text(i) for i in b.items)
            elif isinstance(b, Table):
                out.append(b.caption)
                if b.header:
                    out.append(" | ".join(b.header))
                out.extend(" | ".join(r) for r in b.rows)
            elif isinstance(b, Image):
                out.append(b.caption)
        return "\n".join(out)


def spans_text(spans: tuple[Span, ...]) -> str:
    return "".join(s.text for s in spans)


def text(s: str) -> tuple[Span, ...]:
    return (Span(s),)


# -- Markdown -----------------------------------------------------------------------------------

FIGURE_MARK = re.compile("\ue000(\\d+)\ue001")
"""Where a rendered figure sits in narrative text: its index in the figure list."""


def figure_mark(index: int) -> str:
    return f"\ue000{index}\ue001"


def markdown_blocks(
    source: str,
    figures: list[tuple[str, int]],
    *,
    base_level: int = 2,
    draft: bool = False,
) -> list[Block]:
    """Narrative Markdown as blocks; figure marks become spans citing their evidence.

    ``figures[i]`` is (text, evidence number) of the figure marked ``i``. Headings are moved
    down so that a ``#`` in a section file sits under the section's own heading.
    """
    md = MarkdownIt("commonmark", {"html": False})
    tokens = md.parse(source)
    blocks: list[Block] = []
    list_items: list[tuple[Span, ...]] = []
    list_ordered = False
    in_list = 0
    heading_level = 0
    for tok in tokens:
        if tok.type == "heading_open":
            heading_level = int(tok.tag[1:])
        elif tok.type in ("bullet_list_open", "ordered_list_open"):
            in_list += 1
            list_ordered = tok.type == "ordered_list_open"
        elif tok.type in ("bullet_list_close", "ordered_list_close"):
            in_list -= 1
            if not in_list and list_items:
                blocks.append(BulletList(tuple(list_items), ordered=list_ordered))
                list_items = []
        elif tok.type == "inline":
            spans = _inline_spans(tok.children or [], figures)
            if heading_level:
                level = min(6, base_level + heading_level - 1)
                blocks.append(Heading(level, spans_text(spans)))
                heading_level = 0
            elif in_list:
                list_items.append(spans)
            else:
                blocks.append(Paragraph(spans, draft=draft))
    return blocks


def _inline_spans(children: list[Token], figures: list[tuple[str, int]]) -> tuple[Span, ...]:
    out: list[Span] = []
    strong = emphasis = False
    for c in children:
        if c.type == "strong_open":
            strong = True
        elif c.type == "strong_close":
            strong = False
        elif c.type == "em_open":
            emphasis = True
        elif c.type == "em_close":
            emphasis = False
        elif c.type in ("softbreak", "hardbreak"):
            out.append(Span(" ", strong, emphasis))
        elif c.type in ("text", "code_inline"):
            pos = 0
            for m in FIGURE_MARK.finditer(c.content):
                if m.start() > pos:
                    out.append(Span(c.content[pos : m.start()], strong, emphasis))
                fig_text, note = figures[int(m.group(1))]
                out.append(Span(fig_text, strong, emphasis, note=note))
                pos = m.end()
            if pos < len(c.content):
                out.append(Span(c.content[pos:], strong, emphasis))
    return tuple(out)
