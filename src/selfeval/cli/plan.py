"""``selfeval plan``: the improvement plan with its actions' statuses and targets' progress."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import click

from selfeval.assurance.repository import authority
from selfeval.cli.base import DATE, LA_CODE, Context, cli, out_option, pass_ctx
from selfeval.plans import repository as repo
from selfeval.plans.io import write_plan_template
from selfeval.plans.progress import plan_report

LA_OPTION = click.option(
    "--la", "la_code", type=LA_CODE, help="The authority (default: the only one with a plan)."
)
YEAR_OPTION = click.option(
    "--year", "plan_year", help="The plan year, e.g. 2019-20 (default: latest)."
)


@cli.group()
def plan() -> None:
    """The improvement plan: show it with progress, export it."""


@plan.command()
@LA_OPTION
@YEAR_OPTION
@click.option("--at", type=DATE, help="Measure targets at this date (default: the latest data).")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@pass_ctx
def show(
    ctx: Context, la_code: str | None, plan_year: str | None, at: date | None, fmt: str
) -> None:
    """Priorities, actions (owner, due date, RAG status), targets and their progress."""
    store = ctx.store()
    la = authority(store, la_code)
    report = plan_report(store, la, plan_year, at=at)
    if fmt == "json":
        click.echo(json.dumps(report.as_dict(), indent=2, default=str))
    else:
        for line in report.lines():
            click.echo(line)


@plan.command()
@LA_OPTION
@YEAR_OPTION
@out_option("File to write.", required=True)
@pass_ctx
def export(ctx: Context, la_code: str | None, plan_year: str | None, out: Path) -> None:
    """Write the plan as the plan workbook (it reads back in unchanged)."""
    if out.suffix.lower() != ".xlsx":
        raise click.UsageError("--out must be an .xlsx file")
    store = ctx.store()
    p = repo.plan(store, authority(store, la_code), plan_year)
    write_plan_template(out, p)
    click.echo(
        f"wrote {out} ({p.plan_year}: {len(p.priorities)} priorities, {len(p.actions)} actions)"
    )
