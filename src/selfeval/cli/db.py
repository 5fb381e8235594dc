"""``selfeval db``: the store's schema revision, and upgrading it (Alembic migrations)."""

from __future__ import annotations

import click

from selfeval.cli.base import Context, cli, pass_ctx
from selfeval.store import migrate
from selfeval.store.store import store_url


@cli.group()
def db() -> None:
    """The store database's schema: which revision it is at, and upgrading it."""


@db.command()
@pass_ctx
def current(ctx: Context) -> None:
    """Show the schema revision of the store's database and this selfeval's newest."""
    st = migrate.current(store_url(ctx.db))
    click.echo(f"{st.revision or 'none'}\t{st.describe()}")


@db.command()
@click.option("--revision", default="head", show_default=True, help="The revision to upgrade to.")
@pass_ctx
def upgrade(ctx: Context, revision: str) -> None:
    """Upgrade the store's database to this selfeval's schema (back it up first).

    A database made before schema versions is checked and stamped at the baseline first.
    Run it once per deployment after installing a new selfeval, before serving.
    """
    before, after = migrate.upgrade(store_url(ctx.db), revision)
    if before.revision == after.revision:
        click.echo(f"{after.revision}\talready at this revision; nothing changed")
    else:
        click.echo(f"{after.revision}\tupgraded from {before.revision or before.state}")
