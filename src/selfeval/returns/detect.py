"""Which return a file is, from its content (never its name): "903", "cin", "annex-a", ...

903 CSV tables by their exact header rows (as DfE's validator identifies them), the 903 XML by
its root, the CIN census by its root ``Message`` with a CIN collection header, Annex A by its
list sheets, the workforce return by its fields. Other returns (audits, plan, SSD) add their
own detector with ``register``; the first detector that claims a file wins.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from selfeval.returns import annex_a, cin_census, ssd, ssda903, ssda903_xml, workforce
from selfeval.returns.base import first_csv_row

Detector = Callable[[Path], bool]

KINDS = ("903", "cin", "annex-a", "workforce", "audits", "plan", "ssd")
"""Every kind of file selfeval ingests (the values of ``selfeval ingest --kind``)."""

WORKBOOK_KINDS = ("audits", "plan")
"""The kinds that are records people keep (``selfeval.assurance``, ``selfeval.plans``), loaded
as imports rather than as returns."""

_DETECTORS: list[tuple[str, Detector]] = []


def register(kind: str, sniff: Detector, *, first: bool = False) -> None:
    """Add a detector for ``kind``; ``sniff(path)`` must return a bool and never raise."""
    entry = (kind, sniff)
    if first:
        _DETECTORS.insert(0, entry)
    else:
        _DETECTORS.append(entry)


def sniff_903_csv(path: Path) -> bool:
    """True if the file's first row is exactly the header of one of the 903 tables (or that
    header with YEAR and LA: several returns' rows pooled, as regional pipelines write them)."""
    header = first_csv_row(path)
    return ssda903.identify(header) is not None or ssda903.identify_pooled(header) is not None


def detect(path: Path) -> str | None:
    """The kind of return ``path`` holds, or None if no reader claims it."""
    path = Path(path)
    if not path.is_file():
        return None
    for kind, sniff in _DETECTORS:
        try:
            if sniff(path):
                return kind
        except Exception:  # noqa: S112 - a detector failing means "not mine"
            continue
    return None


register("903", sniff_903_csv)
register("903", ssda903_xml.sniff)
register("cin", cin_census.sniff)
register("annex-a", annex_a.sniff)
register("workforce", workforce.sniff)
register("ssd", ssd.sniff)
