"""blogster tui."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from blogster_cli.ai.provider import ProviderConfig


def on_a_terminal() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


def tui() -> None:
    """Open the dashboard and writing studio in the terminal (F1 for help, Ctrl+P for every action).

    It acts as the logged-in account, like every other command; NO_COLOR is respected.

    Example: blogster tui
    """
    from blogster_cli.errors import InvalidInput

    if not on_a_terminal():
        raise InvalidInput("blogster tui needs a terminal; the other commands work without one")
    studio()


def studio(**options: Any) -> None:
    """What `blogster tui` runs on a terminal (bench/bench_tui.py runs it headless through `options`).

    The cheap checks come first, as errors before the screen opens: the profile's
    settings and its timezone. Who is acting (the keyring, the database) is resolved
    by the app after its first frame; if that fails, the app closes and the error
    reaches the CLI's handler as it would from any command (same line, same exit code).
    """
    from blogster_cli.cli.state import acting_user, app_context

    ctx = app_context()
    zone = ctx.tzinfo  # an unknown timezone is a config error before the screen opens

    from blogster_cli.tui import launch

    def provider() -> ProviderConfig:
        """Resolved when a generation first asks (imported then too: the first paint does without it)."""
        from blogster_cli.services.ai_settings import provider_config

        return provider_config(ctx)

    launch.run(acting_user, zone=zone, provider=provider, apart=True, **options)
