"""WSGI entry point: ``gunicorn selfeval.web.wsgi`` (``selfeval serve`` uses waitress)."""

from __future__ import annotations

import os

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "selfeval.web.settings")
application = get_wsgi_application()

if settings.SECRET_KEY_EPHEMERAL:
    raise ImproperlyConfigured(
        "set SELFEVAL_SECRET_KEY or SELFEVAL_SECRET_KEY_FILE: every worker must sign sessions alike"
    )
