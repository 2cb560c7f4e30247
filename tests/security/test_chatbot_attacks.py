"""Chatbot attacks (0004 policies, 0080 triggers): what another account tries against Alice's chats.

Bob, acting as his own role, tries to read, change and post into Alice's conversations by
raw SQL and through the CLI; accounts try to read the intents, forge the bot's replies,
reach the rate-limit ledger, and beat the per-account rate limit from two processes.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import psycopg
import pytest

from blogster_cli.chatbot.sanitize import sanitise_message
from blogster_cli.db.acting import acting_transaction
from tests.cli import conftest as cli_fixtures
from tests.cli.conftest import PASSWORD

cli = cli_fixtures.cli

SECRET = "my card number is 4111 1111 1111 1111"


def as_role(db, actor, statement, params=()):
    conn = db.connect()
    try:
        with acting_transaction(conn, actor.role_name):
            cursor = conn.execute(statement, params)
            return cursor.fetchall() if cursor.description else cursor.rowcount
    finally:
        conn.close()


@pytest.fixture
def chats(db, make_user):
    alice, bob = make_user(), make_user()
    conversation = as_role(db, alice, "insert into chatbot_conversations (user_id) values (%s) returning id",
                           (alice.user_id,))[0][0]  # fmt: skip
    as_role(db, alice, "insert into chatbot_messages (conversation_id, role, content) values (%s, 'user', %s)",
            (conversation, SECRET))  # fmt: skip
    return alice, bob, conversation


def test_bob_reads_nothing_of_alices_conversations_or_messages(db, chats, superuser):
    alice, bob, conversation = chats
    assert as_role(db, bob, "select count(*) from chatbot_conversations") == [(0,)]
    assert as_role(db, bob, "select count(*) from chatbot_messages") == [(0,)]
    assert as_role(db, bob, "select * from chatbot_messages where conversation_id = %s", (conversation,)) == []
    assert as_role(db, bob, "select count(*) from chatbot_messages where content like %s", ("%4111%",)) == [(0,)]
    # Partitions name no other policy: reading one directly shows nothing either.
    (partition,) = superuser.execute(
        "select inhrelid::regclass::text from pg_inherits where inhparent = 'public.chatbot_messages'::regclass limit 1"
    ).fetchone()
    assert as_role(db, bob, f"select count(*) from {partition}") == [(0,)]
    assert as_role(db, alice, "select content from chatbot_messages") == [(SECRET,)]


@pytest.mark.parametrize(
    "statement",
    [
        "update chatbot_conversations set status = 'completed', feedback = 'hijacked' where id = %(c)s",
        "update chatbot_conversations set satisfaction_score = 1 where id = %(c)s",
    ],
)
def test_bob_changes_nothing_of_alices_conversations(db, chats, superuser, statement):
    _, bob, conversation = chats
    assert as_role(db, bob, statement, {"c": conversation}) == 0
    assert superuser.execute(
        "select status::text, feedback, satisfaction_score from chatbot_conversations where id = %s", (conversation,)
    ).fetchone() == ("active", None, None)


def test_bob_cannot_post_into_alices_conversation_or_forge_the_bots_replies(db, chats):
    alice, bob, conversation = chats
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        as_role(db, bob, "insert into chatbot_messages (conversation_id, role, content) values (%s, 'user', 'hi')",
                (conversation,))  # fmt: skip
    with pytest.raises(psycopg.errors.InsufficientPrivilege):  # the bot's words are the worker's alone
        as_role(db, alice, "insert into chatbot_messages (conversation_id, role, content) values (%s, 'assistant', 'x')",
                (conversation,))  # fmt: skip
    with pytest.raises(psycopg.errors.InsufficientPrivilege):  # intent and confidence are the worker's too
        as_role(db, alice, "insert into chatbot_messages (conversation_id, role, content, confidence_score)"
                " values (%s, 'user', 'x', 1)", (conversation,))  # fmt: skip
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        as_role(db, bob, "insert into chatbot_conversations (user_id) values (%s)", (alice.user_id,))


def test_bob_cannot_tell_whether_alice_is_at_her_rate_limit(db, chats, superuser):
    """0105: the rate limit ran before the policy, so Bob's insert into Alice's conversation
    answered 54000 ("too many") while she was at her limit and 42501 otherwise; it also waited
    on her rate row. Now it is refused by the policy alike, and her count does not move."""
    alice, bob, conversation = chats
    superuser.execute(
        "update internal.chatbot_message_rates set messages = 1000, window_start = now() where user_id = %s",
        (alice.user_id,),
    )
    with db.connect() as holder, holder.transaction():  # Alice's rate row locked meanwhile
        holder.execute("select 1 from internal.chatbot_message_rates where user_id = %s for update", (alice.user_id,))
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            as_role(db, bob, "insert into chatbot_messages (conversation_id, role, content) values (%s, 'user', 'hi')",
                    (conversation,))  # fmt: skip
    with pytest.raises(psycopg.errors.ProgramLimitExceeded):  # Alice herself is at her limit
        as_role(db, alice, "insert into chatbot_messages (conversation_id, role, content) values (%s, 'user', 'hi')",
                (conversation,))  # fmt: skip
    assert superuser.execute(
        "select messages from internal.chatbot_message_rates where user_id = %s", (alice.user_id,)
    ).fetchone() == (1000,)


def test_setting_role_to_a_group_does_not_make_an_account_a_trusted_writer(db, make_user, superuser):
    """0105: with its own login, `SET ROLE authenticated` made auth.uid() NULL, which the chat
    trigger read as a worker: Bob's insert into Alice's conversation answered 54000 while she
    was at her limit again. A session logged in as an account stays an account."""
    from tests.security.test_login_roles import LOGIN_PASSWORD, login_as

    alice, bob = make_user(), make_user(login_password=LOGIN_PASSWORD)
    conversation = as_role(db, alice, "insert into chatbot_conversations (user_id) values (%s) returning id",
                           (alice.user_id,))[0][0]  # fmt: skip
    as_role(db, alice, "insert into chatbot_messages (conversation_id, role, content) values (%s, 'user', 'hi')",
            (conversation,))  # fmt: skip
    superuser.execute(
        "update internal.chatbot_message_rates set messages = 1000, window_start = now() where user_id = %s",
        (alice.user_id,),
    )
    with login_as(db, bob.role_name) as conn:
        conn.execute("set role authenticated")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(
                "insert into chatbot_messages (conversation_id, role, content) values (%s, 'user', 'hi')",
                (conversation,),
            )


def test_intents_are_read_by_admins_and_workers_only(db, make_user, superuser):
    superuser.execute("insert into chatbot_intents (name, training_phrases) values ('secret', '{internal phrase}')")
    user, admin = make_user(), make_user(admin=True)
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        as_role(db, user, "select * from chatbot_intents")
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        as_role(db, user, "insert into chatbot_intents (name) values ('mine')")
    assert as_role(db, admin, "select name from chatbot_intents") == [("secret",)]
    with db.connect() as conn, acting_transaction(conn, "service_role"):
        assert conn.execute("select count(*) from chatbot_intents").fetchone() == (1,)


def test_the_rate_ledger_and_the_queue_are_out_of_reach(db, chats):
    _, bob, _ = chats
    for statement in (
        "select * from internal.chatbot_message_rates",
        "delete from internal.chatbot_message_rates",
        "select * from procrastinate.procrastinate_jobs",
    ):
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            as_role(db, bob, statement)
    assert as_role(db, bob, "select public.chatbot_worker_alive()") == [(False,)]


def test_the_database_cleans_and_bounds_messages_whoever_inserts_them(db, chats, superuser):
    alice, _, conversation = chats
    insert = "insert into chatbot_messages (conversation_id, role, content) values (%s, 'user', %s) returning content"
    assert as_role(db, alice, insert, (conversation, "  hi\x07 there\u202e\x1b[31m ")) == [("hi there",)]
    with pytest.raises(psycopg.errors.StringDataRightTruncation):
        as_role(db, alice, insert, (conversation, "x" * 2001))
    with pytest.raises(psycopg.errors.InvalidParameterValue):
        as_role(db, alice, insert, (conversation, "\x01\x02 "))
    # Each stored message queued exactly one reply job, with ids only.
    jobs = superuser.execute(
        "select args from procrastinate.procrastinate_jobs where task_name = 'process_chatbot_message'"
    ).fetchall()
    assert len(jobs) == 2 and all(set(args) == {"message_id", "created_at", "conversation_id"} for (args,) in jobs)


RACER = textwrap.dedent(
    """
    import sys, psycopg
    conninfo, role, conversation, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    sent = refused = 0
    with psycopg.connect(conninfo, autocommit=True) as conn:
        for _ in range(count):
            try:
                with conn.transaction():
                    conn.execute(f"set local role {role}")
                    conn.execute("insert into chatbot_messages (conversation_id, role, content)"
                                 " values (%s, 'user', 'spam')", (conversation,))
                sent += 1
            except psycopg.errors.ProgramLimitExceeded:
                refused += 1
    print(sent, refused)
    """
)


def test_the_database_removes_whole_escape_sequences_as_the_cli_does(db, chats):
    """Before 0135 the trigger dropped an escape sequence's ESC byte only: its tail stayed as text
    ("[31m", "]0;title", "]8;;https://evil/") in a message any client inserted."""
    alice, _, conversation = chats
    insert = "insert into chatbot_messages (conversation_id, role, content) values (%s, 'user', %s) returning content"
    for raw in (
        "how do I \x1b[31mimport\x1b[0m posts",
        "a\x1b]0;title\x07b",
        "a\x1b]8;;https://evil.example/\x1b\\link\x1b]8;;\x1b\\ b",
        "a\x1b(Bb\x1bc",
        "a\x9b31mb\x9dtitle\x9cc",
        "a\x1bPq#0;2;0;0;0\x1b\\b",
        "tail \x1b]52;c;Zm9v",
    ):
        [(stored,)] = as_role(db, alice, insert, (conversation, raw))
        assert stored == sanitise_message(raw), raw


def test_the_rate_limit_holds_across_two_processes(db, chats, superuser):
    alice, _, conversation = chats  # one message already sent
    racers = [
        subprocess.Popen(
            [sys.executable, "-c", RACER, db.conninfo, alice.role_name, str(conversation), "15"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        for _ in range(2)
    ]
    results = []
    for racer in racers:
        out, err = racer.communicate(timeout=120)
        assert racer.returncode == 0, err
        results.append(tuple(map(int, out.split())))
    assert sum(sent for sent, _ in results) == 19 and sum(refused for _, refused in results) == 11
    assert superuser.execute(
        "select count(*) from chatbot_messages where conversation_id = %s", (conversation,)
    ).fetchone() == (20,)


def test_bob_cannot_reach_alices_conversation_through_the_cli(cli, superuser):
    assert (
        cli("auth", "signup", "--email", "alice@example.com", "--password-stdin", input=PASSWORD + "\n").exit_code == 0
    )
    asked = cli("chat", "ask", SECRET)
    assert asked.exit_code == 10 and "no worker is running" in asked.stderr
    (conversation,) = superuser.execute("select id from chatbot_conversations").fetchone()
    assert cli("auth", "logout").exit_code == 0
    assert cli("auth", "signup", "--email", "bob@example.com", "--password-stdin", input=PASSWORD + "\n").exit_code == 0
    for args in (
        ("history", "--conversation", str(conversation)),
        ("ask", "hello", "--conversation", str(conversation)),
        ("end", "--conversation", str(conversation), "--score", "1"),
    ):
        result = cli("chat", *args, "--json")
        assert result.exit_code == 3, (args, result.stderr)
        assert "4111" not in result.stdout + result.stderr
    assert cli("chat", "list", "--json").json() == []
    mine = cli("chat", "history", "--json")  # bob's own latest conversation: he has none, alice's is not it
    assert mine.exit_code == 0 and mine.json()["messages"] == [] and "4111" not in mine.stdout + mine.stderr
    assert json.loads(cli("chat", "list", "--json").stdout) == []
    assert superuser.execute("select count(*) from chatbot_messages").fetchone() == (1,)
    assert cli("chatbot", "intents", "list").exit_code == 4  # not an admin (alice, the first account, is)
