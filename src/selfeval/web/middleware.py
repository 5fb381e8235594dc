"""Enforce the permission matrix before every view, and audit every change."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import render

from selfeval.web.audit import mark_audited, record_request, was_audited
from selfeval.web.roles import allowed, may

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
NOT_AUDITED_HERE = {"sign_in", "sign_out", "oidc_authentication_callback"}
"""Sign-in and sign-out are audited by their signals instead."""

GetResponse = Callable[[HttpRequest], HttpResponseBase]


class Middleware:
    """What Django asks of a middleware: it holds the next handler and passes each request on
    (a subclass that does more around the view overrides ``__call__``)."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)


class ViewCheck(Middleware):
    """A middleware that looks at each request once its URL has resolved, before the view."""

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponseBase],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponseBase | None:
        return self.before_view(request, view_kwargs)

    def before_view(
        self, request: HttpRequest, view_kwargs: dict[str, Any]
    ) -> HttpResponseBase | None:
        """The answer instead of the view's (a refusal), or None to let the view run."""
        raise NotImplementedError


class RoleMiddleware(ViewCheck):
    """Default deny: a URL opens only for the roles its ``roles.MATRIX`` entry names."""

    def before_view(
        self, request: HttpRequest, view_kwargs: dict[str, Any]
    ) -> HttpResponseBase | None:
        match = request.resolver_match
        if match is None:  # process_view runs once the URL has resolved
            return None
        entry = allowed(match.url_name or "", match.namespace)
        user = request.user
        signed_in = user.is_authenticated
        role = getattr(user, "role", None)
        if may(role, entry, signed_in=signed_in):
            return None
        if not signed_in:
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        mark_audited(request)
        name = f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name
        record_request(request, "refused role", name or request.path, role=role)
        return render(request, "web/forbidden.html", status=403)


class AuditChangesMiddleware(Middleware):
    """Every change (a POST, PUT, PATCH or DELETE) is one audit event: a successful one as
    ``change``, a refused one (any 4xx a view did not log itself) as ``refused change``."""

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if (
            request.method in UNSAFE
            and response.status_code < 500
            and match is not None
            and match.url_name not in NOT_AUDITED_HERE
            and request.user.is_authenticated
            and not was_audited(request)
        ):
            name = f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name
            kw = {k: str(v) for k, v in match.kwargs.items()}
            if response.status_code < 400:
                record_request(request, "change", name, **kw)
            else:
                record_request(request, "refused change", name, status=response.status_code, **kw)
        return response


class NoStoreMiddleware(Middleware):
    """Nothing a signed-in person is shown is kept by a browser's or a proxy's cache (an audit
    names a child; a page left in a shared computer's cache outlives the session), unless the
    view says otherwise (an aggregate chart may be kept a minute)."""

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            response["Cache-Control"] = "no-store"
        return response


PER_VIEW_POLICY = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
)
"""What django-csp's view decorators set on a response to change its policy."""


class _NoncedRequest(HttpRequest):
    """A request as django-csp leaves it: with the nonce it draws when a page asks for one."""

    csp_nonce: CheckableLazyObject


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the policy built once per process: it is the same for
    every response (no page uses a nonce or changes the policy), and django-csp built it
    again for each. A response that asks for a nonce or its own policy goes to django-csp."""

    _headers: tuple[str, str] | None = None

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if getattr(request, "_csp_nonce", None) is not None or any(
            getattr(response, a, None) is not None for a in PER_VIEW_POLICY
        ):
            return super().process_response(request, response)
        headers = self._headers
        if headers is None:
            headers = type(self)._headers = (build_policy(), build_policy(report_only=True))
        for header, policy, exempt, setting in (
            (HEADER, headers[0], "_csp_exempt", "CONTENT_SECURITY_POLICY"),
            (
                HEADER_REPORT_ONLY,
                headers[1],
                "_csp_exempt_ro",
                "CONTENT_SECURITY_POLICY_REPORT_ONLY",
            ),
        ):
            prefixes = (getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES") or ()
            if (
                policy
                and header not in response
                and not getattr(response, exempt, False)
                and not request.path_info.startswith(tuple(prefixes))
            ):
                response[header] = policy
        cast(_NoncedRequest, request).csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response
