"""The audit log: every change, and every view or download of child-level data."""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import DatabaseError, connection, transaction
from django.http import HttpRequest

from selfeval.web.models import AuditEvent


def record(who: str, action: str, what: str, **detail: Any) -> AuditEvent:
    """Write one audit event. ``what`` and ``detail`` must never hold a child's identifier.

    The event is committed before this returns. Inside a transaction it is part of that
    transaction (undone with it); otherwise, on SQLite, it is committed with the events other
    threads of this process are writing at the same moment (``_Committer``)."""
    event = AuditEvent(who=who or "anonymous", action=action, what=what, detail=detail)
    if connection.in_atomic_block or connection.vendor != "sqlite":
        # PostgreSQL: the commits of concurrent requests share one flush already
        event.save(force_insert=True)
    else:
        _COMMITTER.write(event)
    return event


@dataclass
class _Pending:
    event: AuditEvent
    done: bool = False
    error: BaseException | None = None


class _Committer:
    """Audit events of concurrent requests, committed together on SQLite.

    Each commit waits for its fsync (``synchronous=FULL``: no committed event is lost to a
    power cut), writers take turns, and SQLite's busy handler sleeps in growing steps (up to
    100 ms) while another holds the database: with every children page writing its event,
    20 users with no pause met waits of seconds. Here the thread that finds no commit under
    way takes this process's turn among the processes (``_turn``, a lock in the kernel, which
    wakes the next one as soon as it is released), then writes every event queued in this
    process by then in one transaction, while the threads that queue meanwhile wait for it (no
    request answers before its event is committed)."""

    def __init__(self) -> None:
        self._cv = threading.Condition()
        self._queue: list[_Pending] = []
        self._writing = False

    def write(self, event: AuditEvent) -> None:
        mine = _Pending(event)
        led = False  # this thread committed its own event (and raises its own error)
        with self._cv:
            self._queue.append(mine)
            while not mine.done:
                if self._writing:
                    self._cv.wait()
                    continue
                self._writing = True
                batch: list[_Pending] | None = None
                error: BaseException | None = None
                self._cv.release()
                try:
                    with _turn():  # what queued while this waited its turn goes in too
                        with self._cv:
                            batch, self._queue = self._queue, []
                        _commit([p.event for p in batch])
                except BaseException as e:  # every waiter's request must fail with it
                    error = e
                finally:
                    self._cv.acquire()
                    if batch is None:
                        batch, self._queue = self._queue, []
                    for p in batch:
                        p.done, p.error = True, error
                    led = mine.done
                    self._writing = False
                    self._cv.notify_all()
        if mine.error is not None:
            if led:
                raise mine.error
            raise DatabaseError("the audit event could not be written") from mine.error


def _commit(events: list[AuditEvent]) -> None:
    """One transaction of these events (this process's turn taken)."""
    with transaction.atomic():
        if len(events) == 1:
            events[0].save(force_insert=True)
        else:
            AuditEvent.objects.bulk_create(events)


@contextmanager
def _turn() -> Iterator[None]:
    """This process's turn to write the audit log: an ``flock`` on a file beside the SQLite
    database (none for a database in memory, which has one process)."""
    name = str(connection.settings_dict["NAME"])
    if name == ":memory:" or "mode=memory" in name:
        yield
        return
    fd = os.open(f"{name}-audit.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


_COMMITTER = _Committer()


def record_request(request: HttpRequest, action: str, what: str, **detail: Any) -> AuditEvent:
    user = getattr(request, "user", None)
    who = user.get_username() if user is not None and user.is_authenticated else "anonymous"
    return record(who, action, what, **detail)


def mark_audited(request: HttpRequest) -> None:
    """The view logged this request itself: ``AuditChangesMiddleware`` does not log it again."""
    setattr(request, "audited", True)  # noqa: B010 - an attribute of ours on Django's request


def was_audited(request: HttpRequest) -> bool:
    return bool(getattr(request, "audited", False))
