"""``selfeval demo``: run the main job on the built-in synthetic authority."""

from __future__ import annotations

from pathlib import Path

import click

from selfeval.cli.base import cli
from selfeval.demo import run_demo


@cli.command()
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=Path("demo-output"),
    show_default=True,
    help="Folder for the demo's store and outputs.",
)
def demo(out: Path) -> None:
    """Generate a synthetic authority, ingest it, compute the indicators and write the reports."""
    res = run_demo(out)
    click.echo(res.summary)
    click.echo(res.reconciliation)
    click.echo(f"store: {res.store_url}")
    click.echo(f"synthetic returns: {res.returns}")
    for p in res.pages:
        click.echo(f"output: {p}")
