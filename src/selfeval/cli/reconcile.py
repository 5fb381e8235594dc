"""``selfeval reconcile``: the authority's computed figures beside DfE's published ones."""

from __future__ import annotations

import json
from pathlib import Path

import click

from selfeval.cli.base import IDS, LA_CODE, Context, cli, format_option, out_option, pass_ctx


@cli.command()
@click.option("--la", "la_code", type=LA_CODE, required=True, help="The authority's DfE code.")
@click.option(
    "--year",
    type=int,
    required=True,
    help="The return year (2020 = the 2019/20 returns; the workforce census of September 2019).",
)
@IDS
@format_option(["table", "json", "xlsx"])
@out_option("Write to this file (required for xlsx).")
@pass_ctx
def reconcile(
    ctx: Context, la_code: str, year: int, ids: tuple[str, ...], fmt: str, out: Path | None
) -> None:
    """Every computed figure (as returned) beside DfE's published one, with the difference,
    the tolerance (rounding, suppression) and a verdict."""
    from selfeval.benchmarks.reconcile import COLUMNS, reconcile, table_rows, text_table
    from selfeval.errors import UsageError

    rows = reconcile(ctx.store(), la_code, year, ids=ids or None)
    if fmt == "xlsx":
        from selfeval.outputs.tables import to_xlsx

        if out is None:
            raise UsageError("--format xlsx needs --out FILE")
        out.write_bytes(to_xlsx(COLUMNS, table_rows(rows), title=f"Reconciliation {year}"))
        click.echo(f"wrote {out}")
        return
    text = json.dumps([r.as_dict() for r in rows], indent=2) if fmt == "json" else text_table(rows)
    if out is not None:
        out.write_text(text + "\n", encoding="utf-8")
        click.echo(f"wrote {out}")
    else:
        click.echo(text)
