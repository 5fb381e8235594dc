"""Running the web application: Django's migrations, then waitress on this machine."""

from __future__ import annotations

import io
import ipaddress
import os
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from selfeval.errors import UsageError
from selfeval.settings import current
from selfeval.store import open_store
from selfeval.store.store import store_url


def ready(db: str | None, *, quiet: bool = True) -> list[str]:
    """Configure Django for the store ``db`` and apply its migrations; the lines it printed."""
    from selfeval.web import setup

    setup(store_url(db))
    from django.core.management import call_command

    out = io.StringIO()
    call_command("migrate", interactive=False, verbosity=0 if quiet else 1, stdout=out)
    return [ln for ln in out.getvalue().splitlines() if ln.strip()]


def migrate(db: str | None) -> list[str]:
    """Apply the web application's migrations (Django's own) to the store's database."""
    lines = ready(db, quiet=False)
    return lines or ["the web application's tables are up to date"]


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def key_file_for(url: str) -> Path | None:
    """A SQLite store keeps the web app's signing key in its data folder."""
    u = sa.make_url(url)
    if u.get_backend_name() == "sqlite" and u.database and u.database != ":memory:":
        return Path(u.database + ".data") / "web-secret-key"
    return None


def check_secret(url: str) -> None:
    if current().secret_key or current().secret_key_file:
        return
    path = key_file_for(url)
    if path is None:
        raise UsageError(
            "a shared deployment needs SELFEVAL_SECRET_KEY or SELFEVAL_SECRET_KEY_FILE"
        )
    os.environ["SELFEVAL_SECRET_KEY_FILE"] = str(path)


def serve(db: str | None, *, host: str, port: int, threads: int = 8) -> None:
    """Serve on ``host:port`` with waitress; plain HTTP only on a loopback address."""
    if not is_loopback(host) and not current().https:
        raise UsageError(
            f"{host} is not a loopback address: serve other machines only behind a TLS "
            "reverse proxy, with SELFEVAL_HTTPS=1 (see docs/web.md)"
        )
    url = store_url(db)
    check_secret(url)
    open_store(url).engine.dispose()  # the library's tables, created before the first request
    ready(url)
    from waitress import serve as waitress_serve

    from selfeval.web.wsgi import application

    print(f"selfeval: serving on http://{host}:{port}/ (Ctrl-C stops)", flush=True)
    from django.conf import settings

    proxy: dict[str, Any] = settings.WAITRESS_PROXY  # waitress's keyword arguments
    waitress_serve(
        application,
        host=host,
        port=port,
        threads=threads,
        ident="selfeval",
        max_request_body_size=_max_body(),
        **proxy,
    )


def _max_body() -> int:
    from django.conf import settings

    # A return is several files; the per-file limit is checked while they arrive.
    return settings.SELFEVAL_MAX_UPLOAD_BYTES * 4
