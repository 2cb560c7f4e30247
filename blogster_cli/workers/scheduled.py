"""Periodic jobs: `publish_due`, `end_idle_chats` and `reopen_logins` (every minute),
`refresh_analytics` (hourly), `ensure_partitions`, `refresh_freshness` and `refill_credits`
(daily; the refill happens once a month).

Each also runs once from cron: `blogster workers publish-due | end-idle-chats | reopen-logins |
refresh-analytics | ensure-partitions | refresh-freshness | refill-credits`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import procrastinate

    from blogster_cli.context import AppContext

QUEUE = "maintenance"
PUBLISH_DUE = "publish_due"
PUBLISH_DUE_CRON = "* * * * *"
ENSURE_PARTITIONS = "ensure_partitions"
ENSURE_PARTITIONS_CRON = "7 3 * * *"
END_IDLE_CHATS = "end_idle_chats"
END_IDLE_CHATS_CRON = "* * * * *"
REOPEN_LOGINS = "reopen_logins"
REOPEN_LOGINS_CRON = "* * * * *"
REFRESH_ANALYTICS = "refresh_analytics"
REFRESH_ANALYTICS_CRON = "41 * * * *"
REFRESH_FRESHNESS = "refresh_freshness"
REFRESH_FRESHNESS_CRON = "53 4 * * *"
REFILL_CREDITS = "refill_credits"
# Daily, not on the 1st only: a month whose 1st the workers missed is refilled the next day.
REFILL_CREDITS_CRON = "23 0 * * *"


def register(app: procrastinate.App, context: AppContext) -> None:
    from blogster_cli.services import accounts, analytics_reports, due_work, scheduled_jobs

    # queueing_lock: at most one waiting run of each, however many workers defer it.
    @app.periodic(cron=PUBLISH_DUE_CRON, periodic_id=PUBLISH_DUE)
    @app.task(name=PUBLISH_DUE, queue=QUEUE, queueing_lock=PUBLISH_DUE)
    def publish_due(timestamp: int) -> None:
        due_work.publish_due_for_every_author(context.database, timeouts=context.timeouts)

    @app.periodic(cron=ENSURE_PARTITIONS_CRON, periodic_id=ENSURE_PARTITIONS)
    @app.task(name=ENSURE_PARTITIONS, queue=QUEUE, queueing_lock=ENSURE_PARTITIONS)
    def ensure_partitions(timestamp: int) -> None:
        scheduled_jobs.ensure_partitions(context.database)

    @app.periodic(cron=END_IDLE_CHATS_CRON, periodic_id=END_IDLE_CHATS)
    @app.task(name=END_IDLE_CHATS, queue=QUEUE, queueing_lock=END_IDLE_CHATS)
    def end_idle_chats(timestamp: int) -> None:
        scheduled_jobs.end_idle_chats(context.database)

    # On a worker login, which may not give a role LOGIN, it does nothing: the administrator's cron does.
    @app.periodic(cron=REOPEN_LOGINS_CRON, periodic_id=REOPEN_LOGINS)
    @app.task(name=REOPEN_LOGINS, queue=QUEUE, queueing_lock=REOPEN_LOGINS)
    def reopen_logins(timestamp: int) -> None:
        accounts.reopen_ended_bans(context.database, where_allowed=True)

    @app.periodic(cron=REFRESH_ANALYTICS_CRON, periodic_id=REFRESH_ANALYTICS)
    @app.task(name=REFRESH_ANALYTICS, queue=QUEUE, queueing_lock=REFRESH_ANALYTICS)
    def refresh_analytics(timestamp: int) -> None:
        scheduled_jobs.refresh_analytics(context.database)

    @app.periodic(cron=REFRESH_FRESHNESS_CRON, periodic_id=REFRESH_FRESHNESS)
    @app.task(name=REFRESH_FRESHNESS, queue=QUEUE, queueing_lock=REFRESH_FRESHNESS)
    def refresh_freshness(timestamp: int) -> None:
        analytics_reports.freshness_for_every_author(context.database, timeouts=context.timeouts)

    @app.periodic(cron=REFILL_CREDITS_CRON, periodic_id=REFILL_CREDITS)
    @app.task(name=REFILL_CREDITS, queue=QUEUE, queueing_lock=REFILL_CREDITS)
    def refill_credits(timestamp: int) -> None:
        scheduled_jobs.refill_credits(context.database, timeouts=context.timeouts)
