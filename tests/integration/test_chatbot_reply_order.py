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
def bot(db, make_user):
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
    message = say(db, bot, "how do I schedule a post for friday?")
    outcomes: list[bool] = []
    both_computed = threading.Barrier(2, timeout=60)  # so that their waits for the row start together
    claim = chatbot_replies.repo.claim_conversation

    def claim_together(*args, **kwargs):
        both_computed.wait()
        return claim(*args, **kwargs)

    monkeypatch.setattr(chatbot_replies.repo, "claim_conversation", claim_together)
    with superuser.transaction():  # holds the conversation's row: both runs reach the store and wait
        superuser.execute("select 1 from chatbot_conversations where id = %s for update", (message[0],))
        runs = [
            threading.Thread(
                target=lambda: outcomes.append(
                    chatbot_replies.process_message(db, message_id=message[1], created_at=message[2])
                )
            )
            for _ in range(2)
        ]
        for run in runs:
            run.start()
        deadline = time.monotonic() + 300  # a loaded machine takes a while to answer (each run classifies)
        with db.connect() as watcher:  # outside the transaction, which would see one snapshot of the activity
            while watcher.execute(
                "select count(*) from pg_stat_activity where wait_event_type = 'Lock' and datname = current_database()"
            ).fetchone() != (2,):
                assert time.monotonic() < deadline, "the two runs never waited for the conversation"
                time.sleep(0.05)
    for run in runs:
        run.join(timeout=60)
    assert sorted(outcomes) == [False, True]
    assert superuser.execute(
        "select count(*) from chatbot_messages where conversation_id = %s and role = 'assistant'", (message[0],)
    ).fetchone() == (1,)
