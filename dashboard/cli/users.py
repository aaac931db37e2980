"""`vitrine users`: accounts and API tokens (used when VITRINE_AUTH=required)."""

from __future__ import annotations

import click

from dashboard.cli.base import CliError, VitrineGroup, ready_services
from dashboard.services.users import (
    ROLES,
    AccountRejected,
    accounts,
    add_account,
    change_password,
    issue_token,
    remove_account,
    revoke_credentials,
)


@click.group(cls=VitrineGroup)
def users() -> None:
    """Accounts and API tokens (used when VITRINE_AUTH=required)."""


@users.command("add")
@click.argument("username")
@click.option("--role", type=click.Choice(ROLES), default="viewer", show_default=True)
@click.password_option(
    "--password", envvar="VITRINE_NEW_PASSWORD", help="Asked for when not given."
)
@click.pass_context
def users_add(ctx: click.Context, username: str, role: str, password: str) -> None:
    """Create an account; its password is stored as an argon2 hash."""
    services = ready_services(ctx)
    try:
        add_account(services, username, password, role)
    except AccountRejected as exc:
        raise CliError(str(exc)) from exc
    click.echo(f"{username} ({role}) added.")


@users.command("remove")
@click.argument("username")
@click.pass_context
def users_remove(ctx: click.Context, username: str) -> None:
    """Delete an account and its API tokens."""
    try:
        remove_account(ready_services(ctx), username)
    except AccountRejected as exc:
        raise CliError(str(exc)) from exc
    click.echo(f"{username} removed, with its tokens.")


@users.command("token")
@click.argument("username")
@click.option("--label", default="cli", show_default=True, help="What the token is for.")
@click.pass_context
def users_token(ctx: click.Context, username: str, label: str) -> None:
    """Create an API token for USERNAME and print it once (only its hash is kept)."""
    try:
        token = issue_token(ready_services(ctx), username, label)
    except AccountRejected as exc:
        raise CliError(str(exc)) from exc
    click.echo(token)
    click.echo("Send it as 'Authorization: Bearer <token>'. It is not shown again.", err=True)


@users.command("revoke-tokens")
@click.argument("username")
@click.pass_context
def users_revoke_tokens(ctx: click.Context, username: str) -> None:
    """End every API token and signed-in session of USERNAME, at once."""
    try:
        revoked = revoke_credentials(ready_services(ctx), username)
    except AccountRejected as exc:
        raise CliError(str(exc)) from exc
    click.echo(
        f"{username}: {revoked.tokens} API token(s) revoked, "
        f"{revoked.sessions} session(s) signed out."
    )


@users.command("password")
@click.argument("username")
@click.password_option(
    "--password", envvar="VITRINE_NEW_PASSWORD", help="Asked for when not given."
)
@click.pass_context
def users_password(ctx: click.Context, username: str, password: str) -> None:
    """Set a new password for USERNAME and sign it out everywhere (API tokens stay valid;
    `revoke-tokens` ends those)."""
    try:
        ended = change_password(ready_services(ctx), username, password)
    except AccountRejected as exc:
        raise CliError(str(exc)) from exc
    click.echo(f"{username}: password changed, {ended} session(s) signed out.")


@users.command("list")
@click.pass_context
def users_list(ctx: click.Context) -> None:
    """Accounts and their roles."""
    rows = accounts(ready_services(ctx))
    if not rows:
        click.echo("No accounts yet: vitrine users add NAME --role admin")
    for account in rows:
        click.echo(f"{account.username:<24} {account.role}")
