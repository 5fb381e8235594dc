"""HTML pages, rendered by Jinja2 with autoescaping."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from selfeval.indicators import Result
from selfeval.outputs.render import templates


def indicators_page(results: list[Result], *, title: str, at: date, out: Path) -> Path:
    """A page of indicator figures with their definitions' titles and periods."""
    html = templates.get_template("indicators.html.j2").render(title=title, at=at, results=results)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(html, encoding="utf-8")
    return out
