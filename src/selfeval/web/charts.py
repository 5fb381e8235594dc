"""Small SVG line charts of a series (and its control limits when the library gives them).

Presentation only: it places the library's values on a grid. The SVG uses attributes, not
style, so that it passes the Content Security Policy when served as an image.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from xml.sax.saxutils import escape


@dataclass(frozen=True)
class Line:
    name: str
    values: Sequence[float | None]
    stroke: str
    dash: str = ""


def svg(
    dates: Sequence[date],
    lines: Sequence[Line],
    *,
    title: str,
    width: int = 640,
    height: int = 240,
) -> str:
    """An accessible SVG (title and description) of one or more lines over the same dates."""
    pad_l, pad_r, pad_t, pad_b = 56, 16, 16, 36
    vals = [v for ln in lines for v in ln.values if v is not None]
    lo, hi = (min(vals), max(vals)) if vals else (0.0, 1.0)
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    span = hi - lo
    lo, hi = lo - span * 0.05, hi + span * 0.05
    n = max(len(dates) - 1, 1)

    def x(i: int) -> float:
        return pad_l + (width - pad_l - pad_r) * i / n

    def y(v: float) -> float:
        return pad_t + (height - pad_t - pad_b) * (hi - v) / (hi - lo)

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="t">',
        f'<title id="t">{escape(title)}</title>',
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>',
    ]
    for frac in (0, 0.5, 1):
        v = lo + (hi - lo) * frac
        out.append(
            f'<line x1="{pad_l}" x2="{width - pad_r}" y1="{y(v):.1f}" y2="{y(v):.1f}" '
            f'stroke="#b1b4b6" stroke-width="1"/>'
            f'<text x="{pad_l - 6}" y="{y(v) + 4:.1f}" text-anchor="end" font-size="12" '
            f'font-family="Arial, sans-serif" fill="#0b0c0c">{v:,.1f}</text>'
        )
    if dates:
        for i in sorted({0, len(dates) - 1, (len(dates) - 1) // 2}):
            out.append(
                f'<text x="{x(i):.1f}" y="{height - 10}" text-anchor="middle" font-size="12" '
                f'font-family="Arial, sans-serif" fill="#0b0c0c">{dates[i]:%b %Y}</text>'
            )
    for ln in lines:
        pts = [f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(ln.values) if v is not None]
        if not pts:
            continue
        dash = f' stroke-dasharray="{ln.dash}"' if ln.dash else ""
        out.append(
            f'<polyline fill="none" stroke="{ln.stroke}" stroke-width="2"{dash} '
            f'points="{" ".join(pts)}"><title>{escape(ln.name)}</title></polyline>'
        )
    out.append("</svg>")
    return "".join(out)
