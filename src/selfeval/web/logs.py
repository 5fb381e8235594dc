"""Application logs never carry request bodies, query strings, secrets or child identifiers."""

from __future__ import annotations

import logging
import re

_QUERY = re.compile(r"\?[^\s\"']*")
_SECRETISH = re.compile(r"(?i)(password|secret|token|key|csrf[a-z_]*)=([^&\s]+)")


class RedactFilter(logging.Filter):
    """Strip query strings (they may carry search terms) and secret-looking pairs from records.

    URLs of selfeval never contain children's identifiers, so paths are safe to keep.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        msg = record.getMessage()
        clean = _SECRETISH.sub(r"\1=[redacted]", _QUERY.sub("?[redacted]", msg))
        if clean != msg:
            record.msg, record.args = clean, ()
        # Django attaches the request to error records; its repr would include POST data.
        if hasattr(record, "request"):
            record.request = None
        return True
