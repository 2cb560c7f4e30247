"""An account's open transaction cannot stall other accounts' chat (0101).

Each chatbot message used to be counted into one of 16 shared rows per day, picked by the
server process id, and the row stayed locked until the sender's transaction ended. An account
whose login sends a message and keeps its transaction open held that row; every other account
whose session fell on the same shard (1 in 16) then waited for it, and failed after
lock_timeout. Now each message appends a row of its own, so nothing is shared to wait for.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

import psycopg

from tests.security.test_login_roles import LOGIN_PASSWORD, login_as

MAX_TRIES = 400  # sessions opened to land on a given pid % 16 (1 in 16 does)


def start_conversation(conn) -> str:
    return conn.execute(
        "insert into public.chatbot_conversations (user_id) values (auth.uid()) returning id"
    ).fetchone()[0]


def send(conn, conversation: str, text: str) -> None:
    conn.execute(
        "insert into public.chatbot_messages (conversation_id, role, content) values (%s, 'user', %s)",
        (conversation, text),
    )


def session_on_shard(db, role_name: str, shard: int) -> psycopg.Connection:
    """A login session of `role_name` whose server process id is `shard` modulo 16 (the shard
    0004 counted its messages into)."""
    for _ in range(MAX_TRIES):
        conn = login_as(db, role_name)
        if conn.execute("select pg_backend_pid() % 16").fetchone()[0] == shard:
            return conn
        conn.close()
    raise AssertionError(f"no session on shard {shard} in {MAX_TRIES} tries")


def test_a_message_in_an_open_transaction_blocks_no_other_accounts_message(db, make_user, superuser):
    alice, bob = make_user(login_password=LOGIN_PASSWORD), make_user(login_password=LOGIN_PASSWORD)
    with login_as(db, alice.role_name) as holder:
        shard = holder.execute("select pg_backend_pid() % 16").fetchone()[0]
        alices_chat = start_conversation(holder)
        send(holder, alices_chat, "first, committed: the day's row of this shard exists")
        holder.execute("begin")
        send(holder, alices_chat, "second, in a transaction left open")  # held the shard's row

        with session_on_shard(db, bob.role_name, shard) as other:
            assert other.execute("select pg_backend_pid() % 16").fetchone()[0] == shard
            other.execute("set lock_timeout = '3s'")
            bobs_chat = start_conversation(other)
            started = time.monotonic()
            send(other, bobs_chat, "bob's message must not wait for alice")
            assert time.monotonic() - started < 1.5

        # The hourly roll-up neither waits for alice's open transaction nor counts its message.
        with db.connect() as worker, worker.transaction():
            worker.execute("set local role service_role")
            worker.execute("set local lock_timeout = '1s'")
            started = time.monotonic()
            figures = worker.execute(
                "select error_rates from public.refresh_chatbot_analytics((now() at time zone 'UTC')::date)"
            ).fetchone()[0]
            assert time.monotonic() - started < 1.5
        assert figures["messages"] == figures["user_messages"] == 2
        holder.execute("commit")

    today = datetime.now(UTC).date()
    figures = superuser.execute("select error_rates from public.refresh_chatbot_analytics(%s)", (today,)).fetchone()[0]
    assert figures["messages"] == 3
    # The refresh folded the day's rows into one.
    assert superuser.execute(
        "select count(*), sum(messages) from internal.chatbot_analytics_shards where day = %s", (today,)
    ).fetchone() == (1, 3)


def test_accounts_still_cannot_reach_the_counters(db, make_user):
    alice = make_user(login_password=LOGIN_PASSWORD)
    with login_as(db, alice.role_name) as conn:
        for statement in (
            "select * from internal.chatbot_analytics_shards",
            "insert into internal.chatbot_analytics_shards (day) values (current_date)",
            "update internal.chatbot_analytics_shards set messages = 0",
            "delete from internal.chatbot_analytics_shards",
            "lock table internal.chatbot_analytics_shards in access share mode",
            "select nextval(pg_get_serial_sequence('internal.chatbot_analytics_shards', 'shard'))",
        ):
            try:
                with conn.transaction():
                    conn.execute(statement)
            except psycopg.errors.InsufficientPrivilege:
                continue
            raise AssertionError(f"an account could run: {statement}")
