"""The children an indicator counts: child-level, for permitted roles only (roles.MATRIX), and
every view and download written to the audit log (who, when, which indicator and date, how many
rows; never a child's identifier)."""

from __future__ import annotations

from datetime import date
from typing import Any, NamedTuple

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET

from selfeval.errors import NoData, UsageError
from selfeval.indicators import ChildList, Indicator, NotChildLevel
from selfeval.web import cached_figures
from selfeval.web.audit import record_request
from selfeval.web.authorities import request_scope
from selfeval.web.store import get_store
from selfeval.web.views.base import table_download

PER_PAGE = 50
LABELS = {
    "child_id": "Child",
    "la_code": "Authority",
    "in_numerator": "In the numerator",
}


class _Listing(NamedTuple):
    indicator: Indicator
    scope: cached_figures.Scope | None
    children: ChildList | None
    problem: str | None
    """Why there is no list."""
    status: int


def _list(request: HttpRequest, indicator_id: str) -> _Listing:
    """The indicator's children in the request's scope, or why there is no list."""
    ind = cached_figures.indicator_or_404(indicator_id)
    sc = request_scope(request)
    if sc is None:
        return _Listing(ind, None, None, "The store holds no returns yet.", 200)
    try:
        return _Listing(ind, sc, cached_figures.children_at(get_store(), sc, ind.id), None, 200)
    except NotChildLevel as e:
        return _Listing(ind, sc, None, f"The indicator {e}.", 404)
    except (NoData, UsageError) as e:
        return _Listing(ind, sc, None, f"No list: {e}.", 200)


def _what(cl: ChildList, at: date) -> str:
    return f"children counted by {cl.indicator.id} for {cl.result.la_code} at {at.isoformat()}"


def _cell(v: object) -> object:
    if isinstance(v, bool):
        return "yes" if v else "no"
    return "" if v is None else v


def _record(
    request: HttpRequest, action: str, cl: ChildList, at: date, how: str, **more: object
) -> None:
    """A view or download of a children list in the audit log."""
    record_request(
        request,
        action,
        f"{_what(cl, at)}: {how}",
        indicator=cl.indicator.id,
        la_code=cl.result.la_code,
        at=at.isoformat(),
        **more,
    )


@require_GET
def indicator_children(request: HttpRequest, indicator_id: str) -> HttpResponse:
    ind, sc, cl, problem, status = _list(request, indicator_id)
    ctx: dict[str, Any] = {"ind": ind, "scope": sc, "problem": problem}
    if cl is not None and sc is not None:
        page = Paginator(cl.rows, PER_PAGE).get_page(request.GET.get("page"))
        shown = len(page.object_list)
        _record(
            request,
            "view child-level",
            cl,
            sc.at,
            f"page {page.number}, {shown} of {len(cl.rows)} rows",
            rows=shown,
            total=len(cl.rows),
        )

        def part() -> str:
            return render_to_string(
                "web/_children_list.html",
                {
                    "ind": ind,
                    "scope": sc,
                    "result": cl.result,
                    "headers": [LABELS.get(c, c) for c in cl.columns],
                    "rows": [[_cell(r[c]) for c in cl.columns] for r in page.object_list],
                    "page": page,
                    "total": len(cl.rows),
                    "in_numerator": cl.in_numerator if "in_numerator" in cl.columns else None,
                },
            )

        ctx["list_html"] = cached_figures.cached(  # the same page of the same list: rendered once
            f"children-page:{sc.state}:{sc.la_code}:{sc.at}:{ind.id}:{page.number}", part
        )
    resp = render(request, "web/children.html", ctx, status=status)
    resp["Cache-Control"] = "no-store"
    return resp


@require_GET
def indicator_children_export(request: HttpRequest, indicator_id: str, fmt: str) -> HttpResponse:
    """The whole list as CSV or XLSX (cells a spreadsheet would run as formulas are escaped)."""
    ind, sc, cl, problem, _ = _list(request, indicator_id)
    if cl is None or sc is None:
        resp = render(
            request, "web/children.html", {"ind": ind, "scope": sc, "problem": problem}, status=404
        )
        resp["Cache-Control"] = "no-store"
        return resp
    _record(
        request,
        "download child-level",
        cl,
        sc.at,
        f"{fmt.upper()}, {len(cl.rows)} rows",
        rows=len(cl.rows),
        format=fmt,
    )
    name = f"{ind.id}-children-{cl.result.la_code}-{sc.at.isoformat()}"
    return table_download(cl.columns, cl.table(), fmt, name, title=ind.id, no_store=True)
