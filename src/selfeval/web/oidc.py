"""OpenID Connect sign-in (Microsoft Entra ID): only for accounts an administrator created.

The account is found by the email claim; roles stay in selfeval, so Entra decides who someone
is and selfeval decides what they may see.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mozilla_django_oidc.auth import OIDCAuthenticationBackend

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from selfeval.web.models import User


class ExistingAccountsOIDCBackend(OIDCAuthenticationBackend):
    def filter_users_by_claims(self, claims: dict[str, Any]) -> QuerySet[User]:
        email = (claims.get("email") or claims.get("preferred_username") or "").strip()
        users: QuerySet[User] = self.UserModel.objects.all()  # the library is untyped
        if not email:
            return users.none()
        return users.filter(email__iexact=email, is_active=True)

    def create_user(self, claims: dict[str, Any]) -> None:
        return None  # OIDC_CREATE_USER is False; an administrator creates accounts
