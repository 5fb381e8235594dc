"""Sign-ins, sign-outs and failed sign-ins go to the audit log (never the password tried)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from selfeval.web.audit import record


def _address(request: HttpRequest | None) -> str:
    from selfeval.web.throttle import address

    return address(request) if request is not None else "unknown"


@receiver(user_logged_in)
def _signed_in(sender: object, request: HttpRequest, user: AbstractBaseUser, **kwargs: Any) -> None:
    record(user.get_username(), "sign in", "session", address=_address(request))


@receiver(user_logged_out)
def _signed_out(
    sender: object, request: HttpRequest, user: AbstractBaseUser | None, **kwargs: Any
) -> None:
    if user is not None:
        record(user.get_username(), "sign out", "session", address=_address(request))


@receiver(user_login_failed)
def _failed(
    sender: object,
    credentials: dict[str, Any],
    request: HttpRequest | None = None,
    **kwargs: Any,
) -> None:
    name = str(credentials.get("username", ""))[:150]
    record(name, "sign in failed", "session", address=_address(request))
