"""Red team 70: every page the build places is written, once, by every build; the ingest counts each
address for the post the build put there (`publish.placement`)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from blogster_cli.actors import ActingUser
from blogster_cli.services import blogs, imports, post_addresses, site

BASE = "blogster.page"


@pytest.fixture
def author(db, make_user) -> ActingUser:
    return ActingUser(db, make_user("ada@example.com"))


def import_hugo(acting: ActingUser, folder: Path, name: str, front: str) -> str:
    """Imports one published Hugo post (`front`: its front matter's lines after the title): its id."""
    folder.mkdir(exist_ok=True)
    (folder / f"{name}.md").write_text(f"---\ntitle: {name.title()}\n{front}draft: false\n---\nMARK-{name} body.\n")
    assert imports.import_paths(acting, paths=[folder / f"{name}.md"], fmt="hugo").failed == []
    [row] = [row for row in blogs.list_blogs(acting) if row.slug == name]
    return str(row.id)


def pages_of(out: Path) -> dict[str, list[str]]:
    """Each post's name -> the URL paths of the pages showing its body."""
    found: dict[str, list[str]] = {}
    for page in sorted(out.rglob("index.html")):
        for name in set(re.findall(r"MARK-(\w+) body", page.read_text())):
            if page.parent != out and "/tags/" not in str(page) and "/page/" not in str(page):
                found.setdefault(name, []).append("/" + str(page.parent.relative_to(out)) + "/")
    return found


def assert_every_page_written_once_and_counted_for_its_post(acting: ActingUser, out: Path, names: list[str]) -> None:
    for _ in range(2):  # a rebuild finds every file as the last build left it
        report = site.build(acting, out=out, base_domain=BASE)
        assert report.edited == ()
    pages = pages_of(out)
    assert sorted(pages) == sorted(names) and all(len(paths) == 1 for paths in pages.values())
    locs = re.findall(r"<loc>([^<]+)</loc>", (out / "sitemap.xml").read_text())
    assert len(locs) == len(set(locs))
    matcher = post_addresses.address_plan(acting, map_pattern=None, base_domain=BASE).matcher
    assert {name: matcher.slug_for(paths[0]) for name, paths in pages.items()} == {name: name for name in names}


@pytest.mark.parametrize("posts", ["posts", "POSTS"])
def test_a_posts_fallback_address_is_never_a_page_an_older_post_keeps(author, tmp_path, posts):
    """F1: C (older) keeps B's permalink as its URL, so B's page goes to the address made of its id, which D
    (older still) keeps as its URL, in any case: B's page replaced D's, and every build exited 5."""
    folder = tmp_path / "in"
    b_id = import_hugo(author, folder, "b", "date: 2024-01-02T00:00:00Z\n")
    import_hugo(author, folder, "c", "date: 2024-01-01T00:00:00Z\nurl: /posts/b/\n")
    import_hugo(author, folder, "d", f"date: 2023-12-01T00:00:00Z\nurl: /{posts}/{b_id}/\n")
    out = tmp_path / "public"
    assert_every_page_written_once_and_counted_for_its_post(author, out, ["b", "c", "d"])
    assert pages_of(out)["b"] == [f"/posts/{b_id}-2/"]


def test_an_alias_longer_than_a_disk_writes_is_left_out(author, tmp_path):
    """F2: an alias of 1,100 segments (4.4 KB) was placed, never written, and called edited by hand: every
    build exited 5 (`--force`: 8)."""
    long_alias = "/" + "seg/" * 1100
    import_hugo(author, tmp_path / "in", "e", f"date: 2023-11-01T00:00:00Z\naliases:\n  - {long_alias}\n  - /old/e/\n")
    out = tmp_path / "public"
    assert_every_page_written_once_and_counted_for_its_post(author, out, ["e"])
    assert (out / "old/e/index.html").is_file() and not (out / "seg").exists()
