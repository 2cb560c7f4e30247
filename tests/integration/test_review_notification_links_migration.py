"""0144 on a database that already holds review notifications as 0130-0140 stored them (keyed by
`content` = "assignment <uuid>"): each gets its link, the new key, and the next step rewrites the
recipient's unread one (0136) instead of adding a second; read ones and other notifications stay
as they were. Assignments made before 0144 were not told apart (by email, or inserted by id): their
author reads the assignee's email only once the assignee acts."""

from __future__ import annotations

from blogster_cli.db import migrations
from tests.integration.test_migrations import use_copied_migrations

MIGRATION = "0144_review_names_people"


def test_0144_links_stored_review_notifications_so_the_next_step_rewrites_the_unread_one(
    empty_db, tmp_path, monkeypatch
):
    use_copied_migrations(tmp_path, monkeypatch, before="0144")
    migrations.apply(empty_db)
    with empty_db.connect() as conn:
        ada, grace = (
            conn.execute("insert into auth.users (email) values (%s) returning id", (email,)).fetchone()[0]
            for email in ("ada@example.com", "grace@example.com")
        )
        post = conn.execute(
            "insert into public.blogs (title, slug, author_id) values ('Draft one', 'draft-one', %s) returning id",
            (ada,),
        ).fetchone()[0]
        assignment = conn.execute(
            "insert into public.team_collaboration (blog_id, assigned_to, assigned_by, role)"
            " values (%s, %s, %s, 'editor') returning id",
            (post, grace, ada),
        ).fetchone()[0]  # the 0130 trigger tells grace: "Assigned as editor: Draft one", unread
        read = conn.execute(
            "insert into public.user_notifications (user_id, type, title, content, read, delivery_status)"
            " values (%s, 'blog_interaction', 'Draft one is now approved', %s, true, 'sent') returning id",
            (grace, f"assignment {assignment}"),
        ).fetchone()[0]  # an earlier one she read
        other = conn.execute(
            "insert into public.user_notifications (user_id, type, title, content)"
            " values (%s, 'blog_interaction', 'Not a review', 'assignment of nothing') returning id",
            (grace,),
        ).fetchone()[0]
        stored = conn.execute(
            "select title, content, link from public.user_notifications where user_id = %s and not read and id <> %s",
            (grace, other),
        ).fetchall()
        assert stored == [("Assigned as editor: Draft one", f"assignment {assignment}", None)]
    monkeypatch.undo()
    assert migrations.apply(empty_db, until=MIGRATION) == [MIGRATION]
    about = f"blogster review show {assignment}"
    with empty_db.connect() as conn:
        rows = dict(
            (row[0], row[1:])
            for row in conn.execute(
                "select id, title, content, link, read from public.user_notifications where user_id = %s", (grace,)
            ).fetchall()
        )
        assert rows.pop(other) == ("Not a review", "assignment of nothing", None, False)
        assert rows.pop(read) == ("Draft one is now approved", f"assignment {assignment}", about, True)
        [(unread_id, unread)] = rows.items()
        assert unread == ("Assigned as editor: Draft one", f"assignment {assignment}", about, False)
        assert conn.execute(
            "select assignee_named_by_email from public.team_collaboration where id = %s", (assignment,)
        ).fetchone() == (False,)
        # A step taken without an account (the administrator's login) tells grace: her unread one is rewritten.
        conn.execute("update public.team_collaboration set status = 'in_progress' where id = %s", (assignment,))
        after = conn.execute(
            "select id, title, content, link from public.user_notifications where user_id = %s and not read"
            " and id <> %s",
            (grace, other),
        ).fetchall()
        assert after == [(unread_id, "Draft one is now in_progress", f"`blogster review show {str(assignment)[:8]}`",
                          about)]  # fmt: skip
