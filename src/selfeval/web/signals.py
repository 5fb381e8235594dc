"""Sign-ins, sign-outs and failed sign-ins go to the audit log (never the password tried)."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from selfeval.web.audit import record


def _address(request) -> str:  # type: ignore[no-untyped-def]
    from selfeval.web.throttle import address

    return address(request) if request is not None else "unknown"


@receiver(user_logged_in)
def _signed_in(sender, request, user, **kwargs):  # type: ignore[no-untyped-def]
    record(user.get_username(), "sign in", "session", address=_address(request))


@receiver(user_logged_out)
def _signed_out(sender, request, user, **kwargs):  # type: ignore[no-untyped-def]
    if user is not None:
        record(user.get_username(), "sign out", "session", address=_address(request))


@receiver(user_login_failed)
def _failed(sender, credentials, request=None, **kwargs):  # type: ignore[no-untyped-def]
    name = str(credentials.get("username", ""))[:150]
    record(name, "sign in failed", "session", address=_address(request))
