"""dashboard_stats against hand-computed figures on data straddling the 30- and 60-day boundaries."""

from __future__ import annotations

import math
import uuid

import psycopg
import pytest
from psycopg.types.json import Jsonb

from blogster_cli.db.acting import acting_transaction
from blogster_cli.repositories import dashboard as dashboard_rows

FIELDS = (
    "total_blogs",
    "published_blogs",
    "new_blogs_30d",
    "new_blogs_prev_30d",
    "total_views",
    "views_30d",
    "views_prev_30d",
    "avg_bounce_rate",
    "total_shares",
)


def dashboard(db, role_name):
    with db.connect() as conn, acting_transaction(conn, role_name):
        cur = conn.execute("select * from dashboard_stats")
        rows = cur.fetchall()
        assert tuple(col.name for col in cur.description) == FIELDS
    assert len(rows) == 1
    return dict(zip(FIELDS, rows[0], strict=True))


def add_blog(superuser, author, created_at_sql, *, status="draft", deleted=False):
    return superuser.execute(
        f"insert into blogs (title, slug, author_id, status, created_at, deleted_at)"
        f" values ('Post', %s, %s, %s, {created_at_sql}, case when %s then now() end) returning id",
        (f"p-{uuid.uuid4().hex[:8]}", author.user_id, status, deleted),
    ).fetchone()[0]


def add_views(superuser, blog, days_ago, views, bounce_rate=None):
    superuser.execute(
        "insert into blog_analytics (blog_id, date, views, bounce_rate)"
        " values (%s, (now() at time zone 'UTC')::date - %s, %s, %s)",
        (blog, days_ago, views, bounce_rate),
    )


def add_social_post(superuser, author, blog, metrics):
    profile = superuser.execute(
        "insert into social_media_profiles (user_id, platform, profile_id) values (%s, 'linkedin', %s) returning id",
        (author.user_id, uuid.uuid4().hex),
    ).fetchone()[0]
    superuser.execute(
        "insert into social_media_posts (blog_id, social_profile_id, engagement_metrics) values (%s, %s, %s)",
        (blog, profile, Jsonb(metrics)),
    )


def utc_day(days_ago: int, clock: str) -> str:
    """SQL for a timestamptz at `clock` UTC on the UTC date `days_ago` days before today."""
    return f"(((now() at time zone 'UTC')::date - {days_ago}) + time '{clock}') at time zone 'UTC'"


def test_dashboard_matches_hand_computed_figures(db, make_user, superuser):
    alice, bob = make_user(), make_user()
    today = add_blog(superuser, alice, "now()", status="published")
    edge_in = add_blog(superuser, alice, utc_day(29, "00:00:01"))  # first second of the 30-day window
    edge_out = add_blog(superuser, alice, utc_day(30, "23:59:59"), status="published")  # last second before it
    prev_first = add_blog(superuser, alice, utc_day(59, "00:00:00"))  # first instant of the previous window
    add_blog(superuser, alice, utc_day(60, "23:59:59"), status="published")  # older than both windows
    trashed = add_blog(superuser, alice, "now()", status="published", deleted=True)
    bobs = add_blog(superuser, bob, "now()", status="published")

    add_views(superuser, today, 0, 10, 0.5)  # today counts in views_30d
    add_views(superuser, edge_in, 29, 20, 0.2)  # last day of the window
    add_views(superuser, edge_out, 30, 30)  # first day of the previous window; no bounce figure
    add_views(superuser, prev_first, 59, 40, 0.1)  # last day of the previous window
    add_views(superuser, prev_first, 60, 50, 0.9)  # outside both, still in total_views
    add_views(superuser, trashed, 0, 1000, 1.0)
    add_views(superuser, bobs, 0, 7777, 0.0)

    add_social_post(superuser, alice, today, {"shares": 5, "likes": 40})
    add_social_post(superuser, alice, edge_in, {"shares": 3})
    add_social_post(superuser, alice, edge_in, {"likes": 9})  # no shares key: 0
    superuser.execute(
        "insert into platform_republishing (blog_id, platform, engagement_metrics) values (%s, 'medium', %s)",
        (today, Jsonb({"shares": 2})),
    )
    add_social_post(superuser, alice, trashed, {"shares": 100})
    add_social_post(superuser, bob, bobs, {"shares": 1000})

    stats = dashboard(db, alice.role_name)
    expected_bounce = (10 * 0.5 + 20 * 0.2 + 40 * 0.1 + 50 * 0.9) / (10 + 20 + 40 + 50)
    assert math.isclose(stats.pop("avg_bounce_rate"), expected_bounce)
    assert stats == {
        "total_blogs": 5,
        "published_blogs": 3,
        "new_blogs_30d": 2,
        "new_blogs_prev_30d": 2,
        "total_views": 150,
        "views_30d": 30,
        "views_prev_30d": 70,
        "total_shares": 10,
    }

    bob_stats = dashboard(db, bob.role_name)
    assert bob_stats["total_blogs"] == 1 and bob_stats["total_views"] == 7777 and bob_stats["total_shares"] == 1000
    assert bob_stats["avg_bounce_rate"] == 0.0

    # Restoring from the trash brings the blog's figures back.
    superuser.execute("update blogs set deleted_at = null where id = %s", (trashed,))
    assert dashboard(db, alice.role_name)["total_shares"] == 110


