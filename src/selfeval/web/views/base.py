"""What the pages scoped to an authority share: the scope or a 404, and their downloads.

A page shows one authority at one date (``authorities.request_scope``: only authorities the
account may see); where the store holds none, the page does not exist. Downloads are files
named for what they hold, tables written by the one CSV/XLSX writer (``outputs.tables``, with
its formula-injection guard).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from selfeval.errors import InputError, SelfevalError
from selfeval.outputs.tables import to_csv, to_xlsx
from selfeval.web.authorities import request_scope
from selfeval.web.cached_figures import Scope

MIME = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
"""The content type of each format a page offers for download."""


def scope_or_404(request: HttpRequest) -> Scope:
    """The authority and date the page shows, or a 404 where the store holds no returns of an
    authority the account may see."""
    sc = request_scope(request)
    if sc is None:
        raise Http404("the store holds no returns yet: load one first")
    return sc


def download(body: bytes, fmt: str, name: str, *, no_store: bool = False) -> HttpResponse:
    """``body`` as the file ``name.fmt`` (``no_store``: never kept by a browser or proxy, for
    child-level files)."""
    resp = HttpResponse(body, content_type=MIME[fmt])
    resp["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    if no_store:
        resp["Cache-Control"] = "no-store"
    return resp


def table_download(
    header: Sequence[str],
    rows: Sequence[Sequence[object]],
    fmt: str,
    name: str,
    *,
    title: str,
    no_store: bool = False,
) -> HttpResponse:
    """A table as CSV or XLSX (``fmt``; the sheet called ``title``)."""
    body = to_csv(header, rows) if fmt == "csv" else to_xlsx(header, rows, title=title)
    return download(body, fmt, name, no_store=no_store)


def form_page(
    request: HttpRequest,
    form: forms.Form,
    title: str,
    save: Callable[[Mapping[str, Any]], HttpResponse],
) -> HttpResponse:
    """A page of one form: on a valid POST, ``save`` the cleaned data and answer what it
    answers (a redirect); a problem the library raises is shown above the form (400)."""
    problem = None
    if request.method == "POST" and form.is_valid():
        try:
            return save(form.cleaned_data)
        except InputError as e:
            problem = e.message
        except SelfevalError as e:
            problem = str(e)
    return render(
        request,
        "web/form_page.html",
        {"title": title, "form": form, "problem": problem},
        status=400 if problem or form.errors else 200,
    )
