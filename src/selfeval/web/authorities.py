"""Each account sees only the authorities it may (``User.access``), checked in one place.

``AuthorityMiddleware`` runs after the role check and before every view: a request that
names an authority (``?la=``, a ``la_code`` in the URL or a form) or a stored record (a load,
an audit, a practice week, a plan action) of an authority the account may not see is answered
404, as if it did not exist, and the refusal is written to the audit log. Pages then choose
among the permitted authorities only, through :func:`request_scope` and :func:`visible`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any, Protocol, TypeVar

from django.core.exceptions import BadRequest
from django.http import Http404, HttpRequest

from selfeval.access import NONE, Authorities, authority_of
from selfeval.web import cached_figures
from selfeval.web.audit import mark_audited, record_request
from selfeval.web.ids import parse_id
from selfeval.web.middleware import ViewCheck
from selfeval.web.store import get_store

log = logging.getLogger(__name__)

LA_NAMES = ("la", "la_code")
"""Query parameters, URL parts and form fields that name an authority."""
RECORD_NAMES = {
    "load_id": "load",
    "audit_id": "audit",
    "week_id": "practice_week",
    "action_id": "action",
}
"""URL parts and form fields that name a stored record, and its kind (``access.RECORDS``)."""


class OfAuthority(Protocol):
    """A record of one authority: a load, an audit, a practice week, a plan action."""

    @property
    def la_code(self) -> str: ...


T = TypeVar("T", bound=OfAuthority)


def access(request: HttpRequest) -> Authorities:
    """The authorities the request's account may see (none for no one signed in)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not hasattr(user, "access"):
        return NONE
    allowed: Authorities = user.access()
    return allowed


def refuse(request: HttpRequest, la_code: str, what: str) -> Http404:
    """Log the refusal (audit log and application log) and give the 404 to raise."""
    match = request.resolver_match
    page = match.view_name if match else request.path
    mark_audited(request)
    record_request(request, "refused authority", page, la_code=la_code, asked=what)
    log.warning("refused authority %s to %s at %s", la_code, request.user, page)
    return Http404("there is no such page")


def malformed(request: HttpRequest, name: str, value: str) -> BadRequest:
    """Log a record id that is not one (``ids.parse_id``) and give the 400 to raise: the
    check and the view must read the same record, so neither guesses what was meant."""
    match = request.resolver_match
    page = match.view_name if match else request.path
    mark_audited(request)
    record_request(request, "refused malformed id", page, field=name, asked=repr(value[:20]))
    return BadRequest(f"{name} is not a record id")


def _named(request: HttpRequest, view_kwargs: dict[str, Any]) -> Iterable[tuple[str, str]]:
    """(name, value) of everything the request names: URL parts, query and form fields."""
    yield from ((k, str(v)) for k, v in view_kwargs.items())  # parsed by the URL converters
    for k in (*LA_NAMES, *RECORD_NAMES):
        for v in request.GET.getlist(k):
            yield k, v
        if request.method == "POST":
            for v in request.POST.getlist(k):
                yield k, v


def check(request: HttpRequest, view_kwargs: dict[str, Any]) -> None:
    """Raise a logged 404 when the request names an authority, or one of its records, that
    the account may not see; a logged 400 when it names a record by something not an id."""
    allowed = access(request)
    for name, value in _named(request, view_kwargs):
        if name in LA_NAMES and value and not allowed.permits(value):
            raise refuse(request, value, f"{name}={value}")
        if name in RECORD_NAMES:
            try:
                record_id = parse_id(value)
            except ValueError:
                raise malformed(request, name, value) from None
            if allowed.every:
                continue
            owner = authority_of(get_store(), RECORD_NAMES[name], record_id)
            if owner is not None and not allowed.permits(owner):
                raise refuse(request, owner, f"{RECORD_NAMES[name]} {record_id}")


class AuthorityMiddleware(ViewCheck):
    """Default deny across authorities, before any view runs (after ``RoleMiddleware``)."""

    def before_view(self, request: HttpRequest, view_kwargs: dict[str, Any]) -> None:
        match = request.resolver_match
        if request.user.is_authenticated and (match is None or match.namespace != "admin"):
            check(request, view_kwargs)
        return None


def request_scope(request: HttpRequest) -> cached_figures.Scope | None:
    """The authority (``?la=``, else the first the account may see) and date (``?at=``) the
    page shows; None when the store holds no returns of an authority the account may see."""
    return cached_figures.scope(
        get_store(), request.GET.get("la"), request.GET.get("at"), authorities=access(request)
    )


def visible(request: HttpRequest, records: Iterable[T]) -> list[T]:
    """Those records (anything with a ``la_code``) whose authority the account may see."""
    allowed = access(request)
    return [r for r in records if allowed.permits(r.la_code)]
