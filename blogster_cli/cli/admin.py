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
    """List every account and its login.

    The login (u_ and the account's id in hex) is what its member logs in with on a shared server,
    where can_log_in says it does: not on the embedded server (its accounts log in with their
    email), for an account made by `auth signup` or `quickstart`, nor while banned.

    Example: blogster admin users list --json
    """
    from blogster_cli.services import accounts

    rows = [
        {
            "id": a.id,
            "email": a.email,
            "login": a.login,
            "can_log_in": a.can_log_in,
            "admin": a.is_admin,
            "created_at": a.created_at,
            "last_sign_in_at": a.last_sign_in_at,
            "banned_until": a.banned_until,
            "deleted": a.deleted_at is not None,
        }
        for a in accounts.list_users(acting_user(), ctx=app_context())
    ]
    columns = ["email", "login", "can_log_in", "admin", "created_at", "last_sign_in_at", "banned_until", "deleted"]
    show_list(rows, columns, fmt=fmt, json=json, limit=limit)


@users.command()
def add(
    email: str = typer.Argument(..., help="The new account's email."),
    password_stdin: bool = PASSWORD_STDIN_OPTION,
    json: bool = JSON_OPTION,
) -> None:
    """Create an account. Without a password one is generated and printed once.

    On a shared server the account logs in with the login shown (blogster auth login --login LOGIN);
    on the embedded server accounts have no login of their own: it logs in with its email
    (--json: can_log_in).

    Example: blogster admin users add lin@example.com
    """
    import os

    from blogster_cli.cli.state import read_password
    from blogster_cli.services import accounts

    given = None
    if password_stdin or os.environ.get("BLOGSTER_PASSWORD"):
        given = read_password(from_stdin=password_stdin)
    created = accounts.add_user(acting_user(), ctx=app_context(), email=email, password=given)
    result = {"id": created.actor.user_id, "email": created.actor.email, "login": created.login,
              "can_log_in": created.can_log_in}  # fmt: skip
    if created.password:
        result["password"] = created.password
    if json:
        output.print_json(result)
        return
    if created.can_log_in:
        output.print_record({key: value for key, value in result.items() if key != "can_log_in"})
        return
    output.print_record({key: value for key, value in result.items() if key not in ("login", "can_log_in")})
    output.message(_by_email(created.actor.email))


def _by_email(email: str) -> str:
    """How an account on the embedded server logs in: its role has no login of its own there."""
    return (
        f"{email} logs in with its email (blogster auth login --email {email}): on the embedded server"
        " accounts have no login of their own"
    )


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

    On a shared server its login is closed for the ban: when the --days pass, the workers open it again
    within a minute (or `blogster workers reopen-logins` from cron), with the member's password. A login
    serves every database on the server: while another one bans the account (or awaits its purge), it
    stays closed, as --lift then warns.

    Example: blogster admin users ban spammer@example.com --days 30
    """
    from blogster_cli.services import accounts

    until = None if lift else datetime.now(UTC) + timedelta(days=days or 365 * 100)
    kept_closed = accounts.ban(acting_user(), ctx=app_context(), email=email, until=until)
    if json:
        output.print_json({"email": email, "banned_until": until})
    else:
        output.message(f"Lifted the ban on {email}." if lift else f"Banned {email}.")
    if kept_closed is not None:
        output.warning(f"its login stays closed: {kept_closed}, and a login serves every database on the server")


@users.command("reset-password")
def reset_password(
    email: str = typer.Argument(..., help="The account's email."),
    password_stdin: bool = PASSWORD_STDIN_OPTION,
    json: bool = JSON_OPTION,
) -> None:
    """Set a new password for an account (generated and printed if not given).

    Its login is shown too: on a shared server the member logs in again with both (blogster auth
    login --login LOGIN), and an account without a login of its own (made by `auth signup` or
    `quickstart`) gets one; a banned account's login opens when the ban ends or is lifted, and one
    awaiting its purge (account delete) stays closed, as does one that another database on the server
    bans or deletes the account of (a login serves every database there). On the embedded server
    accounts have no login of their own: it logs in with its email (--json: can_log_in).

    Example: blogster admin users reset-password lin@example.com
    """
    from blogster_cli.cli.state import read_password
    from blogster_cli.services import accounts

    given = read_password(from_stdin=password_stdin) if password_stdin else None
    reset = accounts.reset_password(acting_user(), ctx=app_context(), email=email, password=given)
    if json:
        output.print_json(
            {"email": email, "login": reset.login, "password": reset.password, "can_log_in": reset.can_log_in}
        )
        return
    embedded = reset.closed is accounts.LoginClosed.EMBEDDED
    if reset.password:
        shown = {"email": email} if embedded else {"email": email, "login": reset.login}
        output.print_record({**shown, "password": reset.password})
    elif embedded:
        output.message(f"Password for {email} changed.")
    else:
        output.message(f"Password for {email} (login {reset.login}) changed.")
    if embedded:
        output.message(_by_email(email))
    elif reset.closed is accounts.LoginClosed.BANNED:
        output.message(
            f"{reset.login} stays closed while {email} is banned: the ban's end, or lifting it"
            f" (blogster admin users ban {email} --lift), opens it, with this password"
        )
    elif reset.closed is accounts.LoginClosed.DELETED:
        output.message(f"{reset.login} stays closed: {email} awaits its purge (account delete)")
    elif reset.closed is accounts.LoginClosed.ELSEWHERE:
        output.message(
            f"{reset.login} does not log in with this password: {reset.elsewhere}, and a login serves every"
            " database on the server"
        )


@users.command()
def purge(
    email: str = typer.Argument(..., help="The account's email."),
    yes: bool = typer.Option(False, "--yes", help="Do not ask for confirmation."),
    json: bool = JSON_OPTION,
) -> None:
    """Delete an account, its role and all its data for good.

    The role is the server's: in each other database of the server that names it (a
    privilege or default privilege granted to it, something it owns), DROP OWNED BY
    runs first, revoking those and dropping what it owns there. A database that
    cannot be reached stops the purge, nothing deleted: the error names it and the
    statement a superuser runs there before the purge is run again.

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
newsletter_commands = typer.Typer(
    help="Daily newsletter sending limits of accounts.", no_args_is_help=True, rich_markup_mode=None
)
app.add_typer(newsletter_commands, name="newsletters")


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


