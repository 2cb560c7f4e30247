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


def a_job(job_id: int = 7, lock: str | None = None) -> Job:
    return Job(id=job_id, queue="chatbot", lock=lock, queueing_lock=None, task_name="reply", task_kwargs={})


JOB = a_job()


@pytest.mark.parametrize(("wake_ups", "rows", "fetches", "found"), [
    (set(), [None], 1, None),  # nothing announced: one fetch, as procrastinate does
    ({0}, [None, JOB], 2, JOB),  # announced while the first found nothing: fetched again
    ({0, 1}, [None, None, JOB], 3, JOB),  # announced again during the second
    ({0}, [JOB], 1, JOB),  # a job found: no second fetch
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
    job = a_job(lock=lock)

    async def run() -> None:
        await jobs.listen_for_jobs(on_notification=on_notification, queues=["chatbot"])
        await jobs.finish_job(job, Status.SUCCEEDED, delete_job=True)

    asyncio.run(run())
    assert finished == [7] and heard == ([(1, WAKE_UP)] if wakes else [])


def test_once_is_drained_at_a_fetch_that_finds_nothing_while_none_of_its_jobs_runs(monkeypatch):
    """t541: `serve-workers --once` stopped at the first fetch that found nothing, the conversation's
    next reply held back by the lock of the reply still running. Drained only once none runs; each
    end (with or without a lock, failed and retried later too) wakes the worker to fetch again."""
    connector = Listening()
    jobs = WakeUpOnlyJobManager(connector)  # type: ignore[arg-type]
    drained: list[int] = []
    jobs.on_drained = lambda: drained.append(len(ran))
    heard: list[Any] = []

    async def on_notification(*, channel: str, notification: Any) -> None:
        heard.append(notification)

    async def ended(self, job, *args, **kwargs):
        pass

    monkeypatch.setattr(manager.JobManager, "finish_job", ended)
    monkeypatch.setattr(manager.JobManager, "retry_job", ended)
    locked, plain = a_job(1, lock="conversation-1"), a_job(2)
    ran = fetching(monkeypatch, connector, [locked, plain, None, None, None, None], wake_up_during=set())

    async def run() -> None:
        await jobs.listen_for_jobs(on_notification=on_notification, queues=["chatbot"])
        assert await jobs.fetch_job(queues=["chatbot"], worker_id=1) == locked
        assert await jobs.fetch_job(queues=["chatbot"], worker_id=1) == plain
        assert await jobs.fetch_job(queues=["chatbot"], worker_id=1) is None  # both running: not drained
        await jobs.retry_job(locked)  # failed, retried later
        assert await jobs.fetch_job(queues=["chatbot"], worker_id=1) is None  # `plain` still runs
        await jobs.finish_job(plain, Status.SUCCEEDED, delete_job=True)
        assert await jobs.fetch_job(queues=["chatbot"], worker_id=1) is None
        await jobs.retry_job(a_job(3))  # a stalled job of another worker, handed back: not this run's
        assert await jobs.fetch_job(queues=["chatbot"], worker_id=1) is None

    asyncio.run(run())
    assert drained == [5, 6] and heard == [WAKE_UP, WAKE_UP]
