"""The Django app that holds selfeval's accounts, audit log and pages."""

from __future__ import annotations

from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "selfeval.web"
    label = "web"
    verbose_name = "selfeval"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from selfeval.web import signals  # noqa: F401  (connects the sign-in audit)
