"""``selfeval annex-a``: the inspection-readiness pack from the stored Annex A."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from selfeval.cli.base import DATE, LA_CODE, Context, cli, format_for, out_option, pass_ctx
from selfeval.evaluation.readiness import pack_from_store, read_population
from selfeval.evaluation.readiness_pack import (
    FORMATS,
    Audience,
    child_level_tables,
    write_pack,
)
from selfeval.store import which_authority


@cli.group("annex-a")
def annex_a() -> None:
    """What inspectors will see in Annex A: the inspection-readiness pack."""


@annex_a.command()
@click.option("--la", "la_code", type=LA_CODE, help="The authority (default: the only one).")
@click.option(
    "--at", type=DATE, required=True, help="The latest Annex A on or before this date is used."
)
@click.option("--format", "fmt", type=click.Choice(FORMATS), help="Default: from --out.")
@out_option("The file to write (default: annex-a-LA-DATE.FORMAT here).")
@click.option(
    "--child-level-readers",
    is_flag=True,
    help="Readers have child-level access: include the children inspectors are likely to "
    "sample and show counts of 1-5 (default: a public pack, small counts suppressed as c).",
)
@click.option(
    "--population",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="CSV of children aged 0-17 by ethnic group (code, children), e.g. from the Census, "
    "for disproportionality (default: against the children contacted, List 1).",
)
@pass_ctx
def report(
    ctx: Context,
    la_code: str | None,
    at: date,
    fmt: str | None,
    out: Path | None,
    child_level_readers: bool,
    population: Path | None,
) -> None:
    """Write the inspection-readiness pack: each list's volumes, timeliness, who it is about,
    children's journeys, disproportionality, and Annex A beside the other returns."""
    if fmt is None:
        fmt = format_for(out, fmt, FORMATS) if out is not None else "html"
    store = ctx.store()
    la_code = which_authority(store.la_codes(), la_code)
    pop = read_population(population) if population is not None else None
    pack = pack_from_store(store, la_code, at, population=pop)
    out = out or Path(f"annex-a-{la_code}-{pack.at.isoformat()}.{fmt}")
    audience: Audience = "internal" if child_level_readers else "public"
    write_pack(pack, fmt, out, audience)
    named = len(child_level_tables(pack)) if child_level_readers else 0
    click.echo(
        f"wrote {out}: Annex A {pack.year} for {la_code}"
        + (f" beside {pack.last_year}" if pack.last_year else "")
        + f", {audience} audience"
        + (f", {named} child-level tables (handle with care)" if named else "")
    )
