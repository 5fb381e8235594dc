"""Screens whose library part has not landed yet: they say so, and what they will show."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

WAITING = {
    "indicator_children": ("Children counted", "selfeval.indicators"),
    "indicator_children_export": ("Children counted", "selfeval.indicators"),
}


def pending(request: HttpRequest, **kwargs: object) -> HttpResponse:
    name = request.resolver_match.url_name
    title, module = WAITING[name]
    return render(request, "web/pending.html", {"title": title, "module": module}, status=501)
