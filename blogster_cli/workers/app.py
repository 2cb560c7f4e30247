"""The procrastinate App: where the queue lives and which job kinds this worker knows."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import procrastinate

    from blogster_cli.context import AppContext

# procrastinate's SQL names its objects unqualified; they live in schema procrastinate (0030).
QUEUE_SEARCH_PATH = "-c search_path=procrastinate,pg_catalog"
# How long the queue's bookkeeping waits for a pooled connection (the library's default is 30 s):
# short, so a worker that lost the database stops within seconds, and the runner starts it
# again on a new pool once the database is back (runner.serve).
POOL_WAIT_S = 5.0


def worker_context(context: AppContext) -> AppContext:
    """Where every database call of this worker goes: the worker login (BLOGSTER_WORKER_DATABASE_URL,
    made by `admin workers add`) when set, else the administrative login. The queue's bookkeeping
    switches to service_role and each job's work to its account's role, on that one login."""
    from blogster_cli.context import AppContext

    worker_url = os.environ.get("BLOGSTER_WORKER_DATABASE_URL")
    return AppContext(profile=context.profile, database_url=worker_url) if worker_url else context


def build_app(context: AppContext, *, pool_size: int) -> procrastinate.App:
    from procrastinate import App, PsycopgConnector

    from blogster_cli.workers import chatbot, distribution, notification_cleanup, notification_email, scheduled
    from blogster_cli.workers.listener import WakeUpOnlyJobManager

    connector = PsycopgConnector(
        conninfo=context.database.conninfo,
        kwargs={"options": QUEUE_SEARCH_PATH},
        min_size=1,
        max_size=pool_size,
        timeout=POOL_WAIT_S,
    )
    app = App(connector=connector)
    app.job_manager = WakeUpOnlyJobManager(connector)  # before any task is registered: tasks keep it
    notification_email.register(app, context)
    notification_cleanup.register(app, context)
    scheduled.register(app, context)
    chatbot.register(app, context)
    distribution.register(app, context)
    return app
