"""The web application: Django pages over selfeval's library (see docs/web.md).

Views call the library and hold no domain logic; ``roles.MATRIX`` says who may open what.
"""

from __future__ import annotations

import os


def setup(db_url: str | None = None) -> None:
    """Configure Django for the store ``db_url`` (else ``$SELFEVAL_DB``) in this process."""
    import django
    from django.conf import settings

    if db_url:
        os.environ["SELFEVAL_DB"] = db_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "selfeval.web.settings")
    if not settings.configured or not _setup_done():
        django.setup()


def _setup_done() -> bool:
    from django.apps import apps

    return apps.ready
