"""blogster platforms list | connect | disconnect: tokens for cross-posting, kept in the keyring."""

from __future__ import annotations

import sys

import typer

from blogster_cli.cli import ask, output
from blogster_cli.cli.commands import command_group
from blogster_cli.cli.listing import FORMAT_OPTION, LIMIT_OPTION, show_list
from blogster_cli.cli.state import JSON_OPTION, app_context

app = command_group("platforms")


def _read_token(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().strip()
    return ask.secret("Token", instead="pipe it in with --token-stdin")


@app.command("list")
def list_platforms(fmt: str | None = FORMAT_OPTION, limit: int | None = LIMIT_OPTION, json: bool = JSON_OPTION) -> None:
    """Each platform's URL and where its token comes from (environment, keyring,
    credentials_file where there is no OS keyring, or none; never the token).

    Example: blogster platforms list
    """
    from blogster_cli.services import platform_accounts

    rows = [output.to_plain(r) for r in platform_accounts.list_platforms(app_context())]
    show_list(rows, ["platform", "token", "base_url"], fmt=fmt, json=json, limit=limit, id_key="platform")


@app.command("connect")
def connect(
    platform: str = typer.Argument(..., help="devto, hashnode or wordpress."),
    token_stdin: bool = typer.Option(False, "--token-stdin", help="Read the token from standard input."),
    json: bool = JSON_OPTION,
) -> None:
    """Store a platform's API token in the keyring (WordPress: 'user:application-password').

    BLOGSTER_<PLATFORM>_TOKEN (e.g. BLOGSTER_DEVTO_TOKEN) overrides it, for cron.
    Medium is not offered: it no longer issues API integration tokens to new users.

    Example: echo "$DEVTO_KEY" | blogster platforms connect devto --token-stdin
    """
    from blogster_cli.services import platform_accounts

    status = platform_accounts.connect(app_context(), platform=platform, token=_read_token(token_stdin))
    output.print_json(status) if json else output.message(
        f"{status.platform}: token stored ({status.token.replace('_', ' ')})"
    )


@app.command("disconnect")
def disconnect(
    platform: str = typer.Argument(..., help="devto, hashnode or wordpress."), json: bool = JSON_OPTION
) -> None:
    """Forget a platform's stored token.

    Example: blogster platforms disconnect devto
    """
    from blogster_cli.services import platform_accounts

    status = platform_accounts.disconnect(app_context(), platform=platform)
    output.print_json(status) if json else output.message(f"{status.platform}: token removed")
