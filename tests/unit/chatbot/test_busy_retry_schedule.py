"""Red team F2 (h336): a reply whose conversation its account held was run again every minute for an
hour (60 retries): an account sending at its limit into conversations it held kept ~1,200 replies
cycling, some 20 job runs a second, and other accounts' replies slowed. Now the retries spread out
to every five minutes after the first few, still for about an hour."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any, cast
from uuid import uuid4

import procrastinate
import procrastinate.testing
import pytest
from procrastinate.jobs import Job

from blogster_cli.services.chatbot_replies import ConversationBusy
from blogster_cli.workers import chatbot

OLD_BUSY_RETRIES = 60
EXPECTED = [1, 2, 4, 8, 16, 32, 64, 128, 256] + [300] * 10  # seconds before retries 1..19


def _retry_in(attempts: int, exception: BaseException) -> int | None:
    """What the registered reply task decides after a run that raised `exception`."""
    app = procrastinate.App(connector=procrastinate.testing.InMemoryConnector())
    chatbot.register(app, cast(Any, SimpleNamespace()))
    strategy = app.tasks[chatbot.TASK_NAME].retry_strategy
    assert strategy is not None
    job = Job(id=1, queue=chatbot.QUEUE, lock=None, queueing_lock=None, task_name=chatbot.TASK_NAME, attempts=attempts)
    before = datetime.now(UTC)
    decision = strategy.get_retry_decision(exception=exception, job=job)
    if decision is None:
        return None
    assert decision.retry_at is not None
    return round((decision.retry_at - before).total_seconds())


def test_busy_replies_back_off_to_five_minutes_for_about_an_hour(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(chatbot.AI_FALLBACK_ENV, raising=False)
    busy = ConversationBusy(uuid4())
    waits = [_retry_in(attempts, busy) for attempts in range(OLD_BUSY_RETRIES)]
    assert waits == EXPECTED + [None] * (OLD_BUSY_RETRIES - len(EXPECTED))
    total = sum(wait for wait in waits if wait is not None)
    assert total == 3511  # 58.5 minutes, 20 runs
    assert 55 * 60 <= total <= 65 * 60
    assert waits.count(chatbot.BUSY_WAIT_MAX_S) == 10


def test_other_failures_keep_their_three_attempts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(chatbot.AI_FALLBACK_ENV, raising=False)
    assert [_retry_in(attempts, RuntimeError("provider down")) for attempts in range(4)] == [2, 4, 8, None]
