"""Both reports in every format at once: what the demo and a month-end run write."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path

from selfeval.evaluation.placeholders import FigureCache
from selfeval.evaluation.scrutiny import (
    CouncilConfig,
    build_scrutiny,
    council_sef,
    load_council,
)
from selfeval.outputs.render import FORMATS, write
from selfeval.store import Store


def example_council_path() -> Path:
    """The example council file shipped with selfeval (the demo's synthetic authority)."""
    return Path(str(resources.files("selfeval.evaluation") / "council.example.toml"))


@dataclass(frozen=True)
class Published:
    sef: list[Path]
    """The self-evaluation for the public: counts of 1 to 5 children withheld."""
    scrutiny: list[Path]
    """The scrutiny report (public: councillors meet in public)."""
    sef_internal: list[Path]
    """The self-evaluation for the service and Ofsted, every figure shown: not for publication."""


def write_reports(
    store: Store,
    out: Path,
    *,
    at: date,
    since: date | None = None,
    council: CouncilConfig | None = None,
    narrative: Path | None = None,
    formats: tuple[str, ...] = FORMATS,
) -> Published:
    """The self-evaluation (public, and for the service and Ofsted) and the scrutiny report
    for ``council``'s authority, every format. The two editions of the self-evaluation share
    every computed figure (``FigureCache.edition``); only what they show differs."""
    cfg = council or load_council(example_council_path())
    record = FigureCache(store, cfg.la_code)
    built = council_sef(record, cfg, at=at, since=since, narrative=narrative)
    sef = built.document
    scrutiny = build_scrutiny(record, cfg, at=at, since=since, sef=built).document
    internal = council_sef(
        record.edition(public=False), cfg, at=at, since=since, narrative=narrative
    ).document
    return Published(
        sef=[write(sef, f, out / f"self-evaluation.{f}") for f in formats],
        scrutiny=[write(scrutiny, f, out / f"scrutiny-report.{f}") for f in formats],
        sef_internal=[write(internal, f, out / f"self-evaluation-ofsted.{f}") for f in formats],
    )
