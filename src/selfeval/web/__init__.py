"""The web application: Django pages over selfeval's library (see docs/web.md).

Views call the library and hold no domain logic; ``roles.MATRIX`` says who may open what.
"""

from __future__ import annotations

import os

_db_url: str | None = None
"""The store ``setup`` was given, which ``selfeval.web.settings`` reads when it is loaded."""


def setup(db_url: str | None = None) -> None:
    """Configure Django for the store ``db_url`` (else ``$SELFEVAL_DB``) in this process.

    The URL reaches the settings through this module, not the environment: a command's
    ``--db`` is not left in ``$SELFEVAL_DB`` for the rest of the process (the library's other
    callers, and any process it starts)."""
    global _db_url
    import django
    from django.conf import settings

    if db_url and not settings.configured:
        _db_url = db_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "selfeval.web.settings")
    if not settings.configured or not _setup_done():
        django.setup()


def given_db() -> str | None:
    """The store's URL ``setup`` was given before the settings were loaded, if any."""
    return _db_url


def _setup_done() -> bool:
    from django.apps import apps

    return apps.ready
