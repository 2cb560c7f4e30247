"""Red team F1 (h321): an account that holds its own chatbot conversations' rows in a transaction it
leaves open, and sends a message into each, held every worker: each reply job waited lock_timeout
(5 s) for its row, three times, so another account's `chat ask` gave up and the scheduled jobs
of every account started late. Now a job that finds its conversation held gives its worker back
at once and is tried again later; once the rows are free, its messages are answered in order."""

from __future__ import annotations

import signal
import time
from pathlib import Path

from blogster_cli.actors import ActingUser
from blogster_cli.services import chat, chatbot
from tests.security.test_login_roles import LOGIN_PASSWORD, login_as
from tests.workers.test_chatbot_worker import worker_alive
from tests.workers.test_serve_workers import wait_for

STARTER = Path(__file__).resolve().parents[2] / "examples" / "chatbot" / "intents.yaml"
QUESTION, YES = "how do I schedule a post for friday?", "yes please"
CONCURRENCY = 2
HELD = 2 * CONCURRENCY  # more conversations held than the worker has slots
DEFER_PUBLISH_DUE = (
    "select procrastinate.procrastinate_defer_jobs_v1(array[row('maintenance', 'publish_due', 0, null, null,"
    " jsonb_build_object('timestamp', extract(epoch from now())::int), null)"
    "::procrastinate.procrastinate_job_to_defer_v1])"
)


def test_conversations_an_account_holds_keep_no_worker_from_others(db, make_user, superuser, start_worker):
    chatbot.import_intents(ActingUser(db, make_user(admin=True)), path=STARTER)
    alice, bob = make_user(login_password=LOGIN_PASSWORD), ActingUser(db, make_user())
    worker = start_worker("--queue", "chatbot", "--queue", "maintenance", "--concurrency", str(CONCURRENCY))
    wait_for(lambda: worker_alive(superuser), timeout=60, what="the worker's first heartbeat")
    assert chat.ask(bob, text="hello there", wait_s=120).intent == "greeting"  # the worker has learnt the intents

    with login_as(db, alice.role_name) as sender, login_as(db, alice.role_name) as holder:
        held = [
            sender.execute("insert into public.chatbot_conversations default values returning id").fetchone()[0]
            for _ in range(HELD)
        ]
        holder.execute("begin")
        holder.execute("select id from public.chatbot_conversations where id = any(%s) for no key update", (held,))
        for conversation in held:
            for text in (QUESTION, YES):
                sender.execute(
                    "insert into public.chatbot_messages (conversation_id, role, content) values (%s, 'user', %s)",
                    (conversation, text),
                )
        superuser.execute(DEFER_PUBLISH_DUE)  # queued after alice's replies, as a minute's run would be
        started = time.monotonic()
        reply = chat.ask(bob, text="how do I publish a post?", new=True, wait_s=12)
        assert time.monotonic() - started < 8, "bob's reply waited for alice's conversations"
        assert reply.intent is not None
        publish_due_waits = "select count(*) > 0 from procrastinate.procrastinate_jobs where task_name = 'publish_due'"
        wait_for(  # a successful job's row goes
            lambda: superuser.execute(publish_due_waits).fetchone() == (False,),
            timeout=8,
            what="the scheduled job queued behind alice's replies",
        )
        tried = "select count(*) from procrastinate.procrastinate_jobs where lock = any(%s) and attempts > 0"
        locks = [f"chatbot_conversation:{c}" for c in held]
        wait_for(  # each conversation's first reply was tried meanwhile, and given back to wait
            lambda: superuser.execute(tried, (locks,)).fetchone() == (HELD,),
            timeout=5,
            what="alice's replies to be tried while her rows are held",
        )
        holder.execute("rollback")

    def answered(conversation) -> bool:
        return superuser.execute(
            "select count(*) from chatbot_messages where conversation_id = %s and role = 'assistant'", (conversation,)
        ).fetchone() == (2,)

    for conversation in held:
        wait_for(lambda c=conversation: answered(c), timeout=60, what="alice's replies once her rows are free")
        messages = superuser.execute(
            "select role::text, content, id::text, metadata ->> 'reply_to', metadata ->> 'intent'"
            " from chatbot_messages where conversation_id = %s order by created_at",
            (conversation,),
        ).fetchall()
        asked = [(content, message_id) for role, content, message_id, _, _ in messages if role == "user"]
        replies = [(reply_to, intent) for role, _, _, reply_to, intent in messages if role == "assistant"]
        assert [content for content, _ in asked] == [QUESTION, YES]
        # Each answered once, in the order sent, the second with the context the first stored.
        assert replies == [(asked[0][1], "schedule_post"), (asked[1][1], "schedule_timezone")]
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(timeout=30) == 0
