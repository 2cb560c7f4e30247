"""Unpublishing a post and publishing it again (to fix a typo) keeps its publication date: its URL
and its place in feeds stay, and its Jekyll file is written back byte for byte. `publish --at`
dates it otherwise, and the Jekyll file name then follows the new date, as its `date:` does
(h310 M5: before, it was dated now, and the file kept the old date in its name under a new
`date:`). Real posts (18F, Jekyll), real PostgreSQL."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime

import pytest

from blogster_cli.actors import ActingUser
from blogster_cli.services import blogs, exports, imports, publishing
from blogster_cli.services import sync as sync_service
from tests.conftest import shared_data

NAME = "2014-03-21-29-minutes.md"  # date: '2014-03-21T12:00:00-04:00'
DISAGREEING = "2016-07-19-strategies-for-starting-your-own-writing-lab.md"  # date: 2016-07-19 (optional)


@pytest.fixture
def acting(db, make_user):
    return ActingUser(db, make_user())


def _site(tmp_path, *names: str):
    site = tmp_path / "site" / "_posts"
    site.mkdir(parents=True)
    for name in names:
        shutil.copy(shared_data("blog_md", "18f-jekyll", name), site / name)
    return site.parent


def test_publishing_again_keeps_the_date_and_the_file(acting, tmp_path):
    site = _site(tmp_path, NAME)
    assert imports.import_paths(acting, paths=[site]).failed == []
    first = blogs.get_own(acting, ref="29-minutes").published_at
    assert first == datetime(2014, 3, 21, 16, 0, tzinfo=UTC)

    [down] = publishing.unpublish(acting, refs=["29-minutes"])
    assert down.status == "draft" and blogs.get_own(acting, ref="29-minutes").published_at == first
    [up] = publishing.publish(acting, refs=["29-minutes"])
    assert (up.status, up.published_at) == ("published", first)
    assert up.note == "keeps its publication date, 2014-03-21 (--at to date it otherwise)"
    assert blogs.get_own(acting, ref="29-minutes").published_at == first

    out = tmp_path / "out"
    exports.export_posts(acting, directory=out, dialect="jekyll")
    assert [path.name for path in (out / "_posts").iterdir()] == [NAME]
    assert (out / "_posts" / NAME).read_bytes() == (site / "_posts" / NAME).read_bytes()


def test_a_scheduled_post_taken_down_is_dated_when_it_is_published(acting):
    post = blogs.create(acting, new=blogs.NewBlog(title="Later", markdown="Soon."))
    publishing.publish(acting, refs=[str(post.id)], at="2099-01-01 09:00")
    publishing.unpublish(acting, refs=[str(post.id)])
    assert blogs.get_own(acting, ref=str(post.id)).published_at is None  # it never went out
    before = datetime.now(UTC)
    [up] = publishing.publish(acting, refs=[str(post.id)])
    assert up.published_at is not None and up.published_at >= before and up.note is None


@pytest.mark.parametrize("name", [NAME, DISAGREEING])
def test_a_new_date_renames_the_jekyll_file_with_it(acting, tmp_path, name):
    """A date given with --at: the name follows it in an export and a synced folder, whether the
    name's date came first (`date:` agreeing with it) or disagreed with `date:` from the start."""
    site = _site(tmp_path, name)
    assert sync_service.sync_folder(acting, directory=site).failed == []
    slug = name[len("2014-03-21-") : -len(".md")]
    publishing.unpublish(acting, refs=[slug])
    [up] = publishing.publish(acting, refs=[slug], at="2015-06-01 09:00")
    assert up.published_at == datetime(2015, 6, 1, 9, 0, tzinfo=UTC)
    renamed = f"2015-06-01-{slug}.md"

    out = tmp_path / "out"
    exports.export_posts(acting, directory=out, dialect="jekyll")
    assert [path.name for path in (out / "_posts").iterdir()] == [renamed]
    assert "\ndate: 2015-06-01 09:00:00+00:00\n" in (out / "_posts" / renamed).read_text()

    sync_service.sync_folder(acting, directory=site)
    assert [path.name for path in (site / "_posts").iterdir()] == [renamed]
    assert (site / "_posts" / renamed).read_bytes() == (out / "_posts" / renamed).read_bytes()
