"""blog_analytics_daily_totals (0090) stays equal to the sums dashboard_stats used to compute.

Every way analytics change is exercised (insert, upsert, update, delete, trash,
restore, hard delete of a live or trashed blog, ownership change), and after each
the rollup is compared with a fresh aggregate over blog_analytics of live blogs.
"""

from __future__ import annotations

from tests.integration.test_schema_dashboard import add_blog, dashboard

# A day whose sums are all zero (rows of no views) may or may not have a rollup row: both sides leave it out.
NONZERO = "where views <> 0 or bounce_views <> 0 or bounce_weighted <> 0 order by 1, 2"
FRESH = (
    "select * from (select a.author_id, a.date, sum(a.views)::bigint as views,"
    " coalesce(sum(a.bounce_rate::numeric * a.views) filter (where a.bounce_rate is not null), 0) as bounce_weighted,"
    " coalesce(sum(a.views) filter (where a.bounce_rate is not null), 0)::bigint as bounce_views"
    " from blog_analytics a join blogs b on b.id = a.blog_id and b.deleted_at is null"
    " group by 1, 2) fresh " + NONZERO
)
ROLLUP = "select author_id, date, views, bounce_weighted, bounce_views from blog_analytics_daily_totals " + NONZERO


def assert_rollup_exact(superuser) -> None:
    assert superuser.execute(ROLLUP).fetchall() == superuser.execute(FRESH).fetchall()


def test_the_rollup_follows_every_change(db, make_user, superuser):
    alice, bob = make_user(), make_user()
    first = add_blog(superuser, alice, "now()", status="published")
    second = add_blog(superuser, alice, "now()")
    superuser.execute(
        "insert into blog_analytics (blog_id, date, views, bounce_rate)"
        " select b, current_date - d, 10 + d, case when d %% 3 = 0 then null else 0.1 * (d %% 7) end"
        " from unnest(%s::uuid[]) b, generate_series(0, 40) d",
        ([first, second],),
    )
    assert_rollup_exact(superuser)
    assert superuser.execute("select count(*) from blog_analytics_daily_totals").fetchone()[0] == 41

    superuser.execute(  # an ingest re-run: upsert of existing days plus a new one
        "insert into blog_analytics (blog_id, date, views, bounce_rate) values"
        " (%s, current_date, 99, 0.3), (%s, current_date - 100, 5, null)"
        " on conflict (blog_id, date) do update set views = excluded.views, bounce_rate = excluded.bounce_rate",
        (first, first),
    )
    assert_rollup_exact(superuser)
    superuser.execute("update blog_analytics set views = views * 2 where blog_id = %s", (second,))
    assert_rollup_exact(superuser)
    superuser.execute("delete from blog_analytics where blog_id = %s and date < current_date - 30", (second,))
    assert_rollup_exact(superuser)

    superuser.execute("update blogs set deleted_at = now() where id = %s", (second,))  # trash
    assert_rollup_exact(superuser)
    superuser.execute("update blog_analytics set views = 1 where blog_id = %s", (second,))  # while trashed
    assert_rollup_exact(superuser)
    superuser.execute("update blogs set deleted_at = null where id = %s", (second,))  # restore
    assert_rollup_exact(superuser)

    superuser.execute("update blogs set author_id = %s where id = %s", (bob.user_id, second))  # cascades
    assert_rollup_exact(superuser)
    superuser.execute("delete from blogs where id = %s", (first,))  # live blog deleted
    assert_rollup_exact(superuser)
    superuser.execute("update blogs set deleted_at = now() where id = %s", (second,))
    superuser.execute("delete from blogs where id = %s", (second,))  # trashed blog deleted
    assert_rollup_exact(superuser)
    assert superuser.execute(ROLLUP).fetchall() == []
    assert dashboard(db, "u_" + alice.user_id.hex)["total_views"] == 0


def test_dashboard_stats_reads_the_rollup_not_the_analytics(db, make_user, superuser):
    """A row written behind the triggers' back shows only what the rollup says: the view reads the rollup."""
    alice = make_user()
    blog = add_blog(superuser, alice, "now()", status="published")
    superuser.execute(
        "insert into blog_analytics (blog_id, date, views, bounce_rate) values (%s, current_date, 7, 0.5)", (blog,)
    )
    with superuser.transaction():
        superuser.execute("set local session_replication_role = replica")
        superuser.execute(
            "insert into blog_analytics (blog_id, author_id, date, views) values (%s, %s, current_date - 1, 1000)",
            (blog, alice.user_id),
        )
    figures = dashboard(db, "u_" + alice.user_id.hex)
    assert (figures["total_views"], figures["views_30d"], figures["avg_bounce_rate"]) == (7, 7, 0.5)


def test_an_account_without_analytics_has_an_empty_rollup(db, make_user, superuser):
    alice = make_user()
    add_blog(superuser, alice, "now()")
    assert (
        superuser.execute(
            "select count(*) from blog_analytics_daily_totals where author_id = %s", (alice.user_id,)
        ).fetchone()[0]
        == 0
    )
    assert dashboard(db, "u_" + alice.user_id.hex)["total_views"] == 0
