"""The audit log: every change, and every view or download of child-level data."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from selfeval.web.models import AuditEvent


def record(who: str, action: str, what: str, **detail: Any) -> AuditEvent:
    """Write one audit event. ``what`` and ``detail`` must never hold a child's identifier."""
    return AuditEvent.objects.create(
        who=who or "anonymous", action=action, what=what, detail=detail
    )


def record_request(request: HttpRequest, action: str, what: str, **detail: Any) -> AuditEvent:
    user = getattr(request, "user", None)
    who = user.get_username() if user is not None and user.is_authenticated else "anonymous"
    return record(who, action, what, **detail)


def mark_audited(request: HttpRequest) -> None:
    """The view logged this request itself: ``AuditChangesMiddleware`` does not log it again."""
    setattr(request, "audited", True)  # noqa: B010 - an attribute of ours on Django's request


def was_audited(request: HttpRequest) -> bool:
    return bool(getattr(request, "audited", False))
