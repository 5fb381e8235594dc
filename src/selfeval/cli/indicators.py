"""``selfeval indicators``: the catalogue, and its figures at a date or as a series."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from selfeval.cli.base import DATE, IDS, LA_CODE, Context, audit, cli, format_option, out_option
from selfeval.indicators import (
    Basis,
    catalogue,
    children,
    get,
    month_ends,
    sources_from_store,
)
from selfeval.indicators.export import (
    catalogue_markdown,
    to_csv,
    to_json,
    to_table,
    to_xlsx,
    years_read,
)
from selfeval.indicators.on_basis import compute_from_store
from selfeval.outputs.tables import to_csv as to_csv_bytes

PERIOD = click.option(
    "--period",
    type=click.Choice(["year", "quarter", "month"]),
    default="year",
    show_default=True,
    help="What a period measure covers: the year, quarter or calendar month ending on the date.",
)


BASIS = click.option(
    "--basis",
    type=click.Choice(["as-returned", "as-recorded"]),
    default="as-recorded",
    show_default=True,
    help="as-returned: each date from its own return year's record (loads of that year and "
    "earlier), as DfE publishes; as-recorded: every load merged, later corrections included.",
)


@cli.group(invoke_without_command=True)
@click.option("--at", type=DATE, help="Count at this date; periods end on it.")
@click.option("--from", "from_", type=DATE, help="Start of a month-end series.")
@click.option("--to", type=DATE, help="End of a month-end series.")
@click.option("--every", type=click.Choice(["month"]), help="Series step (month-ends).")
@PERIOD
@click.option("--la", "la_code", type=LA_CODE, help="One authority (default: all in the store).")
@IDS
@BASIS
@format_option(["table", "json", "csv", "xlsx"])
@out_option("Write to this file (needed for xlsx; default: standard output).")
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
    basis: str,
    fmt: str,
    out: Path | None,
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
    xlsx_out = None
    if fmt == "xlsx":
        if out is None:
            raise click.UsageError("--format xlsx needs --out FILE.xlsx")
        xlsx_out = out
    for i in ids:
        get(i)
    results = compute_from_store(
        ctx.store(),
        ends,
        basis=Basis.parse(basis),
        la_code=la_code,
        period=period,
        ids=ids or None,
        la_codes=[la_code] if la_code else None,
    )
    if basis == "as-recorded":  # why a figure leaves out what an earlier return counted
        from selfeval.store.merge import dropped

        for d in dropped(ctx.store(), la_code):
            if min(ends) <= date(d.return_year, 3, 31) <= max(ends):
                click.echo(f"note: {d.describe()}", err=True)
    if xlsx_out is not None:
        to_xlsx(results, xlsx_out)
        click.echo(f"wrote {xlsx_out}")
        return
    text = {"json": to_json, "csv": to_csv, "table": to_table}[fmt](results)
    if out is None:
        click.echo(text)
    else:
        out.write_text(text + ("" if text.endswith("\n") else "\n"), encoding="utf-8")
        click.echo(f"wrote {out}")


@indicators.command("list")
@click.option(
    "--year",
    type=click.IntRange(2000, 2100),
    help="The catalogue of one return year (2019 = 2018/19): each indicator as DfE defined it "
    "then, those it had not defined left out. Default: the latest definitions.",
)
def list_(year: int | None) -> None:
    """List every indicator in the catalogue, by area."""
    for ind in catalogue(year).values():
        click.echo(f"{ind.area:<14}{ind.id:<40}{ind.title}")


@indicators.command()
@click.argument("indicator_id")
def info(indicator_id: str) -> None:
    """Show one indicator's full declaration."""
    ind = get(indicator_id)
    rows = [
        ("id", ind.id),
        ("title", ind.title),
        ("area", ind.area),
        ("definition", ind.definition),
        ("numerator", ind.numerator),
        ("denominator", ind.denominator or "none (a count)"),
        ("unit", ind.unit),
        ("polarity", ind.polarity),
        ("measure", ind.measure + (f" ({ind.snapshot} year)" if ind.snapshot else "")),
        ("sources", ", ".join(ind.sources)),
        ("years read", years_read(ind.lookback_years)),
        ("DfE reference", ind.dfe_reference),
        ("suppression", ind.suppression),
    ]
    if ind.published:
        rows.append(("published", ind.published.describe()))
    rows += [("choice", c) for c in ind.choices]
    for label, value in rows:
        click.echo(f"{label + ':':<15}{value}")


@indicators.command()
@out_option("Write the page here (default: standard output), e.g. docs/indicators.md.")
def docs(out: Path | None) -> None:
    """Write the indicator reference page (docs/indicators.md) from the catalogue."""
    text = catalogue_markdown(catalogue())
    if out is None:
        click.echo(text)
    else:
        out.write_text(text + "\n", encoding="utf-8")
        click.echo(f"wrote {out}")


@indicators.command("children")
@click.argument("indicator_id")
@click.option("--at", type=DATE, required=True, help="The date of the figure.")
@PERIOD
@BASIS
@click.option(
    "--la", "la_code", type=LA_CODE, help="The authority (needed if the store has several)."
)
@click.option(
    "--csv",
    "csv_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the list to this CSV file (default: a table on standard output).",
)
@click.pass_obj
def children_(
    ctx: Context,
    indicator_id: str,
    at: date,
    period: str,
    basis: str,
    la_code: str | None,
    csv_file: Path | None,
) -> None:
    """List the children an indicator counts at a date (child-level data: handle with care)."""
    get(indicator_id)
    cl = children(
        sources_from_store(ctx.store(), la_code, basis=Basis.parse(basis), year=at),
        indicator_id,
        at,
        period=period,
        la_code=la_code,
    )
    audit(
        ctx,
        "export child-level" if csv_file is not None else "view child-level",
        f"children of {indicator_id} at {at}",
        la_code=la_code or "",
        count=len(cl.rows),
        **({"file": str(csv_file)} if csv_file is not None else {}),
    )
    if csv_file is not None:
        csv_file.write_bytes(to_csv_bytes(cl.columns, cl.table()))
        click.echo(f"wrote {csv_file}: {len(cl.rows)} rows")
        return
    click.echo("\t".join(cl.columns))
    for row in cl.table():
        click.echo("\t".join("" if v is None else str(v) for v in row))
    r = cl.result
    total = (
        f"{cl.in_numerator} in the numerator of {len(cl.rows)}"
        if "in_numerator" in cl.columns
        else f"{len(cl.rows)} rows"
    )
    click.echo(f"{r.id} at {r.date} for {r.la_code} ({r.basis}): {total}")
