"""An accessibility check of HTML pages: the structural rules a screen reader depends on.

Checked: the page declares its language and has a title; there is one ``h1`` and headings
never skip a level going down; every table has a caption and every header cell a scope, and
every table has header cells; every image has alt text (an inline SVG, a ``<title>``); every
link has text. It is the subset of WCAG 2.2 that a parser can decide; axe-core in a browser
covers more (contrast, focus) where the web app's browser tests run it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class _Table:
    has_caption: bool = False
    header_cells: int = 0
    line: int = 0


@dataclass
class _Checker(HTMLParser):
    problems: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.last_level = 0
        self.h1_count = 0
        self.tables: list[_Table] = []
        self.has_lang = False
        self.has_title = False
        self.svg_depth = 0
        self.svg_titled: list[bool] = []
        self.link: tuple[int, list[str], bool] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        line = self.getpos()[0]
        if tag == "html":
            self.has_lang = bool((a.get("lang") or "").strip())
        elif tag == "title" and self.svg_depth and self.svg_titled:
            self.svg_titled[-1] = True
        elif tag == "title":
            self.has_title = True
        elif len(tag) == 2 and tag[0] == "h" and tag[1].isdigit():
            level = int(tag[1])
            if level == 1:
                self.h1_count += 1
            if self.last_level == 0 and level != 1:
                self.problems.append(f"line {line}: the first heading is h{level}, not h1")
            elif level > self.last_level + 1 and self.last_level:
                self.problems.append(
                    f"line {line}: heading h{level} follows h{self.last_level} (a level skipped)"
                )
            self.last_level = level
        elif tag == "table":
            self.tables.append(_Table(line=line))
        elif tag == "caption" and self.tables:
            self.tables[-1].has_caption = True
        elif tag == "th":
            if self.tables:
                self.tables[-1].header_cells += 1
            if a.get("scope") not in ("col", "row", "colgroup", "rowgroup"):
                self.problems.append(f"line {line}: a table header cell has no scope")
        elif tag == "img":
            alt = a.get("alt")
            if alt is None or (not alt.strip() and a.get("role") != "presentation"):
                self.problems.append(f"line {line}: an image has no alt text")
        elif tag == "svg":
            self.svg_depth += 1
            if self.svg_depth == 1:
                labelled = bool(a.get("aria-label")) or a.get("aria-hidden") == "true"
                self.svg_titled.append(labelled)
        elif tag == "a":
            self.link = (line, [], bool((a.get("aria-label") or "").strip()))

    def handle_endtag(self, tag: str) -> None:
        if tag == "table" and self.tables:
            t = self.tables.pop()
            if not t.has_caption:
                self.problems.append(f"line {t.line}: a table has no caption")
            if not t.header_cells:
                self.problems.append(f"line {t.line}: a table has no header cells")
        elif tag == "svg" and self.svg_depth:
            self.svg_depth -= 1
            if not self.svg_depth and not self.svg_titled.pop():
                self.problems.append(f"line {self.getpos()[0]}: an inline SVG has no <title>")
        elif tag == "a" and self.link:
            line, words, labelled = self.link
            if not labelled and not "".join(words).strip():
                self.problems.append(f"line {line}: a link has no text")
            self.link = None

    def handle_data(self, data: str) -> None:
        if self.link:
            self.link[1].append(data)


def check_html(html: str) -> list[str]:
    """Every accessibility problem found in a page, each with its line; empty when none."""
    c = _Checker()
    c.feed(html)
    c.close()
    if not c.has_lang:
        c.problems.append("the page does not declare its language (<html lang>)")
    if not c.has_title:
        c.problems.append("the page has no <title>")
    if c.h1_count != 1:
        c.problems.append(f"the page has {c.h1_count} h1 headings, not one")
    return c.problems
