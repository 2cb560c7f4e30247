"""0207 on a database whose posts were renamed in sessions of other time zones (red team 68 F1): 0203's
trigger wrote each former address's time as jsonb renders it in the session's TimeZone, so a rename
under PGTZ=Pacific/Kiritimati dated the old address a day late, and one time written with two offsets
was two entries. Each entry is rewritten in UTC, those that become one already met dropped (the first
kept, the order as it was); lists already in UTC, the rows' updated_at and their synced files' change
counts stay as they were; the trigger writes UTC from then on, whatever the session's zone, and an
author still forgets rewritten entries."""

from __future__ import annotations

import json

import psycopg

from blogster_cli.db import migrations
from tests.integration.test_migrations import use_copied_migrations

MIGRATION = "0207_former_addresses_in_utc"
PUBLISHED = "2026-01-05 20:00+00"  # 2026-01-06 10:00 at +14:00
KIRITIMATI = "Pacific/Kiritimati"


def rename(conn: psycopg.Connection, post: str, slug: str, zone: str) -> None:
    """`posts edit --slug` as a session of `zone` sends it."""
    conn.execute("select set_config('timezone', %s, false)", (zone,))
    conn.execute("update public.blogs set slug = %s where id = %s", (slug, post))


def former(conn: psycopg.Connection, post: str) -> list[dict[str, str]]:
    return conn.execute("select former_addresses from public.blogs where id = %s", (post,)).fetchone()[0]


def test_0207_rewrites_former_addresses_in_utc_drops_the_doubles_and_writes_utc_from_then_on(
    empty_db, tmp_path, monkeypatch
):
    use_copied_migrations(tmp_path, monkeypatch, before="0207")
    migrations.apply(empty_db)
    with empty_db.connect() as conn:
        author = conn.execute("insert into auth.users (email) values ('old@example.com') returning id").fetchone()[0]
        insert = (
            "insert into public.blogs (title, slug, author_id, status, published_at)"
            " values ('T', %s, %s, 'published', %s) returning id::text"
        )
        moved, kept, odd = (
            conn.execute(insert, (slug, author, PUBLISHED)).fetchone()[0] for slug in ("first", "kept", "odd")
        )
        rename(conn, moved, "second", KIRITIMATI)
        rename(conn, moved, "first", KIRITIMATI)  # "second" at +14:00
        rename(conn, moved, "third", "UTC")  # "first" again, now at +00:00: a second entry for one address
        rename(conn, moved, "fourth", "America/New_York")  # "third" at -05:00
        rename(conn, kept, "kept-2", "UTC")
        conn.execute("set session_replication_role = replica")  # as a restore loads rows: times 0203 never wrote
        written = [
            {"slug": "bc", "published_at": "0044-03-15T14:00:00+14:00 BC"},
            {"slug": "far", "published_at": "294277-01-01T13:59:59+14:00"},
            {"slug": "forever", "published_at": "infinity"},
            {"slug": "no-time", "published_at": "soon"},
            {"slug": "no-time", "published_at": 7},
        ]
        conn.execute("update public.blogs set former_addresses = %s where id = %s", (json.dumps(written), odd))
        conn.execute("set session_replication_role = origin")
        assert [entry["published_at"] for entry in former(conn, moved)] == [
            "2026-01-06T10:00:00+14:00", "2026-01-06T10:00:00+14:00", "2026-01-05T20:00:00+00:00",
            "2026-01-05T15:00:00-05:00",
        ]  # fmt: skip
        before = dict(conn.execute("select id::text, (xmin::text, updated_at) from public.blogs").fetchall())
    monkeypatch.undo()
    assert migrations.apply(empty_db, until=MIGRATION) == [MIGRATION]
    utc = "2026-01-05T20:00:00+00:00"
    with empty_db.connect() as conn:
        assert former(conn, moved) == [
            {"slug": "first", "published_at": utc},
            {"slug": "second", "published_at": utc},
            {"slug": "third", "published_at": utc},
        ]
        assert former(conn, kept) == [{"slug": "kept", "published_at": utc}]
        assert former(conn, odd) == [
            {"slug": "bc", "published_at": "0044-03-15T00:00:00+00:00 BC"},
            {"slug": "far", "published_at": "294276-12-31T23:59:59+00:00"},
            *written[2:],
        ]
        after = dict(conn.execute("select id::text, (xmin::text, updated_at) from public.blogs").fetchall())
        assert after[kept] == before[kept]  # already in UTC: not written
        assert [after[post][1] for post in (moved, odd)] == [before[post][1] for post in (moved, odd)]
        rename(conn, moved, "fifth", KIRITIMATI)  # "fourth" in UTC, whatever the session's zone
        rename(conn, moved, "first", KIRITIMATI)
        rename(conn, moved, "sixth", KIRITIMATI)  # "first" again: one entry, as written in any zone
        assert former(conn, moved) == [
            {"slug": slug, "published_at": utc} for slug in ("first", "second", "third", "fourth", "fifth")
        ]
        forgotten = [entry for entry in former(conn, moved) if entry["slug"] != "second"]  # as `--forget` writes it
        conn.execute("update public.blogs set former_addresses = %s where id = %s", (json.dumps(forgotten), moved))
        assert [entry["slug"] for entry in former(conn, moved)] == ["first", "third", "fourth", "fifth"]
        conn.execute("set timezone = 'UTC'")
        triggers = conn.execute(
            "select count(*) from pg_trigger where tgrelid = 'public.blogs'::regclass and tgenabled <> 'O'"
        ).fetchone()
        assert triggers == (0,)  # every trigger the rewrite turned off is on again
