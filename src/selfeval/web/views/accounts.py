"""Signing in and out, and the health check the reverse proxy asks."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse

from selfeval.web import throttle
from selfeval.web.forms import SignInForm


class SignInView(auth_views.LoginView):
    template_name = "web/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        throttle.remember_device(response, form.get_user().get_username())
        return response

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_invalid(form)
        if getattr(form, "throttled", False):
            response.status_code = 429
        return response

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["oidc_enabled"] = settings.OIDC_ENABLED
        return ctx


class SignOutView(auth_views.LogoutView):
    http_method_names = ["post", "options"]


def healthz(request: HttpRequest) -> HttpResponse:
    """200 when the process answers (no database query: the proxy asks often)."""
    return HttpResponse("ok", content_type="text/plain")
