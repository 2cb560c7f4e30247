"""A Hugo site's pages at the top of `content/` (`about.md`, `contact/index.md`: no section, no date)
came in as posts dated at the import. Hugo puts them in no section and gives them the type `page`,
which themes never list as posts (`hugo` itself: `.Section` "" and `.Type` "page", outside
`mainSections`): import and sync list them as skipped, with the reason, and sync never writes or
removes them. A dated one, or one whose `type` is set (`type: posts`), is still a post, as is every
file in a section; a Zola site's top-level pages are its posts. Real PostgreSQL, RLS.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from blogster_cli.actors import ActingUser
from blogster_cli.content.post import HUGO_PAGE_REASON
from blogster_cli.db.acting import unit_of_work
from blogster_cli.services import imports
from blogster_cli.services import sync as sync_service

FILES = {
    "content/about.md": "---\ntitle: About\n---\nWho we are.\n",
    "content/contact/index.md": "+++\ntitle = 'Contact'\n+++\nWrite to us.\n",
    "content/dated.md": "---\ntitle: Dated\ndate: 2024-03-04\n---\nA post at the top.\n",
    "content/typed.md": "---\ntitle: Typed\ntype: posts\n---\nListed as a post by its type.\n",
    "content/posts/first.md": "---\ntitle: First\ndate: 2024-01-02\n---\nOne.\n",
    "content/posts/undated.md": "---\ntitle: Undated\n---\nA post of the posts section.\n",
    "content/posts/trip/index.md": "---\ntitle: Trip\n---\nA bundle in the section.\n",
}
PAGES = ["content/about.md", "content/contact/index.md"]


@pytest.fixture
def acting(db, make_user) -> ActingUser:
    return ActingUser(db, make_user())


def site(root: Path, config: tuple[str, str] | None = ("hugo.toml", 'baseURL = "https://example.org/"\n')) -> Path:
    for relative, text in FILES.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text, encoding="utf-8")
    if config is not None:
        (root / config[0]).write_text(config[1], encoding="utf-8")
    return root


def slugs(acting: ActingUser) -> list[str]:
    with unit_of_work(acting) as conn:
        rows = conn.execute("select slug from public.blogs where author_id = auth.uid() and deleted_at is null")
        return sorted(row[0] for row in rows.fetchall())


def snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    return {p.relative_to(root).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns) for p in root.rglob("*.md")}


@pytest.mark.parametrize("imported", ["site", "content", "page"])
def test_import_skips_the_pages_at_the_top_of_content_with_the_reason(acting, tmp_path, imported):
    root = site(tmp_path / "site")
    paths = {"site": [root], "content": [root / "content"], "page": [root / "content/about.md"]}[imported]
    summary = imports.import_paths(acting, paths=paths)
    shown = {os.path.relpath(file.path, root): (file.outcome, file.reason) for file in summary.files}
    for page in PAGES if imported != "page" else PAGES[:1]:
        assert shown[page] == ("skipped", HUGO_PAGE_REASON)
    assert summary.counts["skipped"] == (2 if imported != "page" else 1) and summary.failed == []
    listed = [file for file in summary.as_dict()["files"] if file["outcome"] == "skipped"]
    assert {file["reason"] for file in listed} == {HUGO_PAGE_REASON}
    if imported != "page":
        assert slugs(acting) == ["dated", "first", "trip", "typed", "undated"]
    else:
        assert slugs(acting) == []


@pytest.mark.parametrize(
    "config",
    [None, ("config.toml", 'base_url = "https://example.org"\n')],
    ids=["no config", "zola"],
)
def test_top_level_files_stay_posts_where_the_site_is_not_known_to_be_hugos(acting, tmp_path, config):
    root = site(tmp_path / "site", config)
    summary = imports.import_paths(acting, paths=[root])
    assert summary.counts["skipped"] == 0 and summary.failed == []
    assert "about" in slugs(acting) and "contact" in slugs(acting)


def test_format_hugo_says_the_site_is_hugos(acting, tmp_path):
    root = site(tmp_path / "site", None)
    summary = imports.import_paths(acting, paths=[root], fmt="hugo")
    assert summary.counts["skipped"] == 2 and "about" not in slugs(acting)


def test_sync_lists_the_pages_as_skipped_and_never_writes_or_removes_them(acting, tmp_path):
    root = site(tmp_path / "site")
    before = snapshot(root)
    first = sync_service.sync_folder(acting, directory=root)
    assert first.failed == [] and first.conflicts == []
    skipped = {file.path: file.note for file in first.files if file.action == "skipped"}
    assert skipped == dict.fromkeys(PAGES, HUGO_PAGE_REASON)
    assert slugs(acting) == ["dated", "first", "trip", "typed", "undated"]
    assert snapshot(root) == before  # nothing rewritten, the pages neither
    again = sync_service.sync_folder(acting, directory=root)
    assert [file for file in again.files if file.action not in ("skipped", "unchanged")] == []
    (root / "content/about.md").write_text("---\ntitle: About us\n---\nWho we are now.\n", encoding="utf-8")
    edited = sync_service.sync_folder(acting, directory=root)
    assert {file.path: file.action for file in edited.files if file.path == "content/about.md"} == {
        "content/about.md": "skipped"
    }
    (root / "content/about.md").unlink()
    removed = sync_service.sync_folder(acting, directory=root)
    assert removed.failed == [] and slugs(acting) == ["dated", "first", "trip", "typed", "undated"]
    assert snapshot(root) == {k: v for k, v in before.items() if k != "content/about.md"}


def body_of(acting: ActingUser, slug: str) -> str:
    with unit_of_work(acting) as conn:
        row = conn.execute(
            "select content->>'markdown' from public.blogs where author_id = auth.uid() and slug = %s", (slug,)
        ).fetchone()
        assert row is not None
        return str(row[0])


UNDATED = "---\ntitle: Dated\n---\nThe date is gone, this is new.\n"


def test_sync_keeps_reading_a_tracked_file_that_loses_its_date(acting, tmp_path):
    # the page rule decides whether a new file becomes a post, never takes a post its file: the
    # edits of a linked file at the top of content/ whose date went were skipped, unsaid, for good
    root = site(tmp_path / "site")
    sync_service.sync_folder(acting, directory=root)
    (root / "content/dated.md").write_text(UNDATED, encoding="utf-8")
    edited = sync_service.sync_folder(acting, directory=root)
    assert {file.path: file.action for file in edited.files}["content/dated.md"] == "updated"
    assert body_of(acting, "dated") == "The date is gone, this is new.\n"
    assert slugs(acting) == ["dated", "first", "trip", "typed", "undated"]


@pytest.mark.parametrize("then", ["import", "sync"])
def test_a_file_an_earlier_import_made_a_post_stays_that_posts(acting, tmp_path, then):
    root = site(tmp_path / "site")
    imports.import_paths(acting, paths=[root])
    (root / "content/dated.md").write_text(UNDATED, encoding="utf-8")
    if then == "import":
        summary = imports.import_paths(acting, paths=[root])
        shown = {os.path.relpath(file.path, root): file.outcome for file in summary.files}
        assert shown["content/dated.md"] == "updated" and shown["content/about.md"] == "skipped"
    else:
        synced = sync_service.sync_folder(acting, directory=root)
        shown = {file.path: file.action for file in synced.files}
        assert shown["content/dated.md"] == "updated" and shown["content/about.md"] == "skipped"
    assert body_of(acting, "dated") == "The date is gone, this is new.\n"
    assert slugs(acting) == ["dated", "first", "trip", "typed", "undated"]
