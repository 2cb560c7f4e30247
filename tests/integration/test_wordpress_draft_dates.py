"""A WordPress draft never published has `0000-00-00 00:00:00` as its `wp:post_date_gmt` (and
`pubDate` `Mon, 30 Nov -0001`): its date is `wp:post_date`, a wall time without an offset, read in
the timezone setting and recorded as read there, like a front matter date without an offset.
Before, it was kept with the offset of the setting of the day, so re-importing the unchanged
export after `config set timezone` moved the draft by the difference and reported it updated
("changed content, published_at"). Real PostgreSQL, RLS."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from blogster_cli.actors import ActingUser
from blogster_cli.db.acting import unit_of_work
from blogster_cli.services import imports

STOCKHOLM, NEW_YORK = ZoneInfo("Europe/Stockholm"), ZoneInfo("America/New_York")
# As WordPress 6 writes it (Tools > Export), trimmed to one published post and one draft.
WXR = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0"
	xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
	xmlns:content="http://purl.org/rss/1.0/modules/content/"
	xmlns:wfw="http://wellformedweb.org/CommentAPI/"
	xmlns:dc="http://purl.org/dc/elements/1.1/"
	xmlns:wp="http://wordpress.org/export/1.2/"
>
<channel>
	<title>Field notes</title>
	<link>https://fieldnotes.example.org</link>
	<language>sv-SE</language>
	<wp:wxr_version>1.2</wp:wxr_version>
	<wp:base_site_url>https://fieldnotes.example.org</wp:base_site_url>
	<generator>https://wordpress.org/?v=6.4.2</generator>
	<item>
		<title><![CDATA[Published]]></title>
		<link>https://fieldnotes.example.org/published/</link>
		<pubDate>Mon, 05 Feb 2024 08:30:00 +0000</pubDate>
		<dc:creator><![CDATA[mara]]></dc:creator>
		<guid isPermaLink="false">https://fieldnotes.example.org/?p=12</guid>
		<description></description>
		<content:encoded><![CDATA[<p>Out.</p>]]></content:encoded>
		<excerpt:encoded><![CDATA[]]></excerpt:encoded>
		<wp:post_id>12</wp:post_id>
		<wp:post_date><![CDATA[2024-02-05 09:30:00]]></wp:post_date>
		<wp:post_date_gmt><![CDATA[2024-02-05 08:30:00]]></wp:post_date_gmt>
		<wp:post_modified><![CDATA[2024-02-05 09:30:00]]></wp:post_modified>
		<wp:post_modified_gmt><![CDATA[2024-02-05 08:30:00]]></wp:post_modified_gmt>
		<wp:post_name><![CDATA[published]]></wp:post_name>
		<wp:status><![CDATA[publish]]></wp:status>
		<wp:post_parent>0</wp:post_parent>
		<wp:menu_order>0</wp:menu_order>
		<wp:post_type><![CDATA[post]]></wp:post_type>
		<wp:post_password><![CDATA[]]></wp:post_password>
		<wp:is_sticky>0</wp:is_sticky>
	</item>
	<item>
		<title><![CDATA[Kissaten worth a detour]]></title>
		<link>https://fieldnotes.example.org/?p=21</link>
		<pubDate>Mon, 30 Nov -0001 00:00:00 +0000</pubDate>
		<dc:creator><![CDATA[mara]]></dc:creator>
		<guid isPermaLink="false">https://fieldnotes.example.org/?p=21</guid>
		<description></description>
		<content:encoded><![CDATA[<p>Draft: the list.</p>]]></content:encoded>
		<excerpt:encoded><![CDATA[]]></excerpt:encoded>
		<wp:post_id>21</wp:post_id>
		<wp:post_date><![CDATA[2024-03-01 18:20:00]]></wp:post_date>
		<wp:post_date_gmt><![CDATA[0000-00-00 00:00:00]]></wp:post_date_gmt>
		<wp:post_modified><![CDATA[2024-03-01 18:20:00]]></wp:post_modified>
		<wp:post_modified_gmt><![CDATA[2024-03-01 17:20:00]]></wp:post_modified_gmt>
		<wp:post_name><![CDATA[]]></wp:post_name>
		<wp:status><![CDATA[draft]]></wp:status>
		<wp:post_parent>0</wp:post_parent>
		<wp:menu_order>0</wp:menu_order>
		<wp:post_type><![CDATA[post]]></wp:post_type>
		<wp:post_password><![CDATA[]]></wp:post_password>
		<wp:is_sticky>0</wp:is_sticky>
	</item>
</channel>
</rss>
"""


@pytest.fixture
def author(db, make_user) -> ActingUser:
    return ActingUser(db, make_user())


def stored(acting: ActingUser) -> dict[str, tuple[str, dt.datetime | None]]:
    with unit_of_work(acting) as conn:
        rows = conn.execute("select title, status::text, published_at from public.blogs").fetchall()
    return {title: (status, at) for title, status, at in rows}


def test_a_never_published_draft_keeps_its_wall_time_after_the_timezone_changes(author, tmp_path):
    export = tmp_path / "fieldnotes.WordPress.2024-03-02.xml"
    export.write_text(WXR, encoding="utf-8")
    first = imports.import_paths(author, paths=[export], default_tz=STOCKHOLM)
    assert first.failed == [] and first.counts["imported"] == 2
    expected = {
        "Published": ("published", dt.datetime(2024, 2, 5, 8, 30, tzinfo=dt.UTC)),
        "Kissaten worth a detour": ("draft", dt.datetime(2024, 3, 1, 18, 20, tzinfo=STOCKHOLM)),
    }
    assert stored(author) == expected

    again = imports.import_paths(author, paths=[export], default_tz=NEW_YORK)
    assert [(file.title, file.outcome) for file in again.files] == [
        ("Published", "unchanged"),
        ("Kissaten worth a detour", "unchanged"),
    ]
    assert stored(author) == expected


def test_a_never_published_draft_imported_in_a_new_zone_reads_its_wall_time_there(author, tmp_path):
    export = tmp_path / "export.xml"
    export.write_text(WXR, encoding="utf-8")
    imports.import_paths(author, paths=[export], default_tz=NEW_YORK)
    assert stored(author)["Kissaten worth a detour"] == ("draft", dt.datetime(2024, 3, 1, 18, 20, tzinfo=NEW_YORK))
