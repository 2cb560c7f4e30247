"""The procrastinate App: where the queue lives and which job kinds this worker knows."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import procrastinate

    from blogster_cli.context import AppContext

# procrastinate's SQL names its objects unqualified; they live in schema procrastinate (0030).
QUEUE_SEARCH_PATH = "-c search_path=procrastinate,pg_catalog"


def queue_conninfo(context: AppContext) -> str:
    """The bookkeeping login: BLOGSTER_WORKER_DATABASE_URL (a service_role login), else the administrative one."""
    return os.environ.get("BLOGSTER_WORKER_DATABASE_URL") or context.database.conninfo


def build_app(context: AppContext, *, pool_size: int) -> procrastinate.App:
    from procrastinate import App, PsycopgConnector

    from blogster_cli.workers import chatbot, notification_cleanup, notification_email, scheduled
    from blogster_cli.workers.listener import WakeUpOnlyJobManager

    connector = PsycopgConnector(
        conninfo=queue_conninfo(context),
        kwargs={"options": QUEUE_SEARCH_PATH},
        min_size=1,
        max_size=pool_size,
    )
    app = App(connector=connector)
    app.job_manager = WakeUpOnlyJobManager(connector)  # before any task is registered: tasks keep it
    notification_email.register(app, context)
    notification_cleanup.register(app, context)
    scheduled.register(app, context)
    chatbot.register(app, context)
    return app
