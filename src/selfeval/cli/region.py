"""``selfeval region``: many authorities' indicators side by side, with their outliers."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import click

from selfeval.cli.base import DATE, IDS, LA_CODE, Context, cli, format_option, out_option, pass_ctx
from selfeval.errors import NoData
from selfeval.evaluation.engagement import engagement_pack
from selfeval.indicators import get
from selfeval.indicators.backends import ENGINES, backend
from selfeval.outputs.formatting import format_figure
from selfeval.outputs.render import write
from selfeval.region import region_view


@cli.group(invoke_without_command=True)
@click.option("--at", type=DATE, help="Counts at this date; periods end on it (required).")
@click.option(
    "--la",
    "la_codes",
    type=LA_CODE,
    multiple=True,
    help="Only these authorities (repeatable; default: every one in the store).",
)
@IDS
@click.option(
    "--period", type=click.Choice(["year", "quarter", "month"]), default="year", show_default=True
)
@click.option("--engine", type=click.Choice(ENGINES), default="duckdb", show_default=True)
@click.option(
    "--spark-master",
    metavar="URL",
    envvar="SELFEVAL_SPARK_MASTER",
    help="Spark master URL (default local[2]).",
)
@click.option("--outliers", is_flag=True, help="List only the flagged cells.")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@click.pass_context
def region(
    cctx: click.Context,
    at: date | None,
    la_codes: tuple[str, ...],
    ids: tuple[str, ...],
    period: str,
    engine: str,
    spark_master: str | None,
    outliers: bool,
    fmt: str,
) -> None:
    """All authorities' indicators side by side, flagged against England and neighbours,
    with each one's self-evaluation status; `region pack` writes one authority's pack."""
    if cctx.invoked_subcommand is not None:
        return
    if at is None:
        raise click.UsageError("Missing option '--at'.")
    ctx = cctx.find_object(Context)
    if ctx is None:  # the top-level group always makes one
        raise click.UsageError("selfeval region runs under the selfeval command")
    con = backend(engine, spark_master) if engine != "duckdb" else None
    view = region_view(
        ctx.store(), at, la_codes=la_codes or None, ids=ids or None, period=period, backend=con
    )
    rows = view.as_rows()
    if outliers:
        rows = [r for r in rows if r["against_england"] or r["against_neighbours"]]
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2))
        return
    for r in rows:
        v = format_figure(r["value"], get(r["id"]).unit, r["reason"])
        flag = ", ".join(
            f"{r[k]} {w}"
            for k, w in (("against_england", "England"), ("against_neighbours", "neighbours"))
            if r[k]
        )
        click.echo(f"{r['la']}  {r['la_name'][:24]:<26}{r['id']:<40}{v:>10}  {flag}")
    click.echo("")
    for la in view.la_codes:
        click.echo(f"{la}  self-evaluation: {view.self_evaluation.get(la, '')}")


@region.command("pack")
@click.option("--la", "la_code", type=LA_CODE, required=True, help="The authority.")
@click.option("--at", type=DATE, required=True, help="Figures at this date.")
@format_option(["pdf", "docx", "html"], default="pdf")
@out_option("File to write.", required=True)
@pass_ctx
def pack(ctx: Context, la_code: str, at: date, fmt: str, out: Path) -> None:
    """The annual engagement meeting pack for one authority (small counts shown as c)."""
    store = ctx.store()
    if la_code not in store.la_codes():
        raise NoData(f"the store holds no returns for authority {la_code}")
    written = write(engagement_pack(store, la_code, at), fmt, out)
    click.echo(f"wrote {written}")
