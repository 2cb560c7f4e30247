"""blogster admin: user management for administrators."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import typer

from blogster_cli.cli import ask, output
from blogster_cli.cli.commands import command_group
from blogster_cli.cli.listing import FORMAT_OPTION, LIMIT_OPTION, show_list
from blogster_cli.cli.maintenance import app as maintenance_app
from blogster_cli.cli.state import JSON_OPTION, PASSWORD_STDIN_OPTION, acting_user, app_context
from blogster_cli.wording import plural

app = command_group("admin")
users = typer.Typer(help="Manage accounts.", no_args_is_help=True, rich_markup_mode=None)
app.add_typer(users, name="users")
app.add_typer(maintenance_app, name="maintenance")
workers = typer.Typer(help="Logins for worker hosts (the job queue).", no_args_is_help=True, rich_markup_mode=None)
app.add_typer(workers, name="workers")


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
    if password_stdin or os.environ.get("BLOGSTER_PASSWORD"):
        given = read_password(from_stdin=password_stdin)
    created = accounts.add_user(acting_user(), ctx=app_context(), email=email, password=given)
    result = {"id": created.actor.user_id, "email": created.actor.email, "login": created.login}
    if created.password:
        result["password"] = created.password
    if json:
        output.print_json(result)
    else:
        output.print_record(result)


@users.command("grant-admin")
def grant_admin(email: str = typer.Argument(..., help="The account's email."), json: bool = JSON_OPTION) -> None:
    """Make an account an administrator.

    Example: blogster admin users grant-admin lin@example.com
    """
    from blogster_cli.services import accounts

    accounts.set_admin(acting_user(), ctx=app_context(), email=email, admin=True)
    output.print_json({"email": email, "admin": True}) if json else output.message(f"{email} is now an administrator.")


@users.command("revoke-admin")
def revoke_admin(email: str = typer.Argument(..., help="The account's email."), json: bool = JSON_OPTION) -> None:
    """Take administrator rights away from an account.

    Example: blogster admin users revoke-admin lin@example.com
    """
    from blogster_cli.services import accounts

    accounts.set_admin(acting_user(), ctx=app_context(), email=email, admin=False)
    if json:
        output.print_json({"email": email, "admin": False})
    else:
        output.message(f"{email} is no longer an administrator.")


@users.command()
def ban(
    email: str = typer.Argument(..., help="The account's email."),
    days: int | None = typer.Option(None, "--days", min=1, help="Ban for this many days (default: indefinitely)."),
    lift: bool = typer.Option(False, "--lift", help="Lift an existing ban."),
    json: bool = JSON_OPTION,
) -> None:
    """Ban an account (ends its sessions), or lift a ban with --lift.

    Example: blogster admin users ban spammer@example.com --days 30
    """
    from blogster_cli.services import accounts

    until = None if lift else datetime.now(UTC) + timedelta(days=days or 365 * 100)
    accounts.ban(acting_user(), ctx=app_context(), email=email, until=until)
    if json:
        output.print_json({"email": email, "banned_until": until})
    else:
        output.message(f"Lifted the ban on {email}." if lift else f"Banned {email}.")


@users.command("reset-password")
def reset_password(
    email: str = typer.Argument(..., help="The account's email."),
    password_stdin: bool = PASSWORD_STDIN_OPTION,
    json: bool = JSON_OPTION,
) -> None:
    """Set a new password for an account (generated and printed if not given).

    Example: blogster admin users reset-password lin@example.com
    """
    from blogster_cli.cli.state import read_password
    from blogster_cli.services import accounts

    given = read_password(from_stdin=password_stdin) if password_stdin else None
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
    json: bool = JSON_OPTION,
) -> None:
    """Delete an account, its role and all its data for good.

    Example: blogster admin users purge old@example.com --yes
    """
    from blogster_cli.services import accounts

    if not yes and not ask.yes(f"Delete {email} and everything it owns?", instead="use --yes"):
        raise typer.Abort()
    accounts.purge_user(acting_user(), ctx=app_context(), email=email)
    output.print_json({"email": email, "purged": True}) if json else output.message(f"Purged {email}.")


subscription = typer.Typer(help="Plans of accounts.", no_args_is_help=True, rich_markup_mode=None)
app.add_typer(subscription, name="subscription")
credit_commands = typer.Typer(help="AI credits of accounts.", no_args_is_help=True, rich_markup_mode=None)
app.add_typer(credit_commands, name="credits")


@subscription.command("set-tier")
def set_tier(
    email: str = typer.Argument(..., help="The account's email."),
    tier: str = typer.Argument(..., help="free, pro or team."),
    json: bool = JSON_OPTION,
) -> None:
    """Change an account's plan; its credits rise to the plan's monthly credits if below.

    Example: blogster admin subscription set-tier ada@example.com pro
    """
    from blogster_cli.services import subscriptions

    plan = subscriptions.set_tier(acting_user(), ctx=app_context(), email=email, tier=tier)
    output.print_json(plan) if json else output.message(
        f"{email}: {plan.tier}, {plural(plan.credits_remaining, 'credit')}."
    )


@credit_commands.command()
def grant(
    email: str = typer.Argument(..., help="The account's email."),
    credits: int = typer.Argument(..., help="How many credits to add."),
    json: bool = JSON_OPTION,
) -> None:
    """Add AI credits to an account.

    Example: blogster admin credits grant ada@example.com 10
    """
    from blogster_cli.services import subscriptions

    plan = subscriptions.grant(acting_user(), ctx=app_context(), email=email, credits=credits)
    output.print_json(plan) if json else output.message(f"{email}: {plural(plan.credits_remaining, 'credit')}.")


@credit_commands.command()
def refill(json: bool = JSON_OPTION) -> None:
    """Monthly refill: each active plan up to its tier's monthly credits (free 3, pro 100, team 500), once a month per account.

    The accounts `workers refill-credits` already refilled this month are left as they are.

    Example: blogster admin credits refill
    """
    from blogster_cli.services import subscriptions

    topped_up = subscriptions.refill(acting_user())
    output.print_json({"topped_up": topped_up}) if json else output.message(
        f"Topped up {plural(topped_up, 'subscription')}."
    )


@workers.command("add")
def add_worker(
    name: str = typer.Argument(..., help="A name for the worker host, e.g. host-1."), json: bool = JSON_OPTION
) -> None:
    """Create a worker host's login (for BLOGSTER_WORKER_DATABASE_URL); its password is printed once.

    Example: blogster admin workers add host-1
    """
    from blogster_cli.services import worker_logins

    created = worker_logins.add(acting_user(), ctx=app_context(), name=name)
    output.print_json(created) if json else output.print_record(created)


@workers.command("list")
def list_workers(fmt: str | None = FORMAT_OPTION, limit: int | None = LIMIT_OPTION, json: bool = JSON_OPTION) -> None:
    """Worker hosts' logins.

    Example: blogster admin workers list
    """
    from blogster_cli.services import worker_logins

    rows = [output.to_plain(w) for w in worker_logins.list_logins(acting_user(), ctx=app_context())]
    show_list([{k: v for k, v in r.items() if k != "password"} for r in rows], ["name", "login"], fmt=fmt, json=json,
              limit=limit, id_key="name")  # fmt: skip


@workers.command("rm")
def remove_worker(name: str = typer.Argument(..., help="The worker host's name."), json: bool = JSON_OPTION) -> None:
    """Drop a worker host's login and end its sessions.

    Example: blogster admin workers rm host-1
    """
    from blogster_cli.services import worker_logins

    worker_logins.remove(acting_user(), ctx=app_context(), name=name)
    output.print_json({"name": name, "removed": True}) if json else output.message(f"worker {name} removed")