def test_a_user_without_blogs_gets_zeros_and_no_bounce_rate(db, make_user):
    stats = dashboard(db, make_user().role_name)
    assert stats == dict.fromkeys(FIELDS, 0) | {"avg_bounce_rate": None}
    assert all(type(stats[name]) is int for name in FIELDS if name != "avg_bounce_rate")


@pytest.mark.parametrize("role", ["anon", "service_role"])
def test_roles_without_a_user_cannot_read_the_dashboard(db, role):
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        with db.connect() as conn, acting_transaction(conn, role):
            conn.execute("select * from dashboard_stats")


def test_the_view_runs_as_the_caller(db, superuser):
    options = superuser.execute(
        "select reloptions from pg_class where oid = 'public.dashboard_stats'::regclass"
    ).fetchone()
    assert "security_invoker=true" in options[0]


# dashboard_stats reads these through their policies alone (0095): a policy that admitted
# anything but the reader's own rows would put someone else's figures on their dashboard.
READ_THROUGH_THEIR_POLICIES = ("blog_analytics_daily_totals", "social_media_posts", "platform_republishing")


def test_the_tables_the_dashboard_leaves_to_their_policies_admit_only_their_owner(superuser):
    policies = superuser.execute(
        "select tablename, permissive, roles::text[], qual from pg_policies"
        " where schemaname = 'public' and tablename = any(%s) and cmd in ('SELECT', 'ALL')",
        (list(READ_THROUGH_THEIR_POLICIES),),
    ).fetchall()
    assert sorted(policies) == [
        (table, "PERMISSIVE", ["authenticated"], "(author_id = ( SELECT auth.uid() AS uid))")
        for table in sorted(READ_THROUGH_THEIR_POLICIES)
    ]
    forced = superuser.execute(
        "select relname from pg_class where relnamespace = 'public'::regnamespace and relname = any(%s)"
        " and relrowsecurity and relforcerowsecurity",
        (list(READ_THROUGH_THEIR_POLICIES),),
    ).fetchall()
    assert sorted(name for (name,) in forced) == sorted(READ_THROUGH_THEIR_POLICIES)


def test_no_role_that_bypasses_row_level_security_may_read_the_dashboard(superuser):
    """The policies are what keep other accounts' views and shares off a dashboard (0095)."""
    readers = superuser.execute(
        "select rolname from pg_roles where rolbypassrls and not rolsuper"
        " and has_table_privilege(oid, 'public.dashboard_stats', 'select')"
    ).fetchall()
    assert readers == []


def test_a_reader_never_sees_someone_elses_views_or_shares_on_the_dashboard(db, make_user, superuser):
    alice, bob = make_user(), make_user()
    bobs = add_blog(superuser, bob, "now()", status="published")
    add_views(superuser, bobs, 0, 500, 0.5)
    add_social_post(superuser, bob, bobs, {"shares": 9})
    superuser.execute(
        "insert into platform_republishing (blog_id, platform, engagement_metrics) values (%s, 'medium', %s)",
        (bobs, Jsonb({"shares": 4})),
    )
    assert dashboard(db, alice.role_name) == dict.fromkeys(FIELDS, 0) | {"avg_bounce_rate": None}
    # `authenticated` without an account (auth.uid() is NULL) is admitted no row either.
    stats = dashboard(db, "authenticated")
    assert stats == dict.fromkeys(FIELDS, 0) | {"avg_bounce_rate": None}
    assert dashboard(db, bob.role_name)["total_shares"] == 13


class Explaining:
    """Stands in for a connection: EXPLAINs each statement a repository function sends."""

    def __init__(self, conn: psycopg.Connection) -> None:
        self.conn, self.plans = conn, []

    def execute(self, query, params=None):
        rows = self.conn.execute("explain (costs off, verbose) " + query, params).fetchall()
        self.plans.append("\n".join(row[0] for row in rows))
        return self

    def fetchone(self):
        return (0,) * 11

    def fetchall(self):
        return []


def test_the_dashboard_statements_do_not_compare_auth_uid_with_the_policies_per_scan(db, make_user):
    """Written `user_id = auth.uid()` against a policy's `user_id = (select auth.uid())`, "mine"
    became a one-time filter with auth.uid() compiled in above every scan, one per partition."""
    explaining = Explaining(db.connection())
    with acting_transaction(explaining.conn, make_user().role_name):
        dashboard_rows.figures(explaining)
        dashboard_rows.views_by_day(explaining, days=30)
        dashboard_rows.top_posts(explaining, days=30, limit=10)
    assert len(explaining.plans) == 3
    for plan in explaining.plans:
        compiled = [line for line in plan.splitlines() if "One-Time Filter" in line and "current_setting" in line]
        assert compiled == [], plan
