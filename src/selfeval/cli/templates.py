"""``selfeval templates``: blank workbooks to fill in (case audits, the improvement plan)."""

from __future__ import annotations

from pathlib import Path

import click

from selfeval.cli.base import LA_CODE, Context, cli, out_option, pass_ctx


@cli.command()
@click.argument("kind", type=click.Choice(["audits", "plan"]))
@out_option("File to write.", required=True)
@click.option(
    "--la",
    "la_code",
    type=LA_CODE,
    help="The authority whose audit domains the audits template grades (default: the "
    "store's default authority, else the standard domains).",
)
@pass_ctx
def templates(ctx: Context, kind: str, out: Path, la_code: str | None) -> None:
    """Write a blank audits or improvement-plan workbook, with instructions and drop-down lists."""
    if out.suffix.lower() != ".xlsx":
        raise click.UsageError("--out must be an .xlsx file")
    if kind == "audits":
        from selfeval.assurance.grades import DEFAULT_DOMAINS
        from selfeval.assurance.io import write_audits_template
        from selfeval.assurance.repository import domains

        la = la_code
        if la is None and ctx.db:
            la = ctx.store().default_la
        write_audits_template(out, domains(ctx.store(), la) if la else DEFAULT_DOMAINS)
    else:
        from selfeval.plans.io import write_plan_template

        write_plan_template(out)
    click.echo(f"wrote {out}")
