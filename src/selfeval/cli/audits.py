"""``selfeval audits``: what the case audits say, their export, domains and imports."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import click

from selfeval.assurance import repository as repo
from selfeval.assurance.io import write_audits_template
from selfeval.assurance.summary import By, summarise
from selfeval.cli.base import DATE, LA_CODE, Context, audit, cli, out_option, pass_ctx
from selfeval.outputs.formatting import format_number

LA_OPTION = click.option(
    "--la", "la_code", type=LA_CODE, help="The authority (default: the only one with audits)."
)


@cli.group()
def audits() -> None:
    """Case audits and practice weeks: summary, export, domains, imports."""


@audits.command()
@LA_OPTION
@click.option("--by", type=click.Choice(["week", "team", "domain"]), help="Group the shares.")
@click.option("--from", "start", type=DATE, help="Audits dated on or after this day.")
@click.option("--to", "end", type=DATE, help="Audits dated on or before this day.")
@click.option("--top", type=click.IntRange(1, 100), default=10, show_default=True)
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@pass_ctx
def summary(
    ctx: Context,
    la_code: str | None,
    by: By | None,
    start: date | None,
    end: date | None,
    top: int,
    fmt: str,
) -> None:
    """Share good or better and inadequate (by week, team or domain), moderation, themes."""
    store = ctx.store()
    la = repo.authority(store, la_code)
    s = summarise(repo.audits(store, la, start=start, end=end), by, top)
    if fmt == "json":
        click.echo(json.dumps({"la_code": la, **s}, indent=2))
        return
    for line in summary_lines(la, s):
        click.echo(line)


def _pct(v: float | None) -> str:
    return "—" if v is None else format_number(v, "percent")


def summary_lines(la: str, s: dict[str, Any]) -> list[str]:
    """The summary as text lines (the table format)."""
    if not s["audits"]:
        return [f"No case audits for authority {la} in these dates."]
    out = [f"Case audits for {la}: {s['audits']} from {s['first_audit']} to {s['last_audit']}", ""]
    head = f"{'':<34}{'audits':>7}{'outst.':>8}{'good':>6}{'RI':>5}{'inad.':>7}"
    out.append(f"{head}{'good or better':>16}{'inadequate':>12}")
    for g in [s["overall"], *s["groups"]]:
        out.append(
            f"{g['group'][:33]:<34}{g['audits']:>7}{g['outstanding']:>8}{g['good']:>6}"
            f"{g['requires_improvement']:>5}{g['inadequate']:>7}"
            f"{_pct(g['good_or_better_pct']):>16}{_pct(g['inadequate_pct']):>12}"
        )
    m = s["moderation"]
    out += [
        "",
        f"Moderation: {m['moderated']} audits moderated, {m['agreed']} agreed "
        f"({_pct(m['agreement_pct'])}); moderator lower {m['moderator_lower']}, higher "
        f"{m['moderator_higher']}: {m['direction']}",
    ]
    for key, label in (
        ("strengths", "strengths"),
        ("areas_for_development", "areas for development"),
    ):
        named = "; ".join(
            f'"{t["example"] or t["phrase"]}" ({t["audits"]})' for t in s["themes"][key]
        )
        out.append(f"Most often named in {label}: {named or '—'}")
    return out


@audits.command()
@LA_OPTION
@out_option("File to write.", required=True)
@pass_ctx
def export(ctx: Context, la_code: str | None, out: Path) -> None:
    """Write the authority's practice weeks, audits, dip samples and evidence as the workbook."""
    if out.suffix.lower() != ".xlsx":
        raise click.UsageError("--out must be an .xlsx file")
    store = ctx.store()
    la = repo.authority(store, la_code)
    data = repo.load_assurance(store, la)
    n = data.counts()
    audit(
        ctx, "export child-level", f"audits of {la}", la_code=la, count=n["audits"], file=str(out)
    )
    write_audits_template(out, repo.domains(store, la), data)
    click.echo(f"wrote {out} ({n['audits']} audits, {n['practice_weeks']} practice weeks)")


@audits.command()
@click.option("--la", "la_code", type=LA_CODE, required=True, help="The authority.")
@click.option("--set", "names", multiple=True, help="A domain to grade (repeat, in order).")
@pass_ctx
def domains(ctx: Context, la_code: str, names: tuple[str, ...]) -> None:
    """Show, or set with --set, the domains this authority's audits grade."""
    store = ctx.store()
    got = repo.set_domains(store, la_code, names) if names else repo.domains(store, la_code)
    for d in got:
        click.echo(d)


@audits.command()
@click.option("--la", "la_code", type=LA_CODE, help="Only this authority.")
@pass_ctx
def imports(ctx: Context, la_code: str | None) -> None:
    """List the audits and plan workbooks loaded: who, when, file, what they held."""
    for r in repo.imports(ctx.store(), la_code):
        held = ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in r.counts.items())
        click.echo(
            f"{r.id}\t{r.la_code}\t{r.kind}\t{r.imported_at:%Y-%m-%d %H:%M}\t{r.imported_by}\t"
            f"{r.file_name}\t{held}"
        )


@audits.command()
@click.argument("import_id", type=int)
@pass_ctx
def undo(ctx: Context, import_id: int) -> None:
    """Remove everything one workbook import brought."""
    r = repo.undo_import(ctx.store(), import_id)
    audit(ctx, "undo import", f"import {r.id}", la_code=r.la_code, kind=r.kind, file=r.file_name)
    click.echo(f"removed import {r.id} ({r.kind}, {r.file_name})")
