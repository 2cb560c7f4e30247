"""blogster config: settings per profile, in the TOML config file."""

from __future__ import annotations

import typer

from blogster_cli.cli import output
from blogster_cli.cli.commands import command_group
from blogster_cli.cli.listing import FORMAT_OPTION, LIMIT_OPTION
from blogster_cli.cli.state import JSON_OPTION, OPTIONS

app = command_group("config")


@app.command("list")
def list_settings(fmt: str | None = FORMAT_OPTION, limit: int | None = LIMIT_OPTION, json: bool = JSON_OPTION) -> None:
    """Show every setting with its current value for this profile (--format csv: setting,value
    lines; ids: the settings' names).

    Example: blogster config list --json
    """
    from blogster_cli.cli.listing import chosen_format, limited, show_list
    from blogster_cli.config import config_path, load_settings
    from blogster_cli.url_secrets import without_password

    chosen = chosen_format(fmt, json)
    loaded = load_settings(OPTIONS.profile, database_url=OPTIONS.database_url).as_dict().items()
    settings = dict(limited([(k, without_password(v) if isinstance(v, str) else v) for k, v in loaded], limit))
    if chosen == "table":
        output.print_record(settings, keys_as_typed=True)
        output.message(f"(profile {OPTIONS.profile!r}, file {config_path()})")
    elif chosen in ("json", "yaml"):
        output.print_json(settings) if chosen == "json" else output.print_yaml(settings)
    else:
        rows = [{"setting": key, "value": value} for key, value in settings.items()]
        show_list(rows, ["setting", "value"], fmt=chosen, json=False, id_key="setting")


@app.command()
def get(
    key: str = typer.Argument(..., help="Setting name as `config list` shows it, e.g. timezone."),
    json: bool = JSON_OPTION,
) -> None:
    """Print one setting's value (a password in a URL as ***).

    Example: blogster config get timezone
    """
    from blogster_cli.config import load_settings, setting_name
    from blogster_cli.url_secrets import without_password

    name = setting_name(key)
    value = getattr(load_settings(OPTIONS.profile, database_url=OPTIONS.database_url), name)
    shown = without_password(value) if isinstance(value, str) else value
    if json:
        output.print_json({name: shown})
    else:
        output.print_lines(["" if shown is None else str(shown)])


# A VALUE such as -1 is a value, not an option (the setting's own check then refuses it).
@app.command("set", context_settings={"ignore_unknown_options": True})
def set_setting(
    key: str = typer.Argument(..., help="Setting name as `config list` shows it."),
    value: str = typer.Argument(
        ..., help="New value; an empty string removes the setting; - reads it from standard input (out of `ps`)."
    ),
    json: bool = JSON_OPTION,
) -> None:
    """Change one setting for this profile. A database URL's password goes to the keyring.

    Example: blogster config set timezone Europe/Berlin
    """
    import sys

    from blogster_cli.config import setting_name
    from blogster_cli.services import settings
    from blogster_cli.url_secrets import without_password

    if value == "-":
        value = sys.stdin.readline().strip()
    written = settings.change(OPTIONS.profile, key, value or None)
    if json:  # the value the file now holds, keyed as `config get --json` keys it (a URL's password as ***)
        output.print_json({setting_name(key): None if written is None else without_password(written)})
        return
    moved = setting_name(key) == "database_url" and written != (value or None)
    kept = " (its password in the keyring)" if moved else ""
    output.message(f"{key} = {without_password(written or '')!r}{kept} (profile {OPTIONS.profile!r})")
