"""``selfeval users``: accounts of the web application and their roles."""

from __future__ import annotations

import sys

import click

from selfeval.access import Authorities
from selfeval.cli.base import LA_CODE, Context, cli, pass_ctx
from selfeval.cli.base import cli_user as _cli_user
from selfeval.errors import UsageError

LA_OPTION = click.option(
    "--la",
    "la_codes",
    type=LA_CODE,
    multiple=True,
    help="An authority whose records it may see (repeatable).",
)
ALL_OPTION = click.option(
    "--all-authorities",
    "every",
    is_flag=True,
    help="It may see every authority (regional and Ofsted staff).",
)


def _authorities(la_codes: tuple[str, ...], every: bool) -> Authorities:
    if every and la_codes:
        raise UsageError("give either --la or --all-authorities, not both")
    return Authorities.of(la_codes, every=every)


@cli.group(invoke_without_command=True)
@click.pass_context
def users(click_ctx: click.Context) -> None:
    """List the web application's accounts, their roles and the authorities they may see."""
    if click_ctx.invoked_subcommand is None:
        click_ctx.invoke(list_users)


@users.command("list")
@pass_ctx
def list_users(ctx: Context) -> None:
    """Every account: username, role, authorities, email, active, last sign-in."""
    from selfeval.web.server import ready

    ready(ctx.db)
    from selfeval.web.accounts import users as all_users

    for u in all_users():
        last = f"{u.last_login:%Y-%m-%d %H:%M}" if u.last_login else "never"
        state = "active" if u.is_active else "inactive"
        where = u.access().describe()
        click.echo(f"{u.username}\t{u.role}\t{where}\t{u.email}\t{state}\t{last}")


@users.command("add")
@click.argument("name")
@click.option("--role", required=True, help="administrator, analyst, auditor, manager or viewer.")
@click.option("--email", default="", help="For Microsoft (OpenID Connect) sign-in.")
@click.option(
    "--password-stdin", is_flag=True, help="Read the password from standard input (one line)."
)
@LA_OPTION
@ALL_OPTION
@pass_ctx
def add(
    ctx: Context,
    name: str,
    role: str,
    email: str,
    password_stdin: bool,
    la_codes: tuple[str, ...],
    every: bool,
) -> None:
    """Create an account (the first administrator too); the password is asked for.

    It sees the authorities given with --la, or every one with --all-authorities;
    administrators see every authority whatever is given."""
    access = _authorities(la_codes, every)
    from selfeval.web.server import ready

    ready(ctx.db)
    from selfeval.web.accounts import add_user

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    if not password:
        raise UsageError("give a password")
    user = add_user(name, role, password, email=email, by=_cli_user(), authorities=access)
    click.echo(f"added {name} ({role}; {user.access().describe()})")


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


@users.command("set-authorities")
@click.argument("name")
@LA_OPTION
@ALL_OPTION
@pass_ctx
def set_authorities(ctx: Context, name: str, la_codes: tuple[str, ...], every: bool) -> None:
    """Change the authorities an account may see (none when neither option is given)."""
    from selfeval.web.server import ready

    ready(ctx.db)
    from selfeval.web.accounts import set_authorities as change

    user = change(name, _authorities(la_codes, every), by=_cli_user())
    click.echo(f"{name} may see {user.access().describe()}")


@users.command("unthrottle")
@click.argument("name")
@pass_ctx
def unthrottle(ctx: Context, name: str) -> None:
    """Lift the sign-in wait on an account (after wrong passwords), from every browser."""
    from selfeval.web.server import ready

    ready(ctx.db)
    from selfeval.web.accounts import lift_sign_in_wait

    lift_sign_in_wait(name, by=_cli_user())
    click.echo(f"{name} may sign in at once")
