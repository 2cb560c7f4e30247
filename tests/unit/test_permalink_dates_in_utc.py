"""A post's address is dated in UTC, whatever offset its time was read or stored with (red team 68 F1):
its page (`permalink`) and the addresses it had before a move (`former_paths`, 0203's entries, which
before 0207 held the renaming session's offset). A time whose UTC date Python cannot hold is no address."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from blogster_cli.publish import urls

DAILY = "/{year}/{month}/{day}/{slug}/"


def test_a_page_is_dated_in_utc_whatever_zone_its_time_is_in():
    kiritimati = datetime(2026, 1, 6, 10, tzinfo=timezone(timedelta(hours=14)))
    assert urls.permalink(DAILY, slug="x", published_at=kiritimati) == "/2026/01/05/x/"
    assert urls.permalink(DAILY, slug="x", published_at=kiritimati.astimezone(UTC)) == "/2026/01/05/x/"
    assert urls.permalink(DAILY, slug="x", published_at=datetime.max.replace(tzinfo=UTC)) == "/9999/12/31/x/"


def test_former_addresses_are_dated_in_utc_and_those_past_python_s_years_left_out():
    stored = [
        {"slug": "plus-14", "published_at": "2026-01-06T10:00:00+14:00"},
        {"slug": "minus-5", "published_at": "2026-01-05T15:00:00-05:00"},
        {"slug": "year-zero", "published_at": "0001-01-01T10:00:00+14:00"},
        {"slug": "year-10000", "published_at": "9999-12-31T23:00:00-05:00"},
        {"slug": "no-offset", "published_at": "2026-01-05T20:00:00"},
        {"slug": "forever", "published_at": "infinity"},
        {"slug": "far", "published_at": "294276-12-31T23:59:59+00:00"},
        {"slug": "bc", "published_at": "0044-03-15T00:00:00+00:00 BC"},
    ]
    former = urls.former_addresses(stored)
    assert [slug for slug, _ in former] == ["plus-14", "minus-5", "year-zero", "year-10000"]
    assert urls.former_paths(DAILY, former) == ["/2026/01/05/plus-14/", "/2026/01/05/minus-5/", None, None]
