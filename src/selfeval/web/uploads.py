"""Upload limits: refuse a file over the size limit while it is still arriving."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import StopUpload, TemporaryFileUploadHandler
from django.http import HttpRequest


class LimitedUploadHandler(TemporaryFileUploadHandler):
    """Write uploads to temporary files, stopping as soon as one passes the size limit."""

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.received = 0

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        self.received = 0
        return super().new_file(*args, **kwargs)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.received > settings.SELFEVAL_MAX_UPLOAD_BYTES:
            if self.request is not None:  # the view reads it to say why the upload stopped
                setattr(self.request, "upload_too_large", True)  # noqa: B010
            raise StopUpload(connection_reset=False)
        return super().receive_data_chunk(raw_data, start)
