"""Upgrading a database that already holds 0037's month rows and 0004's shard counters:
0100 turns the last refilled month into one row per account with an active plan (so nobody is
refilled twice that month), and 0101 keeps the old counters and counts new messages beside them."""

from __future__ import annotations

from datetime import date

from blogster_cli.actors import Timeouts
from blogster_cli.db import migrations
from blogster_cli.services import scheduled_jobs
from tests.integration.test_migrations import use_copied_migrations


def test_0100_and_0101_carry_the_ledger_and_the_counters_over(empty_db, tmp_path, monkeypatch):
    use_copied_migrations(tmp_path, monkeypatch, before="0100")
    migrations.apply(empty_db)
    with empty_db.connect() as conn:
        users = [
            conn.execute("insert into auth.users (email) values (%s) returning id", (f"u{n}@example.com",)).fetchone()[
                0
            ]
            for n in range(3)
        ]
        conn.execute("update user_subscriptions set is_active = false where user_id = %s", (users[2],))
        conn.execute("update user_subscriptions set credits_remaining = 0")
        conn.execute(
            "insert into internal.credit_refills (period, topped_up) values ('2025-01-01', 3), ('2025-02-01', 2)"
        )
        conversation = conn.execute(
            "insert into chatbot_conversations (user_id) values (%s) returning id", (users[0],)
        ).fetchone()[0]
        conn.execute(
            "insert into chatbot_messages (conversation_id, role, content, created_at)"
            " values (%s, 'assistant', 'old', '2025-02-10 12:00+00')",
            (conversation,),
        )
        old_shards = conn.execute("select shard from internal.chatbot_analytics_shards").fetchall()
    assert len(old_shards) == 1 and 0 <= old_shards[0][0] < 16
    monkeypatch.undo()
    applied = migrations.apply(empty_db)
    assert applied[:2] == ["0100_credit_refills_per_account", "0101_chatbot_counts_without_shared_rows"]

    with empty_db.connect() as conn:
        ledger = dict(conn.execute("select user_id, period from internal.credit_refills").fetchall())
        assert ledger == {users[0]: date(2025, 2, 1), users[1]: date(2025, 2, 1)}
        conn.execute(
            "insert into chatbot_messages (conversation_id, role, content, created_at)"
            " values (%s, 'assistant', 'new', '2025-02-10 13:00+00')",
            (conversation,),
        )
        shards = sorted(s for (s,) in conn.execute("select shard from internal.chatbot_analytics_shards"))
        assert shards[0] < 16 <= shards[1]
        figures = conn.execute("select error_rates from refresh_chatbot_analytics('2025-02-10')").fetchone()[0]
        assert figures["messages"] == 2

    # February was refilled before the upgrade: not again; March is each active account's once.
    february = scheduled_jobs.refill_credits(empty_db, timeouts=Timeouts(), today=date(2025, 2, 20))
    assert (february.refilled, february.topped_up) == (0, 0)
    march = scheduled_jobs.refill_credits(empty_db, timeouts=Timeouts(), today=date(2025, 3, 2))
    assert (march.refilled, march.topped_up, march.failures) == (2, 2, [])
