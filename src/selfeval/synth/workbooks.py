"""Reproducible workbooks: the same seed gives byte-identical xlsx files.

openpyxl stamps a workbook's creation and save times in ``docProps/core.xml`` and each zip
entry's time; ``fix_times`` rewrites both to one fixed moment after saving.
"""

from __future__ import annotations

import re
import zipfile
from datetime import datetime
from pathlib import Path

FIXED_TIME = datetime(2000, 1, 1)
STAMP = b"2000-01-01T00:00:00Z"
TIMES = rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*"


def fix_times(path: Path) -> Path:
    """Rewrite the saved xlsx at ``path`` with fixed document and zip-entry times."""
    with zipfile.ZipFile(path) as z:
        items = [(i.filename, z.read(i.filename)) for i in z.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in items:
            if name == "docProps/core.xml":
                data = re.sub(TIMES, rb"\g<1>" + STAMP, data)
            info = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    return path
