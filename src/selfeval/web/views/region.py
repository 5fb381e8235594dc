"""The regional view, over ``selfeval.region``: the authorities the account may see side by
side, their outliers against England and their neighbours, where each one's self-evaluation
stands, and each one's engagement meeting pack (``selfeval.evaluation.engagement``)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from selfeval.evaluation.engagement import engagement_pack
from selfeval.indicators import catalogue
from selfeval.outputs.disclosure import discloses
from selfeval.outputs.formatting import format_number
from selfeval.region import RegionCell, RegionView
from selfeval.web import cached_figures
from selfeval.web.authorities import request_scope
from selfeval.web.disclosure import SUPPRESSED, needs_control
from selfeval.web.store import get_store
from selfeval.web.views.base import table_download
from selfeval.web.views.evaluation import _download


@dataclass(frozen=True)
class Shown:
    """One authority's value for one indicator as the reader may see it, with its flags."""

    text: str
    flags: tuple[str, ...]


def _hidden(cell: RegionCell, control: bool) -> bool:
    return control and discloses(cell)


def shown(cell: RegionCell | None, unit: str, control: bool) -> Shown:
    """The value (``c`` where disclosure control hides it) and its outlier flags."""
    if cell is None:
        return Shown("no data", ())
    flags = tuple(
        f"{side} {what}"
        for side, what in (
            (cell.against_england, "England"),
            (cell.against_neighbours, "all neighbours"),
        )
        if side
    )
    if _hidden(cell, control):
        # Where a withheld figure lies against England or its neighbours would say what it is.
        return Shown(SUPPRESSED, ())
    return Shown(format_number(cell.value, unit), flags)


def _view(request: HttpRequest) -> tuple[cached_figures.Scope | None, RegionView | None]:
    sc = request_scope(request)
    if sc is None:
        return None, None
    return sc, cached_figures.region(get_store(), sc.at, sc.la_codes)


@require_GET
def region(request: HttpRequest) -> HttpResponse:
    sc, view = _view(request)
    if view is None:
        return render(request, "web/region.html", {"scope": None})
    control = needs_control(request.user)
    cat = catalogue()
    rows = [
        (
            cat[iid],
            [shown(view.cells.get((la, iid)), cat[iid].unit, control) for la in view.la_codes],
        )
        for iid in view.ids
    ]
    authorities = [
        (la, view.names.get(la, ""), view.self_evaluation.get(la, "")) for la in view.la_codes
    ]
    outliers = [
        (la, view.names.get(la, ""), cat[iid].title, what)
        for la, iid, what in view.outliers()
        if not _hidden(view.cells[(la, iid)], control)
    ]
    return render(
        request,
        "web/region.html",
        {
            "scope": sc,
            "view": view,
            "rows": rows,
            "authorities": authorities,
            "outliers": outliers,
            "benchmarks": bool(view.names),
        },
    )


@require_GET
def region_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The side-by-side table as CSV or XLSX, one row per authority and indicator, under the
    same disclosure control as the page."""
    sc, view = _view(request)
    if sc is None or view is None:
        raise Http404("the store holds no returns of an authority you may see")
    control = needs_control(request.user)
    header = [
        "la_code",
        "la_name",
        "indicator",
        "value",
        "england",
        "against_england",
        "against_neighbours",
        "self_evaluation",
    ]
    table = []
    for row in view.as_rows():
        cell = view.cells[(row["la"], row["id"])]
        hidden = _hidden(cell, control)
        value = SUPPRESSED if hidden else row["value"]
        table.append(
            [
                row["la"],
                row["la_name"],
                row["id"],
                value,
                row["england"],
                "" if hidden else row["against_england"] or "",
                "" if hidden else row["against_neighbours"] or "",
                row["self_evaluation"],
            ]
        )
    name = f"region-{sc.at:%Y-%m-%d}"
    return table_download(header, table, fmt, name, title="region")


@require_GET
def region_pack(request: HttpRequest, la_code: str, fmt: str) -> HttpResponse:
    """One authority's engagement meeting pack (small counts shown as c for every reader)."""
    sc = request_scope(request)
    if sc is None or la_code not in sc.la_codes:
        raise Http404("the store holds no returns for this authority")
    sc = replace(sc, la_code=la_code)
    return _download(
        request,
        sc,
        lambda s: engagement_pack(get_store(), s.la_code, s.at),
        f"engagement-pack-{la_code}-{sc.at:%Y-%m-%d}",
        fmt,
    )
