"""``selfeval web migrate``: the web application's own tables."""

from __future__ import annotations

import click

from selfeval.cli.base import Context, cli, pass_ctx


@cli.group()
def web() -> None:
    """The web application's own tables and settings."""


@web.command()
@pass_ctx
def migrate(ctx: Context) -> None:
    """Create or update the web application's tables (Django's migrations) in the store."""
    from selfeval.web.server import migrate as run

    for line in run(ctx.db):
        click.echo(line)
