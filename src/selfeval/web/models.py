"""The web app's own tables: accounts with one role each, the audit log, and the
self-evaluation's narrative with its revisions."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models

from selfeval.access import EVERY, Authorities
from selfeval.errors import UsageError
from selfeval.web.roles import ADMINISTRATOR, ROLES


class User(AbstractUser):
    """An account. Its role decides what it may open (``roles.MATRIX``); its authorities,
    whose records it may see there (``access``)."""

    role = models.CharField(
        max_length=20, choices=[(r, r.capitalize()) for r in ROLES], default="viewer"
    )
    authorities = models.JSONField(
        default=list, blank=True, help_text="The 3-digit codes of the authorities it may see."
    )
    all_authorities = models.BooleanField(
        default=False, help_text="It may see every authority (regional and Ofsted staff)."
    )

    def clean(self) -> None:
        """Refuse authority codes that are not three digits (the admin site calls this)."""
        super().clean()
        try:
            Authorities.of(self.authorities or ())
        except UsageError as e:
            raise ValidationError({"authorities": str(e)}) from None

    def access(self) -> Authorities:
        """The authorities it may see: every one for administrators and ``all_authorities``."""
        if self.role == ADMINISTRATOR or self.all_authorities:
            return EVERY
        return Authorities.of(self.authorities or ())

    class Meta:
        db_table = "web_user"

    def save(self, *args: Any, **kwargs: Any) -> None:
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


class Narrative(models.Model):
    """One section of one authority's self-evaluation narrative: its current Markdown text and
    who changed it last, when. Every saved text is kept as a ``NarrativeRevision``."""

    la_code = models.CharField(max_length=10)
    section = models.CharField(max_length=60)
    text = models.TextField(blank=True, default="")
    changed_by = models.CharField(max_length=150)
    changed_at = models.DateTimeField()

    class Meta:
        db_table = "web_narrative"
        ordering = ["la_code", "section"]
        constraints = [
            models.UniqueConstraint(fields=["la_code", "section"], name="web_narrative_one_per")
        ]

    def __str__(self) -> str:
        return f"narrative {self.section} of {self.la_code}"


class NarrativeRevision(models.Model):
    """One saved text of a section (numbered from 1), so that a change can be seen and any
    earlier text restored (restoring saves it again as a new revision)."""

    narrative = models.ForeignKey(Narrative, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    text = models.TextField(blank=True, default="")
    changed_by = models.CharField(max_length=150)
    changed_at = models.DateTimeField()
    note = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        db_table = "web_narrative_revision"
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["narrative", "number"], name="web_narrative_rev_once")
        ]

    def __str__(self) -> str:
        return f"{self.narrative} revision {self.number}"


class SignInFailures(models.Model):
    """Recent failed sign-ins under one key (an address, an account, or an account on one
    known browser): how many, and when the last was. ``selfeval.web.throttle`` reads them."""

    key = models.CharField(max_length=300, unique=True)
    failures = models.PositiveIntegerField(default=0)
    last = models.DateTimeField()

    class Meta:
        db_table = "web_sign_in_failures"

    def __str__(self) -> str:
        return f"{self.key}: {self.failures} failures, last {self.last:%Y-%m-%d %H:%M:%S}"
