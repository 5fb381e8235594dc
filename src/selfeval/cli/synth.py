"""``selfeval synth``: write a synthetic authority's returns in the real formats."""

from __future__ import annotations

from pathlib import Path

import click

from selfeval.cli.base import LA_CODE, cli
from selfeval.synth import write_903


@cli.command()
@click.option("--out", type=click.Path(path_type=Path), required=True, help="Folder to write.")
@click.option("--la-code", type=LA_CODE, default="999", show_default=True)
@click.option("--children", type=click.IntRange(1), default=200, show_default=True)
@click.option("--years", default="2019-2020", show_default=True, help="Return years, FROM-TO.")
@click.option("--seed", type=int, default=1, show_default=True)
def synth(out: Path, la_code: str, children: int, years: str, seed: int) -> None:
    """Write a synthetic local authority's returns (no real child is in them)."""
    try:
        a, _, b = years.partition("-")
        yr = range(int(a), int(b or a) + 1)
    except ValueError:
        raise click.BadParameter(
            f"{years!r} is not FROM-TO, e.g. 2017-2024", param_hint="--years"
        ) from None
    paths = write_903(out, children=children, years=yr, seed=seed, la_code=la_code)
    click.echo(f"wrote {len(paths)} files to {out}")
