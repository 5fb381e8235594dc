"""``{% memo "name" v1 v2 %}...{% endmemo %}``: a fragment rendered once per process for each
value of ``v1 v2``, then reused (the page layout's head, header and navigation, which every
request would otherwise render again: a dozen URL reversals and static paths each time).

What the fragment shows may depend only on the values it is keyed by: never put anything of
one request in it (the CSRF token, the user's name) unless it is one of those values.
"""

from __future__ import annotations

import threading

from django import template
from django.template.base import FilterExpression, Node, NodeList, Parser, Token
from django.template.context import Context
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

_FRAGMENTS: dict[tuple[object, ...], SafeString] = {}
_LIMIT = 2000
"""Fragments kept (names x the values they vary by: URL names x roles, a few hundred)."""
_lock = threading.Lock()


class MemoNode(Node):
    def __init__(self, nodelist: NodeList, name: str, vary: list[FilterExpression]) -> None:
        self.nodelist = nodelist
        self.name = name
        self.vary = vary

    def render(self, context: Context) -> str:
        key = (self.name, *(v.resolve(context) for v in self.vary))
        hit = _FRAGMENTS.get(key)
        if hit is not None:
            return hit
        html = mark_safe(self.nodelist.render(context))  # noqa: S308 - rendered by the engine
        with _lock:
            if len(_FRAGMENTS) >= _LIMIT:
                _FRAGMENTS.clear()
            _FRAGMENTS[key] = html
        return html


@register.tag
def memo(parser: Parser, token: Token) -> MemoNode:
    """``{% memo "name" value ... %}``: the fragment once per process per name and values."""
    bits = token.split_contents()
    if len(bits) < 2 or bits[1][0] not in "\"'" or bits[1][-1] != bits[1][0]:
        raise template.TemplateSyntaxError("memo needs a quoted name first")
    nodelist = parser.parse(("endmemo",))
    parser.delete_first_token()
    return MemoNode(nodelist, bits[1][1:-1], [parser.compile_filter(b) for b in bits[2:]])


def forget() -> None:
    """Drop every kept fragment (tests that change what a fragment shows)."""
    with _lock:
        _FRAGMENTS.clear()
