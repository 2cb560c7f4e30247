"""procrastinate's job manager with a listener that trusts no notification payload.

Any database role may NOTIFY procrastinate's channels (PostgreSQL has no privilege for
it), so a payload is an account's word: stock procrastinate aborts the job it names and
stops the worker when the payload is not the JSON it expects. Here every notification
is a wake-up and nothing more; abort requests are read from the jobs table, which only
service_role reaches (the worker polls it every few seconds while jobs run).
"""

from __future__ import annotations

from collections.abc import Iterable

from procrastinate import jobs, manager

WAKE_UP: jobs.Notification = {"type": "job_inserted", "job_id": 0}


class WakeUpOnlyJobManager(manager.JobManager):
    async def listen_for_jobs(
        self, *, on_notification: manager.NotificationCallback, queues: Iterable[str] | None = None
    ) -> None:
        async def wake_up(channel: str, payload: str) -> None:
            await on_notification(channel=channel, notification=WAKE_UP)

        await self.connector.listen_notify(
            on_notification=wake_up, channels=manager.get_channel_for_queues(queues=queues)
        )
