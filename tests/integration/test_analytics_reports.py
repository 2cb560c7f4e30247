"""`analytics dashboard` and `analytics report` figures from known blog_analytics rows; only the owner's."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from psycopg.types.json import Jsonb

from blogster_cli.actors import ActingUser
from blogster_cli.errors import InvalidInput, NotFound
from blogster_cli.services.analytics_reports import dashboard, report


@pytest.fixture
def alice(db, make_user, superuser):
    actor = make_user()
    today = datetime.now(UTC).date()
    ids = {
        slug: superuser.execute(
            "insert into blogs (author_id, title, slug) values (%s, %s, %s) returning id", (actor.user_id, slug, slug)
        ).fetchone()[0]
        for slug in ("alpha", "beta")
    }
    rows = [
        ("alpha", 1, 100, 80, 0.5, 60.0, {"google.com": 10}),
        ("alpha", 40, 50, 40, 0.2, 30.0, {"google.com": 1}),
        ("beta", 2, 300, 100, 0.25, 120.0, {"google.com": 5, "news.ycombinator.com": 7}),
    ]
    for slug, ago, views, visitors, bounce, seconds, referrers in rows:
        superuser.execute(
            "insert into blog_analytics (blog_id, date, views, unique_visitors, bounce_rate, avg_time_on_page, referrers)"
            " values (%s, %s, %s, %s, %s, %s, %s)",
            (ids[slug], today - timedelta(days=ago), views, visitors, bounce, seconds, Jsonb(referrers)),
        )
    return ActingUser(db, actor)


def test_dashboard_compares_the_last_30_days_with_the_30_before(alice):
    board = dashboard(alice)
    assert board.stats["total_views"] == 450 and board.stats["total_blogs"] == 2
    now, before = board.last_30_days, board.previous_30_days
    assert (now["views"], now["unique_visitors"]) == (400, 180)
    assert now["bounce_rate"] == pytest.approx(0.3125) and now["avg_time_on_page"] == pytest.approx(105.0)
    assert now["engagement_rate"] == pytest.approx(0.6875)
    assert (before["views"], before["unique_visitors"], before["engagement_rate"]) == (50, 40, pytest.approx(0.8))
    assert board.deltas["views"] == 350 and board.deltas["engagement_rate"] == pytest.approx(-0.1125)
    assert board.trending_score == pytest.approx(7.0)


def test_report_has_a_day_per_row_top_posts_and_referrers(alice):
    result = report(alice, days=30)
    assert len(result.days) == 30 and sum(day["views"] for day in result.days) == 400
    assert [post.slug for post in result.top_posts] == ["beta", "alpha"]
    assert result.top_referrers == [
        {"domain": "google.com", "views": 15},
        {"domain": "news.ycombinator.com", "views": 7},
    ]
    assert report(alice, days=90).totals["views"] == 450
    one = report(alice, blog="alpha", days=30)
    assert (one.totals["views"], one.top_referrers) == (100, [{"domain": "google.com", "views": 10}])
    assert report(alice, days=7).totals["views"] <= 400  # any period now (h293 L4), but none of no day
    with pytest.raises(InvalidInput):
        report(alice, days=0)


def test_another_account_sees_none_of_it(alice, db, make_user):
    bob = ActingUser(db, make_user())
    board = dashboard(bob)
    assert board.stats["total_views"] == 0 and board.last_30_days["views"] == 0
    assert report(bob, days=90).totals["views"] == 0 and report(bob, days=90).top_referrers == []
    with pytest.raises(NotFound):
        report(bob, blog="alpha")


def test_freshness_scores_published_posts_once_each_and_only_mine(alice, db, make_user, superuser):
    from blogster_cli.services.analytics_reports import freshness

    superuser.execute(
        "update blogs set status = 'published', published_at = now() - interval '800 days' where author_id = %s",
        (alice.actor.user_id,),
    )
    superuser.execute("set session_replication_role = replica")  # keep the updated_at trigger from resetting it
    superuser.execute(
        "update blogs set updated_at = now() - interval '800 days' where author_id = %s and slug = 'alpha'",
        (alice.actor.user_id,),
    )
    superuser.execute("set session_replication_role = origin")
    ranked = freshness(alice)
    assert [post.slug for post in ranked] == ["alpha", "beta"]  # alpha: old and quieter
    assert ranked[0].days_since_update >= 799 and ranked[0].recommended_updates
    freshness(alice)  # a re-run updates the rows, it does not add more
    rows = superuser.execute(
        "select b.slug, count(*) from content_freshness f join blogs b on b.id = f.blog_id"
        " where b.author_id = %s group by b.slug order by 1",
        (alice.actor.user_id,),
    ).fetchall()
    assert rows == [("alpha", 1), ("beta", 1)]
    assert freshness(ActingUser(db, make_user())) == []


def test_keyword_import_is_idempotent_and_per_account(alice, db, make_user):
    from blogster_cli.services import seo

    text = "Keyword,Volume,KD\nStatic sites,900,30\nrls,50,10\n"
    first = seo.import_keywords(alice, text=text, source="k.csv")
    assert (first.inserted, first.updated) == (2, 0)
    again = seo.import_keywords(alice, text="keyword,volume\nstatic SITES,1000\n", source="k.csv")
    assert (again.inserted, again.updated) == (0, 1)
    assert [(k.keyword, k.search_volume) for k in seo.keywords(alice)] == [("Static sites", 1000), ("rls", 50)]
    assert seo.keywords(ActingUser(db, make_user())) == []
    with pytest.raises(InvalidInput):
        seo.import_keywords(alice, text="", source="empty.csv")


def test_a_nul_in_a_csv_cell_is_dropped_not_the_whole_file(alice):
    """One row holding a NUL failed the whole import ("text fields cannot contain NUL")."""
    from blogster_cli.services import seo

    imported = seo.import_keywords(alice, text="keyword,volume\nsta\x00tic,10\nrls,5\n", source="k.csv")
    assert (imported.inserted, imported.rejected) == (2, [])
    assert sorted(k.keyword for k in seo.keywords(alice)) == ["rls", "static"]
