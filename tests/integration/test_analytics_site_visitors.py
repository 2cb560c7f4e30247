"""The site's unique visitors per day (0109): a reader of several posts counts once a day, across runs.

`analytics report` and `analytics dashboard` summed the per post visitors, so one visitor who
read two posts on a day counted twice in the day's and the period's totals. GoAccess counts a
unique visitor once per IP + day + user agent; per post figures stay per post.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from blogster_cli.actors import ActingUser
from blogster_cli.db import migrations
from blogster_cli.services import analytics_reports
from blogster_cli.services.analytics_ingest import ingest
from tests.integration.test_analytics_ingest import BROWSER, OTHER_BROWSER, author, figures, write  # noqa: F401
from tests.integration.test_migrations import use_copied_migrations

TODAY = datetime.now(UTC).date()
DAY_ONE, DAY_TWO = TODAY - timedelta(days=2), TODAY - timedelta(days=1)


def hit(ip: str, day: date, clock: str, slug: str, agent: str = BROWSER) -> str:
    return f'{ip} - - [{day:%d/%b/%Y}:{clock} +0000] "GET /posts/{slug}/ HTTP/1.1" 200 512 "-" "{agent}"\n'


def visitors_by_day(result: analytics_reports.Report) -> dict[date, int]:
    return {day["date"]: day["unique_visitors"] for day in result.days if day["views"]}


def test_a_reader_of_two_posts_counts_once_a_day_and_in_the_period(author, superuser, tmp_path):  # noqa: F811
    acting = author()
    log = [
        hit("10.0.0.1", DAY_ONE, "10:00:00", "alpha"),
        hit("10.0.0.1", DAY_ONE, "10:03:00", "beta"),  # the same reader, a second post
        hit("10.0.0.1", DAY_ONE, "10:09:00", "alpha", agent=OTHER_BROWSER),  # same IP, another browser
        hit("10.0.0.2", DAY_ONE, "11:00:00", "beta"),
        hit("10.0.0.1", DAY_TWO, "09:00:00", "alpha"),
        hit("10.0.0.1", DAY_TWO, "09:04:00", "gamma"),
    ]
    ingest(acting, sources=[str(write(tmp_path / "access.log", log))])

    per_post = figures(superuser, acting)  # per post figures are unchanged: each post's own visitors
    assert {key: value[1] for key, value in per_post.items()} == {
        ("alpha", DAY_ONE): 2, ("beta", DAY_ONE): 2, ("alpha", DAY_TWO): 1, ("gamma", DAY_TWO): 1,
    }  # fmt: skip
    result = analytics_reports.report(acting, days=30)
    assert visitors_by_day(result) == {DAY_ONE: 3, DAY_TWO: 1}  # the posts' sums were 4 and 2
    # The period counts a visitor once a day (GoAccess's daily unique visitors, added up).
    assert result.totals["unique_visitors"] == 4
    assert result.totals["views"] == 6
    assert {post.slug: post.unique_visitors for post in result.top_posts} == {"alpha": 3, "beta": 2, "gamma": 1}
    one = analytics_reports.report(acting, blog="beta", days=30)
    assert (one.totals["unique_visitors"], visitors_by_day(one)) == (2, {DAY_ONE: 2})
    board = analytics_reports.dashboard(acting)
    assert board.last_30_days["unique_visitors"] == 4


def test_a_visitor_seen_in_two_runs_of_the_same_day_counts_once(author, tmp_path):  # noqa: F811
    acting = author()
    morning = write(tmp_path / "access.log.1", [hit("10.0.0.1", DAY_ONE, "08:00:00", "alpha")])
    evening = write(
        tmp_path / "access.log",
        [hit("10.0.0.1", DAY_ONE, "20:00:00", "beta"), hit("10.0.0.3", DAY_ONE, "20:30:00", "gamma")],
    )
    ingest(acting, sources=[str(morning)])
    assert visitors_by_day(analytics_reports.report(acting)) == {DAY_ONE: 1}
    ingest(acting, sources=[str(evening)])
    assert visitors_by_day(analytics_reports.report(acting)) == {DAY_ONE: 2}  # not 3
    again = ingest(acting, sources=[str(morning), str(evening)])
    assert [file.known for file in again.files] == ["counted", "counted"]
    assert analytics_reports.report(acting).totals["unique_visitors"] == 2


def test_a_post_deleted_for_good_leaves_no_visitors_of_its_own_in_the_day(author, superuser, tmp_path):  # noqa: F811
    acting = author()
    log = [
        hit("10.0.0.1", DAY_ONE, "10:00:00", "alpha"),
        hit("10.0.0.2", DAY_ONE, "10:00:00", "beta"),
        hit("10.0.0.3", DAY_ONE, "10:00:00", "beta"),
    ]
    ingest(acting, sources=[str(write(tmp_path / "access.log", log))])
    assert visitors_by_day(analytics_reports.report(acting)) == {DAY_ONE: 3}
    superuser.execute("delete from blogs where author_id = %s and slug = 'beta'", (acting.actor.user_id,))
    result = analytics_reports.report(acting)
    assert visitors_by_day(result) == {DAY_ONE: 1} and result.totals["unique_visitors"] == 1


def test_another_accounts_visitors_are_not_mine(author, db, make_user, tmp_path):  # noqa: F811
    ingest(author(), sources=[str(write(tmp_path / "access.log", [hit("10.0.0.1", DAY_ONE, "10:00:00", "alpha")]))])
    bob = ActingUser(db, make_user())
    assert analytics_reports.report(bob).totals["unique_visitors"] == 0


def test_0109_counts_the_days_already_ingested_once_per_visitor(empty_db, tmp_path, monkeypatch):
    """A database ingested before 0109: its stored page views (in ledger rows, 0046, and one a row
    before that) give each day's visitors once; lines that are no view of the author's posts do not count."""
    use_copied_migrations(tmp_path, monkeypatch, before="0109")
    migrations.apply(empty_db)
    day = 1796083200  # 2026-12-01 00:00 UTC
    with empty_db.connect() as conn:
        alice, bob = (
            conn.execute("insert into auth.users (email) values (%s) returning id", (email,)).fetchone()[0]
            for email in ("alice@example.com", "bob@example.com")
        )
        alpha, beta, bobs = (
            conn.execute(
                "insert into blogs (author_id, title, slug) values (%s, %s, %s) returning id::text", (owner, slug, slug)
            ).fetchone()[0]
            for owner, slug in ((alice, "alpha"), (alice, "beta"), (bob, "bobs"))
        )
        views = "\n".join(
            [
                f"{alpha}\t11\t{day + 36000}\t\tdesktop",
                f"{beta}\t11\t{day + 36100}\tgoogle.com\t",  # the same visitor, another post
                f"{beta}\t22\t{day + 40000}\t\t",
                f"\t33\t{day + 40000}\t\t",  # a page that is no post
                f"{bobs}\t44\t{day + 40000}\t\t",  # another account's post
                f"{alpha}\t9999999999999999999\t{day + 40000}\t\t",  # no bigint: compared as text
                f"{alpha}\tnot-a-number\t{day + 40000}\t\t",
                f"{alpha}\t55\t{day + 40000}",  # too few fields
            ]
        )
        conn.execute(
            "insert into analytics_ingest_ranges (author_id, file_key, start_offset, end_offset, range_hash, lines,"
            " first_view, last_view, summarised, views) values (%s, repeat('a', 64), 0, 100, repeat('b', 64), 8,"
            " to_timestamp(%s), to_timestamp(%s), true, %s)",
            (alice, day, day + 40000, views),
        )
        conn.execute(
            "insert into analytics_page_views (author_id, blog_id, visitor, viewed_at) values"
            " (%s, %s, 11, to_timestamp(%s)), (%s, %s, 66, to_timestamp(%s))",
            (alice, alpha, day + 50000, alice, alpha, day + 86400 + 10),
        )
    monkeypatch.undo()
    assert migrations.apply(empty_db)[0] == "0109_analytics_daily_visitors"
    with empty_db.connect() as conn:
        rows = conn.execute(
            "select author_id, date, unique_visitors from analytics_daily_visitors order by 2"
        ).fetchall()
    assert rows == [(alice, date(2026, 12, 1), 3), (alice, date(2026, 12, 2), 1)]
