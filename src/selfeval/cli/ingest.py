"""``selfeval ingest``: load returns into the store, as one transaction per return."""

from __future__ import annotations

from pathlib import Path

import click

from selfeval.cli.base import LA_CODE, Context, cli, pass_ctx
from selfeval.ingest import ingest_903


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--kind", type=click.Choice(["903"]), default="903", show_default=True)
@click.option("--year", type=click.IntRange(2000, 2100), required=True, help="Return year.")
@click.option("--la", "la_code", type=LA_CODE, required=True, help="The authority's code.")
@pass_ctx
def ingest(ctx: Context, paths: tuple[Path, ...], kind: str, year: int, la_code: str) -> None:
    """Load return files into the store; the same files again change nothing."""
    files = [f for p in paths for f in (sorted(p.glob("*.csv")) if p.is_dir() else [p])]
    res = ingest_903(ctx.store(), files, la_code=la_code, return_year=year)
    verb = "loaded" if res.created else "already loaded, nothing changed:"
    click.echo(
        f"{verb} load {res.load.id} ({res.load.kind} {res.load.return_year}, "
        f"{sum(res.load.tables.values())} rows)"
    )
