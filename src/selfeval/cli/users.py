"""``selfeval users``: accounts of the web application and their roles."""

from __future__ import annotations

import sys

import click

from selfeval.cli.base import Context, cli, pass_ctx
from selfeval.errors import UsageError


@cli.group(invoke_without_command=True)
@click.pass_context
def users(click_ctx: click.Context) -> None:
    """List the web application's accounts and their roles."""
    if click_ctx.invoked_subcommand is None:
        click_ctx.invoke(list_users)


@users.command("list")
@pass_ctx
def list_users(ctx: Context) -> None:
    """Every account: username, role, email, active, last sign-in."""
    from selfeval.web.server import ready

    ready(ctx.db)
    from selfeval.web.accounts import users as all_users

    for u in all_users():
        last = f"{u.last_login:%Y-%m-%d %H:%M}" if u.last_login else "never"
        state = "active" if u.is_active else "inactive"
        click.echo(f"{u.username}\t{u.role}\t{u.email}\t{state}\t{last}")


@users.command("add")
@click.argument("name")
@click.option("--role", required=True, help="administrator, analyst, auditor, manager or viewer.")
@click.option("--email", default="", help="For Microsoft (OpenID Connect) sign-in.")
@click.option(
    "--password-stdin", is_flag=True, help="Read the password from standard input (one line)."
)
@pass_ctx
def add(ctx: Context, name: str, role: str, email: str, password_stdin: bool) -> None:
    """Create an account (the first administrator too); the password is asked for."""
    from selfeval.web.server import ready

    ready(ctx.db)
    from selfeval.web.accounts import add_user

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    if not password:
        raise UsageError("give a password")
    add_user(name, role, password, email=email, by=_cli_user())
    click.echo(f"added {name} ({role})")


@users.command("set-role")
@click.argument("name")
@click.argument("role")
@pass_ctx
def set_role(ctx: Context, name: str, role: str) -> None:
    """Give an account another role."""
    from selfeval.web.server import ready

    ready(ctx.db)
    from selfeval.web.accounts import set_role as change

    change(name, role, by=_cli_user())
    click.echo(f"{name} is now {role}")


def _cli_user() -> str:
    import getpass

    try:
        return f"cli:{getpass.getuser()}"
    except Exception:
        return "cli"
