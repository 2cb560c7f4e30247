"""site build, analytics ingest and the feeds date a moved post's old address in UTC, as its page is
(red team 68 F1), whatever zone the session that renamed it (or builds) runs in. With the permalink
`/{year}/{month}/{day}/{slug}/`, a post published 2026-01-05 20:00 UTC renamed under
PGTZ=Pacific/Kiritimati had its former address stored as "2026-01-06T10:00:00+14:00": the redirect
page was written at /2026/01/06/writing-first/, the real old address /2026/01/05/writing-first/
404'd, ingest counted the wrong one and the feeds named the post by it. Real PostgreSQL, RLS."""

from __future__ import annotations

import json
from pathlib import Path

import feedparser
import pytest
from psycopg.conninfo import make_conninfo

from blogster_cli.actors import ActingUser
from blogster_cli.db.connection import Database
from blogster_cli.services import blogs, post_addresses, publishing, site

BASE = "blogster.page"
PUBLISHED = "2026-01-05 20:00+00"


def in_zone(acting: ActingUser, zone: str) -> ActingUser:
    """The same account on connections whose session TimeZone is `zone` (as PGTZ sets it)."""
    return ActingUser(Database(make_conninfo(acting.db.conninfo, options=f"-c TimeZone={zone}")), acting.actor)


@pytest.fixture
def author(db, make_user, superuser) -> ActingUser:
    """ada, her site's permalink dated by day, her post `writing-first` published 2026-01-05 20:00 UTC."""
    acting = ActingUser(db, make_user("ada@example.com"))
    row = blogs.create(acting, new=blogs.NewBlog(title="Writing", markdown="Words.", slug="writing-first"))
    publishing.publish(acting, refs=[str(row.id)])
    superuser.execute("update blogs set published_at = %s where id = %s", (PUBLISHED, row.id))
    superuser.execute("update blogs set former_addresses = '[]' where id = %s", (row.id,))  # dated so from the start
    superuser.execute(
        "update subdomain_settings set permalink = '/{year}/{month}/{day}/{slug}/' where user_id = %s",
        (acting.actor.user_id,),
    )
    return acting


def built(acting: ActingUser, out: Path) -> dict[str, str]:
    """The pages of the build (URL path -> 'page' or 'redirect') and the post's feed id ('id')."""
    report = site.build(acting, out=out, base_domain=BASE)
    pages = {
        f"/{page.parent.relative_to(out)}/": "redirect" if 'http-equiv="refresh"' in page.read_text() else "page"
        for page in out.glob("2026/*/*/*/index.html")
    }
    [entry] = feedparser.parse((out / "index.xml").read_bytes()).entries
    return pages | {"id": entry.id.removeprefix(report.base_url)}


EXPECTED = {
    "/2026/01/05/writing-first/": "redirect",
    "/2026/01/05/writing-second/": "page",
    "id": "2026/01/05/writing-first/",
}


@pytest.mark.parametrize("builder_zone", ["UTC", "Pacific/Kiritimati", "America/Los_Angeles"])
def test_a_post_renamed_in_a_session_of_another_zone_redirects_from_its_utc_dated_address(
    author, superuser, tmp_path, builder_zone
):
    """The repro as `posts edit --slug` runs it: the trigger stores the time in UTC, and the build (in any
    zone) writes the redirect page at the address the post had; ingest counts it for the post."""
    blogs.update(
        in_zone(author, "Pacific/Kiritimati"), ref="writing-first", changes=blogs.BlogChanges(slug="writing-second")
    )
    [(stored,)] = superuser.execute("select former_addresses from blogs where slug = 'writing-second'").fetchall()
    assert stored == [{"slug": "writing-first", "published_at": "2026-01-05T20:00:00+00:00"}]
    builder = in_zone(author, builder_zone)
    assert built(builder, tmp_path / "public") == EXPECTED
    plan = post_addresses.address_plan(builder, map_pattern=None, base_domain=BASE)
    assert plan.matcher.slug_for("/2026/01/05/writing-first/") == "writing-second"
    assert plan.matcher.slug_for("/2026/01/06/writing-first/") != "writing-second"


def test_a_former_address_stored_with_another_offset_is_dated_in_utc(author, superuser, tmp_path):
    """A list written before 0207 (or loaded so by a restore) holds the session's offset: the build and
    ingest read the time and date it in UTC; a time past Python's years there leaves that address out."""
    superuser.execute("update blogs set slug = 'writing-second' where slug = 'writing-first'")
    stored = [
        {"slug": "writing-first", "published_at": "2026-01-06T10:00:00+14:00"},
        {"slug": "year-one", "published_at": "0001-01-01T10:00:00+14:00"},  # 0000-12-31 in UTC
        {"slug": "year-10000", "published_at": "9999-12-31T23:00:00-05:00"},
        {"slug": "forever", "published_at": "infinity"},
        {"slug": "far", "published_at": "294276-12-31T23:59:59+00:00"},
    ]
    superuser.execute("set session_replication_role = replica")  # past the trigger, as a restore loads rows
    superuser.execute("update blogs set former_addresses = %s where slug = 'writing-second'", (json.dumps(stored),))
    superuser.execute("set session_replication_role = origin")
    assert built(author, tmp_path / "public") == EXPECTED
    plan = post_addresses.address_plan(author, map_pattern=None, base_domain=BASE)
    assert plan.matcher.slug_for("/2026/01/05/writing-first/") == "writing-second"
    assert plan.matcher.slug_for("/2026/01/06/writing-first/") != "writing-second"
