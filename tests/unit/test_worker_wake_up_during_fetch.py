"""A chatbot reply waited 2 s, the workers' poll, in half of CI's benchmark runs (3 of 20 replies
under load here): nothing woke the worker when a conversation's reply job ended, so the next one,
skipped while its lock was held, waited for the poll (`WakeUpOnlyJobManager.finish_job`); and
procrastinate's worker clears its wake-up after each fetch, so a NOTIFY heard during a fetch that
found nothing is forgotten (`fetch_job` fetches again). No database: the stock fetch and finish and
the listener's connector are stand-ins."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from procrastinate import manager
from procrastinate.jobs import Job, Status

from blogster_cli.workers.listener import WAKE_UP, WakeUpOnlyJobManager


class Listening:
    """A connector whose LISTEN hands its callback to the test (the notifications come from it)."""

    def __init__(self) -> None:
        self.notify: Any = None

    async def listen_notify(self, *, on_notification: Any, channels: Any) -> None:
        self.notify = on_notification


def fetching(monkeypatch, connector: Listening, rows: list[Any], *, wake_up_during: set[int]) -> list[int]:
    """The stock fetch returns `rows` in turn; during the fetches numbered in `wake_up_during` a job's
    NOTIFY arrives. Returns the fetch numbers, as they ran."""
    ran: list[int] = []

    async def fetch_job(self, queues, worker_id):
        ran.append(len(ran))
        if ran[-1] in wake_up_during:
            await connector.notify("procrastinate_any_queue_v1", '{"type": "job_inserted"}')
        await asyncio.sleep(0)
        return rows[ran[-1]]

    monkeypatch.setattr(manager.JobManager, "fetch_job", fetch_job)
    return ran


@pytest.mark.parametrize(("wake_ups", "rows", "fetches", "found"), [
    (set(), [None], 1, None),  # nothing announced: one fetch, as procrastinate does
    ({0}, [None, "job"], 2, "job"),  # announced while the first found nothing: fetched again
    ({0, 1}, [None, None, "job"], 3, "job"),  # announced again during the second
    ({0}, ["job"], 1, "job"),  # a job found: no second fetch
])  # fmt: skip
def test_a_wake_up_heard_during_a_fetch_that_found_nothing_fetches_again(monkeypatch, wake_ups, rows, fetches, found):
    connector = Listening()
    jobs = WakeUpOnlyJobManager(connector)  # type: ignore[arg-type]
    heard: list[Any] = []

    async def on_notification(*, channel: str, notification: Any) -> None:
        heard.append(notification)

    async def run() -> Any:
        await jobs.listen_for_jobs(on_notification=on_notification, queues=["chatbot"])
        ran = fetching(monkeypatch, connector, rows, wake_up_during=wake_ups)
        job = await jobs.fetch_job(queues=["chatbot"], worker_id=1)
        return job, ran

    job, ran = asyncio.run(run())
    assert (job, len(ran)) == (found, fetches)
    assert heard == [WAKE_UP] * len(wake_ups & set(range(fetches)))  # the worker still hears each one


@pytest.mark.parametrize(("lock", "wakes"), [("conversation-1", True), (None, False)])
def test_a_job_that_held_a_lock_wakes_the_worker_when_it_ends(monkeypatch, lock, wakes):
    connector = Listening()
    jobs = WakeUpOnlyJobManager(connector)  # type: ignore[arg-type]
    heard: list[Any] = []
    finished: list[int] = []

    async def on_notification(*, channel: str, notification: Any) -> None:
        heard.append((len(finished), notification))  # after the stock finish: the lock is free then

    async def finish_job(self, job, status, delete_job):
        finished.append(job.id)

    monkeypatch.setattr(manager.JobManager, "finish_job", finish_job)
    job = Job(id=7, queue="chatbot", lock=lock, queueing_lock=None, task_name="reply", task_kwargs={})

    async def run() -> None:
        await jobs.listen_for_jobs(on_notification=on_notification, queues=["chatbot"])
        await jobs.finish_job(job, Status.SUCCEEDED, delete_job=True)

    asyncio.run(run())
    assert finished == [7] and heard == ([(1, WAKE_UP)] if wakes else [])