def _mails(daily_limit: int | None) -> str:
    """A daily sending limit as words: `1000 mails a day`, `unlimited`."""
    return "unlimited" if daily_limit is None else f"{plural(daily_limit, 'mail')} a day"


@newsletter_commands.command("limits")
def newsletter_limits(
    fmt: str | None = FORMAT_OPTION, limit: int | None = LIMIT_OPTION, json: bool = JSON_OPTION
) -> None:
    """Every account's daily newsletter sending limit (mails in any 24 hours), where it comes from
    (own, default, administrator: none) and its mails of the last 24 hours; and the default.

    The workers send every account's newsletters through your SMTP server: a send stops at the
    account's limit and the rest of its newsletter stays due. --format csv, ids and count are of
    the accounts.

    Example: blogster admin newsletters limits --json
    """
    from blogster_cli.cli.listing import chosen_format, show_sections
    from blogster_cli.services import newsletter_limits as limits_service

    report = limits_service.limits(acting_user(), ctx=app_context())
    chosen = chosen_format(fmt, json)
    shown = output.fields(report)
    if chosen not in ("json", "yaml"):  # null there; a table or CSV names it
        shown["accounts"] = [{**a, "daily_limit": _mails(a["daily_limit"])} for a in shown["accounts"]]
    if chosen == "table":
        output.print_record({"default": _mails(report.default_limit)})
    columns = ["email", "admin", "daily_limit", "limit_from", "sent_last_24h"]
    show_sections(shown, [("accounts", "Accounts", columns)], fmt=chosen, json=False, limit=limit, main="accounts",
                  id_key="email")  # fmt: skip


@newsletter_commands.command("set-limit")
def set_newsletter_limit(
    email: str = typer.Argument(..., help="The account's email."),
    daily_limit: str = typer.Argument(
        ..., metavar="LIMIT", help="Mails in any 24 hours (0 stops its newsletters), unlimited, or default."
    ),
    json: bool = JSON_OPTION,
) -> None:
    """Set an account's daily newsletter sending limit; `default` makes it follow the default again.

    Example: blogster admin newsletters set-limit ada@example.com 5000
    """
    from blogster_cli.services import newsletter_limits as limits_service

    changed = limits_service.set_limit(acting_user(), ctx=app_context(), email=email, limit=daily_limit)
    output.print_json(changed) if json else output.message(
        f"{changed.email}: {_mails(changed.daily_limit)} ({changed.limit_from})."
    )


@newsletter_commands.command("set-default")
def set_default_newsletter_limit(
    daily_limit: str = typer.Argument(..., metavar="LIMIT", help="Mails in any 24 hours, or unlimited."),
    json: bool = JSON_OPTION,
) -> None:
    """Set the daily newsletter sending limit of every account without one of its own (1,000 at
    first); an administrator's account without one of its own has none.

    Example: blogster admin newsletters set-default 2000
    """
    from blogster_cli.services import newsletter_limits as limits_service

    report = limits_service.set_default(acting_user(), ctx=app_context(), limit=daily_limit)
    following = sum(1 for account in report.accounts if account.limit_from == "default")
    output.print_json({"default_limit": report.default_limit}) if json else output.message(
        f"Default: {_mails(report.default_limit)} ({plural(following, 'account')} follow it)."
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

    As `admin users purge` does for an account's role, DROP OWNED BY runs first in
    each other database of the server that names the login.

    Example: blogster admin workers rm host-1
    """
    from blogster_cli.services import worker_logins

    worker_logins.remove(acting_user(), ctx=app_context(), name=name)
    output.print_json({"name": name, "removed": True}) if json else output.message(f"worker {name} removed")
