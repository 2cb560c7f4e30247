"""One rule for a page view everywhere (h293 M3, L6): a GET or HEAD answered 2xx/3xx, not from a crawler,
of one of my posts. `audience segments` counted every stored page view (the home page, a login form, 1,080
spam form POSTs of the shared real log: 3,431 views against `analytics report`'s 193), and a POST counted
as a view of the page it was sent to."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from blogster_cli.actors import ActingUser
from blogster_cli.analytics.audience import Segment
from blogster_cli.services import analytics_reports
from blogster_cli.services.analytics_ingest import ingest
from blogster_cli.services.audience import refresh_segments
from tests.conftest import shared_data
from tests.integration.test_analytics_ingest import BROWSER, write

REAL_POSTS = (
    "doing-pxe-without-dhcp-control",
    "installing-fedora-linux-via-pxe-x86-64",
    "installing-gitlab-on-centos-6",
)


def with_posts(make_user, superuser, db, slugs) -> ActingUser:
    actor = make_user()
    for slug in slugs:
        superuser.execute(
            "insert into blogs (author_id, title, slug, status, published_at) values (%s, %s, %s, 'published', now())",
            (actor.user_id, slug, slug),
        )
    return ActingUser(db, actor)


def request(moment: datetime, ip: str, method: str, path: str, status: int = 200) -> str:
    return f'{ip} - - [{moment:%d/%b/%Y:%H:%M:%S} +0000] "{method} {path} HTTP/1.1" {status} 512 "-" "{BROWSER}"\n'


def everyone(acting: ActingUser) -> Segment:
    return next(segment for segment in refresh_segments(acting, days=30) if segment.segment_name == "all readers")


def test_a_post_or_a_page_that_is_no_post_is_no_view(db, make_user, superuser, tmp_path):
    acting = with_posts(make_user, superuser, db, ["alpha", "beta"])
    start = datetime.now(UTC).replace(hour=10, minute=0, second=0, microsecond=0) - timedelta(days=2)
    log = write(tmp_path / "access.log", [
        request(start, "10.0.0.1", "GET", "/posts/alpha/"),
        request(start + timedelta(minutes=1), "10.0.0.1", "POST", "/posts/alpha/"),  # a comment form: no view
        request(start + timedelta(minutes=2), "10.0.0.1", "GET", "/about/"),  # a page, no post
        request(start + timedelta(minutes=3), "10.0.0.1", "HEAD", "/posts/beta/"),
        request(start + timedelta(minutes=4), "10.0.0.2", "POST", "/join_form", 302),  # form spam
        request(start + timedelta(minutes=5), "10.0.0.2", "POST", "/posts/beta/"),
        request(start + timedelta(minutes=6), "10.0.0.2", "OPTIONS", "/posts/beta/"),
        request(start + timedelta(minutes=7), "10.0.0.3", "GET", "/posts/beta/"),
    ])  # fmt: skip
    run = ingest(acting, sources=[str(log)])
    assert (run.parsed, run.page_views, run.matched) == (8, 4, 3)  # the home page is a page view, on no post
    report = analytics_reports.report(acting)
    assert report.totals["views"] == 3
    assert {post.slug: post.views for post in report.top_posts} == {"alpha": 1, "beta": 2}
    readers = everyone(acting)
    assert readers.engagement_metrics["views"] == 3  # every line of the log was one: 8
    assert readers.segment_size == 2  # 10.0.0.2 only posted forms
    assert readers.content_preferences["top_posts"] == {"beta": 2, "alpha": 1}


def test_the_real_log_gives_the_same_views_to_the_report_and_the_segments(db, make_user, superuser, tmp_path):
    """The shared real log (25-30 Oct 2015, mostly form-spam bots) moved to the last days."""
    today = datetime.now(UTC).date()
    text = shared_data("access_logs", "hackers-access.log").read_text()
    shifted = re.sub(
        r"\[(\d\d)/Oct/2015:",
        lambda day: f"[{today - timedelta(days=31 - int(day.group(1))):%d/%b/%Y}:",
        text,
    )
    lines = shifted.splitlines(keepends=True)
    page_requests = sum(
        1 for each in lines if re.search(r'"(GET|HEAD) \S+ [^"]*" [23]\d\d ', each)
    )  # the log has no static files and no crawler the list knows
    acting = with_posts(make_user, superuser, db, REAL_POSTS)
    run = ingest(acting, sources=[str(write(tmp_path / "access.log", lines))], map_pattern="/linux/{slug}")
    assert (run.lines, run.unique_visitors) == (3456, 672)  # as GoAccess counts them, POSTs included
    assert run.page_views == page_requests == 2351  # every 2xx/3xx line was, 1,080 form POSTs with them: 3,431
    assert run.matched == 193
    report = analytics_reports.report(acting)
    readers = everyone(acting)
    assert report.totals["views"] == readers.engagement_metrics["views"] == 193  # the segments' were 3,431
    assert readers.content_preferences["top_posts"] == {post.slug: post.views for post in report.top_posts}
    # Readers are distinct over the period; the report adds up each day's visitors (as GoAccess's daily ones).
    assert 0 < readers.segment_size <= report.totals["unique_visitors"] == 163
