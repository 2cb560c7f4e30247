"""blogster profile: your public profile."""

from __future__ import annotations

import typer

from blogster_cli.cli import output
from blogster_cli.cli.commands import command_group
from blogster_cli.cli.state import JSON_OPTION, acting_user

app = command_group("profile")


@app.command()
def show(json: bool = JSON_OPTION) -> None:
    """Show your profile.

    Example: blogster profile show --json
    """
    from blogster_cli.services import profiles

    profile = profiles.get_profile(acting_user())
    output.print_json(profile) if json else output.print_record(profile)


@app.command()
def update(
    username: str | None = typer.Option(None, "--username", help="Unique public name, 3-40 characters."),
    full_name: str | None = typer.Option(None, "--full-name"),
    website: str | None = typer.Option(None, "--website", help="An http(s) URL."),
    company: str | None = typer.Option(None, "--company"),
    bio: str | None = typer.Option(None, "--bio"),
    avatar_url: str | None = typer.Option(None, "--avatar-url", help="An http(s) URL."),
    json: bool = JSON_OPTION,
) -> None:
    """Change profile fields; pass an empty string to clear one.

    Example: blogster profile update --username ada --website https://ada.dev
    """
    from blogster_cli.services import profiles

    changes = {
        "username": username,
        "full_name": full_name,
        "website": website,
        "company": company,
        "bio": bio,
        "avatar_url": avatar_url,
    }
    profile = profiles.update_profile(acting_user(), changes={k: v for k, v in changes.items() if v is not None})
    output.print_json(profile) if json else output.print_record(profile)
