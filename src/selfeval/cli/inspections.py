"""``selfeval inspections``: the ILACS planner, from Ofsted's published outcomes."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import click

from selfeval.cli.base import DATE, LA_CODE, cli
from selfeval.inspections import (
    accuracy,
    next_for_all,
    read_la_lookup,
    read_outcomes,
    read_successors,
)

OUTCOMES_HELP = "Ofsted's 'LA inspection outcomes' workbook (.ods) (env SELFEVAL_OFSTED_OUTCOMES)."


@cli.group(invoke_without_command=True)
@click.option(
    "--outcomes",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    envvar="SELFEVAL_OFSTED_OUTCOMES",
    required=True,
    help=OUTCOMES_HELP,
)
@click.option(
    "--lookup",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="provider_la_lookup.csv, to show and filter by DfE's 3-digit codes (and to carry the "
    "history of authorities that no longer exist to their successors).",
)
@click.option(
    "--at", type=DATE, default=date.today, show_default="today", help="Plan as at this date."
)
@click.option("--la", "la_code", type=LA_CODE, help="One authority (needs --lookup).")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@click.pass_context
def inspections(
    ctx: click.Context, outcomes: Path, lookup: Path | None, at: date, la_code: str | None, fmt: str
) -> None:
    """Each authority's last ILACS judgement and its next expected inspection and window."""
    ctx.meta["outcomes"] = outcomes
    if ctx.invoked_subcommand is not None:
        return
    codes = read_la_lookup(lookup) if lookup else {}
    if la_code and not lookup:
        raise click.UsageError("--la needs --lookup to match DfE codes to Ofsted's")
    rows: list[dict[str, object]] = []
    successors = read_successors(lookup) if lookup else {}
    for e in next_for_all(read_outcomes(outcomes), at, successors):
        code = codes.get(e.la_code_new, "")
        if la_code and code != la_code:
            continue
        rows.append(
            {
                "la_code": code,
                "la_code_new": e.la_code_new,
                "la_name": e.la_name,
                "last_inspection": e.last.start.isoformat(),
                "last_type": e.last.type,
                "last_overall": e.last.overall,
                "last_inspected_as": e.last.inspected_as,
                "next_type": e.next_type,
                "window_start": e.window_start.isoformat(),
                "window_end": e.window_end.isoformat(),
                "status": e.status,
                "monitoring_visits": e.monitoring_visits,
                "focused_visit_eligible": e.focused_visit_eligible,
            }
        )
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2))
        return
    for r in rows:
        click.echo(
            f"{r['la_code'] or r['la_code_new']!s:<10}{str(r['la_name'])[:28]:<30}"
            f"{r['last_inspection']}  {r['last_overall']!s:<22}{r['next_type']!s:<10}"
            f"{r['window_start']} to {r['window_end']}  {r['status']}"
        )


@inspections.command("accuracy")
@click.option(
    "--first-from", type=DATE, help="Only pairs whose first inspection is from this date."
)
@click.pass_context
def accuracy_(ctx: click.Context, first_from: date | None) -> None:
    """How often the rules predicted real second inspections' window and type."""
    acc = accuracy(read_outcomes(ctx.meta["outcomes"]), first_from)
    t = acc.overall
    click.echo(f"pairs of consecutive inspections: {t.pairs}")
    if t.pairs:
        click.echo(
            f"in the predicted window: {t.in_window} ({100 * t.in_window / t.pairs:.0f}%)"
            f"; earlier {acc.early}, later {acc.late}"
        )
        click.echo(f"of the predicted type: {t.type_right} ({100 * t.type_right / t.pairs:.0f}%)")
        click.echo(f"both: {t.both} ({100 * t.both / t.pairs:.0f}%)")
