"""Who is signed in, read cheaply on every request.

Django's ``ModelBackend`` checks passwords (Argon2id, at sign-in only) and then, on every
request, reads the session's account through the ORM, whose query building cost more than the
rest of a cached page. ``AccountBackend`` reads it with one plain SELECT of the account's row
(a raw query: Django still converts the columns), with the same rule: an inactive account is
no one.
"""

from __future__ import annotations

from functools import cache

from django.contrib.auth.backends import ModelBackend
from django.db import connection

from selfeval.web.models import User


@cache
def _select() -> str:
    q = connection.ops.quote_name
    meta = User._meta
    cols = ", ".join(q(str(f.column)) for f in meta.concrete_fields)
    return f"SELECT {cols} FROM {q(meta.db_table)} WHERE {q(str(meta.pk.column))} = %s"


class AccountBackend(ModelBackend):
    """``ModelBackend`` with the request's account read by one prepared SELECT."""

    def get_user(self, user_id: int) -> User | None:
        found = list(User.objects.raw(_select(), [user_id]))
        if not found:
            return None
        user = found[0]
        return user if self.user_can_authenticate(user) else None
