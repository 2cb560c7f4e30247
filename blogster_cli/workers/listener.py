"""procrastinate's job manager with a listener that trusts no notification payload.

Any database role may NOTIFY procrastinate's channels (PostgreSQL has no privilege for
it), so a payload is an account's word: stock procrastinate aborts the job it names and
stops the worker when the payload is not the JSON it expects. Here every notification
is a wake-up and nothing more; abort requests are read from the jobs table, which only
service_role reaches (the worker polls it every few seconds while jobs run).

procrastinate 3.10's worker clears its wake-up after each fetch, so a job inserted while a fetch
ran (its NOTIFY heard then, its row committed after the fetch's snapshot) waited for the next poll:
a chatbot reply took 2 s instead of 30 ms in half of CI's benchmark runs, each message sent the
moment the previous reply landed. Here a fetch that found nothing while a wake-up came fetches again.
Nor does anything wake the worker when a job holding a lock ends (a conversation's reply: 0164), so
the next job of that lock, skipped while it ran, waited for the poll too: its end is a wake-up here.

`serve-workers --once` (on_drained) runs until nothing it could run is left: procrastinate's
`wait=False` stops the worker at the first fetch that finds nothing, while a conversation's next
reply waits for the lock its running reply holds (t541: one reply per conversation a run), and
then cuts off what still runs after the grace period. Here the worker waits as a served one does,
each job's end is a wake-up, and the run is drained at a fetch that finds nothing while none of
the jobs it fetched runs: no lock of its own holds anything back then. A retry scheduled later is
not due: a job that keeps failing does not keep the run going.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable

from procrastinate import jobs, manager
from procrastinate.connector import BaseConnector

WAKE_UP: jobs.Notification = {"type": "job_inserted", "job_id": 0}


class WakeUpOnlyJobManager(manager.JobManager):
    def __init__(self, connector: BaseConnector) -> None:
        super().__init__(connector)
        self.wake_ups = 0
        """How many notifications this process's worker has heard."""
        self._on_notification: manager.NotificationCallback | None = None
        self.on_drained: Callable[[], None] | None = None
        """Called (--once) at a fetch that found nothing while none of the jobs fetched runs."""
        self._running: set[int | None] = set()  # the ids of the jobs this process fetched and has not ended
        self._fetching = 0  # fetches under way (with --concurrency, one may be taking a job as another finds none)

    async def listen_for_jobs(
        self, *, on_notification: manager.NotificationCallback, queues: Iterable[str] | None = None
    ) -> None:
        async def wake_up(channel: str, payload: str) -> None:
            self.wake_ups += 1
            await on_notification(channel=channel, notification=WAKE_UP)

        self._on_notification = on_notification

        await self.connector.listen_notify(
            on_notification=wake_up, channels=manager.get_channel_for_queues(queues=queues)
        )

    async def fetch_job(self, queues: Iterable[str] | None, worker_id: int) -> jobs.Job | None:
        """A job to run, fetched again while a wake-up came during a fetch that found none (the
        worker would forget it: module docstring). Each round needs a new wake-up: a flood of them
        costs what it would without this, one fetch each."""
        while True:
            heard = self.wake_ups
            self._fetching += 1
            try:
                job = await super().fetch_job(queues=queues, worker_id=worker_id)
            finally:
                self._fetching -= 1
            if job is not None:
                self._running.add(job.id)
                return job
            if self.wake_ups == heard:
                # drained: no job of this run runs, and no other fetch of it may be taking one
                if not self._running and not self._fetching and self.on_drained is not None:
                    self.on_drained()
                return None

    async def finish_job(self, job: jobs.Job, status: jobs.Status, delete_job: bool) -> None:
        """Ends `job`; one that held a lock wakes the worker: the lock's next job may wait (module docstring)."""
        try:
            await super().finish_job(job, status, delete_job)
        finally:
            await self._ended(job)

    async def retry_job(
        self,
        job: jobs.Job,
        retry_at: datetime.datetime | None = None,
        priority: int | None = None,
        queue: str | None = None,
        lock: str | None = None,
    ) -> None:
        """Puts `job` back in the queue (a failure's retry; a stalled job's recovery): as finish_job."""
        try:
            await super().retry_job(job, retry_at=retry_at, priority=priority, queue=queue, lock=lock)
        finally:
            await self._ended(job)

    async def _ended(self, job: jobs.Job) -> None:
        """The worker wakes up after a job that held a lock, and after any job in a --once run (the
        fetch that finds nothing then says it is drained)."""
        fetched = job.id in self._running
        self._running.discard(job.id)
        if self._on_notification is not None and (job.lock is not None or (fetched and self.on_drained is not None)):
            self.wake_ups += 1
            await self._on_notification(channel="", notification=WAKE_UP)
