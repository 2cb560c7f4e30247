"""0191 on a database whose accounts stored `.` and `..` as post slugs by their own SQL (the
commands never do): each such post is renamed `post-` and its id's first 8 hex digits, suffixed
`-2`, `-3`... past a slug its author already has, trashed posts included; another author's slugs
do not count; and the check refuses them from then on."""

from __future__ import annotations

import psycopg
import pytest

from blogster_cli.db import migrations
from tests.integration.test_migrations import use_copied_migrations

MIGRATION = "0191_post_slugs_are_not_dot_segments"
ONE, TWO = "00000000-0000-4000-8000-00000000000a", "aaaaaaaa-0000-4000-8000-00000000000b"


def test_0191_renames_dot_slugs_past_their_authors_slugs_and_then_refuses_them(empty_db, tmp_path, monkeypatch):
    use_copied_migrations(tmp_path, monkeypatch, before="0191")
    migrations.apply(empty_db)
    with empty_db.connect() as conn:
        ada, bob = (
            conn.execute("insert into auth.users (email) values (%s) returning id", (email,)).fetchone()[0]
            for email in ("ada@example.com", "bob@example.com")
        )
        insert = "insert into public.blogs (id, author_id, title, slug, deleted_at) values (%s, %s, 'T', %s, %s)"
        conn.execute(insert, (ONE, ada, ".", None))
        conn.execute(insert, (TWO, ada, "..", None))
        conn.execute(insert, ("10000000-0000-4000-8000-000000000001", ada, "post-00000000", "2026-01-01"))
        conn.execute(insert, ("10000000-0000-4000-8000-000000000002", ada, "post-00000000-2", None))
        conn.execute(insert, ("10000000-0000-4000-8000-000000000003", bob, "post-aaaaaaaa", None))
        conn.execute(insert, ("10000000-0000-4000-8000-000000000004", bob, ".", None))
    monkeypatch.undo()
    assert migrations.apply(empty_db, until=MIGRATION)[-1] == MIGRATION
    with empty_db.connect() as conn:
        slugs = dict(conn.execute("select id::text, slug from public.blogs").fetchall())
        assert (slugs[ONE], slugs[TWO], slugs["10000000-0000-4000-8000-000000000004"]) == (
            "post-00000000-3",
            "post-aaaaaaaa",
            "post-10000000",
        )
        for slug in (".", ".."):
            with pytest.raises(psycopg.errors.CheckViolation, match="blogs_slug_format"):
                conn.execute("update public.blogs set slug = %s where id = %s", (slug, ONE))
        conn.execute("update public.blogs set slug = '...' where id = %s", (ONE,))  # a name, not a dot segment
