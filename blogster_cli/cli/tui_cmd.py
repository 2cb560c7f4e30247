"""blogster tui."""

from __future__ import annotations

import sys


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
    ctx.tzinfo  # noqa: B018 - an unknown timezone is a config error before the screen opens
    timezone = ctx.settings.timezone

    from blogster_cli.tui import launch

    launch.run(acting, timezone=timezone)
