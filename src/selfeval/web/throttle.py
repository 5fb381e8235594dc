"""Sign-in throttling per address and per account, which cannot lock an account's owner out.

A lockout (N wrong passwords lock the account) lets anyone lock anyone out. Instead each
failed sign-in counts against three keys: the client's address, the account, and the account
on one known browser. Past a number of free failures, a key makes the next attempt wait, and
the wait doubles with each further failure (1 s, 2 s, 4 s ... up to a cap): guessing slows to a
crawl, and the right password always works once the wait has passed. An attempt made during
the wait is refused without the password being checked (so it tells nothing) and is logged.

The account's own key is not applied to a browser that has signed in to that account before
(a signed "known browser" cookie, OWASP's device cookies): someone failing against carol from
elsewhere slows only themselves, and carol's browser counts only its own failures. Every
attempt (signed in, failed, throttled) is in the audit log with its address.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from selfeval.web.models import SignInFailures

DEVICE_SALT = "selfeval.web.throttle.device"
DEVICE_MAX_AGE = 365 * 24 * 60 * 60
FORGET_AFTER = timedelta(days=1)
"""Failures older than this (since a key's last failure) no longer count."""


def address(request: HttpRequest) -> str:
    """The client's address. Under waitress it is ``REMOTE_ADDR`` (waitress puts the trusted
    proxy's ``X-Forwarded-For`` client there, ``selfeval.web.server``); under another server
    behind the proxy (gunicorn), a request from the trusted proxy's own address names its
    client in the last ``X-Forwarded-For`` entry, the one the proxy added. Never a header
    from anyone else."""
    remote = str(request.META.get("REMOTE_ADDR") or "unknown")
    proxy = settings.WAITRESS_PROXY.get("trusted_proxy")
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxy and forwarded and (proxy == "*" or remote == proxy):
        remote = forwarded.split(",")[-1].strip() or remote
    return remote[:64]


def device_cookie_name() -> str:
    return "__Host-selfeval_device" if settings.HTTPS else "selfeval_device"


def _known_device(request: HttpRequest, username: str) -> str | None:
    """The id of this browser if it has signed in to ``username`` before."""
    value = request.COOKIES.get(device_cookie_name())
    if not value:
        return None
    try:
        d = signing.loads(value, salt=DEVICE_SALT, max_age=DEVICE_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(d, dict) or d.get("u") != username.lower():
        return None
    return str(d.get("d", ""))[:64] or None


def remember_device(response: HttpResponse, username: str) -> None:
    """Mark this browser as known to ``username`` (after a successful sign-in)."""
    value = signing.dumps({"u": username.lower(), "d": secrets.token_hex(8)}, salt=DEVICE_SALT)
    response.set_cookie(
        device_cookie_name(),
        value,
        max_age=DEVICE_MAX_AGE,
        secure=settings.HTTPS,
        httponly=True,
        samesite="Strict",
    )


def delay_after(failures: int, free: int) -> float:
    """Seconds to wait after ``failures`` failures of which ``free`` cost nothing: 0, then
    1, 2, 4 ... up to ``SELFEVAL_SIGNIN_MAX_DELAY``."""
    if failures < free:
        return 0.0
    return float(min(2 ** min(failures - free, 30), settings.SELFEVAL_SIGNIN_MAX_DELAY_SECONDS))


@dataclass(frozen=True)
class Attempt:
    """One sign-in attempt: the keys its failure would count against, with their free
    failures."""

    username: str
    address: str
    keys: tuple[tuple[str, int], ...]

    @classmethod
    def of(cls, request: HttpRequest, username: str) -> Attempt:
        name = (username or "").strip().lower()[:150]
        addr = address(request)
        keys = [(f"address:{addr}", settings.SELFEVAL_SIGNIN_FREE_FAILURES_PER_ADDRESS)]
        device = _known_device(request, name)
        free = settings.SELFEVAL_SIGNIN_FREE_FAILURES
        if device is None:
            keys.append((f"account:{name}", free))
        else:
            keys.append((f"device:{name}:{device}", free))
        return cls(name, addr, tuple(keys))

    def wait(self) -> int:
        """Whole seconds before this attempt may be checked (0: now)."""
        now = timezone.now()
        rows = {r.key: r for r in SignInFailures.objects.filter(key__in=[k for k, _ in self.keys])}
        longest = 0.0
        for key, free in self.keys:
            r = rows.get(key)
            if r is None or now - r.last > FORGET_AFTER:
                continue
            left = delay_after(r.failures, free) - (now - r.last).total_seconds()
            longest = max(longest, left)
        return int(longest + 0.999) if longest > 0 else 0

    def failed(self) -> None:
        """Count a failure against every key."""
        now = timezone.now()
        with transaction.atomic():
            for key, _ in self.keys:
                row, made = SignInFailures.objects.select_for_update().get_or_create(
                    key=key, defaults={"failures": 1, "last": now}
                )
                if made:
                    continue
                if now - row.last > FORGET_AFTER:
                    row.failures, row.last = 1, now
                    row.save()
                else:
                    SignInFailures.objects.filter(pk=row.pk).update(
                        failures=F("failures") + 1, last=now
                    )

    def succeeded(self) -> None:
        """The right password: the account's failures are forgotten (the address's are not,
        so that one account's password cannot reset an address guessing at others)."""
        SignInFailures.objects.filter(key__in=[k for k, _ in self.keys[1:]]).delete()
        SignInFailures.objects.filter(key=f"account:{self.username}").delete()


def lift(username: str) -> int:
    """An administrator lifts every wait on an account (``selfeval users unthrottle``); the
    number of keys cleared."""
    name = username.strip().lower()
    n, _ = SignInFailures.objects.filter(key=f"account:{name}").delete()
    m, _ = SignInFailures.objects.filter(key__startswith=f"device:{name}:").delete()
    return n + m
