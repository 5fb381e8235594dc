"""The command line: thin commands over the library, one module per command, each imported
only when its command runs: ``base.COMMANDS`` (``selfeval --help`` lists them from
``base.SUMMARIES``)."""

from __future__ import annotations

import sys

import click

from selfeval.cli.base import cli
from selfeval.errors import SelfevalError

__all__ = ["cli", "main"]


def main(argv: list[str] | None = None) -> None:
    """Run the CLI: known errors as one sentence and their exit code, others without traceback."""
    debug = "--debug" in (argv if argv is not None else sys.argv[1:])
    try:
        cli.main(args=argv, prog_name="selfeval", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(1)
    except click.ClickException as e:
        e.show()
        sys.exit(e.exit_code)
    except SelfevalError as e:
        if debug:
            raise
        click.echo(f"Error: {e}", err=True)
        sys.exit(e.exit_code)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as e:
        if debug:
            raise
        click.echo(
            f"Error: an unexpected {type(e).__name__}: {e} (run with --debug for details)",
            err=True,
        )
        sys.exit(1)
    sys.exit(0)
