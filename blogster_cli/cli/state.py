"""Global options and the AppContext they build, shared by every command module.

Typer is imported only for the shared command options (JSON_OPTION...), when a command
module first asks for one: `blogster tui` (cli/entry.py) builds its context without it.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from blogster_cli.actors import ActingUser
    from blogster_cli.context import AppContext


@dataclass
class GlobalOptions:
    profile: str = "default"
    database_url: str | None = None
    debug: bool = False
    json: bool = False
    check_schema: bool = True


OPTIONS = GlobalOptions()
_context: AppContext | None = None

# Global options that may also follow the subcommand (`blogster posts list --debug`).
GLOBAL_FLAGS = frozenset({"--debug", "--quiet", "-q"})
GLOBAL_OPTIONS_WITH_VALUE = frozenset({"--profile", "--database-url"})

# The commands that work on the schema itself or report on it (migrate, back up, restore, set up,
# diagnose), and `auth logout` (which forgets this profile's credentials whatever the database's
# state: its revocation is one UPDATE every schema takes), so that run on a database older than this
# Blogster: every other command refuses one (exit 6, db/schema_version.py). A command group's
# one command is named with its group: "auth logout".
SCHEMA_COMMANDS = frozenset({"db", "doctor", "quickstart", "auth logout"})


def use_global_options(
    *, profile: str, database_url: str | None, debug: bool, json: bool, quiet: bool, command: str | None,
    subcommand: str | None = None,
) -> None:  # fmt: skip
    """Sets the global options for this run (`command`: the command's first word, `subcommand` the
    next one): typer's callback (cli/app.py) and the typer-free `blogster tui` (cli/entry.py) both
    come here."""
    from blogster_cli.cli import output
    from blogster_cli.config import check_profile_name
    from blogster_cli.errors import InvalidInput
    from blogster_cli.text_encoding import is_utf8

    if not is_utf8(profile):  # from BLOGSTER_PROFILE: typer checks the command line's --profile
        raise InvalidInput("BLOGSTER_PROFILE is not valid UTF-8 text")
    check_profile_name(profile)
    OPTIONS.profile = profile
    OPTIONS.database_url = database_url
    OPTIONS.debug = debug
    OPTIONS.json = json
    OPTIONS.check_schema = command not in SCHEMA_COMMANDS and f"{command} {subcommand}" not in SCHEMA_COMMANDS
    output.QUIET = quiet
    if database_url:
        warn_of_a_password_in_the_url(database_url)


PASSWORD_ON_THE_COMMAND_LINE = (
    "--database-url holds a password, which anyone on this machine can read in `ps` while the command"
    " runs: put the URL in BLOGSTER_DATABASE_URL, or store it with `blogster config set database_url -`"
    " (standard input; its password goes to the keyring), or the password in ~/.pgpass"
)


def warn_of_a_password_in_the_url(database_url: str) -> None:
    """One warning line (not silenced by --quiet) when --database-url carries a password
    (`user:password@`, `?password=`, `password=`, any spelling libpq reads): the command still
    runs, since the password has been on show since the process started, but README's "no option
    takes a password" holds for every other option, and this one says where the URL belongs."""
    from blogster_cli.cli import output
    from blogster_cli.config import shown_url

    if shown_url(database_url) != database_url:
        output.warning(PASSWORD_ON_THE_COMMAND_LINE)


def app_context() -> AppContext:
    global _context
    if _context is None:
        from blogster_cli.cli import output
        from blogster_cli.context import AppContext
        from blogster_cli.errors import ConfigError

        _context = AppContext(
            profile=OPTIONS.profile, database_url=OPTIONS.database_url, check_schema=OPTIONS.check_schema
        )
        try:
            output.TIMEZONE = _context.tzinfo
        except ConfigError:  # shown times stay in (labelled) UTC; commands reading typed dates report it
            output.TIMEZONE = UTC
    return _context


def configured_site_out() -> Path | None:
    """The `site_out` setting: the folder cron's `calendar run-due` rebuilds; None when unset."""
    configured = app_context().settings.site_out
    return Path(configured).expanduser() if configured else None


def site_folder(out: Path | None) -> Path:
    """A command's site folder: --out, else `site_out`, else ./public (so `site build`, `deploy`,
    `serve`, `calendar feed` and cron's rebuild all mean one folder)."""
    return out or configured_site_out() or Path("public")


def acting_user() -> ActingUser:
    """The logged-in account for this command (AuthError tells the user how to log in)."""
    from blogster_cli.services.sessions import NotLoggedIn, current_user, refuse_unknown_profile

    ctx = app_context()
    try:
        return current_user(ctx)
    except NotLoggedIn:
        refuse_unknown_profile(ctx)  # a mistyped --profile is said as such, not as "not logged in"
        raise


def read_password(*, from_stdin: bool, confirm: bool = False, prompt: str = "Password") -> str:
    """--password-stdin, then BLOGSTER_PASSWORD, then asked on a terminal; never an option's
    value, which anyone on the machine could read in `ps`."""
    from blogster_cli.cli import ask
    from blogster_cli.errors import InvalidInput

    if from_stdin:
        value = sys.stdin.readline().rstrip("\r\n")
        if not value:
            raise InvalidInput("no password on standard input")
        return value
    if os.environ.get("BLOGSTER_PASSWORD"):
        return os.environ["BLOGSTER_PASSWORD"]
    instead = "use --password-stdin or BLOGSTER_PASSWORD"
    if confirm:  # a new account's: one too short is asked for again, the rule said
        entered = ask.new_secret(prompt, instead=instead, check=_strong_enough)
    else:
        entered = ask.secret(prompt, instead=instead)
    if not entered:
        raise InvalidInput(f"no password given: {instead}")
    return entered


def _strong_enough(password: str) -> None:
    """The password rule on a typed password, so that a short one is asked for again; nothing typed
    is left to read_password's "no password given"."""
    from blogster_cli.services.sessions import check_password_strength

    if password:
        check_password_strength(password)


def _json_or_global(value: bool) -> bool:
    """`--json` after the command, or before it (`blogster --json posts list`)."""
    return value or OPTIONS.json


def _options() -> dict[str, Any]:
    import typer

    return {
        "JSON_OPTION": typer.Option(False, "--json", callback=_json_or_global, help="Print the result as JSON."),
        "PASSWORD_STDIN_OPTION": typer.Option(False, "--password-stdin", help="Read the password from standard input."),
    }


if TYPE_CHECKING:
    JSON_OPTION: Any
    PASSWORD_STDIN_OPTION: Any
else:

    def __getattr__(name: str) -> Any:
        """JSON_OPTION, PASSWORD_STDIN_OPTION: built (with typer) when first imported."""
        if name in ("JSON_OPTION", "PASSWORD_STDIN_OPTION"):
            globals().update(_options())
            return globals()[name]
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
