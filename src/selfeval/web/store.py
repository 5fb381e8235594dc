"""The library's store for this process, opened once from the store URL in the settings."""

from __future__ import annotations

import threading

from django.conf import settings

from selfeval.store import Store

_lock = threading.Lock()
_stores: dict[str, Store] = {}


def get_store() -> Store:
    """The store named by ``settings.SELFEVAL_DB`` (shared by the threads of this process)."""
    url = settings.SELFEVAL_DB
    with _lock:
        s = _stores.get(url)
        if s is None:
            s = _stores[url] = Store(url)
        return s


def forget_stores() -> None:
    """Close every open store (tests, and the server on shutdown), and forget the figures
    this process kept from them."""
    from selfeval.web.cached_figures import forget_cached

    forget_cached()
    with _lock:
        for s in _stores.values():
            s.engine.dispose()
        _stores.clear()
