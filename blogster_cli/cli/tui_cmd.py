"""blogster tui."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from blogster_cli.ai.provider import ProviderConfig


def tui() -> None:
    """Open the dashboard and writing studio in the terminal (F1 for help, Ctrl+P for every action).

    It acts as the logged-in account, like every other command; NO_COLOR is respected.

    Example: blogster tui
    """
    from blogster_cli.cli.state import acting_user, app_context
    from blogster_cli.errors import InvalidInput

    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise InvalidInput("blogster tui needs a terminal; the other commands work without one")
    acting = acting_user()
    ctx = app_context()
    zone = ctx.tzinfo  # an unknown timezone is a config error before the screen opens

    from blogster_cli.tui import launch

    def provider() -> ProviderConfig:
        """Resolved when a generation first asks (imported then too: the first paint does without it)."""
        from blogster_cli.services.ai_settings import provider_config

        return provider_config(ctx)

    launch.run(acting, zone=zone, provider=provider)
