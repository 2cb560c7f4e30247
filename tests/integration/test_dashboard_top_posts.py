"""The dashboard's top posts: my live posts' views over the last 30 UTC days, most first."""

from __future__ import annotations

import uuid

from blogster_cli.actors import ActingUser
from blogster_cli.services import dashboard


def post(superuser, author, title, *, trashed=False):
    return superuser.execute(
        "insert into blogs (title, slug, author_id, status, deleted_at)"
        " values (%s, %s, %s, 'published', case when %s then now() end) returning id",
        (title, f"p-{uuid.uuid4().hex[:8]}", author.user_id, trashed),
    ).fetchone()[0]


def views(superuser, blog, days_ago, count):
    superuser.execute(
        "insert into blog_analytics (blog_id, date, views) values (%s, (now() at time zone 'UTC')::date - %s, %s)",
        (blog, days_ago, count),
    )


def test_top_posts_sum_my_live_posts_over_thirty_days(db, make_user, superuser):
    alice, bob = make_user(), make_user()
    steady = post(superuser, alice, "Steady")
    views(superuser, steady, 0, 5)
    views(superuser, steady, 29, 7)  # the window's first day
    views(superuser, steady, 30, 1000)  # a day before it
    tied = post(superuser, alice, "Also twelve")  # same views as Steady: by title
    views(superuser, tied, 3, 12)
    views(superuser, post(superuser, alice, "Popular"), 1, 40)
    views(superuser, post(superuser, alice, "Unread"), 2, 0)
    views(superuser, post(superuser, alice, "Trashed", trashed=True), 1, 500)
    views(superuser, post(superuser, bob, "Bob's hit"), 1, 900)

    top = dashboard.top_posts(ActingUser(db, alice), limit=5)

    assert [(p.title, p.views) for p in top] == [("Popular", 40), ("Also twelve", 12), ("Steady", 12)]
    assert dashboard.top_posts(ActingUser(db, alice), limit=1)[0].title == "Popular"
    assert [p.title for p in dashboard.top_posts(ActingUser(db, bob))] == ["Bob's hit"]
