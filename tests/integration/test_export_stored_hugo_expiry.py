"""A Hugo post imported before import read `expiryDate` may hold one that is no date
(`expiryDate: someday`): import fails such a file now (Hugo's build fails on it too), but the post
stored then still exports, the key as written. Before, its Hugo export failed: export reads the
stored front matter through `map_metadata`, whose expiryDate read raised. Real PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from blogster_cli.actors import ActingUser
from blogster_cli.content.document import new_document
from blogster_cli.services import blogs, exports

pytestmark = pytest.mark.same_on_every_server  # Python-bound: CI's second pass leaves it out

RAW = "---\ntitle: Open call\ndate: 2024-03-01T09:00:00Z\nexpiryDate: someday\ntags: [events]\n---\n"
BODY = "Send us your talks.\n"


@pytest.fixture
def acting(db, make_user):
    return ActingUser(db, make_user())


def test_a_stored_expiry_date_that_is_no_date_exports_as_written(acting, tmp_path):
    document = new_document(
        BODY, fmt="yaml", raw=RAW,
        fields={"title": "Open call", "date": "2024-03-01T09:00:00Z", "expiryDate": "someday", "tags": ["events"]},
        source={"dialect": "hugo", "path": "content/posts/call.md", "date_text": "2024-03-01T09:00:00Z"},
    )  # fmt: skip
    when = datetime(2024, 3, 1, 9, tzinfo=UTC)
    blogs.create(acting, new=blogs.NewBlog(
        title="Open call", slug="call", content=document, tags=["events"], status="published",
        published_at=when, created_at=when,
    ))  # fmt: skip
    out = tmp_path / "ex"
    summary = exports.export_posts(acting, directory=out, dialect="hugo")
    assert summary.failed == []
    assert (out / "content" / "posts" / "call.md").read_text() == RAW + BODY
    # retitled in Blogster, the title changes and the expiryDate stays as written
    blogs.update(acting, ref="call", changes=blogs.BlogChanges(title="Open call for talks"))
    again = tmp_path / "ex2"
    assert exports.export_posts(acting, directory=again, dialect="hugo").failed == []
    retitled = RAW.replace("Open call", "Open call for talks")
    assert (again / "content" / "posts" / "call.md").read_text() == retitled + BODY


def test_a_file_whose_expiry_date_is_no_date_still_fails_its_import(acting, tmp_path):
    from blogster_cli.services import imports

    (tmp_path / "content" / "posts").mkdir(parents=True)
    (tmp_path / "hugo.toml").write_text("baseURL = 'https://example.org/'\n")
    (tmp_path / "content" / "posts" / "call.md").write_text(RAW + BODY)
    [failed] = imports.import_paths(acting, paths=[tmp_path]).files
    assert failed.outcome == "failed" and failed.reason is not None and failed.reason.startswith("expiryDate: ")
