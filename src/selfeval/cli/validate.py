"""``selfeval validate``: judge return files by DfE's rules, without loading them."""

from __future__ import annotations

from pathlib import Path

import click

from selfeval.cli.base import Context, cli, pass_ctx
from selfeval.validation import ons_code, validate_paths
from selfeval.validation.render import write


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--year",
    type=click.IntRange(2000, 2100),
    help="Return year (2019 = 2018/19). Without it each SSDA903 return's year comes from its "
    "episodes' dates, and each is judged with last year's return beside it when given.",
)
@click.option(
    "--la",
    metavar="CODE",
    help="The LA's ONS code (E08000031), or its DfE code (336) when the store holds the "
    "benchmarks: the 903 rules use it to tell placements inside the LA from outside.",
)
@click.option(
    "--report",
    "report_path",
    type=click.Path(path_type=Path),
    help="Write the full report: .html, .xlsx or .csv.",
)
@pass_ctx
def validate(
    ctx: Context,
    paths: tuple[Path, ...],
    year: int | None,
    la: str | None,
    report_path: Path | None,
) -> None:
    """Run DfE's validation rules (D2I's validator packages) over SSDA903 and CIN files.

    Exit code 1 when any error-level rule fails or a validator could not read the files.
    """
    files = [f for p in paths for f in (sorted(p.iterdir()) if p.is_dir() else [p]) if f.is_file()]
    la_ons_code = ons_code(la, ctx.store() if la and la.isdigit() and ctx.db else None)
    if la and la_ons_code is None:
        click.echo(f"LA {la}: its ONS code is not in the store; placement locations unchecked")
    reports = validate_paths(files, return_year=year, la_ons_code=la_ons_code)
    for r in reports:
        click.echo(r.summary())
        for note in r.notes:
            click.echo(f"  note: {note}")
        for rule, severity, message, n in r.counts_by_rule[:20]:
            click.echo(f"  {rule:>6} {severity:<5} {n:>6}  {message}")
        for c in r.crashed:
            click.echo(f"  rule {c.rule} crashed inside the validator: {c.error}")
    if report_path:
        write(reports, report_path)
        click.echo(f"report written to {report_path}")
    if not reports:
        click.echo("no SSDA903 or CIN census files among these: nothing to validate")
    if any(not r.passed for r in reports):
        raise SystemExit(1)
