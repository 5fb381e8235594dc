"""Django's admin site, for administrators: accounts (with roles) and the audit log (read-only)."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from selfeval.web.models import AuditEvent, User


@admin.register(User)
class SelfevalUserAdmin(UserAdmin):
    list_display = ("username", "email", "role", "all_authorities", "is_active", "last_login")
    list_filter = ("role", "is_active")
    fieldsets = (
        *UserAdmin.fieldsets,
        ("selfeval", {"fields": ("role", "authorities", "all_authorities")}),
    )


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("at", "who", "action", "what")
    list_filter = ("action",)
    search_fields = ("who", "what")

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
