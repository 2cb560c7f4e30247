"""blogster auth: sign up, log in and out, and see who you are."""

from __future__ import annotations

import typer

from blogster_cli.cli import ask, output
from blogster_cli.cli.commands import command_group
from blogster_cli.cli.state import JSON_OPTION, PASSWORD_STDIN_OPTION, acting_user, app_context, read_password

app = command_group("auth")


@app.command()
def signup(
    email: str = typer.Option(..., "--email", help="Your email address."),
    username: str | None = typer.Option(None, "--username", help="A public username (3-40 characters)."),
    password_stdin: bool = PASSWORD_STDIN_OPTION,
    json: bool = JSON_OPTION,
) -> None:
    """Create an account on this database and log in to it.

    The profile then acts as the new account: one logged in as another is switched to it, its
    session ended on the database, and says so (--json: replaced_session, the account it was logged
    in as). To keep both, sign up on a profile of its own: blogster --profile NAME auth signup --email EMAIL.

    Example: blogster auth signup --email grace@example.com
    """
    from blogster_cli.services import accounts, sessions

    ctx = app_context()
    secret = read_password(from_stdin=password_stdin, confirm=True)
    actor, made_admin = accounts.signup(ctx, email=email, password=secret, username=username)
    replaced = sessions.session_email(ctx)  # read once signup proved the login may read sessions
    # An email login (signup needs a superuser's connection): the session it replaces ends with its own
    # start, in one transaction, so none stays valid (LoginResult.not_ended, which `auth login` reports,
    # is only ever an own login's).
    result = sessions.login(ctx, email=actor.email, password=secret)  # as stored: trimmed
    if json:
        output.print_json(
            {"id": actor.user_id, "email": actor.email, "is_admin": made_admin, "replaced_session": replaced}
        )
        return
    output.message(f"Created {actor.email}{' (administrator)' if made_admin else ''}; logged in ({result.stored_in}).")
    if replaced is not None:
        output.message(
            f"This profile is now logged in as {actor.email} (was {replaced}); to keep both, use --profile NAME:"
            f" blogster --profile NAME auth login --email {actor.email}, then here blogster auth login --email {replaced}"
        )


@app.command()
def login(
    email: str | None = typer.Option(None, "--email", help="Your email address."),
    login_name: str | None = typer.Option(None, "--login", help="Shared server: the login your admin gave you."),
    password_stdin: bool = PASSWORD_STDIN_OPTION,
    json: bool = JSON_OPTION,
) -> None:
    """Log in; the session is kept in the OS keyring, never the password.

    A session this profile had is ended on the database, as `auth logout` ends it; where it cannot
    be, a warning says it stays valid there until it expires (--json: replaced_session_still_valid).

    On a shared server each account logs in with its own login instead of the email: --login u_...
    (the login your administrator gave you: `admin users add`, `list` and `reset-password` show it),
    and its password is what the keyring keeps.

    Example: blogster auth login --email ada@example.com
    """
    from blogster_cli.services import sessions

    if not email and not login_name:
        email, login_name = _login_from_environment_or_terminal()
    secret = read_password(from_stdin=password_stdin)
    result = sessions.login(app_context(), email=email, password=secret, login_name=login_name)
    if result.not_ended is not None:
        output.warning(
            f"the session this profile had could not be ended on the database ({result.not_ended}): it stays"
            " valid there until it expires, though this profile has forgotten it"
        )
    if json:
        output.print_json(
            {
                "id": result.actor.user_id,
                "email": result.actor.email,
                "mode": result.mode,
                "expires_at": result.expires_at,
                "replaced_session_still_valid": result.not_ended is not None,
            }
        )
        return
    output.message(f"Logged in as {result.actor.email} ({result.stored_in}).")


