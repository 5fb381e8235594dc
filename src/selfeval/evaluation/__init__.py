"""The self-evaluation and the scrutiny report, assembled from the single record.

Library API (the CLI and the web app call these):

- :class:`FigureCache` (one authority's figures from a store, each computed once) and
  :func:`parse_figure`;
- :func:`build_sef` / :func:`build_scrutiny` give a :class:`~selfeval.outputs.document.Document`,
  written by :func:`selfeval.outputs.render.write` as HTML, DOCX or PDF;
- :func:`draft_findings`, :func:`decide`, :func:`undecide` for drafted findings;
- :func:`selfeval.evaluation.report_check.check_file` for ``report check``.
"""

from selfeval.evaluation.benchmarking import BenchmarkValue, Comparators
from selfeval.evaluation.findings import Finding, decide, draft_findings, undecide
from selfeval.evaluation.narrative import EvidenceRegister, Narrative, render_markdown
from selfeval.evaluation.placeholders import (
    Evidence,
    FigureCache,
    FigureError,
    FigureRef,
    RenderedFigure,
    parse_figure,
)
from selfeval.evaluation.scrutiny import CouncilConfig, build_scrutiny, load_council
from selfeval.evaluation.sef import AREAS, Built, SefOptions, build_sef

__all__ = [
    "AREAS",
    "BenchmarkValue",
    "Built",
    "Comparators",
    "CouncilConfig",
    "Evidence",
    "EvidenceRegister",
    "FigureCache",
    "FigureError",
    "FigureRef",
    "Finding",
    "Narrative",
    "RenderedFigure",
    "SefOptions",
    "build_scrutiny",
    "build_sef",
    "decide",
    "draft_findings",
    "load_council",
    "parse_figure",
    "render_markdown",
    "undecide",
]
