"""The self-evaluation's narrative: one Markdown text per authority and section, with every
revision kept (who, when), so that a change can be seen and any earlier text restored.

Reports read it as the library reads narrative: a folder of ``SECTION.md`` files.
"""

from __future__ import annotations

import difflib
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from selfeval.web.models import Narrative, NarrativeRevision


@dataclass(frozen=True)
class Change:
    """One revision as the history shows it: the revision and its diff from the one before."""

    revision: NarrativeRevision
    diff: list[str]


def texts(la_code: str, sections: list[str]) -> dict[str, str]:
    """The current text of each section ('' where none has been written)."""
    found = dict(Narrative.objects.filter(la_code=la_code).values_list("section", "text"))
    return {s: found.get(s, "") for s in sections}


def current(la_code: str, section: str) -> Narrative | None:
    """A section's narrative (text, who changed it last and when), or None if never saved."""
    return Narrative.objects.filter(la_code=la_code, section=section).first()


@transaction.atomic
def save(
    la_code: str, section: str, new_text: str, who: str, note: str = ""
) -> NarrativeRevision | None:
    """Save a section's text as a new revision; None when it is unchanged (nothing saved)."""
    now = timezone.now()
    n, created = Narrative.objects.select_for_update().get_or_create(
        la_code=la_code,
        section=section,
        defaults={"text": new_text, "changed_by": who, "changed_at": now},
    )
    if not created:
        if n.text == new_text:
            return None
        n.text, n.changed_by, n.changed_at = new_text, who, now
        n.save()
    last = n.revisions.order_by("-number").values_list("number", flat=True).first() or 0
    return NarrativeRevision.objects.create(
        narrative=n, number=last + 1, text=new_text, changed_by=who, changed_at=now, note=note
    )


def restore(la_code: str, section: str, number: int, who: str) -> NarrativeRevision | None:
    """Make revision ``number``'s text current again, as a new revision that says so.
    Raises ``NarrativeRevision.DoesNotExist`` when there is no such revision."""
    old = NarrativeRevision.objects.get(
        narrative__la_code=la_code, narrative__section=section, number=number
    )
    return save(la_code, section, old.text, who, note=f"restored revision {number}")


def history(la_code: str, section: str) -> list[Change]:
    """Every revision of a section, newest first, each with its line diff from the previous."""
    revs = list(
        NarrativeRevision.objects.filter(
            narrative__la_code=la_code, narrative__section=section
        ).order_by("number")
    )
    out, before = [], ""
    for r in revs:
        diff = difflib.unified_diff(before.splitlines(), r.text.splitlines(), lineterm="", n=1)
        out.append(Change(r, [line for line in diff][2:]))
        before = r.text
    return out[::-1]


@contextmanager
def folder(la_code: str, sections: list[str]) -> Iterator[Path]:
    """The stored sections as the folder of Markdown files the library's reports read."""
    with tempfile.TemporaryDirectory(prefix="selfeval-narrative-") as tmp:
        for section, t in texts(la_code, sections).items():
            if t.strip():
                Path(tmp, f"{section}.md").write_text(t, encoding="utf-8")
        yield Path(tmp)