def _login_from_environment_or_terminal() -> tuple[str | None, str | None]:
    """(email, login) when neither option was given: BLOGSTER_LOGIN or BLOGSTER_EMAIL, as data
    commands read them (cron), else asked on a terminal (the login on a shared server, the email
    elsewhere, where an account's own login typed instead is taken as one); off one, a usage error
    saying how to log in without it."""
    import os

    from blogster_cli.actors import is_account_login
    from blogster_cli.errors import InvalidInput
    from blogster_cli.services import sessions
    from blogster_cli.services.sessions import LOGIN_PLACEHOLDER

    if os.environ.get("BLOGSTER_LOGIN"):
        return None, os.environ["BLOGSTER_LOGIN"]
    if os.environ.get("BLOGSTER_EMAIL"):
        return os.environ["BLOGSTER_EMAIL"], None
    ctx = app_context()
    by_email = "--email EMAIL --password-stdin (or set BLOGSTER_EMAIL and BLOGSTER_PASSWORD)"
    by_login = f"--login {LOGIN_PLACEHOLDER} --password-stdin (or set BLOGSTER_LOGIN and BLOGSTER_PASSWORD)"
    instead = f"use {by_login}; with the administrator's superuser URL, {by_email}"
    ask.can_ask(instead=instead if ctx.settings.database_url else f"use {by_email}")  # the server not asked yet
    if sessions.logs_in_with_own_login(ctx):  # a shared server: accounts log in with their own login
        asked, option = "login", f"--login {LOGIN_PLACEHOLDER}"
        entered = ask.line(f"Login ({LOGIN_PLACEHOLDER})", instead=instead)
    else:
        asked, option = "email", "--email EMAIL"
        entered = ask.line("Email", instead=f"use {by_email}")
    if not entered:
        raise InvalidInput(f"no {asked} given: use {option}")
    # An account's own login answers either question; an email where a login is asked is refused as
    # `--email` is there, saying how to log in.
    return (None, entered) if is_account_login(entered) else (entered, None)


@app.command()
def logout(json: bool = JSON_OPTION) -> None:
    """End this profile's session and forget its stored credentials.

    The credentials are forgotten even when the database cannot be reached (or is older than this
    Blogster): a warning then says the session could not be ended there and stays valid until it
    expires (--json: session_still_valid). A database URL that logs in as an account's own login
    (u_...) is no stored credential: it says so, and how to remove it (exit 6).

    Example: blogster auth logout
    """
    from blogster_cli.cli.state import OPTIONS
    from blogster_cli.errors import ConfigError
    from blogster_cli.services import sessions

    result = sessions.logout(app_context())
    if result.not_ended is not None:
        output.warning(
            f"the session could not be ended on the database ({result.not_ended}): it stays valid there"
            " until it expires, though this profile has forgotten it"
        )
    if result.still_acting is not None:  # forgotten, yet commands still act as the account
        raise ConfigError(result.still_acting)
    if json:
        output.print_json(
            {
                "profile": OPTIONS.profile,
                "logged_out": result.had_credentials,
                "session_still_valid": result.not_ended is not None,
            }
        )
    else:
        output.message("Logged out." if result.had_credentials else "Not logged in.")


@app.command()
def whoami(json: bool = JSON_OPTION) -> None:
    """Show the account this profile acts as.

    Example: blogster auth whoami --json
    """
    from blogster_cli.services import accounts

    account = accounts.whoami(acting_user())
    if json:
        output.print_json(account)
    else:
        output.print_record(account)


@app.command()
def passwd(
    password_stdin: bool = typer.Option(
        False,
        "--password-stdin",
        help="Read the current and the new password from two lines of standard input (the new one alone"
        " while quickstart's generated password is kept: it is the current one).",
    ),
    json: bool = JSON_OPTION,
) -> None:
    """Change your password; other sessions are logged out.

    After a quickstart off a terminal (a local account with a generated password, kept in the
    credential store) the generated password is the current one: it is not asked for, only the new
    one; the generated one is then forgotten.

    Example: blogster auth passwd
    """
    import sys

    from blogster_cli.errors import InvalidInput
    from blogster_cli.services import accounts, sessions

    ctx = app_context()
    acting = acting_user()
    if password_stdin:
        old, new = sys.stdin.readline().rstrip("\r\n"), sys.stdin.readline().rstrip("\r\n")
        generated = accounts.generated_password(acting, ctx=ctx) if old and not new else None
        if generated is not None:  # one line: the new password, the generated one the current
            old, new = generated, old
        elif not old or not new:
            raise InvalidInput("expected the current and the new password on two lines")
    else:
        ask.can_ask(instead="use --password-stdin")  # before the generated password's check, which takes time
        old = accounts.generated_password(acting, ctx=ctx) or ""
        if old:
            kept = f"'{ctx.profile}:{sessions.GENERATED_PASSWORD_KEY}' in the credential store"
            output.message(f"Using the password quickstart generated ({kept}) as the current one.")
        else:
            old = ask.secret("Current password", instead="use --password-stdin")
        new = ask.new_secret("New password", instead="use --password-stdin")
    accounts.change_password(acting, ctx=ctx, old_password=old, new_password=new)
    if json:
        output.print_json({"email": acting.actor.email, "password_changed": True})
    else:
        output.message("Password changed.")
