"""`audience segments`: reader_profiles from an ingested log with known sources, devices and behaviour."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from blogster_cli.actors import ActingUser
from blogster_cli.analytics.audience import SEGMENTS, source_of
from blogster_cli.analytics.devices import device_class
from blogster_cli.services.analytics_ingest import ingest
from blogster_cli.services.audience import refresh_segments
from tests.integration.test_analytics_ingest import BROWSER, GOOGLEBOT, write

IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko)"
    " Version/17.0 Mobile/15E148 Safari/604.1"
)
IPAD = (
    "Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko)"
    " Version/17.0 Mobile/15E148 Safari/604.1"
)
ANDROID_PHONE = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/120.0 Mobile Safari/537.36"
ANDROID_TABLET = "Mozilla/5.0 (Linux; Android 13; SM-X710) AppleWebKit/537.36 Chrome/120.0 Safari/537.36"


def request(moment: datetime, ip: str, path: str, agent: str, ref: str = "-") -> str:
    return f'{ip} - - [{moment:%d/%b/%Y:%H:%M:%S} +0000] "GET {path} HTTP/1.1" 200 512 "{ref}" "{agent}"\n'


def known_log() -> list[str]:
    """A (desktop) reads two posts from Google, comes back the next day directly; B (iPhone) bounces from
    t.co; C (iPad) reads three pages from a link on example.org; Googlebot is no reader."""
    day1 = datetime.now(UTC).replace(hour=10, minute=0, second=0, microsecond=0) - timedelta(days=2)
    day2 = day1 + timedelta(days=1)
    return [
        request(day1, "10.0.0.1", "/posts/alpha/", BROWSER, "https://www.google.com/search?q=x"),
        request(day1 + timedelta(minutes=3), "10.0.0.1", "/posts/beta/", BROWSER),
        request(day2 - timedelta(hours=1), "10.0.0.1", "/posts/alpha/", BROWSER),
        request(day2 + timedelta(hours=1), "10.0.0.2", "/posts/beta/", IPHONE, "https://t.co/abc"),
        request(day2 + timedelta(hours=2), "10.0.0.3", "/posts/alpha/", IPAD, "https://example.org/links"),
        request(day2 + timedelta(hours=2, minutes=1), "10.0.0.3", "/posts/beta/", IPAD),
        request(day2 + timedelta(hours=2, minutes=2), "10.0.0.3", "/about/", IPAD),
        request(day2, "66.249.66.1", "/posts/alpha/", GOOGLEBOT),
    ]


@pytest.fixture
def alice(db, make_user, superuser, tmp_path):
    actor = make_user()
    ids = {
        slug: superuser.execute(
            "insert into blogs (author_id, title, slug, status, published_at) values (%s, %s, %s, 'published', now())"
            " returning id",
            (actor.user_id, slug, slug),
        ).fetchone()[0]
        for slug in ("alpha", "beta")
    }
    tag = superuser.execute("insert into blog_tags (name) values ('shell') returning id").fetchone()[0]
    superuser.execute("insert into blogs_to_tags (blog_id, tag_id) values (%s, %s)", (ids["alpha"], tag))
    acting = ActingUser(db, actor)
    ingest(acting, sources=[str(write(tmp_path / "access.log", known_log()))])
    return acting


def test_segments_by_source_device_and_behaviour(alice, superuser):
    found = {segment.segment_name: segment for segment in refresh_segments(alice, days=30)}
    assert list(found) == list(SEGMENTS)
    sizes = {name: segment.segment_size for name, segment in found.items()}
    assert sizes == {
        "all readers": 3, "search visitors": 1, "social visitors": 1, "referral visitors": 1, "direct visitors": 1,
        "desktop readers": 1, "mobile readers": 1, "tablet readers": 1, "returning readers": 1, "new readers": 2,
        "engaged readers": 1, "bouncers": 1,
    }  # fmt: skip
    everyone = found["all readers"]
    assert everyone.engagement_metrics == {  # C's /about/ is no post: no view (h293 M3)
        "views": 6, "visits": 4, "pages_per_visit": 1.5, "bounce_rate": 0.5, "avg_visit_seconds": 60.0,
    }  # fmt: skip
    assert everyone.demographic_data["devices"] == {"desktop": 0.5, "mobile": 0.25, "tablet": 0.25}
    assert everyone.content_preferences["top_posts"] == {"alpha": 3, "beta": 3}
    assert everyone.interests == ["shell"]
    assert found["desktop readers"].behavior_patterns["returning_share"] == 1.0
    assert found["tablet readers"].engagement_metrics["pages_per_visit"] == 2.0
    assert found["mobile readers"].engagement_metrics["bounce_rate"] == 1.0
    assert found["social visitors"].content_preferences["top_posts"] == {"beta": 1}
    # Kept as reader profiles, one row per segment, rewritten (not added) on the next run
    refresh_segments(alice, days=30)
    rows = superuser.execute(
        "select segment_name, segment_size, interests from reader_profiles where user_id = %s order by 1",
        (alice.actor.user_id,),
    ).fetchall()
    assert len(rows) == len(SEGMENTS) and ("all readers", 3, ["shell"]) in rows


def test_device_classes_and_sources():
    assert [device_class(agent) for agent in (BROWSER, IPHONE, IPAD, ANDROID_PHONE, ANDROID_TABLET, "-")] == [
        "desktop", "mobile", "tablet", "mobile", "tablet", None,
    ]  # fmt: skip
    assert [source_of(d) for d in ("", "google.co.uk", "duckduckgo.com", "t.co", "old.reddit.com", "ada.dev")] == [
        "direct", "search", "search", "social", "social", "referral",
    ]  # fmt: skip
