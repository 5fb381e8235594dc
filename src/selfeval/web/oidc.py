"""OpenID Connect sign-in (Microsoft Entra ID): only for accounts an administrator created.

The account is found by the email claim; roles stay in selfeval, so Entra decides who someone
is and selfeval decides what they may see.
"""

from __future__ import annotations

from mozilla_django_oidc.auth import OIDCAuthenticationBackend


class ExistingAccountsOIDCBackend(OIDCAuthenticationBackend):
    def filter_users_by_claims(self, claims):  # type: ignore[no-untyped-def]
        email = (claims.get("email") or claims.get("preferred_username") or "").strip()
        if not email:
            return self.UserModel.objects.none()
        return self.UserModel.objects.filter(email__iexact=email, is_active=True)

    def create_user(self, claims):  # type: ignore[no-untyped-def]
        return None  # OIDC_CREATE_USER is False; an administrator creates accounts
