"""The worker learns changed intents on a background thread: replies never wait for a long
training (CLINC150's 15,000 phrases took minutes on the first message after an import, and
`chat ask` gave up after 15 s). Training is held back here by a gate, as a large set would."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from blogster_cli.actors import ActingUser
from blogster_cli.chatbot import replies
from blogster_cli.errors import NoWorker
from blogster_cli.services import chat, chatbot, chatbot_replies
from tests.integration.test_chatbot_replies import answer, say

# Python-bound (the classifier's training thread and the waits for it): the messages' SQL and triggers
# run on every server in the workers' chatbot tests. CI's second pass leaves it out.
pytestmark = pytest.mark.same_on_every_server

STARTER = Path(__file__).resolve().parents[2] / "examples" / "chatbot" / "intents.yaml"
HELD_FOR_S = 60.0  # an inline training would hold the reply this long
PROMPT_S = 10.0  # far below HELD_FOR_S, far above a reply's own time on a busy machine


@pytest.fixture
def gate(monkeypatch) -> threading.Event:
    """Training waits for this event (at most HELD_FOR_S), then trains as usual."""
    opened = threading.Event()
    train = chatbot_replies._train

    def held_back(rows):
        opened.wait(HELD_FOR_S)
        return train(rows)

    monkeypatch.setattr(chatbot_replies, "_train", held_back)
    yield opened
    opened.set()


@pytest.fixture
def admin(db, make_user) -> ActingUser:
    acting = ActingUser(db, make_user(admin=True))
    chatbot.import_intents(acting, path=STARTER)
    return acting


def timed(db, superuser, message) -> tuple[dict, float]:
    began = time.monotonic()
    reply = answer(db, superuser, message)
    return reply, time.monotonic() - began


def test_changed_intents_are_learnt_in_the_background_while_the_old_model_answers(
    db, superuser, make_user, admin, gate
):
    gate.set()
    assert chatbot_replies.wait_until_trained(db, wait_s=300)
    gate.clear()
    chatbot.add_intent(
        admin, name="quokka_care", phrases=["how do i look after a quokka", "what do quokkas eat", "quokka food"],
        responses=["Quokkas eat leaves."],
    )  # fmt: skip
    user = make_user()
    known, took = timed(db, superuser, say(db, user, "how do I schedule a post for friday?"))
    assert known["intent"] == "schedule_post" and took < PROMPT_S
    # What only the new intents know gets "still learning", not "not sure".
    new, took = timed(db, superuser, say(db, user, "what food do quokkas like"))
    assert new["intent"] is None and new["metadata"]["source"] == "learning" and took < PROMPT_S
    assert new["text"].startswith(replies.LEARNING_TEXT)
    assert not chatbot_replies.wait_until_trained(db, wait_s=0)
    gate.set()
    assert chatbot_replies.wait_until_trained(db, wait_s=300)
    assert answer(db, superuser, say(db, user, "what food do quokkas like"))["intent"] == "quokka_care"
    # An intent removed is no answer, even from a model that learnt it.
    gate.clear()
    chatbot.remove_intent(admin, name="schedule_post")
    gone, took = timed(db, superuser, say(db, user, "how do I schedule a post for friday?"))
    assert gone["intent"] != "schedule_post" and took < PROMPT_S


def test_a_worker_without_a_model_waits_briefly_then_says_it_is_still_learning(
    db, superuser, make_user, admin, gate, monkeypatch
):
    monkeypatch.setattr(chatbot_replies, "_training", chatbot_replies._Training())  # a worker just started
    monkeypatch.setattr(chatbot_replies, "WAIT_FOR_FIRST_MODEL_S", 1.0)
    user = make_user()
    message = say(db, user, "how do I schedule a post?")
    reply, took = timed(db, superuser, message)
    assert reply["intent"] is None and reply["metadata"]["source"] == "learning" and 1.0 <= took < PROMPT_S
    marked = superuser.execute("select metadata from chatbot_messages where id = %s", (message[1],)).fetchone()[0]
    assert marked == {"waiting_for": "training"}
    gate.set()
    assert chatbot_replies.wait_until_trained(db, wait_s=300)
    assert answer(db, superuser, say(db, user, "how do I schedule a post?"))["intent"] == "schedule_post"


def test_a_message_sent_before_the_worker_started_waits_for_its_first_model(
    db, superuser, make_user, admin, gate, monkeypatch
):
    """Nobody waits for it live (it was queued while no worker ran): a real answer is better."""
    user = make_user()
    message = say(db, user, "how do I schedule a post?")
    monkeypatch.setattr(chatbot_replies, "_training", chatbot_replies._Training())
    monkeypatch.setattr(chatbot_replies, "STARTED_AT", message[2].replace(year=message[2].year + 1))
    monkeypatch.setattr(chatbot_replies, "WAIT_FOR_FIRST_MODEL_S", 0.1)
    threading.Timer(2.0, gate.set).start()
    reply, took = timed(db, superuser, message)
    assert reply["intent"] == "schedule_post" and took >= 2.0


def test_a_stop_request_ends_the_wait_for_the_first_model(db, superuser, make_user, admin, gate, monkeypatch):
    monkeypatch.setattr(chatbot_replies, "_training", chatbot_replies._Training())
    user = make_user()
    conversation, message_id, created_at = say(db, user, "how do I schedule a post?")
    stop = threading.Event()
    threading.Timer(0.5, stop.set).start()
    began = time.monotonic()
    assert chatbot_replies.process_message(db, message_id=message_id, created_at=created_at, should_stop=stop.is_set)
    assert time.monotonic() - began < chatbot_replies.WAIT_FOR_FIRST_MODEL_S
    row = superuser.execute(
        "select metadata ->> 'source' from chatbot_messages where conversation_id = %s and role = 'assistant'",
        (conversation,),
    ).fetchone()
    assert row == ("learning",)


def test_chat_ask_that_gives_up_while_the_worker_learns_says_so(db, superuser, make_user, admin, gate, monkeypatch):
    monkeypatch.setattr(chatbot_replies, "_training", chatbot_replies._Training())
    superuser.execute("insert into procrastinate.procrastinate_workers (last_heartbeat) values (now())")
    user = ActingUser(db, make_user())
    done = threading.Event()

    def worker() -> None:  # answers the first user message, as a job would
        while not done.is_set():
            row = superuser_rows(db)
            if row is not None:
                chatbot_replies.process_message(db, message_id=row[0], created_at=row[1], should_stop=done.is_set)
                return
            time.sleep(0.05)

    thread = threading.Thread(target=worker)
    thread.start()
    try:
        with pytest.raises(NoWorker, match=r"no reply within 2 s: the worker is still learning the chatbot's intents"):
            chat.ask(user, text="how do I schedule a post?", wait_s=2)
    finally:
        done.set()
        thread.join(30)
    # Without the mark (a worker that is only busy) the message stays the usual one.
    with pytest.raises(NoWorker, match=r"no reply within 0.3 s: the workers may be busy"):
        chat.ask(user, text="hello", wait_s=0.3)


def superuser_rows(db) -> tuple | None:
    with db.connect() as conn:
        return conn.execute(
            "select id, created_at from chatbot_messages where role = 'user' order by created_at limit 1"
        ).fetchone()


def test_a_training_that_failed_fails_the_job_and_its_retry_trains_again(db, superuser, make_user, admin, monkeypatch):
    monkeypatch.setattr(chatbot_replies, "_training", chatbot_replies._Training())
    train = chatbot_replies._train
    failures = [MemoryError("out of memory")]

    def failing_once(rows):
        if failures:
            raise failures.pop()
        return train(rows)

    monkeypatch.setattr(chatbot_replies, "_train", failing_once)
    message = say(db, make_user(), "how do I schedule a post?")
    with pytest.raises(MemoryError, match="out of memory"):
        chatbot_replies.process_message(db, message_id=message[1], created_at=message[2])
    monkeypatch.setattr(chatbot_replies, "WAIT_FOR_FIRST_MODEL_S", 300.0)
    assert answer(db, superuser, message)["intent"] == "schedule_post"
