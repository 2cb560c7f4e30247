"""`serve-workers --once` answers every message queued in a conversation, in order, in one run (t541:
it stopped at the first fetch that found nothing, while the conversation's next reply waited for
the lock its running reply held: one reply per conversation a run, the rest left due; the model
trained again at each run). It trains once, and still stops: when what is left is a retry due later,
and at SIGTERM."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from blogster_cli.actors import ActingUser
from blogster_cli.services import chat, chatbot
from tests.workers.test_chatbot_worker import worker_alive
from tests.workers.test_serve_workers import wait_for

STARTER = Path(__file__).resolve().parents[2] / "examples" / "chatbot" / "intents.yaml"
QUESTIONS = ["hello there", "how do I schedule a post for friday?", "yes please", "how much does it cost"]


def _queued_jobs(superuser) -> int:
    return superuser.execute(
        "select count(*) from procrastinate.procrastinate_jobs where task_name = 'process_chatbot_message'"
    ).fetchone()[0]


def test_once_answers_all_queued_messages_of_each_conversation_in_order(db, make_user, superuser, start_worker):
    chatbot.import_intents(ActingUser(db, make_user(admin=True)), path=STARTER)
    many, few = ActingUser(db, make_user()), ActingUser(db, make_user())
    sent = [(many, QUESTIONS * 2), (few, QUESTIONS[:3])]
    for user, questions in sent:  # no worker runs: all queued, one conversation each
        for question in questions:
            with pytest.raises(chat.NoWorker):
                chat.ask(user, text=question)
    assert _queued_jobs(superuser) == 11

    worker = start_worker("--once", "--queue", "chatbot", "--log-level", "info")
    _, stderr = worker.communicate(timeout=180)
    assert worker.returncode == 0, stderr
    assert _queued_jobs(superuser) == 0, stderr
    for user, questions in sent:
        messages = chat.history(user).messages
        assert [m.role for m in messages] == ["user", "assistant"] * len(questions), stderr
        assert [m.content for m in messages[::2]] == questions
        replies = messages[1::2]
        assert all(a.created_at < b.created_at for a, b in zip(replies, replies[1:], strict=False))
    assert stderr.count("chatbot trained on its") == 1, stderr  # one model for the run, not one a job
    assert "nothing due left that this run can run: stopping" in stderr


def test_once_stops_when_what_is_left_is_a_retry_due_later(db, make_user, superuser, start_worker):
    chatbot.import_intents(ActingUser(db, make_user(admin=True)), path=STARTER)
    user = ActingUser(db, make_user())
    for question in QUESTIONS[:2]:
        with pytest.raises(chat.NoWorker):
            chat.ask(user, text=question)
    # The conversation's first reply failed earlier and is retried in an hour: it holds the lock.
    superuser.execute(
        "update procrastinate.procrastinate_jobs set scheduled_at = now() + interval '1 hour', attempts = 1"
        " where id = (select min(id) from procrastinate.procrastinate_jobs"
        " where task_name = 'process_chatbot_message')"
    )
    worker = start_worker("--once", "--queue", "chatbot")
    _, stderr = worker.communicate(timeout=120)
    assert worker.returncode == 0, stderr
    assert _queued_jobs(superuser) == 2 and len(chat.history(user).messages) == 2


def test_once_still_stops_at_sigterm_with_exit_zero(db, make_user, superuser, start_worker):
    chatbot.import_intents(ActingUser(db, make_user(admin=True)), path=STARTER)
    user = ActingUser(db, make_user())
    for question in QUESTIONS * 3:
        with pytest.raises(chat.NoWorker):
            chat.ask(user, text=question)
    worker = start_worker("--once", "--queue", "chatbot")
    wait_for(lambda: worker_alive(superuser), timeout=60, what="the worker's first heartbeat")
    worker.send_signal(signal.SIGTERM)
    _, stderr = worker.communicate(timeout=30)
    assert worker.returncode == 0, stderr
    assert "received SIGTERM: stopping" in stderr
