"""A conversation's replies stored out of order or twice leave its context to the latest turn
(h315): the worker answers one conversation's messages in order (the 0164 job lock, see
tests/workers/test_chatbot_conversation_order.py), but a job queued before that migration, or a
failed one retried by hand, may still run after a later message's; and two runs of one job may
overlap (a stalled job recovered while its first run goes on)."""

from __future__ import annotations

import threading
import time

import pytest

from blogster_cli.actors import ActingUser
from blogster_cli.services import chatbot, chatbot_replies
from tests.integration.test_chatbot_replies import STARTER, say


@pytest.fixture
def bot(db, make_user, intents_learnt_once):
    """The starter intents, learnt, and a user to chat (as test_chatbot_replies has it)."""
    chatbot.import_intents(ActingUser(db, make_user(admin=True)), path=STARTER)
    assert chatbot_replies.wait_until_trained(db, wait_s=300)
    return make_user()


def context_of(superuser, conversation) -> dict:
    return superuser.execute("select context from chatbot_conversations where id = %s", (conversation,)).fetchone()[0]


def test_a_message_answered_after_a_later_one_leaves_the_context_to_the_later_turn(db, superuser, bot):
    earlier = say(db, bot, "how do I schedule a post for friday?")
    later = say(db, bot, "hello there", conversation=earlier[0])
    assert chatbot_replies.process_message(db, message_id=later[1], created_at=later[2])
    after_later = context_of(superuser, earlier[0])
    assert after_later["last_intent"] == "greeting"

    assert chatbot_replies.process_message(db, message_id=earlier[1], created_at=earlier[2])
    assert context_of(superuser, earlier[0]) == after_later  # not schedule_post's, which "yes" would follow
    replies = superuser.execute(
        "select metadata ->> 'intent' from chatbot_messages where conversation_id = %s and role = 'assistant'"
        " order by created_at",
        (earlier[0],),
    ).fetchall()
    assert replies == [("greeting",), ("schedule_post",)]  # the earlier message is still answered


def test_two_runs_of_one_job_at_once_store_one_reply(db, superuser, bot, monkeypatch):
    """The run that finds the row held by the other's store goes at once (ConversationBusy: the
    worker runs it again later), and that later run finds the reply stored."""
    message = say(db, bot, "how do I schedule a post for friday?")
    outcomes: list[bool | str] = []
    both_computed = threading.Barrier(2, timeout=300)  # a loaded machine takes a while (each run classifies)
    one_done = threading.Event()
    claim, store = chatbot_replies.repo.claim_conversation, chatbot_replies.repo.store_reply

    def claim_together(*args, **kwargs):
        try:
            both_computed.wait()
        except threading.BrokenBarrierError:  # the other run ended first: busy at its first look (CI run 110)
            pass
        return claim(*args, **kwargs)

    def store_once_the_other_ran(*args, **kwargs):  # the run that locked the row keeps it meanwhile
        assert one_done.wait(60)
        return store(*args, **kwargs)

    def run() -> None:
        try:
            outcomes.append(chatbot_replies.process_message(db, message_id=message[1], created_at=message[2]))
        except chatbot_replies.ConversationBusy:
            outcomes.append("busy")
        finally:
            one_done.set()
            both_computed.abort()  # a run that ended before the barrier (busy early) leaves nobody waiting there

    monkeypatch.setattr(chatbot_replies.repo, "claim_conversation", claim_together)
    monkeypatch.setattr(chatbot_replies.repo, "store_reply", store_once_the_other_ran)
    runs = [threading.Thread(target=run) for _ in range(2)]
    for one in runs:
        one.start()
    for one in runs:
        one.join(timeout=300)
    assert sorted(outcomes, key=str) == [True, "busy"]
    assert chatbot_replies.process_message(db, message_id=message[1], created_at=message[2]) is False  # the retry
    assert superuser.execute(
        "select count(*) from chatbot_messages where conversation_id = %s and role = 'assistant'", (message[0],)
    ).fetchone() == (1,)


def test_a_conversation_held_by_another_transaction_is_not_waited_for(db, superuser, bot):
    """F1 (h321): an account's own transaction left open on its conversation's row made each reply
    job wait lock_timeout for it, per attempt, holding a worker from every other account's work."""
    message = say(db, bot, "how do I schedule a post for friday?")
    with superuser.transaction():
        superuser.execute("select 1 from chatbot_conversations where id = %s for no key update", (message[0],))
        started = time.monotonic()
        with pytest.raises(chatbot_replies.ConversationBusy):
            chatbot_replies.process_message(db, message_id=message[1], created_at=message[2])
        assert time.monotonic() - started < 2  # lock_timeout_ms is 5000
    assert chatbot_replies.process_message(db, message_id=message[1], created_at=message[2])
    with superuser.transaction():  # a message being sent into it (its foreign key's lock) is not in the way
        superuser.execute("select 1 from chatbot_conversations where id = %s for key share", (message[0],))
        later = say(db, bot, "hello there", conversation=message[0])
        assert chatbot_replies.process_message(db, message_id=later[1], created_at=later[2])
