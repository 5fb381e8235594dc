"""``selfeval ingest``: load returns into the store, every call one transaction."""

from __future__ import annotations

from pathlib import Path

import click

from selfeval.cli.base import LA_CODE, Context, audit, cli, pass_ctx
from selfeval.errors import SelfevalError
from selfeval.ingest import audit_events, describe_validation, describe_workbook, refusal_detail
from selfeval.ingest import ingest as ingest_returns
from selfeval.pseudonymise import Pseudonymiser
from selfeval.returns.detect import KINDS


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--kind",
    type=click.Choice(KINDS),
    help="What the files are (default: detected from each file's content).",
)
@click.option(
    "--year",
    type=click.IntRange(2000, 2100),
    help="Return year for files that do not say (Annex A, workforce CSV; SSDA903 to "
    "override): 2019 = the 2018/19 return. Without it each SSDA903 return's year comes from "
    "its episodes' dates, and an Annex A's or workforce CSV's from its name (or its folder's) "
    "and its latest date, so several years load in one call. CIN census and CSWW XML files "
    "give their own.",
)
@click.option(
    "--la",
    "la_code",
    type=LA_CODE,
    help="The authority, for files that do not say (default: the one authority the call's "
    "CIN census or CSWW files name, else the store's default authority).",
)
@click.option(
    "--strict", is_flag=True, help="Refuse the load if the returns break any of DfE's rules."
)
@click.option(
    "--pseudonymise",
    is_flag=True,
    help="Replace child identifiers by keyed hashes (HMAC-SHA256); needs --key-file.",
)
@click.option(
    "--key-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The pseudonymisation key: 32+ bytes, not readable by everyone. Never stored.",
)
@click.option("--no-validate", is_flag=True, help="Skip DfE's rules (not with --strict).")
@pass_ctx
def ingest(
    ctx: Context,
    paths: tuple[Path, ...],
    kind: str | None,
    year: int | None,
    la_code: str | None,
    strict: bool,
    pseudonymise: bool,
    key_file: Path | None,
    no_validate: bool,
) -> None:
    """Load files and folders of any kinds and years into the store: returns, the SSD
    extract, audits and plan workbooks (a folder `selfeval synth` wrote, whole).

    Each file's kind is detected from its content; returns are grouped by kind, authority and
    return year, one load each; the SSD and the workbooks are loaded after the returns, and
    checked against them. A year or authority the files do not state is worked out from the
    names, the dates inside and the call's other files, and said ("inferred:"). The call loads
    everything or nothing. Loading the same files again changes nothing.
    """
    if pseudonymise != (key_file is not None):
        raise click.UsageError("--pseudonymise and --key-file go together")
    if strict and no_validate:
        raise click.UsageError("--strict needs validation; drop --no-validate")
    store = ctx.store()
    pseudonymiser = Pseudonymiser.from_key_file(key_file) if key_file else None
    try:
        res = ingest_returns(
            store,
            list(paths),
            kind=kind,
            return_year=year,
            la_code=la_code,
            strict=strict,
            pseudonymiser=pseudonymiser,
            validate=not no_validate,
        )
    except SelfevalError as e:  # refused: nothing was stored, and the refusal is logged
        audit(
            ctx,
            "refused ingest",
            "ingest",
            files=[str(p) for p in paths],
            kind=kind or "",
            la_code=la_code or "",
            **refusal_detail(e),
        )
        raise
    for action, what, detail in audit_events(res):
        audit(ctx, action, what, **detail)
    for o in res.loads:
        rec = o.load
        verb = "loaded" if o.created else "already loaded, nothing changed:"
        what = " ".join(str(x) for x in (rec.kind, rec.return_year) if x)
        click.echo(
            f"{verb} load {rec.id} ({what} for {rec.la_code}, "
            f"{sum(rec.tables.values())} rows; {describe_validation(rec.validation)})"
        )
        for line in o.inferred():
            click.echo(f"  inferred: {line}")
    for w in res.workbooks:
        for line in describe_workbook(w):
            click.echo(line)
