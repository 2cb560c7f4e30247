"""The chatbot's per-message counter rows (0101): appended by each message, folded into one row
per day by refresh_chatbot_analytics, with the same figures as counting the messages."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from blogster_cli.db.connection import Database


def counters(superuser, day) -> tuple[int, int]:
    return superuser.execute(
        "select count(*), coalesce(sum(messages), 0) from internal.chatbot_analytics_shards where day = %s", (day,)
    ).fetchone()


def test_refresh_folds_a_days_rows_and_keeps_its_figures(make_user, superuser):
    user = make_user()
    intents = [
        superuser.execute("insert into chatbot_intents (name) values (%s) returning id", (name,)).fetchone()[0]
        for name in ("pricing", "export")
    ]
    conversation = superuser.execute(
        "insert into chatbot_conversations (user_id) values (%s) returning id", (user.user_id,)
    ).fetchone()[0]
    today = datetime.now(UTC).date()
    yesterday = today - timedelta(days=1)

    def message(role: str, intent=None, confidence=None, tokens=0, day=today) -> None:
        at = datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=12)
        superuser.execute(
            "insert into chatbot_messages (conversation_id, role, content, intent_detected, confidence_score,"
            " tokens_used, created_at) values (%s, %s, 'text', %s, %s, %s, %s)",
            (conversation, role, intent, confidence, tokens, at),
        )

    message("user", intents[0], 0.9)
    message("user", intents[0], 0.4)
    message("user", intents[1], 0.8)
    message("assistant", tokens=40)
    message("assistant", tokens=60)
    message("user", intents[1], 0.7, day=yesterday)
    assert counters(superuser, today) == (5, 5)  # one row per message

    def refresh(day):
        return superuser.execute(
            "select error_rates, top_intents from public.refresh_chatbot_analytics(%s)", (day,)
        ).fetchone()

    figures, top = refresh(today)
    assert counters(superuser, today) == (1, 5)
    assert counters(superuser, yesterday) == (1, 1)  # another day's rows are that day's refresh's
    assert {k: figures[k] for k in ("messages", "user_messages", "assistant_messages", "tokens_used")} == {
        "messages": 5,
        "user_messages": 3,
        "assistant_messages": 2,
        "tokens_used": 100,
    }
    assert figures["low_confidence"] == 1
    assert abs(figures["avg_confidence"] - 0.7) < 1e-9
    assert [(t["name"], t["count"]) for t in top] == [("pricing", 2), ("export", 1)]

    message("user", intents[1], 0.6)
    message("user", intents[1], 0.6)
    again, top = refresh(today)
    assert counters(superuser, today) == (1, 7)
    assert again["messages"] == 7 and again["user_messages"] == 5
    assert [(t["name"], t["count"]) for t in top] == [("export", 3), ("pricing", 2)]
    assert refresh(today) == (again, top)  # a single row: nothing to fold, same figures
    assert counters(superuser, today) == (1, 7)


def test_refreshes_at_once_count_each_message_once(db, make_user, superuser):
    user = make_user()
    conversation = superuser.execute(
        "insert into chatbot_conversations (user_id) values (%s) returning id", (user.user_id,)
    ).fetchone()[0]
    superuser.execute(
        "insert into chatbot_messages (conversation_id, role, content) select %s, 'assistant', 'x'"
        " from generate_series(1, 300)",
        (conversation,),
    )
    today = datetime.now(UTC).date()
    barrier = threading.Barrier(4)
    seen: list[int] = []
    errors: list[BaseException] = []

    def refresh() -> None:
        try:
            with Database(db.conninfo).connect() as conn, conn.transaction():
                conn.execute("set local role service_role")
                barrier.wait()
                figures = conn.execute(
                    "select error_rates from public.refresh_chatbot_analytics(%s)", (today,)
                ).fetchone()[0]
                seen.append(figures["messages"])
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=refresh) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert seen == [300] * 4
    assert counters(superuser, today) == (1, 300)
