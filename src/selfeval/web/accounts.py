"""Accounts and roles: the one place that creates users and changes roles (CLI and pages)."""

from __future__ import annotations

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction

from selfeval.access import NONE, Authorities
from selfeval.errors import SelfevalError, UsageError
from selfeval.web.audit import record
from selfeval.web.models import User
from selfeval.web.roles import ROLES


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise UsageError(f"{role!r} is not a role; the roles are {', '.join(ROLES)}")


def add_user(
    username: str,
    role: str,
    password: str,
    *,
    email: str = "",
    by: str,
    authorities: Authorities = NONE,
) -> User:
    """Create an account with one role and the authorities it may see (none unless given;
    administrators see every one); the password must pass the password rules."""
    _check_role(role)
    if User.objects.filter(username=username).exists():
        raise UsageError(f"there is already an account called {username!r}")
    user = User(
        username=username,
        email=email,
        role=role,
        authorities=sorted(authorities.codes),
        all_authorities=authorities.every,
    )
    try:
        password_validation.validate_password(password, user)
    except ValidationError as e:
        raise SelfevalError("the password is refused: " + " ".join(e.messages)) from None
    user.set_password(password)
    with transaction.atomic():
        user.save()
        record(
            by, "add account", f"account {username}", role=role, authorities=authorities.describe()
        )
    return user


def set_role(username: str, role: str, *, by: str) -> User:
    """Give an account another role (its sessions keep working under the new role)."""
    _check_role(role)
    user = _user(username)
    old = user.role
    with transaction.atomic():
        user.role = role
        user.save()
        record(by, "set role", f"account {username}", old=old, new=role)
    return user


def set_authorities(username: str, authorities: Authorities, *, by: str) -> User:
    """Change the authorities an account may see (from its next request on)."""
    user = _user(username)
    old = user.access().describe()
    with transaction.atomic():
        user.authorities = sorted(authorities.codes)
        user.all_authorities = authorities.every
        user.save()
        record(by, "set authorities", f"account {username}", old=old, new=user.access().describe())
    return user


def lift_sign_in_wait(username: str, *, by: str) -> int:
    """Lift the wait that wrong passwords put on an account (``selfeval.web.throttle``)."""
    from selfeval.web import throttle

    _user(username)
    with transaction.atomic():
        n = throttle.lift(username)
        record(by, "lift sign-in wait", f"account {username}", keys=n)
    return n


def _user(username: str) -> User:
    try:
        return User.objects.get(username=username)
    except User.DoesNotExist:
        raise UsageError(f"there is no account called {username!r}") from None


def users() -> list[User]:
    return list(User.objects.order_by("username"))
