"""The self-evaluation editor (sections, narrative with live figures, drafted findings, preview,
downloads) and the scrutiny report, over ``selfeval.evaluation``.

Narrative sections are kept in the web app's own table (``selfeval.web.narrative``: one per
authority and section, every revision kept) and handed to the library as the folder of Markdown
files it reads when a report is built.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from selfeval.errors import SelfevalError
from selfeval.evaluation.findings import decide, draft_findings, undecide
from selfeval.evaluation.narrative import EvidenceRegister, render_markdown
from selfeval.evaluation.placeholders import FigureCache
from selfeval.evaluation.publish import example_council_path
from selfeval.evaluation.scrutiny import CouncilConfig, build_scrutiny, load_council
from selfeval.evaluation.sef import AREAS, SECTIONS, SefOptions, build_sef
from selfeval.outputs.document import (
    Block,
    BulletList,
    Document,
    Heading,
    Image,
    Paragraph,
    Table,
)
from selfeval.outputs.render import to_docx_bytes, to_html, to_pdf_bytes
from selfeval.settings import current
from selfeval.web import narrative
from selfeval.web.audit import mark_audited, record_request
from selfeval.web.cached_figures import Scope
from selfeval.web.disclosure import needs_control
from selfeval.web.models import NarrativeRevision
from selfeval.web.store import get_store
from selfeval.web.views.base import download, scope_or_404

TITLES = {
    "introduction": "Introduction",
    "context": "Context",
    "progress": "Progress since the last self-evaluation",
    **{a.key: a.title for a in AREAS},
}
ORDER = ["introduction", "context", *[a.key for a in AREAS], "progress"]
ORDER += sorted(SECTIONS - set(ORDER))


class NarrativeForm(forms.Form):
    text = forms.CharField(
        label="Narrative (Markdown)",
        required=False,
        widget=forms.Textarea(attrs={"class": "govuk-textarea app-narrative", "rows": 16}),
        help_text="Write figures as placeholders, computed whenever the report is built: "
        "{{ cla_count at 2020-03-31 }}, {{ cla_count from 2019-03-31 to 2020-03-31 }}",
    )


def _section_or_404(section: str) -> str:
    if section not in SECTIONS:
        raise Http404("there is no such section")
    return section


def _texts(la: str) -> dict[str, str]:
    return narrative.texts(la, ORDER)


def narrative_folder(la: str) -> AbstractContextManager[Path]:
    """The stored sections as the folder of Markdown files the library reads."""
    return narrative.folder(la, ORDER)


def blocks_for_template(blocks: Iterable[Block]) -> list[tuple[str, Block]]:
    """(kind, block) pairs, so that the template can render each kind of block."""
    kinds: dict[type, str] = {
        Heading: "heading",
        Paragraph: "paragraph",
        BulletList: "list",
        Table: "table",
        Image: "image",
    }
    return [(kinds[type(b)], b) for b in blocks if type(b) in kinds]


def evaluation(request: HttpRequest) -> HttpResponse:
    sc = scope_or_404(request)
    texts = _texts(sc.la_code)
    sections = [(s, TITLES.get(s, s), bool(texts[s].strip())) for s in ORDER]
    return render(request, "web/evaluation.html", {"scope": sc, "sections": sections})


def evaluation_section(request: HttpRequest, section: str) -> HttpResponse:
    section = _section_or_404(section)
    sc = scope_or_404(request)
    changed = narrative.current(sc.la_code, section)
    text = changed.text if changed else ""
    ctx = {
        "scope": sc,
        "section": section,
        "title": TITLES.get(section, section),
        "text": text,
        "changed": changed,
    }
    ctx.update(_preview(sc, section, text, needs_control(request.user)))
    return render(request, "web/evaluation_section.html", ctx)


def _preview(sc: Scope, section: str, text: str, public: bool) -> dict[str, Any]:
    """The section as its reader may see it (``public``: disclosure control, as in the report)."""
    if not text.strip():
        return {"blocks": [], "problem": None}
    record = FigureCache(get_store(), sc.la_code, public=public)
    try:
        blocks, _ = render_markdown(text, section, record, EvidenceRegister())
    except SelfevalError as e:
        return {"blocks": [], "problem": str(e)}
    return {"blocks": blocks_for_template(blocks), "problem": None}


@require_http_methods(["GET", "POST"])
def evaluation_section_edit(request: HttpRequest, section: str) -> HttpResponse:
    section = _section_or_404(section)
    sc = scope_or_404(request)
    form = NarrativeForm(request.POST or None, initial={"text": _texts(sc.la_code)[section]})
    if request.method == "POST" and form.is_valid():
        rev = narrative.save(
            sc.la_code, section, form.cleaned_data["text"], request.user.get_username()
        )
        mark_audited(request)
        if rev is not None:
            record_request(
                request,
                "edit narrative",
                f"section {section} of {sc.la_code}: revision {rev.number}",
                revision=rev.number,
            )
        return redirect(f"/evaluation/{section}/?la={sc.la_code}&at={sc.at:%Y-%m-%d}")
    ctx = {"scope": sc, "section": section, "title": TITLES.get(section, section), "form": form}
    return render(request, "web/evaluation_edit.html", ctx)


def evaluation_section_history(request: HttpRequest, section: str) -> HttpResponse:
    """Every saved revision of a section, newest first, each with what it changed."""
    section = _section_or_404(section)
    sc = scope_or_404(request)
    ctx = {
        "scope": sc,
        "section": section,
        "title": TITLES.get(section, section),
        "changes": narrative.history(sc.la_code, section),
    }
    return render(request, "web/evaluation_history.html", ctx)


@require_http_methods(["POST"])
def evaluation_section_restore(request: HttpRequest, section: str, number: int) -> HttpResponse:
    """Make an earlier revision's text current again (saved as a new revision)."""
    section = _section_or_404(section)
    sc = scope_or_404(request)
    try:
        rev = narrative.restore(sc.la_code, section, number, request.user.get_username())
    except NarrativeRevision.DoesNotExist:
        raise Http404("there is no such revision") from None
    mark_audited(request)
    if rev is not None:
        record_request(
            request,
            "restore narrative",
            f"section {section} of {sc.la_code}: revision {number} as revision {rev.number}",
            revision=rev.number,
            restored=number,
        )
    return redirect(f"/evaluation/{section}/history/?la={sc.la_code}&at={sc.at:%Y-%m-%d}")


