"""``selfeval loads``: list the loads in the store, and undo one."""

from __future__ import annotations

import click

from selfeval.cli.base import Context, cli, pass_ctx


@cli.group(invoke_without_command=True)
@click.pass_context
def loads(click_ctx: click.Context) -> None:
    """List every load with its provenance (who, when, files, year)."""
    if click_ctx.invoked_subcommand is None:
        ctx: Context = click_ctx.obj
        for rec in ctx.store().loads():
            click.echo(
                f"{rec.id}\t{rec.la_code}\t{rec.kind}\t{rec.return_year or ''}\t"
                f"{rec.loaded_at:%Y-%m-%d %H:%M}\t{rec.loaded_by}\t{rec.content_hash[:12]}\t"
                f"{sum(rec.tables.values())} rows"
            )


@loads.command()
@click.argument("load_id", type=int)
@pass_ctx
def undo(ctx: Context, load_id: int) -> None:
    """Remove one load from the store, cleanly."""
    rec = ctx.store().undo(load_id)
    click.echo(f"removed load {rec.id} ({rec.kind} {rec.return_year})")
