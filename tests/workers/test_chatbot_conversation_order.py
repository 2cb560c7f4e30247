"""One conversation's messages are answered one at a time, in the order sent, each with the context
the reply before it stored; different conversations still run at once (h306: messages queued while
no worker ran were answered together once one started, and "yes" got "I'm not sure what that
answers" because the reply it follows was not stored yet)."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from blogster_cli.actors import ActingUser
from blogster_cli.services import chat, chatbot
from tests.workers.test_chatbot_worker import worker_alive
from tests.workers.test_serve_workers import wait_for

STARTER = Path(__file__).resolve().parents[2] / "examples" / "chatbot" / "intents.yaml"
QUESTION, YES = "how do I schedule a post for friday?", "yes please"


def test_queued_messages_of_a_conversation_are_answered_in_order_with_the_context_before(
    db, make_user, superuser, start_worker
):
    chatbot.import_intents(ActingUser(db, make_user(admin=True)), path=STARTER)
    users = [ActingUser(db, make_user()) for _ in range(3)]
    for user in users:  # sent while no worker runs: all queued at once
        for text in (QUESTION, YES):
            with pytest.raises(chat.NoWorker):
                chat.ask(user, text=text)
    jobs = superuser.execute(
        "select lock from procrastinate.procrastinate_jobs where task_name = 'process_chatbot_message' order by id"
    ).fetchall()
    conversations = [str(chat.history(user).id) for user in users]
    assert [lock for (lock,) in jobs] == [f"chatbot_conversation:{c}" for c in conversations for _ in (QUESTION, YES)]

    worker = start_worker("--queue", "chatbot", "--concurrency", "6")
    wait_for(lambda: worker_alive(superuser), timeout=60, what="the worker's first heartbeat")
    for user in users:
        wait_for(lambda u=user: len(chat.history(u).messages) == 4, timeout=120, what="the replies")
        messages = chat.history(user).messages
        assert [(m.role, m.content if m.role == "user" else m.intent) for m in messages] == [
            ("user", QUESTION), ("assistant", "schedule_post"), ("user", YES), ("assistant", "schedule_timezone"),
        ]  # fmt: skip
        assert messages[1].created_at < messages[3].created_at  # answered in the order sent
    # Each job's span, from its reply: stored at created_at, after processing_ms of work (the queue
    # keeps no finished job). One conversation's second began after its first was stored; different
    # conversations were answered at the same time.
    spans = superuser.execute(
        "select conversation_id, created_at - make_interval(secs => (metadata ->> 'processing_ms')::float / 1000),"
        " created_at from chatbot_messages where role = 'assistant' order by created_at"
    ).fetchall()
    for conversation in conversations:
        first, second = [(began, stored) for other, began, stored in spans if str(other) == conversation]
        assert first[1] <= second[0]
    assert any(a[0] != b[0] and a[1] < b[2] and b[1] < a[2] for a in spans for b in spans), (
        "no two conversations were answered at the same time"
    )
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(timeout=30) == 0
