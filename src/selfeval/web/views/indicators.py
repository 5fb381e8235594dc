"""The dashboard, the indicator catalogue and one indicator's page, chart and export."""

from __future__ import annotations

from dataclasses import dataclass, replace

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET

from selfeval.benchmarks.compare import Comparison
from selfeval.benchmarks.reconcile import Reconciled
from selfeval.benchmarks.spc import ControlChart
from selfeval.indicators import Indicator, Result, catalogue
from selfeval.indicators.engine import RESULT_FIELDS
from selfeval.indicators.export import format_value
from selfeval.outputs.formatting import format_number
from selfeval.web import cached_figures, charts
from selfeval.web.authorities import request_scope
from selfeval.web.disclosure import SUPPRESSED, needs_control, suppressed
from selfeval.web.store import get_store
from selfeval.web.views.base import table_download


@dataclass(frozen=True)
class ShownFigure:
    """One result as a page shows it, after disclosure control for the reader."""

    indicator: Indicator
    result: Result | None
    shown: str
    hidden: bool
    benchmark: str = ""
    badge: str = ""
    badge_class: str = ""
    differs: str = ""
    """Set when the figure differs from DfE's published one beyond its rounding."""

    @property
    def reason(self) -> str | None:
        return self.result.reason if self.result else "not computed"


def _figure(ind: Indicator, r: Result | None, control: bool) -> ShownFigure:
    if r is None:
        return ShownFigure(ind, None, "no data", False)
    if control and suppressed(r):
        return ShownFigure(ind, r, SUPPRESSED, True)
    return ShownFigure(ind, r, format_value(r), False)


def _significance(chart: ControlChart | None) -> tuple[str, str]:
    """The badge for the latest month: a special-cause signal (SPC) or common-cause variation."""
    if chart is None or not chart.points:
        return "", ""
    if chart.points[-1].signals:
        return "Significant change", "govuk-tag--orange"
    return "No significant change", "govuk-tag--grey"


def _benchmark_line(c: Comparison | None) -> str:
    """England's, the region's and the neighbours' figures: for a rate or a percentage only
    (a count beside England's total says nothing of the authority; its rate card compares)."""
    if c is None or c.unit == "count":
        return ""
    parts = [
        f"{name} {format_number(v, c.unit)}"
        for name, v in (
            ("England", c.england),
            ("region", c.region),
            ("neighbours' median", c.neighbours_median),
        )
        if v is not None
    ]
    return f"{c.year}: " + ", ".join(parts) if parts else ""


def _benchmark_rows(c: Comparison | None) -> list[tuple[str, str]]:
    """The indicator page's benchmarks, each figure as every output writes it; for a count,
    none but the year's note (beside England's total or other authorities' counts it says
    nothing of the authority, and a rank among them says only how big each is)."""
    if c is None:
        return []
    year = f"{c.year} ({c.source} figure{', as returned' if c.source == 'computed' else ''}; "
    year += f"benchmarks from {c.published})"
    if c.unit == "count":
        return [
            ("Year", year),
            ("Compared", "not: a count beside other areas' counts says nothing of this one"),
        ]

    def shown(v: float | None, none: str = "–") -> str:
        return none if v is None else format_number(v, c.unit)

    rank = "–" if c.rank is None else f"{c.rank} of {c.of}"
    return [
        ("Year", year),
        ("England", shown(c.england, "not published")),
        ("Region", shown(c.region, "not published")),
        (
            "Statistical neighbours",
            f"median {shown(c.neighbours_median)}, mean {shown(c.neighbours_mean)} "
            f"({c.neighbours_with_value} with a value)",
        ),
        ("Rank", rank + (f", {c.quartile} quartile" if c.quartile else "")),
        (
            "Direction of travel",
            f"3 years: {c.direction_3y or '–'}; 5 years: {c.direction_5y or '–'}",
        ),
    ]


def _differs(r: Reconciled | None) -> str:
    """The mark on a figure that does not reconcile with DfE's published one."""
    if r is None:
        return ""
    published = format_number(r.published, r.unit) if r.published is not None else r.status
    return f"Differs from DfE's published figure ({published}): not used in findings"


def _cards(sc: cached_figures.Scope, control: bool) -> list[ShownFigure]:
    store = get_store()
    by_id = {r.id: r for r in cached_figures.results_at(store, sc)}
    bench = cached_figures.comparisons(store, sc)
    differ = cached_figures.differing(store, sc)
    cards = []
    for ind in catalogue().values():
        f = _figure(ind, by_id.get(ind.id), control)
        # A card with no figure at the date says so and nothing more: a badge on it would
        # speak of months the card does not show.
        badge, cls = (
            _significance(cached_figures.control_chart(store, sc, ind.id, public=control))
            if f.result is not None and f.result.value is not None
            else ("", "")
        )
        cards.append(
            replace(
                f,
                benchmark=_benchmark_line(bench.get(ind.id)),
                badge=badge,
                badge_class=cls,
                differs=_differs(differ.get(ind.id)),
            )
        )
    return cards


