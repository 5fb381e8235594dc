"""The permission matrix for docs/web.md, from the URL conf and ``roles.MATRIX``.

Print it with ``python -m selfeval.web.docs`` and paste it into docs/web.md; a test fails
when the page and the enforced matrix differ.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.urls import URLPattern, URLResolver, get_resolver

from selfeval.web.roles import matrix_markdown

OPTIONAL_PATHS = {
    "admin:*": "/admin/...",
    "oidc_authentication_init": "/oidc/authenticate/",
    "oidc_authentication_callback": "/oidc/callback/",
    "oidc_logout": "/oidc/logout/",
}


def walk(
    patterns: Iterable[URLPattern | URLResolver], namespace: str = ""
) -> Iterator[tuple[str, URLPattern]]:
    """(namespace, pattern, path) for every named URL pattern."""
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from walk(p.url_patterns, p.namespace or namespace)
        elif isinstance(p, URLPattern) and p.name:
            yield namespace, p


def matrix_table() -> str:
    resolver = get_resolver()
    paths = {
        p.name: "/" + str(p.pattern) for ns, p in walk(resolver.url_patterns) if not ns and p.name
    }
    return matrix_markdown({**OPTIONAL_PATHS, **paths})


if __name__ == "__main__":
    from selfeval.web import setup

    setup()
    print(matrix_table())
