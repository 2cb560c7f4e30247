"""What 0133 opened to accounts (interactive_content.completion_count, blog_analytics.views_by_hour, both
written by `analytics ingest` as the account) stays on the account's own rows: another account's log,
ingest or SQL cannot change them, and the counts cannot go negative."""

from __future__ import annotations

import psycopg
import pytest

from blogster_cli.actors import ActingUser
from blogster_cli.db.acting import acting_transaction
from blogster_cli.services.analytics_ingest import ingest


def as_role(db, actor, statement, params=()):
    with db.connect() as conn, acting_transaction(conn, actor.role_name):
        return conn.execute(statement, params).rowcount


@pytest.fixture
def two_polls(db, make_user, superuser):
    """Alice and Bob each have a poll with the tracking id "shells" (unique per owner) and a post."""
    alice, bob = make_user(), make_user()
    for actor in (alice, bob):
        superuser.execute(
            "insert into interactive_content (user_id, content_type, title, tracking_id, participation_count,"
            " completion_count, completion_rate) values (%s, 'poll', 'Shells', 'shells', 10, 5, 0.5)",
            (actor.user_id,),
        )
        superuser.execute(
            "insert into blogs (author_id, title, slug, status, published_at) values (%s, 'A', 'a', 'published', now())",
            (actor.user_id,),
        )
    return alice, bob


def polls(superuser):
    return dict(
        superuser.execute(
            "select user_id, (participation_count, completion_count, completion_rate)::text from interactive_content"
        ).fetchall()
    )


def test_bobs_log_counts_for_his_poll_never_for_alices_of_the_same_tracking_id(db, superuser, two_polls, tmp_path):
    alice, bob = two_polls
    log = tmp_path / "access.log"
    log.write_text(
        '10.0.0.1 - - [01/Dec/2026:10:00:00 +0000] "GET /_i/shells/start HTTP/1.1" 204 0 "-" "Firefox/120"\n'
        '10.0.0.1 - - [01/Dec/2026:10:00:00 +0000] "GET /posts/a/ HTTP/1.1" 200 9 "-" "Firefox/120"\n'
    )
    ingest(ActingUser(db, bob), sources=[str(log)])
    assert polls(superuser) == {alice.user_id: "(10,5,0.5)", bob.user_id: "(11,5,0.45454545454545453)"}
    assert superuser.execute("select author_id, views_by_hour[11] from blog_analytics").fetchall() == [(bob.user_id, 1)]


def test_bob_cannot_change_alices_counts_or_hours_by_sql(db, superuser, two_polls):
    alice, bob = two_polls
    (alice_blog,) = superuser.execute("select id from blogs where author_id = %s", (alice.user_id,)).fetchone()
    superuser.execute(
        "insert into blog_analytics (blog_id, date, views, views_by_hour) values (%s, '2026-12-01', 3, %s)",
        (alice_blog, [0] * 23 + [3]),
    )
    before = polls(superuser)
    assert (
        as_role(db, bob, "update interactive_content set completion_count = 99 where user_id = %s", (alice.user_id,))
        == 0
    )
    assert as_role(db, bob, "update blog_analytics set views_by_hour = %s", ([1] * 24,)) == 0
    with pytest.raises(psycopg.errors.InsufficientPrivilege):  # a day of Alice's post: RLS refuses the row
        as_role(
            db,
            bob,
            "insert into blog_analytics (blog_id, date, views, views_by_hour) values (%s, '2026-12-02', 1, %s)",
            (alice_blog, [1] + [0] * 23),
        )
    with pytest.raises(psycopg.errors.CheckViolation):
        as_role(db, bob, "update interactive_content set completion_count = -1")
    assert polls(superuser) == before
    assert superuser.execute("select date::text, views_by_hour from blog_analytics").fetchall() == [
        ("2026-12-01", [0] * 23 + [3])
    ]
    # His own: as any column of his rows.
    assert as_role(db, bob, "update interactive_content set completion_count = 6") == 1
