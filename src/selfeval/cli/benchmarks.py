"""``selfeval benchmarks``: import DfE's published figures, compare an authority, fetch files."""

from __future__ import annotations

import json
from pathlib import Path

import click

from selfeval.cli.base import (
    IDS,
    LA_CODE,
    NEIGHBOURS,
    Context,
    cli,
    format_option,
    out_folder_option,
    pass_ctx,
)
from selfeval.outputs.formatting import format_figure


@cli.group()
def benchmarks() -> None:
    """Published benchmarks: England, region, statistical neighbours, rank and quartile."""


@benchmarks.command("import")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@pass_ctx
def import_(ctx: Context, folder: Path) -> None:
    """Import DfE's EES CSVs, neighbour models and Ofsted's outcomes from FOLDER."""
    from selfeval.benchmarks import import_dir

    summary = import_dir(ctx.store(), folder)
    for line in summary.lines():
        click.echo(line)


@benchmarks.command()
@click.option("--la", "la_code", type=LA_CODE, required=True, help="The authority's DfE code.")
@click.option("--year", type=int, required=True, help="The published year (time_period).")
@NEIGHBOURS
@click.option(
    "--computed",
    is_flag=True,
    help="Compare the store's own computed figures instead of DfE's published ones.",
)
@IDS
@format_option(["table", "json"])
@pass_ctx
def show(
    ctx: Context,
    la_code: str,
    year: int,
    model: str,
    computed: bool,
    ids: tuple[str, ...],
    fmt: str,
) -> None:
    """Each mapped indicator for an authority against England, region and neighbours."""
    from selfeval.benchmarks import computed_comparisons, published_comparisons

    fn = computed_comparisons if computed else published_comparisons
    rows = fn(ctx.store(), la_code, year, model=model, ids=ids or None)
    if fmt == "json":
        click.echo(json.dumps([r.as_dict() for r in rows], indent=2))
        return
    head = (
        "indicator",
        "value",
        "England",
        "region",
        "SN median",
        "SN mean",
        "rank",
        "Q",
        "3y",
        "5y",
    )
    click.echo("{:<44}{:>9}{:>9}{:>9}{:>10}{:>9}{:>10}{:>3}  {:<10}{:<10}".format(*head))
    for r in rows:
        value = format_figure(r.value, r.unit) if r.value is not None else (r.status or "—")
        rank = f"{r.rank}/{r.of}" if r.rank else "—"
        eng, reg, med, mean = (
            format_figure(v, r.unit)
            for v in (r.england, r.region, r.neighbours_median, r.neighbours_mean)
        )
        click.echo(
            f"{r.id:<44}{value:>9}{eng:>9}{reg:>9}{med:>10}{mean:>9}"
            f"{rank:>10}{r.quartile or '—':>3}  "
            f"{r.direction_3y or '—':<10}{r.direction_5y or '—':<10}"
        )


@benchmarks.command()
@out_folder_option(Path("benchmarks-data"), "Where to save the files.")
@click.option(
    "--manifest",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A JSON manifest of files and URLs (default: the built-in one).",
)
@click.option("--base-url", help="Fetch every file from this base URL instead.")
@click.option("--timeout", type=float, default=60.0, show_default=True, help="Seconds per file.")
def fetch(out: Path, manifest: Path | None, base_url: str | None, timeout: float) -> None:
    """Download DfE's published files (where the internet is reachable) into --out."""
    from selfeval.benchmarks.fetch import fetch_all, load_manifest

    entries = load_manifest(manifest, base_url=base_url)
    for path in fetch_all(entries, out, timeout=timeout):
        click.echo(f"saved {path}")


@benchmarks.command()
@click.option("--la", "la_code", type=LA_CODE, required=True, help="The authority's DfE code.")
@click.option("--year", type=int, required=True, help="The published year (time_period).")
@click.option("--id", "indicator_id", required=True, help="The indicator.")
@NEIGHBOURS
@out_folder_option(Path("charts"), "Folder for the PNG and SVG files.")
@pass_ctx
def chart(ctx: Context, la_code: str, year: int, indicator_id: str, model: str, out: Path) -> None:
    """Chart one indicator's series (control limits, benchmarks) and the neighbours' values."""
    from selfeval.benchmarks import published_comparisons
    from selfeval.benchmarks.compare import area_names, published_trend
    from selfeval.outputs.charts import benchmark_charts

    store = ctx.store()
    trend = published_trend(store, la_code, indicator_id, model=model)
    (comparison,) = published_comparisons(store, la_code, year, model=model, ids=[indicator_id])
    for ch in benchmark_charts(trend, comparison, out, names=area_names(store)):
        click.echo(", ".join(str(p) for p in ch.files))
        click.echo(f"  alt: {ch.alt}")
