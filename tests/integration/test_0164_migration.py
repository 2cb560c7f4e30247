"""0164 on a database that already holds queued chatbot replies and maintenance notices (h315):
the reply jobs queued before it get their conversation's job lock (answered in order from then
on), the notices written before keep their text and have no window (shown as stored), and the
next maintenance change writes the window with the notice."""

from __future__ import annotations

from blogster_cli.db import migrations
from tests.integration.test_migrations import use_copied_migrations

MIGRATION = "0164_chatbot_replies_in_order_and_maintenance_windows"
MAINTENANCE = (
    "insert into maintenance_schedules (title, start_time, end_time, severity)"
    " values ('Database upgrade', '2030-01-05 01:00+00', '2030-01-05 02:00+00', 'high')"
)


def test_0164_locks_queued_replies_by_conversation_and_keeps_older_notices(empty_db, tmp_path, monkeypatch):
    use_copied_migrations(tmp_path, monkeypatch, before="0164")
    migrations.apply(empty_db)
    with empty_db.connect() as conn:
        ada = conn.execute("insert into auth.users (email) values ('ada@example.com') returning id").fetchone()[0]
        conversation = conn.execute(
            "insert into public.chatbot_conversations (user_id) values (%s) returning id", (ada,)
        ).fetchone()[0]
        for text in ("how do I schedule a post?", "yes please"):
            conn.execute(
                "insert into public.chatbot_messages (conversation_id, role, content) values (%s, 'user', %s)",
                (conversation, text),
            )
        jobs = "select lock from procrastinate.procrastinate_jobs where task_name = 'process_chatbot_message'"
        assert conn.execute(jobs).fetchall() == [(None,), (None,)]
        conn.execute(MAINTENANCE)
        before = conn.execute("select content from public.user_notifications where user_id = %s", (ada,)).fetchall()
        assert before == [("Database upgrade (2030-01-05 01:00 to 2030-01-05 02:00 UTC)",)]
    monkeypatch.undo()
    assert migrations.apply(empty_db, until=MIGRATION)[-1] == MIGRATION
    with empty_db.connect() as conn:
        assert conn.execute(jobs).fetchall() == [(f"chatbot_conversation:{conversation}",)] * 2
        assert conn.execute(
            "select content, window_start, window_end from public.user_notifications where user_id = %s", (ada,)
        ).fetchall() == [(before[0][0], None, None)]
        conn.execute(MAINTENANCE)
        assert conn.execute(
            "select count(*) from public.user_notifications where user_id = %s"
            " and window_start = '2030-01-05 01:00+00' and window_end = '2030-01-05 02:00+00'",
            (ada,),
        ).fetchone() == (1,)
