"""The main job on the built-in synthetic authority: generate, ingest, compute, write."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from selfeval.benchmarks import comparisons_at, import_dir
from selfeval.benchmarks.reconcile import reconcile, text_table
from selfeval.evaluation.engagement import engagement_pack
from selfeval.evaluation.placeholders import FigureCache
from selfeval.evaluation.publish import write_reports
from selfeval.evaluation.readiness import pack_from_store
from selfeval.evaluation.readiness_pack import write_pack
from selfeval.indicators import catalogue, compute, month_ends, sources_from_store
from selfeval.indicators.export import to_csv, to_table, to_xlsx
from selfeval.ingest import ingest
from selfeval.outputs.html import indicators_page
from selfeval.outputs.quality import quality_page
from selfeval.outputs.render import write
from selfeval.store import Store
from selfeval.synth import QUALITY, RETURNS, AuthorityConfig, synthesise
from selfeval.synth.england import write_england

DEMO_LA = "999"
DEMO_YEARS = range(2022, 2025)
"""Three return years: the latest one's look-back figures (re-referrals within 12 months,
long-term stability over 2.5 years) need the two before it, and the 903's social worker
episodes (SWEpisodes) were first collected in the 2023/24 return."""
DEMO_ENGLAND = 30
"""Authorities in the demo's synthetic England (its published tables, no download)."""


def _demo_folders(year: int) -> list[tuple[str, int]]:
    """The synthetic returns of one return year (CSWW: the census at 30 September inside it)."""
    return [("903", year), ("cin", year), ("annex_a", year), ("workforce", year - 1)]


def ingest_synthetic(
    store: Store, returns: Path, years: range, la_code: str, *, validate_ssd: bool = True
) -> None:
    """Load a synthetic authority's returns (``synthesise``'s folders) as an analyst would."""
    # Through the analyst's path: each year's folders as they are, every file's kind detected
    # from its content (903 tables by their headers, the CIN census and CSWW by their XML
    # headers, Annex A by its lists). DfE's validators are left to `selfeval ingest` proper:
    # their environment takes minutes to build on a fresh machine.
    for year in years:
        folders = [returns / kind / str(y) for kind, y in _demo_folders(year)]
        ingest(
            store,
            [f for f in folders if f.is_dir()],
            return_year=year,
            la_code=la_code,
            validate=False,
        )
    # The Standard Safeguarding Dataset extract (visits, contacts): the whole history at once.
    if (returns / "ssd").is_dir():
        ingest(store, [returns / "ssd"], kind="ssd", la_code=la_code, validate=validate_ssd)


@dataclass(frozen=True)
class DemoOutputs:
    store_url: str
    returns: Path
    pages: list[Path]
    summary: str = ""
    """The whole catalogue's figures at the demo's date, as a plain table."""
    reconciliation: str = ""
    """The latest year's figures (as returned) beside DfE's published ones (synthetic here)."""


def run_demo(out: Path, *, children: int = 3000, seed: int = 1) -> DemoOutputs:
    out.mkdir(parents=True, exist_ok=True)
    returns = out / "returns"
    config = AuthorityConfig(la_code=DEMO_LA, children=children, years=DEMO_YEARS, seed=seed)
    authority, _ = synthesise(returns, config, returns=(*RETURNS, QUALITY))
    url = f"sqlite:///{(out / 'selfeval.db').resolve()}"
    store = Store(url)
    ingest_synthetic(store, returns, DEMO_YEARS, DEMO_LA)
    at = date(DEMO_YEARS.stop - 1, 3, 31)
    # Practice weeks' audits and the improvement plan, then what they say.
    # (The plan's statuses are those of ``at``, so recorded on that day.)
    ingest(store, [returns / QUALITY], la_code=DEMO_LA, today=at)
    quality = quality_page(store, DEMO_LA, out / "quality.html", today=at)
    # England's published tables without a download: a synthetic England in DfE's own layout,
    # with the demo authority in it (its own row, region and statistical neighbours, its ONS
    # population for the rates), imported as an analyst imports the real files.
    write_england(
        out / "england", n=DEMO_ENGLAND, years=DEMO_YEARS, seed=seed, full=0, member=authority
    )
    import_dir(store, out / "england" / "ees")
    comparisons = comparisons_at(store, DEMO_LA, at)
    reconciled = reconcile(store, DEMO_LA, at.year)
    (out / "benchmarks.json").write_text(
        json.dumps([c.as_dict() for c in comparisons], indent=2) + "\n"
    )
    src = sources_from_store(store)
    results = compute(src, [at])
    # The indicators page and workbook are public (as the reports are): every figure through
    # the one disclosure policy of a public record, so no public output gives another away.
    public = FigureCache(store, DEMO_LA, public=True)
    page = indicators_page(
        results,
        title="Synthetic authority 999: indicators",
        at=at,
        out=out / "indicators.html",
        show=public.show,
    )
    reports = write_reports(store, out / "reports", at=at)
    pack = write(engagement_pack(store, DEMO_LA, at), "pdf", out / "reports" / "engagement.pdf")
    # The inspection-readiness pack from the demo's Annex A (internal: child-level readers).
    readiness = pack_from_store(store, DEMO_LA, at)
    annex_a = [
        write_pack(readiness, fmt, out / "reports" / f"annex-a-pack.{fmt}", "internal")
        for fmt in ("html", "xlsx")
    ]
    workbook = to_xlsx(results, out / "indicators.xlsx", show=public.show)
    series = out / "indicators-monthly.csv"
    series.write_text(
        to_csv(compute(src, month_ends(date(DEMO_YEARS.start - 1, 4, 1), at))), encoding="utf-8"
    )
    store.engine.dispose()
    summary = f"{len(catalogue())} indicators at {at}:\n" + to_table(results)
    return DemoOutputs(
        store_url=url,
        returns=returns,
        pages=[
            page,
            quality,
            workbook,
            series,
            *reports.sef,
            *reports.sef_internal,
            *reports.scrutiny,
            pack,
            *annex_a,
        ],
        summary=summary,
        reconciliation=f"Reconciliation of authority {DEMO_LA}, {at.year - 1}/{at:%y}, with "
        f"its published figures:\n{text_table(reconciled)}",
    )
