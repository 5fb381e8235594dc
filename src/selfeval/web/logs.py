"""Application logs never carry request bodies, query strings, secrets or child identifiers."""

from __future__ import annotations

import logging
import re

_QUERY = re.compile(r"\?[^\s\"']*")
_SECRETISH = re.compile(r"(?i)(password|secret|token|key|csrf[a-z_]*)=([^&\s]+)")
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(m: re.Match[str]) -> str:
    c = m.group(0)
    return _NAMED.get(c) or (f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}")


def escape_controls(text: str) -> str:
    """Control characters as escapes (``\\n``, ``\\x1b``): a value from a request (a query
    parameter, a username) cannot start a forged line or move the terminal's cursor."""
    return _CONTROL.sub(_escape, text)


class RedactFilter(logging.Filter):
    """Strip query strings (they may carry search terms) and secret-looking pairs from records,
    and escape control characters (one record is one line).

    URLs of selfeval never contain children's identifiers, so paths are safe to keep.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        msg = record.getMessage()
        clean = _SECRETISH.sub(r"\1=[redacted]", _QUERY.sub("?[redacted]", msg))
        clean = escape_controls(clean)
        if clean != msg:
            record.msg, record.args = clean, ()
        # Django attaches the request to error records; its repr would include POST data.
        if hasattr(record, "request"):
            record.request = None
        return True
