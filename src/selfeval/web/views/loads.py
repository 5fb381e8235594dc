"""Loads: upload a return (with a progress bar), its validation report, the history, undo."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from selfeval.errors import InputError, NoData, SelfevalError, UsageError
from selfeval.ingest import (
    audit_events,
    describe_validation,
    describe_workbook,
    ingest,
    refusal_detail,
)
from selfeval.store import LoadRecord
from selfeval.web.audit import mark_audited, record_request
from selfeval.web.authorities import access, visible
from selfeval.web.forms import UploadForm
from selfeval.web.store import get_store

_SAFE_NAME = re.compile(r"[^A-Za-z0-9._ -]")


def safe_filename(name: str) -> str:
    """The file's own name without any folder, with only plain characters."""
    base = Path(name.replace("\\", "/")).name
    base = _SAFE_NAME.sub("_", base).strip(" .") or "upload"
    return base[:120]


def upload_problem(request: HttpRequest) -> str | None:
    """Why the uploaded files are refused before reading them, or None."""
    limit = settings.SELFEVAL_MAX_UPLOAD_BYTES
    mb = limit // (1024 * 1024)
    if getattr(request, "upload_too_large", False):
        return f"A file is larger than the limit of {mb} MB"
    files = request.FILES.getlist("files")
    if not files:
        return "Select at least one file of the return"
    for f in files:
        name = f.name or ""
        if (f.size or 0) > limit:
            return f"{safe_filename(name)} is larger than the limit of {mb} MB"
        if not name.lower().endswith(settings.SELFEVAL_UPLOAD_EXTENSIONS):
            return (
                f"{safe_filename(name)} is not a return file: upload "
                + ", ".join(settings.SELFEVAL_UPLOAD_EXTENSIONS)
                + " files"
            )
    return None


def loads(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "web/loads.html",
        {"loads": _loads(request), "form": UploadForm(), **_limits()},
    )


def _loads(request: HttpRequest) -> list[LoadRecord]:
    """The loads of the authorities the account may see, newest first."""
    return list(reversed(visible(request, get_store().loads())))


def _limits() -> dict[str, int]:
    return {"max_upload_mb": settings.SELFEVAL_MAX_UPLOAD_BYTES // (1024 * 1024)}


@require_http_methods(["POST"])
def load_upload(request: HttpRequest) -> HttpResponse:
    """Read every uploaded file, then record them as one load (or refuse them all)."""
    too_big = int(request.META.get("CONTENT_LENGTH") or 0) > settings.SELFEVAL_MAX_UPLOAD_BYTES * 4
    form = UploadForm(request.POST if not too_big else None)
    problem = (
        f"The upload is larger than the limit of "
        f"{settings.SELFEVAL_MAX_UPLOAD_BYTES // (1024 * 1024)} MB"
        if too_big
        else upload_problem(request)
    )
    partial = request.headers.get("HX-Request") == "true"
    ctx: dict[str, Any] = {"form": form, "problem": problem}
    if problem is None and form.is_valid():
        ctx.update(_ingest(request, form))
    status = 200 if ctx.get("outcomes") or ctx.get("workbooks") else 400
    if status == 400:
        _record_refusal(request, form, ctx)
    if partial:
        return render(request, "web/_upload_result.html", ctx, status=status)
    ctx["loads"] = _loads(request)
    ctx.update(_limits())
    return render(request, "web/loads.html", ctx, status=status)


def _record_refusal(request: HttpRequest, form: UploadForm, ctx: dict[str, Any]) -> None:
    """A refused upload in the audit log: which files, for what, and the rule that refused
    it (never a value from the files: they may hold a child's identifier)."""
    e = ctx.get("input_error")
    if e is None and ctx.get("problem"):
        e = UsageError(str(ctx["problem"]))
    why = refusal_detail(e) if e is not None else {"form": sorted(form.errors)}
    mark_audited(request)
    record_request(
        request,
        "refused upload",
        "upload",
        files=[safe_filename(f.name or "") for f in request.FILES.getlist("files")],
        kind=request.POST.get("kind", "")[:20],
        la_code=request.POST.get("la_code", "")[:10],
        **why,
    )


def _ingest(request: HttpRequest, form: UploadForm) -> dict[str, Any]:
    store = get_store()
    with tempfile.TemporaryDirectory(prefix="selfeval-upload-") as tmp:
        paths = []
        for f in request.FILES.getlist("files"):
            p = Path(tmp) / safe_filename(f.name or "")
            if p.exists():
                return {"problem": f"Two files are called {p.name}: upload each file once"}
            with open(p, "wb") as out:
                for chunk in f.chunks():
                    out.write(chunk)
            paths.append(p)
        d = form.cleaned_data
        try:
            res = ingest(
                store,
                paths,
                kind=d["kind"] or None,
                la_code=d["la_code"] or None,
                return_year=d["return_year"],
                loaded_by=request.user.get_username(),
                max_bytes=settings.SELFEVAL_MAX_UPLOAD_BYTES,
                authorities=access(request),
            )
        except InputError as e:
            return {"input_error": e}
        except SelfevalError as e:
            return {"problem": str(e)}
    mark_audited(request)
    for action, what, detail in audit_events(res):
        record_request(request, action, what, **detail)
    return {
        "outcomes": [
            (rec, o.created, describe_validation(rec.validation))
            for o in res.loads
            for rec in [store.load(o.load.id)]
        ],
        "workbooks": [(w, describe_workbook(w)) for w in res.workbooks],
    }


def load(request: HttpRequest, load_id: int) -> HttpResponse:
    try:
        rec = get_store().load(load_id)
    except NoData:
        raise Http404("there is no such load") from None
    return render(request, "web/load.html", {"load": rec})


@require_http_methods(["GET", "POST"])
def load_undo(request: HttpRequest, load_id: int) -> HttpResponse:
    store = get_store()
    try:
        rec = store.load(load_id)
    except NoData:
        raise Http404("there is no such load") from None
    if request.method == "POST":
        store.undo(load_id)
        mark_audited(request)
        record_request(request, "undo load", f"load {rec.id}", **rec.audit_detail())
        return redirect("loads")
    return render(request, "web/load_undo.html", {"load": rec})
