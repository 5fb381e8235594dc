"""Settings read from the environment: the store's URL as a Django database, secrets, limits."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from django.core.exceptions import ImproperlyConfigured

from selfeval.settings import current
from selfeval.store.store import store_url as store_url  # the one resolver, for settings


def database_from_url(url: str) -> dict[str, Any]:
    """Django's DATABASES entry for the store's SQLAlchemy URL (SQLite or PostgreSQL)."""
    u = sa.make_url(url)
    backend = u.get_backend_name()
    if backend == "sqlite":
        if not u.database or u.database == ":memory:":
            raise ImproperlyConfigured("the web app needs a SQLite store in a file, not in memory")
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": u.database,
            "OPTIONS": {"timeout": 30, "transaction_mode": "IMMEDIATE"},
            # Kept open between requests (each thread its own): opening one reads the whole
            # schema (the store's tables and Django's) and closing the last checkpoints the
            # WAL, a few milliseconds a request otherwise.
            "CONN_MAX_AGE": 600,
            "CONN_HEALTH_CHECKS": True,
        }
    if backend == "postgresql":
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": u.database or "",
            "USER": u.username or "",
            "PASSWORD": u.password or "",
            "HOST": u.host or "",
            "PORT": str(u.port or ""),
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": dict(u.query),
        }
    raise ImproperlyConfigured(f"the web app supports SQLite and PostgreSQL stores, not {backend}")


def secret_key() -> tuple[str, bool]:
    """Django's signing key and whether it lasts only as long as this process.

    ``$SELFEVAL_SECRET_KEY``, else the file ``$SELFEVAL_SECRET_KEY_FILE``; with neither, a
    random key of this process's own (fine for a command; a server refuses it, see
    ``selfeval.web.server``, because sessions would not survive a restart or span workers).
    """
    s = current()
    if s.secret_key:
        return s.secret_key, False
    if s.secret_key_file:
        return key_from_file(s.secret_key_file), False
    return secrets.token_urlsafe(50), True


def key_from_file(path: Path) -> str:
    """Read the key file, creating it (readable by its owner only) when it does not exist."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(50))
    return path.read_text().strip()
