"""HTML pages, rendered by Jinja2 with autoescaping."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape

from selfeval.indicators import Result
from selfeval.indicators.export import format_value

_env = Environment(
    loader=PackageLoader("selfeval.outputs", "templates"),
    autoescape=select_autoescape(("html", "xml", "j2"), default=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


_env.filters["value"] = format_value


def indicators_page(results: list[Result], *, title: str, at: date, out: Path) -> Path:
    """A page of indicator figures with their definitions' titles and periods."""
    html = _env.get_template("indicators.html.j2").render(title=title, at=at, results=results)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(html, encoding="utf-8")
    return out
