"""`analytics freshness` (h293 L2): a published post with no views had empty `recommended_updates` when
it was published within the last 30 days; every post without views now gets advice, as stored rows too."""

from __future__ import annotations

from blogster_cli.actors import ActingUser
from blogster_cli.services.analytics_reports import freshness


def test_a_new_and_an_old_post_without_views_both_get_advice(db, make_user, superuser):
    actor = make_user()
    for slug, age in (("new-post", "2 days"), ("old-post", "400 days")):
        superuser.execute(
            "insert into blogs (author_id, title, slug, status, published_at)"
            " values (%s, %s, %s, 'published', now() - %s::interval)",
            (actor.user_id, slug, slug, age),
        )
    advice = {post.slug: post.recommended_updates for post in freshness(ActingUser(db, actor), limit=0)}
    assert advice["new-post"] == ["no views since it was published 2 days ago: share it or link to it from other posts"]
    assert advice["old-post"] == [  # published 400 days ago and never edited since
        "not updated for 400 days: check facts, links and versions",
        "no views in the last 30 days: update it or link to it from newer posts",
    ]
    stored = dict(
        superuser.execute(
            "select b.slug, f.recommended_updates from content_freshness f join blogs b on b.id = f.blog_id"
            " where b.author_id = %s",
            (actor.user_id,),
        ).fetchall()
    )
    assert stored == advice
