"""``selfeval report``: the self-evaluation, the scrutiny report, and checking a document."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from selfeval.cli.base import DATE, LA_CODE, Context, cli, format_for, pass_ctx
from selfeval.errors import SelfevalError
from selfeval.evaluation import FigureCache, SefOptions, build_scrutiny, build_sef, load_council
from selfeval.evaluation.publish import example_council_path
from selfeval.evaluation.report_check import check_file
from selfeval.outputs.render import FORMATS, write
from selfeval.store import Store, which_authority


class PeriodType(click.ParamType[tuple[date, date], object]):
    """A period given as FROM:TO (two dates, YYYY-MM-DD)."""

    name = "FROM:TO"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> tuple[date, date]:
        if isinstance(value, tuple):
            return value
        try:
            a, b = (date.fromisoformat(x) for x in str(value).split(":"))
        except ValueError:
            self.fail(f"{value!r} is not a period FROM:TO of two YYYY-MM-DD dates", param, ctx)
        if a >= b:
            self.fail(f"{value!r}: the period's start must be before its end", param, ctx)
        return a, b


PERIOD = PeriodType()


def _only_la(store: Store, la_code: str | None) -> str:
    return which_authority(store.la_codes(), la_code)


@cli.group()
def report() -> None:
    """Write the self-evaluation or the scrutiny report, or check a document's figures."""


_format_option = click.option(
    "--format", "fmt", type=click.Choice(FORMATS), help="Output format (default: from --out)."
)
_out_option = click.option(
    "--out", type=click.Path(path_type=Path), required=True, help="The file to write."
)
_narrative_option = click.option(
    "--narrative",
    type=click.Path(path_type=Path, file_okay=False),
    help="Folder of Markdown section files with {{ figure }} placeholders.",
)
_child_level_option = click.option(
    "--child-level-readers",
    is_flag=True,
    help="Readers have child-level access: show counts of 1-5 (default: suppressed as c).",
)


@report.command()
@click.option("--at", type=DATE, help="The date of the figures (default: the period's end).")
@click.option("--period", type=PERIOD, help="The period evaluated, FROM:TO (default: a year).")
@click.option("--la", "la_code", type=LA_CODE, help="The authority (default: the only one).")
@click.option("--name", "authority_name", help="The authority's name for the title.")
@_format_option
@_out_option
@_narrative_option
@_child_level_option
@pass_ctx
def sef(
    ctx: Context,
    at: date | None,
    period: tuple[date, date] | None,
    la_code: str | None,
    authority_name: str | None,
    fmt: str | None,
    out: Path,
    narrative: Path | None,
    child_level_readers: bool,
) -> None:
    """The self-evaluation of social work practice, around Ofsted's three questions."""
    if at is None:
        if period is None:
            raise click.UsageError("give --at DATE or --period FROM:TO")
        at = period[1]
    fmt = format_for(out, fmt, FORMATS)
    store = ctx.store()
    la = _only_la(store, la_code)
    record = FigureCache(store, la, public=not child_level_readers)
    built = build_sef(
        record,
        SefOptions(
            la_code=la,
            at=at,
            since=period[0] if period else None,
            authority_name=authority_name,
            narrative=narrative,
            public=not child_level_readers,
        ),
    )
    write(built.document, fmt, out)
    drafts = sum(f.is_draft for f in built.findings)
    click.echo(f"{out}: {len(built.register.entries)} evidence entries, {drafts} draft findings")


@report.command()
@click.option(
    "--config",
    "config",
    type=click.Path(path_type=Path),
    required=True,
    help="The council's TOML file (see examples/council.toml).",
)
@click.option("--at", type=DATE, required=True, help="The date of the latest figures.")
@click.option("--since", type=DATE, help="The date compared with (default: a year before).")
@_format_option
@_out_option
@_narrative_option
@pass_ctx
def scrutiny(
    ctx: Context,
    config: Path,
    at: date,
    since: date | None,
    fmt: str | None,
    out: Path,
    narrative: Path | None,
) -> None:
    """The covering report for the council's scrutiny panel, in the council's template."""
    fmt = format_for(out, fmt, FORMATS)
    cfg = load_council(config)
    record = FigureCache(ctx.store(), cfg.la_code)
    built = build_scrutiny(record, cfg, at=at, since=since, narrative=narrative)
    write(built.document, fmt, out)
    click.echo(f"{out}: {len(built.register.entries)} evidence entries")


@report.command()
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--la", "la_code", type=LA_CODE, help="The authority (default: from the document).")
@click.option("--at", "dates", type=DATE, multiple=True, help="Also check against this date.")
@pass_ctx
def check(ctx: Context, file: Path, la_code: str | None, dates: tuple[date, ...]) -> None:
    """List every number in FILE (DOCX, HTML, Markdown, PDF) that no computed figure supports.

    Exit code 1 when there is any.
    """
    bad = check_file(ctx.store(), file, la_code=la_code, dates=dates)
    for u in bad:
        click.echo(f"{file}: unsupported number {u}")
    if bad:
        raise SelfevalError(
            f"{file}: {len(bad)} number{'s' if len(bad) > 1 else ''} supported by no computed "
            "figure"
        )
    click.echo(f"{file}: every number is supported by a computed figure")


@report.command("example-config")
def example_config() -> None:
    """Print an example council file for --config (the demo's synthetic authority)."""
    click.echo(example_council_path().read_text(encoding="utf-8"), nl=False)
