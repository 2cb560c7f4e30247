"""blogster config list | get | set | unset: settings per profile, in the TOML config file."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from blogster_cli.cli import output
from blogster_cli.cli.commands import command_group
from blogster_cli.cli.listing import FORMAT_OPTION, LIMIT_OPTION
from blogster_cli.cli.state import JSON_OPTION, OPTIONS, app_context

if TYPE_CHECKING:
    from blogster_cli.services import settings as settings_change

app = command_group("config")


@app.command("list")
def list_settings(fmt: str | None = FORMAT_OPTION, limit: int | None = LIMIT_OPTION, json: bool = JSON_OPTION) -> None:
    """Show every setting of this profile: its value and its source (file, environment, option:
    --database-url, or default). A value that does not pass its check is shown and marked, not
    refused (--format csv: setting,value,source lines; ids: the settings' names).

    Example: blogster config list --json
    """
    from blogster_cli.cli.listing import chosen_format, limited, show_list
    from blogster_cli.config import config_path, inspect_settings

    chosen = chosen_format(fmt, json)
    _refuse_unknown_profile()
    found = inspect_settings(OPTIONS.profile, database_url=OPTIONS.database_url)
    rows = [
        {"setting": item.key, "value": _shown(item.value), "source": item.source, "problem": item.problem}
        for item in limited(found, limit)
    ]
    columns = ["setting", "value", "source"] + (["problem"] if any(row["problem"] for row in rows) else [])
    show_list(rows, columns, fmt=chosen, json=False, id_key="setting")
    if chosen == "table":
        output.message(f"(profile {OPTIONS.profile!r}, file {config_path()})")
    for item in found:
        if item.problem:
            output.warning(f"{item.problem}; other commands stop with this error until it is mended")


@app.command()
def get(
    key: str = typer.Argument(..., help="Setting name as `config list` shows it, e.g. timezone."),
    json: bool = JSON_OPTION,
) -> None:
    """Print one setting's value (a password in a URL as ***).

    Example: blogster config get timezone
    """
    from blogster_cli.config import load_settings, setting_name

    name = setting_name(key)
    _refuse_unknown_profile()
    shown = _shown(getattr(load_settings(OPTIONS.profile, database_url=OPTIONS.database_url), name))
    if json:
        output.print_json({name: shown})
    else:
        output.print_lines(["" if shown is None else str(shown)])


# A VALUE such as -1 is a value, not an option (the setting's own check then refuses it).
@app.command("set", context_settings={"ignore_unknown_options": True})
def set_setting(
    key: str = typer.Argument(..., help="Setting name as `config list` shows it."),
    value: str = typer.Argument(
        ...,
        help="New value; an empty string removes the setting (as `config unset`); - reads it from standard input"
        " (out of `ps`).",
    ),
    json: bool = JSON_OPTION,
) -> None:
    """Change one setting for this profile. A URL's password goes to the keyring, never to the
    config file: database_url's, and smtp_url's (where `newsletter smtp-password` keeps it); one
    an older version left in the file is moved there by any `config set` or `config unset`. Says
    so when an environment variable (BLOGSTER_...) overrides the value written.

    Example: blogster config set timezone Europe/Berlin
    """
    import sys

    from blogster_cli.services import settings

    if value == "-":
        value = sys.stdin.readline().strip()
    done = settings.change(OPTIONS.profile, key, value or None, database_url=OPTIONS.database_url)
    _said_moved(done)
    if json:  # the value the file now holds, keyed as `config get --json` keys it (a URL's password as ***)
        output.print_json({done.key: _shown(done.value)})
    elif done.value is None:
        output.message(_removed(key, done))
    else:
        kept = " (its password in the keyring)" if done.password else ""
        output.message(f"{key} = {_shown(done.value)!r}{kept} (profile {OPTIONS.profile!r})")
    _said_overridden(done)
    if done.now.problem:
        output.warning(done.now.problem)
    _editor_unfound(done)
    _quiet_hours_follow(done)


def _editor_unfound(done: settings_change.Change) -> None:
    """The editor written names a program not on PATH here: a warning, the setting kept (`posts
    edit` would otherwise be the first to say so, exit 1)."""
    from blogster_cli.config import unfound_program

    if done.key == "editor" and done.value and (unfound := unfound_program(done.key, done.value)):
        output.warning(unfound)


@app.command()
def unset(
    key: str = typer.Argument(..., help="Setting name as `config list` shows it."),
    json: bool = JSON_OPTION,
) -> None:
    """Remove one setting from this profile (as `config set KEY ""`) and say which value applies
    now: the default, or an environment variable's (database_url's password leaves the keyring too).

    Example: blogster config unset timezone
    """
    from blogster_cli.services import settings

    _refuse_unknown_profile()
    done = settings.change(OPTIONS.profile, key, None, database_url=OPTIONS.database_url)
    _said_moved(done)
    if json:
        now = done.now
        output.print_json(
            {"setting": done.key, "removed": done.was_set, "value": _shown(now.value), "source": now.source}
        )
    else:
        output.message(_removed(key, done))
    if done.now.problem:
        output.warning(done.now.problem)
    _quiet_hours_follow(done)


def _quiet_hours_follow(done: settings_change.Change) -> None:
    """The `timezone` setting changed: the zone the signed-in account's quiet hours are read in (kept
    in the database, where emails are queued) follows it now, unless the account chose its own
    (`notifications prefs set timezone`). Not signed in (or nothing set up yet), nothing; the database
    away, a note: the preferences follow it the next time they are shown or changed."""
    from blogster_cli.errors import AuthError, BlogsterError, NotSetUp
    from blogster_cli.services import notifications
    from blogster_cli.services.sessions import current_user

    zone = done.now.value
    if done.key != "timezone" or done.now.problem or not isinstance(zone, str):
        return
    try:
        notifications.follow_timezone_setting(current_user(app_context()), timezone_setting=zone)
    except (AuthError, NotSetUp):
        return
    except BlogsterError as exc:
        output.message(
            f"note: your notification preferences' timezone was not updated ({exc}); it follows"
            " the timezone setting the next time you run: blogster notifications prefs show"
        )


def _refuse_unknown_profile() -> None:
    """A profile with neither settings nor a login (a mistyped --profile) is refused with the closest
    one (exit 2), as every other command refuses it; only `config set` starts a new profile. A
    profile in the config file is one without reading its settings (`config list` shows a bad
    value marked rather than refusing it)."""
    from blogster_cli.config import DEFAULT_PROFILE, profile_names

    if OPTIONS.profile == DEFAULT_PROFILE or OPTIONS.profile in profile_names():
        return
    from blogster_cli.services.sessions import refuse_unknown_profile

    refuse_unknown_profile(app_context())


def _shown(value: object) -> object:
    """A value as shown anywhere (a terminal, --json): a URL's password as ***, in every spelling
    libpq reads for a database URL."""
    from blogster_cli.config import shown_url

    return shown_url(value) if isinstance(value, str) else value


def _removed(key: str, done: settings_change.Change) -> str:
    """What applies once a setting is gone: "timezone removed (now UTC, the default; profile 'default')"."""
    from blogster_cli.config import SOURCE_DEFAULT

    now = done.now
    value = "no value" if now.value in (None, "") else f"now {_shown(now.value)}"
    source = "the default" if now.source == SOURCE_DEFAULT else f"from {now.where}"
    what = "removed" if done.was_set else "was not set"
    return f"{key} {what} ({value}, {source}; profile {OPTIONS.profile!r})"


def _said_moved(done: settings_change.Change) -> None:
    from blogster_cli.config import config_path

    for moved in done.moved:
        what = f"the password in {moved.key} (profile {moved.profile!r})"
        if moved.kept:
            output.message(f"moved {what} from {config_path()} to the keyring")
        else:
            output.message(f"removed {what} from {config_path()}: the keyring's own, which was in use, is kept")


def _said_overridden(done: settings_change.Change) -> None:
    """A note when what was written is not what commands use: a variable (or --database-url) wins."""
    from blogster_cli.config import SOURCE_ENVIRONMENT, SOURCE_OPTION

    now = done.now
    if done.value is not None and now.source in (SOURCE_ENVIRONMENT, SOURCE_OPTION):
        if now.source == SOURCE_ENVIRONMENT:
            output.message(f"note: {now.where} overrides this: commands use {_shown(now.value)!r} until it is unset")
        else:
            output.message(f"note: {now.where} overrides this in the commands it is given to")
