"""Starting the studio: the dashboard's figures are read while Textual loads.

Importing Textual and building the first screen take about as long as reading the
figures of a large account, so the read starts first, in a thread of its own (the
query waits on the server, not on Python), and the dashboard picks its result up.
`run` is what `blogster tui` calls; this module imports Textual only inside it.
"""

from __future__ import annotations

import threading
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any

from blogster_cli.services import dashboard

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import tzinfo

    from blogster_cli.actors import ActingUser
    from blogster_cli.ai.provider import ProviderConfig
    from blogster_cli.services.dashboard import Dashboard


def read_figures_early(acting: ActingUser) -> Future[Dashboard]:
    """dashboard.summary in a daemon thread; its connection is closed when it is done."""
    future: Future[Dashboard] = Future()

    def read() -> None:
        try:
            future.set_result(dashboard.summary(acting))
        except BaseException as exc:  # handed to the dashboard, which shows it as a notification
            future.set_exception(exc)
        finally:
            acting.db.close()

    threading.Thread(target=read, name="blogster-figures", daemon=True).start()
    return future


def run(
    acting: ActingUser, *, zone: tzinfo, provider: Callable[[], ProviderConfig] | None = None, **options: Any
) -> None:
    """Opens the studio for `acting`, showing times in `zone` (`AppContext.tzinfo`); `provider` gives the AI provider when a generation first needs it;
    `options` go to Textual's App.run (headless, auto_pilot...)."""
    figures = read_figures_early(acting)
    from blogster_cli.tui.app import BlogsterApp

    extra = {} if provider is None else {"provider": provider}
    BlogsterApp(acting, zone=zone, figures=figures, **extra).run(**options)
