"""``selfeval loads``: list the loads in the store, show one, undo one."""

from __future__ import annotations

import json

import click

from selfeval.cli.base import LA_CODE, Context, audit, cli, pass_ctx
from selfeval.ingest import describe_validation


@cli.group(invoke_without_command=True)
@click.option("--la", "la_code", type=LA_CODE, help="Only this authority's loads.")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@click.pass_context
def loads(click_ctx: click.Context, la_code: str | None, fmt: str) -> None:
    """List every load with its provenance (who, when, year, rows, validation)."""
    if click_ctx.invoked_subcommand is not None:
        return
    ctx: Context = click_ctx.obj
    recs = ctx.store().loads(la_code)
    if fmt == "json":
        store = ctx.store()
        click.echo(json.dumps([store.load(r.id).as_dict() for r in recs], indent=2))
        return
    for rec in recs:
        click.echo(
            f"{rec.id}\t{rec.la_code}\t{rec.kind}\t{rec.return_year or ''}\t"
            f"{rec.loaded_at:%Y-%m-%d %H:%M}\t{rec.loaded_by}\t{rec.content_hash[:12]}\t"
            f"{sum(rec.tables.values())} rows\t{describe_validation(rec.validation)}"
        )


@loads.command()
@click.argument("load_id", type=int)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@pass_ctx
def show(ctx: Context, load_id: int, fmt: str) -> None:
    """Show one load's full provenance: files and hashes, tables, validators, report summary."""
    rec = ctx.store().load(load_id)
    if fmt == "json":
        click.echo(json.dumps(rec.as_dict(), indent=2))
        return
    for label, value in [
        ("load", rec.id),
        ("authority", rec.la_code),
        ("kind", rec.kind),
        ("return year", rec.return_year or ""),
        ("loaded by", rec.loaded_by),
        ("loaded at", rec.loaded_at.isoformat(timespec="seconds")),
        ("content hash", rec.content_hash),
        ("batch", rec.batch),
        ("selfeval", rec.selfeval_version),
        ("validators", ", ".join(f"{k} {v}" for k, v in rec.validators.items()) or "none"),
        ("validation", describe_validation(rec.validation)),
        ("pseudonymised", f"yes (key {rec.pseudonym_key_id})" if rec.pseudonymised else "no"),
    ]:
        click.echo(f"{label + ':':<15}{value}")
    click.echo("tables:")
    for name, n in rec.tables.items():
        click.echo(f"  {name:<30}{n:>10} rows")
    click.echo("files:")
    for f in rec.files:
        click.echo(f"  {f.name:<40}{f.size_bytes:>12} bytes  sha256 {f.sha256}")


@loads.command()
@click.argument("load_id", type=int)
@pass_ctx
def undo(ctx: Context, load_id: int) -> None:
    """Remove one load from the store, cleanly (its record, then its files)."""
    rec = ctx.store().undo(load_id)
    audit(ctx, "undo load", f"load {rec.id}", **rec.audit_detail())
    click.echo(f"removed load {rec.id} ({rec.kind} {rec.return_year or ''} for {rec.la_code})")
