"""``selfeval synth``: write a synthetic authority's returns in the real formats."""

from __future__ import annotations

from pathlib import Path

import click

from selfeval.cli.base import LA_CODE, cli
from selfeval.synth import QUALITY, RETURNS, AuthorityConfig, synthesise


def _years(value: str) -> range:
    try:
        a, _, b = value.partition("-")
        years = range(int(a), int(b or a) + 1)
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not FROM-TO, e.g. 2017-2024", param_hint="--years"
        ) from None
    if not years or not 2000 < years.start < 2040:
        raise click.BadParameter(f"{value!r} is not a range of return years", param_hint="--years")
    return years


@cli.command()
@click.option("--out", type=click.Path(path_type=Path), required=True, help="Folder to write.")
@click.option(
    "--la",
    "--la-code",
    "la_code",
    type=LA_CODE,
    default="999",
    show_default=True,
    help="The synthetic authority's DfE code (--la-code is the same option).",
)
@click.option(
    "--children",
    type=click.IntRange(1),
    default=2000,
    show_default=True,
    help="About how many distinct children the record holds over the years.",
)
@click.option("--years", default="2019-2020", show_default=True, help="Return years, FROM-TO.")
@click.option("--seed", type=int, default=1, show_default=True)
@click.option(
    "--england",
    type=click.IntRange(1, 200),
    default=None,
    help="Instead: N authorities across England's regions and DfE's published tables.",
)
@click.option(
    "--full",
    type=click.IntRange(0),
    default=2,
    show_default=True,
    help="With --england: how many authorities get child-level returns too.",
)
def synth(
    out: Path, la_code: str, children: int, years: str, seed: int, england: int | None, full: int
) -> None:
    """Write a synthetic local authority's returns (no real child is in them).

    Layout: OUT/903/YYYY/*.csv, OUT/cin/YYYY/cin_YYYY.xml, OUT/annex_a/YYYY/annex_a_YYYY.xlsx,
    OUT/workforce/YYYY/csww_YYYY.xml (30 September YYYY), and the practice-week audits and
    improvement plan workbooks OUT/quality/audits.xlsx and OUT/quality/plan.xlsx. With
    --england: OUT/ees/*.csv in DfE's published layout and OUT/la/CODE/... for the child-level
    authorities.
    """
    yr = _years(years)
    if england:
        from selfeval.synth.england import write_england

        paths = write_england(out, n=england, years=yr, seed=seed, full=full)
    else:
        cfg = AuthorityConfig(la_code=la_code, children=children, years=yr, seed=seed)
        _, paths = synthesise(out, cfg, returns=(*RETURNS, QUALITY))
    click.echo(f"wrote {len(paths)} files to {out}")
