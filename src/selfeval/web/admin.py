"""Django's admin site, for administrators: accounts (with roles) and the audit log (read-only)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.forms import Form
from django.http import HttpRequest

from selfeval.web.audit import mark_audited, record_request
from selfeval.web.models import AuditEvent, User


def rights(user: User) -> dict[str, object]:
    """What an account may do and see, as the audit log records it before and after a change."""
    return {
        "role": user.role,
        "authorities": user.access().describe(),
        "active": user.is_active,
    }


# The admin classes are generic for the type checker only (not subscriptable at run time).
if TYPE_CHECKING:
    _UserAdmin = UserAdmin[User]
    _AuditEventAdmin = admin.ModelAdmin[AuditEvent]
else:
    _UserAdmin = UserAdmin
    _AuditEventAdmin = admin.ModelAdmin


@admin.register(User)
class SelfevalUserAdmin(_UserAdmin):
    list_display = ("username", "email", "role", "all_authorities", "is_active", "last_login")
    list_filter = ("role", "is_active")
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        ("selfeval", {"fields": ("role", "authorities", "all_authorities")}),
    )

    def save_model(self, request: HttpRequest, obj: User, form: Form, change: bool) -> None:
        """Save, and log each change of the account's rights with its old and new value
        (as ``selfeval.web.accounts`` does for the pages and the command line)."""
        before = rights(User.objects.get(pk=obj.pk)) if change and obj.pk else {}
        super().save_model(request, obj, form, change)
        after = rights(obj)
        what = f"account {obj.get_username()}"
        if not change:
            record_request(request, "add account", what, **after)
        for key, new in after.items():
            if change and before.get(key) != new:
                record_request(request, f"set {key}", what, old=before.get(key), new=new)
        if "password" in form.changed_data:
            record_request(request, "set password", what)
        mark_audited(request)


@admin.register(AuditEvent)
class AuditEventAdmin(_AuditEventAdmin):
    list_display = ("at", "who", "action", "what")
    list_filter = ("action",)
    search_fields = ("who", "what")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False
