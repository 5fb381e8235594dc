"""Safe, streaming XML for the returns: no DTDs, no entities, no network, bounded size.

DfE's XML returns (CIN census, SSDA903 XML, CSWW) never carry a DTD, so any DOCTYPE is refused
outright; that closes entity expansion ("billion laughs") and external entities together.
libxml2's own limits (depth, text size) stay on (``huge_tree`` off).
"""

from __future__ import annotations

from collections.abc import Collection, Generator
from pathlib import Path
from typing import Literal

from lxml import etree

from selfeval.errors import InputError, Location
from selfeval.returns.base import MAX_BYTES, InputWarning, check_file


def iterparse(
    path: Path,
    *,
    tag: tuple[str, ...] | None = None,
    events: tuple[Literal["start", "end"], ...] = ("start", "end"),
    max_bytes: int = MAX_BYTES,
) -> Generator[tuple[str, etree._Element]]:
    """(event, element) pairs, refusing DTDs and malformed XML whole.

    With ``tag``, only those elements' events come (much faster); the DTD check then happens at
    the first of them, so call ``root_tag`` first to refuse a DTD before anything is read.
    """
    check_file(path, max_bytes)
    name = path.name
    context = etree.iterparse(
        str(path),
        events=events,
        tag=tag,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    first = True
    try:
        for event, el in context:
            if first:
                first = False
                info = el.getroottree().docinfo
                if info.doctype or info.internalDTD is not None or info.externalDTD is not None:
                    raise InputError(
                        Location(name, 1),
                        "xml-dtd",
                        "the file declares a DTD (<!DOCTYPE>), which DfE's returns never do; "
                        "refused as it could expand entities or reach outside the file",
                    )
            yield event, el
    except etree.XMLSyntaxError as e:
        line = e.lineno if e.lineno else None
        msg = str(getattr(e, "msg", None) or e)
        where = Location(name, line)
        raise InputError(where, "xml-syntax", f"not well-formed XML: {msg}") from None
    except (OSError, UnicodeError, ValueError) as e:
        raise InputError(Location(name), "xml-syntax", f"cannot be read as XML: {e}") from None


def root_tag(path: Path, max_bytes: int = MAX_BYTES) -> str:
    """The root element's name, refusing a DTD or a file that does not start as XML."""
    events = iterparse(path, max_bytes=max_bytes)
    try:
        for _event, el in events:
            return el.tag if isinstance(el.tag, str) else ""
    finally:
        events.close()
    raise InputError(Location(path.name, 1), "xml-syntax", "the file has no XML element")


def tag_of(el: etree._Element) -> str:
    """An element's name ("" for a comment or processing instruction, whose tag is not text)."""
    return el.tag if isinstance(el.tag, str) else ""


def release(el: etree._Element) -> None:
    """Free a processed element and its earlier siblings, keeping memory flat while streaming."""
    el.clear()
    parent = el.getparent()
    if parent is not None:
        while el.getprevious() is not None:
            del parent[0]


def first_texts(block: etree._Element | None) -> dict[str, str | None]:
    """Each child element's text by tag, the first of a tag winning (as ``find`` would)."""
    out: dict[str, str | None] = {}
    if block is not None:
        for c in block:
            if isinstance(c.tag, str) and c.tag not in out:
                out[c.tag] = c.text
    return out


def text(el: etree._Element | None, child: str) -> str | None:
    """The text of ``el``'s first ``child`` element (None if either is missing), as DfE's
    validators read it (``find(child).text``)."""
    if el is None:
        return None
    c = el.find(child)
    return None if c is None else c.text


def head(path: Path, max_events: int = 200) -> dict[str, str | None]:
    """The root tag and the first few leaf texts of an XML file, for detecting its kind.

    Never raises: a file that is not (safe) XML gives an empty dict.
    """
    out: dict[str, str | None] = {}
    events = iterparse(path)
    try:
        for n, (event, el) in enumerate(events):
            if n == 0:
                out["_root"] = el.tag if isinstance(el.tag, str) else None
            if event == "end" and len(el) == 0 and isinstance(el.tag, str):
                out.setdefault(el.tag, el.text.strip() if el.text else None)
            if n >= max_events:
                break
    except InputError:
        return {}
    finally:
        events.close()
    return out


class Unread:
    """The elements of a return that no table keeps, counted by ``parent/name``, for the
    load's report (a reader keeps what DfE's specification names and says what it left)."""

    def __init__(self, known: Collection[str]) -> None:
        self.known = known
        self.counts: dict[str, int] = {}

    def count(self, element: etree._Element) -> None:
        """Count the unknown elements in ``element`` (itself included)."""
        for el in element.iter():
            if isinstance(el.tag, str) and el.tag not in self.known:
                parent = el.getparent()
                where = f"{tag_of(parent)}/{el.tag}" if parent is not None else el.tag
                self.counts[where] = self.counts.get(where, 0) + 1

    def warnings(self, file: str) -> list[InputWarning]:
        """One warning naming how many of each were left out, or none."""
        if not self.counts:
            return []
        said = ", ".join(f"{n} {w}" for w, n in sorted(self.counts.items()))
        return [
            InputWarning(
                Location(file),
                "not-read",
                f"{sum(self.counts.values())} elements that selfeval does not keep were left "
                f"out: {said}",
            )
        ]
