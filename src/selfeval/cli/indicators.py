"""``selfeval indicators``: the catalogue, and its figures at a date or as a series."""

from __future__ import annotations

import csv
import json
import sys
from datetime import date

import click

from selfeval.cli.base import DATE, LA_CODE, Context, cli
from selfeval.indicators import catalogue, compute, get, month_ends, sources_from_store


@cli.group(invoke_without_command=True)
@click.option("--at", type=DATE, help="Count at this date; periods end on it.")
@click.option("--from", "from_", type=DATE, help="Start of a month-end series.")
@click.option("--to", type=DATE, help="End of a month-end series.")
@click.option("--every", type=click.Choice(["month"]), help="Series step.")
@click.option(
    "--period", type=click.Choice(["year", "quarter", "month"]), default="year", show_default=True
)
@click.option("--la", "la_code", type=LA_CODE, help="One authority (default: all in the store).")
@click.option("--id", "ids", multiple=True, help="Only these indicators (repeatable).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv"]),
    default="table",
    show_default=True,
)
@click.pass_context
def indicators(
    click_ctx: click.Context,
    at: date | None,
    from_: date | None,
    to: date | None,
    every: str | None,
    period: str,
    la_code: str | None,
    ids: tuple[str, ...],
    fmt: str,
) -> None:
    """Compute the catalogue at a date (--at) or as a month-end series (--from/--to)."""
    if click_ctx.invoked_subcommand is not None:
        return
    ctx: Context = click_ctx.obj
    if at and (from_ or to):
        raise click.UsageError("give either --at or --from/--to, not both")
    if at:
        ends = [at]
    elif from_ and to:
        ends = month_ends(from_, to)
        if not ends:
            raise click.UsageError("--from/--to contain no month-end")
    else:
        raise click.UsageError("give --at DATE, or --from D1 --to D2 --every month")
    for i in ids:
        get(i)
    src = sources_from_store(ctx.store(), la_code)
    results = compute(
        src, ends, period=period, ids=ids or None, la_codes=[la_code] if la_code else None
    )
    rows = [r.as_dict() for r in results]
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2))
    elif fmt == "csv":
        w = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]) if rows else ["id"])
        w.writeheader()
        w.writerows(rows)
    else:
        for r in results:
            v = "—" if r.value is None else f"{r.value:,.1f}"
            click.echo(f"{r.period_end}\t{r.la_code}\t{r.id:<40}\t{v:>10}\t{r.reason or ''}")


@indicators.command("list")
def list_() -> None:
    """List every indicator in the catalogue, by area."""
    for ind in catalogue().values():
        click.echo(f"{ind.area:<14}{ind.id:<40}{ind.title}")


@indicators.command()
@click.argument("indicator_id")
def info(indicator_id: str) -> None:
    """Show one indicator's full declaration."""
    ind = get(indicator_id)
    for label, value in [
        ("id", ind.id),
        ("title", ind.title),
        ("area", ind.area),
        ("definition", ind.definition),
        ("numerator", ind.numerator),
        ("denominator", ind.denominator or "none (a count)"),
        ("unit", ind.unit),
        ("polarity", ind.polarity),
        ("measure", ind.measure),
        ("sources", ", ".join(ind.sources)),
        ("DfE reference", ind.dfe_reference),
        ("suppression", ind.suppression),
    ]:
        click.echo(f"{label + ':':<15}{value}")
