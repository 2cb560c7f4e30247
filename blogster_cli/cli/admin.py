"""blogster admin: user management for administrators."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import typer

from blogster_cli.cli import output
from blogster_cli.cli.commands import command_group
from blogster_cli.cli.listing import FORMAT_OPTION, LIMIT_OPTION, show_list
from blogster_cli.cli.state import JSON_OPTION, PASSWORD_OPTION, PASSWORD_STDIN_OPTION, acting_user, app_context

app = command_group("admin")
users = typer.Typer(help="Manage accounts.", no_args_is_help=True, rich_markup_mode=None)
app.add_typer(users, name="users")


@users.command("list")
def list_users(limit: int | None = LIMIT_OPTION, fmt: str | None = FORMAT_OPTION, json: bool = JSON_OPTION) -> None:
    """List every account.

    Example: blogster admin users list --json
    """
    from blogster_cli.services import accounts

    rows = [
        {
            "id": a.id,
            "email": a.email,
            "admin": a.is_admin,
            "created_at": a.created_at,
            "last_sign_in_at": a.last_sign_in_at,
            "banned_until": a.banned_until,
            "deleted": a.deleted_at is not None,
        }
        for a in accounts.list_users(acting_user(), ctx=app_context())
    ]
    columns = ["email", "admin", "created_at", "last_sign_in_at", "banned_until", "deleted"]
    show_list(rows, columns, fmt=fmt, json=json, limit=limit)


@users.command()
def add(
    email: str = typer.Argument(..., help="The new account's email."),
    password: str | None = PASSWORD_OPTION,
    password_stdin: bool = PASSWORD_STDIN_OPTION,
    json: bool = JSON_OPTION,
) -> None:
    """Create an account. Without a password one is generated and printed once.

    Example: blogster admin users add lin@example.com
    """
    import os

    from blogster_cli.cli.state import read_password
    from blogster_cli.services import accounts

    given = None
    if password or password_stdin or os.environ.get("BLOGSTER_PASSWORD"):
        given = read_password(password=password, from_stdin=password_stdin)
    created = accounts.add_user(acting_user(), ctx=app_context(), email=email, password=given)
    result = {"id": created.actor.user_id, "email": created.actor.email, "login": created.login}
    if created.password:
        result["password"] = created.password
    if json:
        output.print_json(result)
    else:
        output.print_record(result)


@users.command("grant-admin")
def grant_admin(email: str = typer.Argument(..., help="The account's email.")) -> None:
    """Make an account an administrator.

    Example: blogster admin users grant-admin lin@example.com
    """
    from blogster_cli.services import accounts

    accounts.set_admin(acting_user(), ctx=app_context(), email=email, admin=True)
    output.message(f"{email} is now an administrator.")


@users.command("revoke-admin")
def revoke_admin(email: str = typer.Argument(..., help="The account's email.")) -> None:
    """Take administrator rights away from an account.

    Example: blogster admin users revoke-admin lin@example.com
    """
    from blogster_cli.services import accounts

    accounts.set_admin(acting_user(), ctx=app_context(), email=email, admin=False)
    output.message(f"{email} is no longer an administrator.")


@users.command()
def ban(
    email: str = typer.Argument(..., help="The account's email."),
    days: int | None = typer.Option(None, "--days", min=1, help="Ban for this many days (default: indefinitely)."),
    lift: bool = typer.Option(False, "--lift", help="Lift an existing ban."),
) -> None:
    """Ban an account (ends its sessions), or lift a ban with --lift.

    Example: blogster admin users ban spammer@example.com --days 30
    """
    from blogster_cli.services import accounts

    until = None if lift else datetime.now(UTC) + timedelta(days=days or 365 * 100)
    accounts.ban(acting_user(), ctx=app_context(), email=email, until=until)
    output.message(f"Lifted the ban on {email}." if lift else f"Banned {email}.")


@users.command("reset-password")
def reset_password(
    email: str = typer.Argument(..., help="The account's email."),
    password: str | None = PASSWORD_OPTION,
    password_stdin: bool = PASSWORD_STDIN_OPTION,
    json: bool = JSON_OPTION,
) -> None:
    """Set a new password for an account (generated and printed if not given).

    Example: blogster admin users reset-password lin@example.com
    """
    from blogster_cli.cli.state import read_password
    from blogster_cli.services import accounts

    given = read_password(password=password, from_stdin=password_stdin) if (password or password_stdin) else None
    generated = accounts.reset_password(acting_user(), ctx=app_context(), email=email, password=given)
    if json:
        output.print_json({"email": email, "password": generated})
    elif generated:
        output.print_record({"email": email, "password": generated})
    else:
        output.message(f"Password for {email} changed.")


@users.command()
def purge(
    email: str = typer.Argument(..., help="The account's email."),
    yes: bool = typer.Option(False, "--yes", help="Do not ask for confirmation."),
) -> None:
    """Delete an account, its role and all its data for good.

    Example: blogster admin users purge old@example.com --yes
    """
    import sys

    from blogster_cli.errors import InvalidInput
    from blogster_cli.services import accounts

    if not yes:
        if not sys.stdin.isatty():
            raise InvalidInput("refusing to purge without --yes when not on a terminal")
        typer.confirm(f"Delete {email} and everything it owns?", abort=True)
    accounts.purge_user(acting_user(), ctx=app_context(), email=email)
    output.message(f"Purged {email}.")
