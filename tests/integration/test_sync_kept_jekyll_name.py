"""A Jekyll post's file a sync wrote keeps its name after `config set timezone` moved the day its
name starts with, while the post's date is the same moment (`content.export.kept_name`, as export
keeps it since h391); a date changed since takes the day in the zone set now. Before, the next edit of
the post renamed its file to the new day's name. Real PostgreSQL, RLS."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from blogster_cli.actors import ActingUser
from blogster_cli.db.acting import unit_of_work
from blogster_cli.services import blogs
from blogster_cli.services import sync as sync_service

EVENING = dt.datetime(2024, 5, 21, 20, 30, tzinfo=dt.UTC)  # the 22nd in Tokyo
TOKYO = ZoneInfo("Asia/Tokyo")


def test_a_jekyll_file_sync_wrote_keeps_its_name_when_its_post_is_edited_after_a_timezone_change(
    db, make_user, tmp_path
):
    acting = ActingUser(db, make_user())
    root = tmp_path / "site"
    (root / "_posts").mkdir(parents=True)
    (root / "_config.yml").write_text("title: A site\n")
    (root / "_posts" / "2024-01-02-seed.md").write_text("---\ntitle: Seed\ndate: 2024-01-02\n---\nSeed.\n")
    assert sync_service.sync_folder(acting, directory=root).failed == []
    blogs.create(acting, new=blogs.NewBlog(title="Written here", markdown="Hello.\n", status="published",
                                           published_at=EVENING))  # fmt: skip
    first = sync_service.sync_folder(acting, directory=root)
    name = root / "_posts" / "2024-05-21-written-here.md"
    assert first.failed == [] and name.is_file(), sorted(p.name for p in (root / "_posts").iterdir())
    before = name.read_text()

    blogs.update(acting, ref="written-here", changes=blogs.BlogChanges(title="Written there"))
    edited = sync_service.sync_folder(acting, directory=root, default_tz=TOKYO)
    assert edited.failed == [] and edited.conflicts == []
    assert sorted(p.name for p in (root / "_posts").iterdir()) == ["2024-01-02-seed.md", name.name]
    assert name.read_text() == before.replace("title: Written here", "title: Written there")

    with unit_of_work(acting) as conn:
        conn.execute(
            "update public.blogs set published_at = published_at + interval '1 hour' where slug = 'written-here'"
        )
    moved = sync_service.sync_folder(acting, directory=root, default_tz=TOKYO)
    assert moved.failed == [] and moved.conflicts == []
    assert sorted(p.name for p in (root / "_posts").iterdir()) == ["2024-01-02-seed.md", "2024-05-22-written-here.md"]
