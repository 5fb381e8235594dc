"""The web app's own tables: accounts with one role each, and the audit log."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models

from selfeval.web.roles import ADMINISTRATOR, ROLES


class User(AbstractUser):
    """An account. Its role decides what it may open (``roles.MATRIX``)."""

    role = models.CharField(
        max_length=20, choices=[(r, r.capitalize()) for r in ROLES], default="viewer"
    )

    class Meta:
        db_table = "web_user"

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        # Only administrators reach Django's admin site.
        self.is_staff = self.role == ADMINISTRATOR
        self.is_superuser = self.role == ADMINISTRATOR
        super().save(*args, **kwargs)


class AuditEvent(models.Model):
    """One change, or one view or download of child-level data: who, when, what.

    ``who`` is the username as text so that the record outlives the account. ``what`` names
    the object (a load, an indicator and date, an account), never a child's identifier.
    """

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    who = models.CharField(max_length=150, db_index=True)
    action = models.CharField(max_length=60, db_index=True)
    what = models.CharField(max_length=400)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        db_table = "web_audit_event"
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.who} {self.action} {self.what}"
