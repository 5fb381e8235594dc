"""The inspection-readiness pack from Annex A, as a page and as downloads.

Everyone may open it; what they see is the library's audience for their role: viewers
(councillors) the public pack (no child, no worker, counts of 1-5 suppressed), roles with
child-level access the internal one, whose child-level tables put each view and download in
the audit log (who, when, authority, date, how many tables; never a child's identifier).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from selfeval.errors import SelfevalError
from selfeval.evaluation.readiness import Pack, pack_from_store
from selfeval.evaluation.readiness_pack import (
    Audience,
    child_level_tables,
    document,
    xlsx_bytes,
)
from selfeval.outputs.render import to_html, to_pdf_bytes
from selfeval.web.audit import mark_audited, record_request
from selfeval.web.cached_figures import Scope
from selfeval.web.disclosure import needs_control
from selfeval.web.store import get_store
from selfeval.web.views.base import download, scope_or_404
from selfeval.web.views.evaluation import blocks_for_template


def _pack(request: HttpRequest) -> tuple[Scope, Pack | None, str | None, Audience]:
    """(scope, pack or None, the problem or None, the audience)."""
    sc = scope_or_404(request)
    audience: Audience = "public" if needs_control(request.user) else "internal"
    try:
        return sc, pack_from_store(get_store(), sc.la_code, sc.at), None, audience
    except SelfevalError as e:
        return sc, None, str(e), audience


def _audit(request: HttpRequest, pack: Pack, action: str, how: str) -> None:
    named = len(child_level_tables(pack))
    mark_audited(request)
    record_request(
        request,
        action,
        f"Annex A readiness pack for {pack.la_code} at {pack.at.isoformat()}: {how}, "
        f"{named} child-level tables",
        la_code=pack.la_code,
        at=pack.at.isoformat(),
        tables=named,
    )


@require_GET
def annex_a_pack(request: HttpRequest) -> HttpResponse:
    sc, pack, problem, audience = _pack(request)
    ctx: dict[str, Any] = {"scope": sc, "problem": problem, "audience": audience}
    if pack is not None:
        doc = document(pack, audience)
        if audience == "internal":
            _audit(request, pack, "view child-level", "page")
        ctx.update(doc=doc, blocks=blocks_for_template(doc.blocks))
    resp = render(request, "web/annex_a.html", ctx)
    resp["Cache-Control"] = "no-store"
    return resp


@require_GET
def annex_a_pack_download(request: HttpRequest, fmt: str) -> HttpResponse:
    sc, pack, problem, audience = _pack(request)
    if pack is None:  # the page saying why there is nothing to download (404 means "not yours")
        resp = render(request, "web/annex_a.html", {"scope": sc, "problem": problem})
        resp["Cache-Control"] = "no-store"
        return resp
    if fmt == "xlsx":
        body = xlsx_bytes(pack, audience)
    elif fmt == "pdf":
        body = to_pdf_bytes(document(pack, audience))
    else:
        body = to_html(document(pack, audience)).encode()
    if audience == "internal":
        _audit(request, pack, "download child-level", fmt.upper())
    return download(body, fmt, f"annex-a-pack-{pack.la_code}-{pack.at.isoformat()}", no_store=True)
