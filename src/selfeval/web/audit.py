"""The audit log: every change, and every view or download of child-level data."""

from __future__ import annotations

from typing import Any

from selfeval.web.models import AuditEvent


def record(who: str, action: str, what: str, **detail: Any) -> AuditEvent:
    """Write one audit event. ``what`` and ``detail`` must never hold a child's identifier."""
    return AuditEvent.objects.create(
        who=who or "anonymous", action=action, what=what, detail=detail
    )


def record_request(request, action: str, what: str, **detail: Any) -> AuditEvent:  # type: ignore[no-untyped-def]
    user = getattr(request, "user", None)
    who = user.get_username() if user is not None and user.is_authenticated else "anonymous"
    return record(who, action, what, **detail)
