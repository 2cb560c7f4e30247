"""Periodic job `notification_cleanup`: expired notifications go, hourly (also `workers run`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import procrastinate

    from blogster_cli.context import AppContext

TASK_NAME = "notification_cleanup"
QUEUE = "maintenance"
CRON = "17 * * * *"


def register(app: procrastinate.App, context: AppContext) -> None:
    from blogster_cli.services import notifications

    # queueing_lock: at most one waiting cleanup, however many workers defer it.
    @app.periodic(cron=CRON, periodic_id=TASK_NAME)
    @app.task(name=TASK_NAME, queue=QUEUE, queueing_lock=TASK_NAME)
    def notification_cleanup(timestamp: int) -> None:
        notifications.clean_expired(context.database)
