"""A WordPress item with a `wp:post_password` was shown only to readers given the password: it
is imported as a draft, with a warning naming its item, and the password is kept nowhere. Before,
a published one came in published with no word, and `site build` showed it to everyone (found by a tester).
Real PostgreSQL, RLS."""

from __future__ import annotations

import pytest

from blogster_cli.actors import ActingUser
from blogster_cli.db.acting import unit_of_work
from blogster_cli.services import imports, site

PASSWORD = "hunter2-not-kept"
WXR = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
  xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>WP</title><link>https://wp.example</link><wp:wxr_version>1.2</wp:wxr_version>
<wp:base_site_url>https://wp.example</wp:base_site_url>
{items}
</channel></rss>
"""
ITEM = """<item><title>{title}</title><link>https://wp.example/{slug}/</link>
<guid isPermaLink="false">https://wp.example/?p={id}</guid>
<content:encoded><![CDATA[<p>{title} text.</p>]]></content:encoded><wp:post_id>{id}</wp:post_id>
<wp:post_date>{date} 10:00:00</wp:post_date><wp:post_date_gmt>{date} 09:00:00</wp:post_date_gmt>
<wp:post_name>{slug}</wp:post_name><wp:status>{status}</wp:status><wp:post_type>post</wp:post_type>
<wp:post_password><![CDATA[{password}]]></wp:post_password></item>"""


@pytest.fixture
def acting(db, make_user):
    return ActingUser(db, make_user())


def _export(tmp_path):
    items = [
        ("Members only", "members-only", "publish", "2024-01-03", PASSWORD),
        ("Open letter", "open-letter", "publish", "2024-01-04", ""),
        ("Members later", "members-later", "future", "2099-01-02", PASSWORD),
    ]
    path = tmp_path / "wp.xml"
    path.write_text(WXR.format(items="\n".join(
        ITEM.format(title=title, slug=slug, status=status, date=date, password=password, id=number)
        for number, (title, slug, status, date, password) in enumerate(items, 1)
    )), encoding="utf-8")  # fmt: skip
    return path


def test_a_password_protected_item_is_a_draft_with_a_warning_and_its_password_is_kept_nowhere(
    acting, tmp_path, superuser
):
    export = _export(tmp_path)
    preview = imports.import_paths(acting, paths=[export], dry_run=True)
    by_slug = {file.slug: file for file in preview.files}
    assert {slug: file.status for slug, file in by_slug.items()} == {
        "members-only": "draft", "open-letter": "published", "members-later": "draft",
    }  # fmt: skip
    assert by_slug["members-only"].warnings == [imports.PASSWORD_WARNING]
    assert by_slug["open-letter"].warnings == []
    assert f"{export}#1: {imports.PASSWORD_WARNING}" in preview.said_warnings
    assert PASSWORD not in repr(preview.as_dict())

    summary = imports.import_paths(acting, paths=[export])
    assert [file.outcome for file in summary.files] == ["imported"] * 3
    with unit_of_work(acting) as conn:
        statuses = dict(conn.execute("select slug, status::text from public.blogs").fetchall())
    assert statuses == {"members-only": "draft", "open-letter": "published", "members-later": "draft"}
    for table in ("blogs", "blog_revisions", "activities"):
        found = superuser.execute(f"select count(*) from public.{table} t where t::text like %s", (f"%{PASSWORD}%",))
        assert found.fetchone()[0] == 0, table
    out = tmp_path / "public"
    site.build(acting, out=out, base_domain="blogster.page")
    shown = "".join(path.read_text(encoding="utf-8") for path in out.rglob("*") if path.suffix in (".html", ".xml"))
    assert "Open letter text." in shown and "Members only text." not in shown
