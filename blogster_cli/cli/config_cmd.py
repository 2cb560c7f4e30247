"""blogster config: settings per profile, in the TOML config file."""

from __future__ import annotations

import typer

from blogster_cli.cli import output
from blogster_cli.cli.commands import command_group
from blogster_cli.cli.state import JSON_OPTION, OPTIONS

app = command_group("config")


@app.command("list")
def list_settings(json: bool = JSON_OPTION) -> None:
    """Show every setting with its current value for this profile.

    Example: blogster config list --json
    """
    from dataclasses import asdict

    from blogster_cli.config import config_path, load_settings

    settings = asdict(load_settings(OPTIONS.profile))
    if json:
        output.print_json(settings)
    else:
        output.print_record(settings)
        output.message(f"(profile {OPTIONS.profile!r}, file {config_path()})")


@app.command()
def get(key: str = typer.Argument(..., help="Setting name, e.g. timezone.")) -> None:
    """Print one setting's value.

    Example: blogster config get timezone
    """
    from blogster_cli.config import Settings, load_settings
    from blogster_cli.errors import ConfigError

    if key not in Settings.keys():
        raise ConfigError(f"unknown setting {key!r}; known: {', '.join(Settings.keys())}")
    value = getattr(load_settings(OPTIONS.profile), key)
    output.print_lines(["" if value is None else str(value)])


@app.command("set")
def set_setting(
    key: str = typer.Argument(..., help="Setting name."),
    value: str = typer.Argument(..., help="New value; an empty string removes the setting."),
) -> None:
    """Change one setting for this profile.

    Example: blogster config set timezone Europe/Berlin
    """
    from blogster_cli.config import write_setting

    if key == "timezone" and value:
        _check_timezone(value)
    write_setting(OPTIONS.profile, key, value or None)
    output.message(f"{key} = {value!r} (profile {OPTIONS.profile!r})")


def _check_timezone(name: str) -> None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from blogster_cli.errors import InvalidInput

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(f"unknown timezone {name!r} (use an IANA name like Europe/Berlin)") from None
