"""Users and roles (administrators), and the audit log."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from selfeval.errors import SelfevalError
from selfeval.web import accounts
from selfeval.web.audit import mark_audited
from selfeval.web.forms import AuthoritiesForm, NewUserForm, RoleForm
from selfeval.web.models import AuditEvent, User
from selfeval.web.roles import ROLES


def users(request: HttpRequest) -> HttpResponse:
    return render(request, "web/users.html", {"users": accounts.users(), "roles": ROLES})


@require_http_methods(["GET", "POST"])
def user_new(request: HttpRequest) -> HttpResponse:
    form = NewUserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            accounts.add_user(
                d["username"],
                d["role"],
                d["password"],
                email=d["email"],
                by=request.user.get_username(),
                authorities=form.access(),
            )
        except SelfevalError as e:
            form.add_error(None, str(e))
        else:
            mark_audited(request)
            return redirect("users")
    return render(
        request,
        "web/form_page.html",
        {"title": "Add a user", "form": form, "button": "Add the user"},
        status=400 if form.errors else 200,
    )


def _account(user_id: int) -> User:
    try:
        return User.objects.get(pk=user_id)
    except User.DoesNotExist:
        raise Http404("there is no such account") from None


@require_http_methods(["GET", "POST"])
def user_role(request: HttpRequest, user_id: int) -> HttpResponse:
    user = _account(user_id)
    form = RoleForm(request.POST or None, initial={"role": user.role})
    if request.method == "POST" and form.is_valid():
        accounts.set_role(user.username, form.cleaned_data["role"], by=request.user.get_username())
        mark_audited(request)
        return redirect("users")
    return render(
        request,
        "web/form_page.html",
        {"title": f"Role of {user.username}", "form": form, "button": "Save the role"},
    )


@require_http_methods(["GET", "POST"])
def user_authorities(request: HttpRequest, user_id: int) -> HttpResponse:
    """Change which authorities an account may see."""
    user = _account(user_id)
    initial = {"authorities": " ".join(user.authorities), "all_authorities": user.all_authorities}
    form = AuthoritiesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        accounts.set_authorities(user.username, form.access(), by=request.user.get_username())
        mark_audited(request)
        return redirect("users")
    return render(
        request,
        "web/user_authorities.html",
        {
            "title": f"Authorities of {user.username}",
            "account": user,
            "form": form,
            "button": "Save the authorities",
        },
        status=400 if form.errors else 200,
    )


def audit_log(request: HttpRequest) -> HttpResponse:
    page = Paginator(AuditEvent.objects.all(), 50).get_page(request.GET.get("page"))
    return render(request, "web/audit_log.html", {"page": page})