def _render_cards(sc: cached_figures.Scope, cards: list[ShownFigure]) -> str:
    """The cards with a figure (or a withheld one) first, as cards; those with no figure at
    the date after them, as one short list, so that what is known leads the page."""
    known = [c.hidden or (c.result is not None and c.result.value is not None) for c in cards]
    shown = [c for c, k in zip(cards, known, strict=True) if k]
    empty = [c for c, k in zip(cards, known, strict=True) if not k]
    return render_to_string("web/_cards.html", {"scope": sc, "cards": shown, "empty": empty})


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """Every indicator's card: rendered once per store state, scope and audience (whether
    the reader is under disclosure control), then served from the cache."""
    sc = request_scope(request)
    html = ""
    if sc is not None:
        control = needs_control(request.user)
        html = cached_figures.cached(
            f"cards:{sc.state}:{sc.la_code}:{sc.at}:{control}",
            lambda: _render_cards(sc, _cards(sc, control)),
        )
    return render(request, "web/dashboard.html", {"scope": sc, "cards_html": html})


@require_GET
def indicators(request: HttpRequest) -> HttpResponse:
    return render(request, "web/indicators.html", {"catalogue": list(catalogue().values())})


def _series_rows(
    request: HttpRequest, ind: Indicator, sc: cached_figures.Scope
) -> list[ShownFigure]:
    control = needs_control(request.user)
    return [_figure(ind, r, control) for r in cached_figures.series(get_store(), sc, ind.id)]


@require_GET
def indicator(request: HttpRequest, indicator_id: str) -> HttpResponse:
    ind = cached_figures.indicator_or_404(indicator_id)
    sc = request_scope(request)
    rows = _series_rows(request, ind, sc) if sc else []
    current = rows[-1] if rows else None
    store = get_store()
    public = needs_control(request.user)
    chart = cached_figures.control_chart(store, sc, ind.id, public=public) if sc else None
    bench = cached_figures.comparisons(store, sc).get(ind.id) if sc else None
    return render(
        request,
        "web/indicator.html",
        {
            "ind": ind,
            "scope": sc,
            "rows": rows,
            "current": current,
            "bench": _benchmark_rows(bench),
            "spc": chart.describe() if chart else "",
            "badge": _significance(chart),
            "differs": _differs(cached_figures.differing(store, sc).get(ind.id)) if sc else "",
        },
    )


@require_GET
def indicator_chart(request: HttpRequest, indicator_id: str) -> HttpResponse:
    """The series as SVG; values hidden by disclosure control are gaps in the line."""
    ind = cached_figures.indicator_or_404(indicator_id)
    sc = request_scope(request)
    rows = _series_rows(request, ind, sc) if sc else []
    dates = [f.result.period_end for f in rows if f.result]
    values = [None if (f.hidden or f.result is None) else f.result.value for f in rows if f.result]
    lines = [charts.Line(ind.title, values, "#1d70b8")]
    public = needs_control(request.user)
    spc = cached_figures.control_chart(get_store(), sc, ind.id, public=public) if sc else None
    if spc is not None:
        at = {p.label: p for p in spc.points}
        limits = [at.get(d.isoformat()) for d in dates]
        lines += [
            charts.Line("centre line", [p.centre if p else None for p in limits], "#505a5f", "4 3"),
            charts.Line(
                "upper control limit", [p.ucl if p else None for p in limits], "#d4351c", "2 3"
            ),
            charts.Line(
                "lower control limit", [p.lcl if p else None for p in limits], "#d4351c", "2 3"
            ),
        ]
    body = charts.svg(dates, lines, title=f"{ind.title}, by month, with control limits")
    resp = HttpResponse(body, content_type="image/svg+xml")
    resp["Cache-Control"] = "private, max-age=60"
    return resp


_EXPORT_NAMES = {"id": "indicator", "reason": "note"}
"""The export's names for a result's fields (it leaves out the title and the date asked for)."""


@require_GET
def indicator_export(request: HttpRequest, indicator_id: str, fmt: str) -> HttpResponse:
    """The series as CSV or XLSX, under the same disclosure control as the page."""
    ind = cached_figures.indicator_or_404(indicator_id)
    sc = request_scope(request)
    rows = _series_rows(request, ind, sc) if sc else []
    header = [_EXPORT_NAMES.get(f, f) for f in RESULT_FIELDS if f not in ("title", "date")]
    table = []
    for f in rows:
        r = f.result
        if r is None:
            continue
        shown = (SUPPRESSED,) * 3 if f.hidden else (r.value, r.numerator, r.denominator)
        note = "suppressed: fewer than 6 children" if f.hidden else r.reason or ""
        table.append(
            [r.id, r.la_code, r.period_start, r.period_end, *shown, r.unit, note, str(r.basis)]
        )
    name = f"{ind.id}-{sc.la_code if sc else 'none'}"
    return table_download(header, table, fmt, name, title=ind.id)
