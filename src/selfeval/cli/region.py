"""``selfeval region``: many authorities' indicators side by side, with their outliers."""

from __future__ import annotations

import json
from datetime import date

import click

from selfeval.cli.base import DATE, LA_CODE, Context, cli, pass_ctx
from selfeval.indicators.backends import ENGINES, backend
from selfeval.region import region_view


@cli.command()
@click.option("--at", type=DATE, required=True, help="Counts at this date; periods end on it.")
@click.option(
    "--la",
    "la_codes",
    type=LA_CODE,
    multiple=True,
    help="Only these authorities (repeatable; default: every one in the store).",
)
@click.option("--id", "ids", multiple=True, help="Only these indicators (repeatable).")
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
@pass_ctx
def region(
    ctx: Context,
    at: date,
    la_codes: tuple[str, ...],
    ids: tuple[str, ...],
    period: str,
    engine: str,
    spark_master: str | None,
    outliers: bool,
    fmt: str,
) -> None:
    """All authorities' indicators side by side, flagged against England and neighbours."""
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
        v = "no data" if r["value"] is None else f"{r['value']:,.1f}"
        flag = ", ".join(
            f"{r[k]} {w}"
            for k, w in (("against_england", "England"), ("against_neighbours", "neighbours"))
            if r[k]
        )
        click.echo(f"{r['la']}  {r['la_name'][:24]:<26}{r['id']:<40}{v:>10}  {flag}")
