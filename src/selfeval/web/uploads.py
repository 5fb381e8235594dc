"""Upload limits: refuse a file over the size limit while it is still arriving."""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadhandler import StopUpload, TemporaryFileUploadHandler


class LimitedUploadHandler(TemporaryFileUploadHandler):
    """Write uploads to temporary files, stopping as soon as one passes the size limit."""

    def __init__(self, request=None):  # type: ignore[no-untyped-def]
        super().__init__(request)
        self.received = 0

    def new_file(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        self.received = 0
        return super().new_file(*args, **kwargs)

    def receive_data_chunk(self, raw_data, start):  # type: ignore[no-untyped-def]
        self.received += len(raw_data)
        if self.received > settings.SELFEVAL_MAX_UPLOAD_BYTES:
            if self.request is not None:
                self.request.upload_too_large = True
            raise StopUpload(connection_reset=False)
        return super().receive_data_chunk(raw_data, start)
