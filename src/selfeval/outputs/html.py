"""HTML pages, rendered by Jinja2 with autoescaping."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape

from selfeval.indicators import Result

_env = Environment(
    loader=PackageLoader("selfeval.outputs", "templates"),
    autoescape=select_autoescape(("html", "xml", "j2"), default=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


def format_value(r: Result) -> str:
    if r.value is None:
        return "no data"
    if r.unit == "percent":
        return f"{r.value:.1f}%"
    if r.unit == "count":
        return f"{r.value:,.0f}"
    if r.unit == "rate_per_10k":
        return f"{r.value:.0f}"
    return f"{r.value:,.1f}"


_env.filters["value"] = format_value


def indicators_page(results: list[Result], *, title: str, at: date, out: Path) -> Path:
    """A page of indicator figures with their definitions' titles and periods."""
    html = _env.get_template("indicators.html.j2").render(title=title, at=at, results=results)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(html, encoding="utf-8")
    return out