@require_http_methods(["POST"])
def evaluation_section_preview(request: HttpRequest, section: str) -> HttpResponse:
    """The narrative as it is being typed, with its figures computed (an htmx fragment)."""
    section = _section_or_404(section)
    sc = scope_or_404(request)
    ctx = _preview(sc, section, request.POST.get("text", ""), needs_control(request.user))
    mark_audited(request)  # a preview changes nothing
    return render(request, "web/_narrative_preview.html", ctx)


@require_http_methods(["GET", "POST"])
def evaluation_findings(request: HttpRequest) -> HttpResponse:
    sc = scope_or_404(request)
    store = get_store()
    since = sc.at.replace(year=sc.at.year - 1)
    found = draft_findings(FigureCache(store, sc.la_code), since, sc.at)
    if request.method == "POST":
        key, action = request.POST.get("key", ""), request.POST.get("action", "")
        by_key = {f.key: f for f in found}
        if key in by_key and action in ("accepted", "rejected", "draft"):
            if action == "draft":
                undecide(store, sc.la_code, key)
            else:
                decide(
                    store,
                    sc.la_code,
                    by_key[key],
                    "accepted" if action == "accepted" else "rejected",
                    by=request.user.get_username(),
                    text=request.POST.get("text") or None,
                )
            mark_audited(request)
            record_request(request, f"finding {action}", f"finding {key}")
        return redirect(f"/evaluation/findings/?la={sc.la_code}&at={sc.at:%Y-%m-%d}")
    return render(request, "web/evaluation_findings.html", {"scope": sc, "findings": found})


def _sef(sc: Scope) -> Document:
    with narrative_folder(sc.la_code) as folder:
        opts = SefOptions(la_code=sc.la_code, at=sc.at, narrative=folder, public=True)
        return build_sef(FigureCache(get_store(), sc.la_code), opts).document


def _show(
    request: HttpRequest, sc: Scope, build: Callable[[Scope], Document], download: str
) -> HttpResponse:
    try:
        doc = build(sc)
    except SelfevalError as e:
        return render(request, "web/document_problem.html", {"scope": sc, "problem": str(e)})
    return render(
        request,
        "web/document.html",
        {"scope": sc, "doc": doc, "blocks": blocks_for_template(doc.blocks), "download": download},
    )


def evaluation_preview(request: HttpRequest) -> HttpResponse:
    return _show(request, scope_or_404(request), _sef, "evaluation_download")


def _download(
    request: HttpRequest, sc: Scope, build: Callable[[Scope], Document], name: str, fmt: str
) -> HttpResponse:
    try:
        doc = build(sc)
    except SelfevalError as e:
        return render(request, "web/document_problem.html", {"scope": sc, "problem": str(e)})
    body = {"html": lambda d: to_html(d).encode(), "docx": to_docx_bytes, "pdf": to_pdf_bytes}[fmt](
        doc
    )
    mark_audited(request)
    record_request(request, "download", f"{name}.{fmt}")
    return download(body, fmt, name)


def evaluation_download(request: HttpRequest, fmt: str) -> HttpResponse:
    sc = scope_or_404(request)
    return _download(request, sc, _sef, f"self-evaluation-{sc.la_code}-{sc.at:%Y-%m-%d}", fmt)


def _council(la: str) -> CouncilConfig:
    cfg = load_council(current().council or example_council_path())
    return cfg if cfg.la_code == la else dataclasses.replace(cfg, la_code=la)


def _scrutiny(sc: Scope) -> Document:
    with narrative_folder(sc.la_code) as folder:
        progress = folder if (folder / "progress.md").exists() else None
        if progress is not None:
            for p in folder.glob("*.md"):
                if p.stem != "progress":
                    p.unlink()
        record = FigureCache(get_store(), sc.la_code)
        return build_scrutiny(record, _council(sc.la_code), at=sc.at, narrative=progress).document


def scrutiny(request: HttpRequest) -> HttpResponse:
    return _show(request, scope_or_404(request), _scrutiny, "scrutiny_download")


def scrutiny_download(request: HttpRequest, fmt: str) -> HttpResponse:
    sc = scope_or_404(request)
    return _download(request, sc, _scrutiny, f"scrutiny-report-{sc.la_code}-{sc.at:%Y-%m-%d}", fmt)
