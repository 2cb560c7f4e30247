"""Migration 0162 on a database of before: preferences still on the default zone ('UTC') follow the
`timezone` setting from then on; a zone other than that (chosen with `prefs set timezone`, or the
setting at signup) stays the account's own. Their updated_at does not move."""

from __future__ import annotations

from blogster_cli.db import migrations
from tests.integration.test_migrations import use_copied_migrations


def test_0162_lets_the_default_zone_follow_and_keeps_a_chosen_one(empty_db, tmp_path, monkeypatch):
    use_copied_migrations(tmp_path, monkeypatch, before="0162")
    migrations.apply(empty_db)
    with empty_db.connect() as conn:
        for email, zone in (("utc@example.com", "UTC"), ("berlin@example.com", "Europe/Berlin")):
            user = conn.execute("insert into auth.users (email) values (%s) returning id", (email,)).fetchone()[0]
            conn.execute(
                "update public.user_notification_preferences set timezone = %s where user_id = %s", (zone, user)
            )
        before = dict(conn.execute("select user_id, updated_at from public.user_notification_preferences").fetchall())
    monkeypatch.undo()
    assert "0162_notification_timezone_follows_the_setting" in migrations.apply(empty_db)
    with empty_db.connect() as conn:
        rows = conn.execute(
            "select u.email, p.timezone, p.timezone_follows_setting"
            " from public.user_notification_preferences p join auth.users u on u.id = p.user_id order by u.email"
        ).fetchall()
        after = dict(conn.execute("select user_id, updated_at from public.user_notification_preferences").fetchall())
        new = conn.execute("insert into auth.users (email) values ('new@example.com') returning id").fetchone()[0]
        (follows,) = conn.execute(
            "select timezone_follows_setting from public.user_notification_preferences where user_id = %s", (new,)
        ).fetchone()
    assert rows == [("berlin@example.com", "Europe/Berlin", False), ("utc@example.com", "UTC", True)]
    assert after == before
    assert follows is True
