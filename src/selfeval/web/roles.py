"""Roles and the permission matrix: which role may open which URL (by its name).

Every URL of the application has one entry here, and ``RoleMiddleware`` enforces it before
any view runs, so a page cannot forget its check; a URL without an entry is refused to
everyone (and fails the matrix test). docs/web.md prints the same matrix.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.http import HttpRequest

ADMINISTRATOR = "administrator"
ANALYST = "analyst"
AUDITOR = "auditor"
MANAGER = "manager"
VIEWER = "viewer"

ROLES: dict[str, str] = {
    ADMINISTRATOR: "Administrator: accounts and roles, the audit log, and everything analysts do",
    ANALYST: "Analyst: loads returns, reads child-level lists, writes the self-evaluation",
    AUDITOR: "Auditor: enters and moderates case audits, reads child-level lists",
    MANAGER: "Manager: runs practice weeks, moderates audits, owns the plan and the narrative",
    VIEWER: "Viewer (councillors): aggregate figures only, with disclosure control",
}

PUBLIC = "public"
"""Anyone, signed in or not (the sign-in page, the health check)."""
SIGNED_IN = "signed in"
"""Anyone signed in, whatever their role (signing out)."""

ALL = frozenset(ROLES)
STAFF = ALL - {VIEWER}
CHILD_LEVEL = frozenset({ADMINISTRATOR, ANALYST, AUDITOR, MANAGER})
"""Roles that may see children's records (identifiers), each view audited."""


def _roles(*names: str) -> frozenset[str]:
    return frozenset(names)


MATRIX: dict[str, frozenset[str] | str] = {
    # accounts
    "sign_in": PUBLIC,
    "sign_out": SIGNED_IN,
    "healthz": PUBLIC,
    "oidc_authentication_init": PUBLIC,
    "oidc_authentication_callback": PUBLIC,
    "oidc_logout": SIGNED_IN,
    # figures
    "dashboard": ALL,
    "indicators": ALL,
    "indicator": ALL,
    "indicator_chart": ALL,
    "indicator_export": ALL,
    "indicator_children": CHILD_LEVEL,
    "indicator_children_export": CHILD_LEVEL,
    "annex_a_pack": ALL,
    "annex_a_pack_download": ALL,
    # loads
    "loads": _roles(ADMINISTRATOR, ANALYST),
    "load_upload": _roles(ADMINISTRATOR, ANALYST),
    "load": _roles(ADMINISTRATOR, ANALYST),
    "load_undo": _roles(ADMINISTRATOR, ANALYST),
    # assurance
    "practice_weeks": STAFF,
    "practice_week_new": _roles(ADMINISTRATOR, MANAGER),
    "practice_week": STAFF,
    "audit_new": _roles(ADMINISTRATOR, AUDITOR, MANAGER),
    "audit": _roles(ADMINISTRATOR, AUDITOR, MANAGER, ANALYST),
    "audit_moderate": _roles(ADMINISTRATOR, AUDITOR, MANAGER),
    # the improvement plan
    "plan": ALL,
    "plan_edit": _roles(ADMINISTRATOR, ANALYST, MANAGER),
    # the self-evaluation
    "evaluation": STAFF,
    "evaluation_section": STAFF,
    "evaluation_section_edit": _roles(ADMINISTRATOR, ANALYST, MANAGER),
    "evaluation_section_preview": _roles(ADMINISTRATOR, ANALYST, MANAGER),
    "evaluation_section_history": STAFF,
    "evaluation_section_restore": _roles(ADMINISTRATOR, ANALYST, MANAGER),
    "evaluation_findings": _roles(ADMINISTRATOR, ANALYST, MANAGER),
    "evaluation_preview": ALL,
    "evaluation_download": ALL,
    # the scrutiny report
    "scrutiny": ALL,
    "scrutiny_download": ALL,
    # the regional view (aggregates, under disclosure control for viewers)
    "region": ALL,
    "region_export": ALL,
    "region_pack": ALL,
    # users, roles and the audit log
    "users": _roles(ADMINISTRATOR),
    "user_new": _roles(ADMINISTRATOR),
    "user_role": _roles(ADMINISTRATOR),
    "user_authorities": _roles(ADMINISTRATOR),
    "audit_log": _roles(ADMINISTRATOR),
    # Django's admin site (every admin:* URL)
    "admin:*": _roles(ADMINISTRATOR),
}


def allowed(url_name: str, namespace: str = "") -> frozenset[str] | str | None:
    """The matrix entry for a URL name (``admin:*`` covers the admin site), or None."""
    if namespace == "admin":
        return MATRIX.get("admin:*")
    return MATRIX.get(url_name)


def may(role: str | None, entry: frozenset[str] | str | None, *, signed_in: bool) -> bool:
    """Whether someone with ``role`` (signed in or not) may open a URL with this entry."""
    if entry is None:
        return False
    if entry == PUBLIC:
        return True
    if not signed_in:
        return False
    if entry == SIGNED_IN:
        return True
    return isinstance(entry, frozenset) and role in entry


def context(request: HttpRequest) -> dict[str, object]:
    """Template context: ``can.NAME`` says whether the signed-in user may open URL NAME."""
    user = getattr(request, "user", None)
    signed_in = bool(user and user.is_authenticated)
    role = getattr(user, "role", None) if signed_in else None

    class Can(dict[str, bool]):
        def __missing__(self, name: str) -> bool:
            ok = may(role, allowed(name), signed_in=signed_in)
            self[name] = ok
            return ok

    return {"can": Can(), "ROLES": ROLES}


def matrix_markdown(urls: dict[str, str]) -> str:
    """The matrix as a Markdown table: one row per URL name (with its path), one column per role.

    ``urls`` maps URL names to their paths; docs/web.md holds this table, checked by a test.
    """
    head = "| URL name | path | " + " | ".join(ROLES) + " |"
    rule = "|---|---|" + "---|" * len(ROLES)
    rows = [head, rule]
    for name, entry in MATRIX.items():
        if entry == PUBLIC:
            cells = ["anyone"] * len(ROLES)
        elif entry == SIGNED_IN:
            cells = ["yes"] * len(ROLES)
        else:
            cells = ["yes" if isinstance(entry, frozenset) and r in entry else "–" for r in ROLES]
        rows.append(f"| `{name}` | `{urls.get(name, '')}` | " + " | ".join(cells) + " |")
    return "\n".join(rows)
