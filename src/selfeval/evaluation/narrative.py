"""Narrative written by people in Markdown, one file per section, with figures from the record.

A narrative folder holds ``SECTION.md`` files (``context.md``, ``help_and_protection.md``, ...;
see each report's sections). Figures are ``{{ ... }}`` placeholders (grammar in
:mod:`selfeval.evaluation.placeholders`); each becomes the computed text with a citation of its
entry in the evidence register.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from selfeval.errors import UsageError
from selfeval.evaluation.placeholders import (
    PLACEHOLDER,
    Evidence,
    FigureCache,
    FigureError,
    FigureRef,
    RenderedFigure,
    Where,
    parse_figure,
)
from selfeval.outputs.document import Block, figure_mark, markdown_blocks


@dataclass
class EvidenceRegister:
    """The numbered list of what a report's figures rest on; one entry per indicator and period."""

    entries: list[Evidence] = field(default_factory=list)
    _index: dict[tuple[str, tuple[tuple[date, date], ...], str | None], int] = field(
        default_factory=dict
    )

    def cite(self, ev: Evidence) -> int:
        key = (ev.indicator_id, ev.periods, ev.comparison)
        if key not in self._index:
            self.entries.append(ev)
            self._index[key] = len(self.entries)
        return self._index[key]


@dataclass
class Narrative:
    """A folder of section files; a missing folder or file means no narrative for it."""

    folder: Path | None = None
    texts: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_folder(cls, folder: Path | None) -> Narrative:
        if folder is None:
            return cls()
        if not folder.is_dir():
            raise UsageError(f"--narrative {folder} is not a folder of Markdown files")
        texts = {p.stem: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.md"))}
        return cls(folder, texts)

    def get(self, section: str) -> str | None:
        return self.texts.get(section)

    def unknown(self, sections: set[str]) -> list[str]:
        """Section files that no section of the report reads (probably misnamed)."""
        return sorted(set(self.texts) - sections)


def prefetch(record: FigureCache, refs: list[FigureRef]) -> None:
    """Compute every figure's results in one query per period, before rendering them."""
    by_period: dict[str, tuple[set[str], set[date]]] = defaultdict(lambda: (set(), set()))
    for r in refs:
        ids, dates = by_period[r.period]
        ids.add(r.indicator_id)
        dates.update(r.dates)
    for period, (ids, dates) in by_period.items():
        record.results(sorted(ids), sorted(dates), period)


def render_markdown(
    text: str,
    section: str,
    record: FigureCache,
    register: EvidenceRegister,
    *,
    base_level: int = 3,
    draft: bool = False,
) -> tuple[list[Block], list[RenderedFigure]]:
    """A section's Markdown as blocks, every placeholder rendered and cited.

    All the section's problems are reported together, each with its section and line.
    """
    found = _find_all(text, section)
    prefetch(record, [ref for _, ref in found])
    figures: list[RenderedFigure] = []
    marks: list[tuple[str, int]] = []
    errors: list[str] = []
    pieces: list[str] = []
    pos = 0
    for m, ref in found:
        pieces.append(text[pos : m.start()])
        pos = m.end()
        try:
            fig = record.figure(ref)
        except FigureError as e:
            errors.append(str(e))
            pieces.append("")
            continue
        figures.append(fig)
        marks.append((fig.text, register.cite(fig.evidence)))
        pieces.append(figure_mark(len(marks) - 1))
    pieces.append(text[pos:])
    if errors:
        raise FigureError("; ".join(errors))
    blocks = markdown_blocks("".join(pieces), marks, base_level=base_level, draft=draft)
    return blocks, figures


def _find_all(text: str, section: str) -> list[tuple[re.Match[str], FigureRef]]:
    """Parse every placeholder, reporting all malformed or unknown ones at once."""
    errors = []
    found = []
    for m in PLACEHOLDER.finditer(text):
        line = text.count("\n", 0, m.start()) + 1
        try:
            found.append((m, parse_figure(m.group(1), Where(section, line))))
        except FigureError as e:
            errors.append(str(e))
    if errors:
        raise FigureError("; ".join(errors))
    return found
