"""HTML pages, rendered by Jinja2 with autoescaping."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from selfeval.indicators import Result
from selfeval.outputs.disclosure import AUDIENCES
from selfeval.outputs.formatting import format_figure
from selfeval.outputs.render import templates


def indicators_page(
    results: list[Result],
    *,
    title: str,
    at: date,
    out: Path,
    show: Callable[[Result], str] | None = None,
) -> Path:
    """A page of indicator figures with their definitions' titles and periods, for internal
    readers; or, given ``show`` (``evaluation.placeholders.FigureCache.show`` of a public
    cache), for the public, every figure as that one policy shows it."""
    audience = AUDIENCES["public" if show else "internal"]
    values = [show(r) if show else format_figure(r.value, r.unit, r.reason) for r in results]
    html = templates.get_template("indicators.html.j2").render(
        title=title, at=at, rows=list(zip(results, values, strict=True)), audience=audience
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(html, encoding="utf-8")
    return out
