"""The ``selfeval`` command group and the conventions every command shares.

``--db URL`` (or ``$SELFEVAL_DB``) names the store; exit code 0 on success, 1 when a check or
validation fails, 2 on a usage error; errors are one sentence unless ``--debug``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from selfeval import __version__

if TYPE_CHECKING:
    from selfeval.store import Store


@dataclass
class Context:
    db: str | None
    debug: bool
    _store: Store | None = None

    def store(self) -> Store:
        if self._store is None:
            from selfeval.store import open_store

            self._store = open_store(self.db)
        return self._store


pass_ctx = click.make_pass_decorator(Context)


def cli_user() -> str:
    """Who runs a command, as the audit log names them: ``cli:`` and the system account."""
    import getpass

    try:
        return f"cli:{getpass.getuser()}"
    except Exception:
        return "cli"


def audit(ctx: Context, action: str, what: str, **detail: object) -> None:
    """One event in the audit log (the web application's, in the store's database, where
    the web's own events are) by the command's user: every command that shows, exports or
    removes child-level data calls it before it does so, as every page does."""
    from selfeval.web.server import ready

    ready(ctx.db)
    from selfeval.web.audit import record

    record(cli_user(), action, what, via="command line", **detail)


COMMANDS = {
    "annex-a": "annex_a",
    "audits": "audits",
    "benchmarks": "benchmarks",
    "db": "db",
    "demo": "demo",
    "indicators": "indicators",
    "ingest": "ingest",
    "inspections": "inspections",
    "loads": "loads",
    "plan": "plan",
    "reconcile": "reconcile",
    "region": "region",
    "report": "report",
    "serve": "serve",
    "synth": "synth",
    "templates": "templates",
    "users": "users",
    "validate": "validate",
    "web": "web",
}
"""Each command and the module of ``selfeval.cli`` that defines it (and adds it to ``cli``
when imported)."""

SUMMARIES = {
    "annex-a": "What inspectors will see in Annex A: the inspection-readiness pack.",
    "audits": "Case audits and practice weeks: summary, export, domains, imports.",
    "benchmarks": (
        "Published benchmarks: England, region, statistical neighbours, rank and quartile."
    ),
    "db": "The store database's schema: which revision it is at, and upgrading it.",
    "demo": (
        "Generate a synthetic authority, ingest it, compute the indicators and write the reports."
    ),
    "indicators": "Compute the catalogue at a date (--at) or as a month-end series (--from/--to).",
    "ingest": (
        "Load files and folders of any kinds and years into the store: returns, the SSD "
        "extract, audits and plan workbooks (a folder `selfeval synth` wrote, whole)."
    ),
    "inspections": (
        "Each authority's last ILACS judgement and its next expected inspection and window."
    ),
    "loads": "List every load with its provenance (who, when, year, rows, validation).",
    "plan": "The improvement plan: show it with progress, export it.",
    "reconcile": (
        "Every computed figure (as returned) beside DfE's published one, with the difference, "
        "the tolerance (rounding, suppression) and a verdict."
    ),
    "region": (
        "All authorities' indicators side by side, flagged against England and neighbours, "
        "with each one's self-evaluation status; `region pack` writes one authority's pack."
    ),
    "report": "Write the self-evaluation or the scrutiny report, or check a document's figures.",
    "serve": "Serve the web application on this machine (waitress), after migrating its tables.",
    "synth": "Write a synthetic local authority's returns (no real child is in them).",
    "templates": (
        "Write a blank audits or improvement-plan workbook, with instructions and drop-down lists."
    ),
    "users": "List the web application's accounts, their roles and the authorities they may see.",
    "validate": "Run DfE's validation rules (D2I's validator packages) over SSDA903 and CIN files.",
    "web": "The web application's own tables and settings.",
}
"""Each command's summary as ``selfeval --help`` lists it (the first sentence of its help), so
that the listing imports no command's module; tests/test_cli.py holds each to its command."""


class Commands(click.Group):
    """The ``selfeval`` group: a command's module is imported when the command is looked up,
    so that ``selfeval ingest`` pays for the ingest and not for Spark, the reports or the web
    application (starting every command's libraries took seconds)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*COMMANDS, *self.commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            importlib.import_module(f"selfeval.cli.{COMMANDS[cmd_name]}")
        return self.commands.get(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The commands and their summaries, as click lists them, from ``SUMMARIES`` for a
        command not imported yet (importing every command's libraries took seconds)."""
        names = self.list_commands(ctx)
        if not names:
            return
        limit = formatter.width - 6 - max(len(n) for n in names)
        rows = []
        for name in names:
            cmd = self.commands.get(name)
            if cmd is not None and cmd.hidden:
                continue
            shown = cmd if cmd is not None else click.Command(name, help=SUMMARIES[name])
            rows.append((name, shown.get_short_help_str(limit)))
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(
    cls=Commands,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.option(
    "--db",
    envvar="SELFEVAL_DB",
    metavar="URL",
    help="The store's database URL (default: sqlite:///selfeval.db here; env SELFEVAL_DB). "
    "A SQLite store keeps its files beside the database file.",
)
@click.option("--debug", is_flag=True, help="Show the full traceback of an error.")
@click.version_option(__version__, prog_name="selfeval")
@click.pass_context
def cli(ctx: click.Context, db: str | None, debug: bool) -> None:
    """selfeval: the children's social care self-evaluation, from the returns to the report."""
    ctx.obj = Context(db=db, debug=debug)


class DateType(click.ParamType[date, object]):
    """A date given as YYYY-MM-DD."""

    name = "DATE"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> date:
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            self.fail(f"{value!r} is not a date in the form YYYY-MM-DD", param, ctx)


DATE = DateType()


class LaCode(click.ParamType[str, object]):
    """A local authority's 3-digit DfE code."""

    name = "CODE"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> str:
        v = str(value).strip()
        if not (len(v) == 3 and v.isdigit()):
            self.fail(f"{value!r} is not a 3-digit local authority code", param, ctx)
        return v


LA_CODE = LaCode()


IDS = click.option("--id", "ids", multiple=True, help="Only these indicators (repeatable).")
NEIGHBOURS = click.option(
    "--neighbours",
    "model",
    type=click.Choice(["2021", "2025"]),
    default="2021",
    show_default=True,
    help="Which statistical-neighbour model.",
)


def format_option(
    formats: Sequence[str], default: str | None = "table", help: str | None = None
) -> Callable[[Any], Any]:
    """``--format`` among ``formats`` (``fmt``)."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(list(formats)),
        default=default,
        show_default=default is not None,
        help=help,
    )


def out_option(help: str, *, required: bool = False) -> Callable[[Any], Any]:
    """``--out FILE``."""
    return click.option(
        "--out", type=click.Path(dir_okay=False, path_type=Path), required=required, help=help
    )


def out_folder_option(default: Path, help: str) -> Callable[[Any], Any]:
    """``--out FOLDER``, with a default."""
    return click.option(
        "--out",
        type=click.Path(file_okay=False, path_type=Path),
        default=default,
        show_default=True,
        help=help,
    )


def format_for(out: Path | None, fmt: str | None, formats: Sequence[str]) -> str:
    """The format asked for: ``--format``, else the ending of ``--out``."""
    fmt = fmt or (out.suffix.lstrip(".").lower() if out is not None else "")
    if fmt not in formats:
        raise click.UsageError(f"give --format {'|'.join(formats)} (or an --out ending in one)")
    return fmt
