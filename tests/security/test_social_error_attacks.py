"""social_media_posts.error (0131): why a post failed, read and written by the post's owner only.

The owner may write it (the commands write it as the owner, as post_status and
platform_post_id); another account can neither read it nor set it, and it stays one bounded
line however it is written."""

from __future__ import annotations

import psycopg
import pytest

from blogster_cli.db.acting import acting_transaction


@pytest.fixture
def alices_failed_post(make_user, superuser):
    alice, bob = make_user(), make_user()
    (blog_id,) = superuser.execute(
        "insert into public.blogs (title, slug, author_id) values ('A post', 'a-post', %s) returning id",
        (alice.user_id,),
    ).fetchone()
    (profile_id,) = superuser.execute(
        "insert into public.social_media_profiles (user_id, platform, profile_id) values (%s, 'twitter', 'alice')"
        " returning id",
        (alice.user_id,),
    ).fetchone()
    (post_id,) = superuser.execute(
        "insert into public.social_media_posts (blog_id, social_profile_id, content, post_status, error)"
        " values (%s, %s, 'Teaser', 'failed', 'X refused the token (401)') returning id",
        (blog_id, profile_id),
    ).fetchone()
    return alice, bob, post_id


def as_role(db, actor, statement, params=()):
    with db.connect() as conn, acting_transaction(conn, actor.role_name):
        cursor = conn.execute(statement, params)
        return cursor.fetchall() if cursor.description else cursor.rowcount


def test_another_account_cannot_read_or_set_a_posts_error(db, superuser, alices_failed_post):
    alice, bob, post_id = alices_failed_post
    assert as_role(db, bob, "select error from public.social_media_posts") == []
    assert as_role(db, bob, "update public.social_media_posts set error = 'posted fine' where id = %s", (post_id,)) == 0
    assert as_role(db, bob, "update public.social_media_posts set error = null") == 0
    assert superuser.execute("select error from public.social_media_posts").fetchall() == [
        ("X refused the token (401)",)
    ]
    assert as_role(db, alice, "select error from public.social_media_posts") == [("X refused the token (401)",)]


def test_the_error_is_the_owners_to_write_and_stays_bounded(db, superuser, alices_failed_post):
    alice, _bob, post_id = alices_failed_post
    assert as_role(db, alice, "update public.social_media_posts set error = null where id = %s", (post_id,)) == 1
    for too_much in ("x" * 501, ""):
        with pytest.raises(psycopg.errors.CheckViolation):
            as_role(db, alice, "update public.social_media_posts set error = %s where id = %s", (too_much, post_id))
    assert superuser.execute("select error from public.social_media_posts").fetchall() == [(None,)]
