"""Starting the studio: the frame paints first, then who is acting is resolved.

Resolving the user costs more than Textual's own start (the keyring backend, the
database driver, a query), so `run` hands the app a `sign_in` call instead of a user:
the app runs it in a worker once its first frame is on the screen (app.py). If it
fails, the app closes and `run` raises that error, so `blogster tui` reports it as
the one line and exit code of any other command. This module imports Textual only
inside `run`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import tzinfo

    from blogster_cli.actors import ActingUser
    from blogster_cli.ai.provider import ProviderConfig


def run(
    sign_in: Callable[[], ActingUser],
    *,
    zone: tzinfo,
    provider: Callable[[], ProviderConfig] | None = None,
    **options: Any,
) -> None:
    """Opens the studio as whoever `sign_in` resolves, showing times in `zone` (`AppContext.tzinfo`); `provider` gives the AI provider when a generation
    first needs it; `options` go to Textual's App.run (headless, auto_pilot...)."""
    import gc

    from blogster_cli.tui.app import BlogsterApp, no_provider

    # Everything imported so far lives as long as the process: out of the collector's sight,
    # the collections that Textual's start-up triggers do not walk it again (a full one cost
    # ~15 ms of CPU before the first frame). Later garbage is collected as usual.
    gc.freeze()
    app = BlogsterApp(sign_in=sign_in, zone=zone, provider=provider or no_provider)
    app.run(**options)
    if app.sign_in_error is not None:
        raise app.sign_in_error
