"""``selfeval serve``: the web application on this machine."""

from __future__ import annotations

import click

from selfeval.cli.base import Context, cli, pass_ctx


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 64))
@pass_ctx
def serve(ctx: Context, host: str, port: int, threads: int) -> None:
    """Serve the web application on this machine (waitress), after migrating its tables.

    Only a loopback address is served over plain HTTP; anything else must sit behind a
    TLS reverse proxy (set SELFEVAL_HTTPS=1; see docs/web.md for the production recipe).
    """
    from selfeval.web.server import serve as run

    run(ctx.db, host=host, port=port, threads=threads)
