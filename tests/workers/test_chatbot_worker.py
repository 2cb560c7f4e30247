"""The chatbot answered by a real `blogster serve-workers` process on the test database."""

from __future__ import annotations

import signal
import threading
from pathlib import Path

import pytest

from blogster_cli.actors import ActingUser
from blogster_cli.services import chat, chatbot
from tests.workers.test_serve_workers import wait_for

STARTER = Path(__file__).resolve().parents[2] / "examples" / "chatbot" / "intents.yaml"


def worker_alive(superuser) -> bool:
    return superuser.execute("select public.chatbot_worker_alive()").fetchone()[0]


def test_conversations_through_a_real_worker(db, make_user, superuser, start_worker):
    admin = ActingUser(db, make_user(admin=True))
    chatbot.import_intents(admin, path=STARTER)
    user = ActingUser(db, make_user())

    with pytest.raises(chat.NoWorker, match="no worker is running"):
        chat.ask(user, text="hello there")
    worker = start_worker("--queue", "chatbot")
    wait_for(lambda: worker_alive(superuser), timeout=60, what="the worker's first heartbeat")
    # The message sent while no worker ran is answered once one does.
    wait_for(lambda: len(chat.history(user).messages) == 2, timeout=60, what="the waiting message's reply")
    assert chat.history(user).messages[1].intent == "greeting"

    scheduled = chat.ask(user, text="how do I schedule a post for friday?", wait_s=60)
    assert scheduled.intent == "schedule_post" and "blogster publish" in scheduled.answer
    follow = chat.ask(user, text="yes please", wait_s=30)
    assert follow.intent == "schedule_timezone" and follow.conversation_id == scheduled.conversation_id
    unknown = chat.ask(user, text="who won the football match", wait_s=30)
    assert unknown.out_of_scope and unknown.answer.startswith("I'm not sure")
    assert unknown.confidence is not None and unknown.confidence < 0.5

    ended = chat.end(user, satisfaction=5, feedback="<b>quick</b> answers")
    assert ended.status == "completed" and ended.satisfaction_score == 5
    assert superuser.execute("select feedback from chatbot_conversations where id = %s", (ended.id,)).fetchone() == (
        "quick answers",
    )
    (today,) = chatbot.analytics(admin, days=1)
    assert today.conversations == 1 and today.avg_response_ms is not None and today.avg_response_ms > 0
    assert {i["name"] for i in today.top_intents} >= {"greeting", "schedule_post", "schedule_timezone"}
    assert today.satisfaction["average_score"] == 5 and today.errors["assistant_messages"] == 4
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(timeout=30) == 0


def test_the_worker_logs_failures_only_unless_asked_for_more(db, make_user, superuser, start_worker):
    chatbot.import_intents(ActingUser(db, make_user(admin=True)), path=STARTER)
    user = ActingUser(db, make_user())
    for log_level, question in ((None, "hello there"), ("info", "how do I schedule a post?")):
        with pytest.raises(chat.NoWorker):
            chat.ask(user, text=question)
        worker = start_worker("--once", "--queue", "chatbot", *(("--log-level", log_level) if log_level else ()))
        _, stderr = worker.communicate(timeout=120)
        assert worker.returncode == 0, stderr
        answered = chat.history(user).messages
        assert answered[-2].content == question and answered[-1].role == "assistant"
        if log_level is None:  # the classifier's wordllama import must not turn INFO on either
            assert stderr == ""
        else:
            assert "Starting job process_chatbot_message" in stderr and " INFO " in stderr
    bad = start_worker("--once", "--log-level", "chatty")
    _, stderr = bad.communicate(timeout=60)
    assert bad.returncode == 2 and "chatty" in stderr


def test_a_running_worker_learns_changed_intents_before_the_next_message(db, make_user, superuser, start_worker):
    """h293 M6: a worker learnt changed intents only when the next message came, and answered it "I'm
    still learning": now the change queues a learn_chatbot_intents job (0158) that starts the training."""
    admin = ActingUser(db, make_user(admin=True))
    chatbot.import_intents(admin, path=STARTER)  # before the worker: it learns them as it starts
    worker = start_worker("--queue", "chatbot", "--log-level", "info")
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(iter(worker.stderr.readline, "")), daemon=True)
    reader.start()

    def trained_on(count: int) -> bool:
        return any(f"chatbot trained on its {count} intents" in line for line in list(lines))

    wait_for(lambda: trained_on(26), timeout=120, what="the worker learning the intents imported before it started")
    chatbot.add_intent(admin, name="quokka_care", phrases=["what do quokkas eat", "quokka food"], responses=["Leaves."])
    wait_for(lambda: trained_on(27), timeout=120, what="the worker learning the changed intents, with no message")
    assert superuser.execute("select count(*) from chatbot_messages").fetchone() == (0,)  # nobody asked anything
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(timeout=30) == 0
