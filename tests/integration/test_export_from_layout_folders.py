"""A post imported from a folder inside its site's layout (Astro's `src/content/` or a collection's
own folder, Hugo's `content/` or a section's folder, Jekyll's `_posts/`) is exported where its site
had it, whichever folder of the site import was given: `src/content/blog/hello.md`, never
`src/content/blog/blog/hello.md` (the collection doubled), `src/content/blog/hello.md` for a post of
`src/content/notes/`, nor `content/x.md` for Hugo's `content/posts/x.md`. The export is byte for byte
the site's file, and importing it back matches every post. Real PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest

from blogster_cli.actors import ActingUser
from blogster_cli.db.acting import unit_of_work
from blogster_cli.services import exports, imports

ASTRO = "---\ntitle: Hello\npubDate: 2024-01-02\n---\nHello body.\n"
ASTRO_OTHER = "---\ntitle: Other\npubDate: 2024-01-03\n---\nOther body.\n"
HUGO = "---\ntitle: First\ndate: 2024-01-02\n---\nOne.\n"
HUGO_BUNDLE = "---\ntitle: Trip\ndate: 2024-02-03\n---\nTwo.\n"
JEKYLL = "---\nlayout: post\ntitle: No date\n---\nBody.\n"


@pytest.fixture
def account(db, make_user):
    """account() -> a new ActingUser."""
    return lambda: ActingUser(db, make_user())


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def tree(root: Path) -> dict[str, str]:
    """The markdown files under `root`, by relative path."""
    return {path.relative_to(root).as_posix(): path.read_text() for path in sorted(root.rglob("*.md"))}


def post_ids(acting) -> set[str]:
    with unit_of_work(acting) as conn:
        rows = conn.execute("select id::text from public.blogs where author_id = auth.uid() and deleted_at is null")
        return {row[0] for row in rows.fetchall()}


def exported_tree_and_reimport(acting, out: Path, dialect: str) -> dict[str, str]:
    """Export into `out`; check that importing it (the folder, and its layout folder) matches
    every post and makes none, and that a second export rewrites nothing; the files written."""
    before = post_ids(acting)
    summary = exports.export_posts(acting, directory=out, dialect=dialect)
    assert summary.failed == [] and summary.renamed == []
    written = tree(out)
    for folder in (out, *(out / name for name in ("src/content", "content", "_posts") if (out / name).is_dir())):
        again = imports.import_paths(acting, paths=[folder])
        assert again.failed == [] and again.counts["imported"] == 0, (folder, again.files)
        assert {str(file.id) for file in again.files} == before, folder
        assert post_ids(acting) == before  # no copy
    second = exports.export_posts(acting, directory=out, dialect=dialect)
    assert (second.written, second.unchanged) == (0, len(before))
    assert tree(out) == written
    return written


@pytest.mark.parametrize("collection", ["blog", "posts", "notes"])
@pytest.mark.parametrize("given", ["site", "src/content", "collection"])
def test_an_astro_post_is_exported_where_its_collection_had_it_whichever_folder_was_imported(
    account, tmp_path, collection, given
):
    site = tmp_path / "site"
    write(site / "astro.config.mjs", "export default {};\n")
    write(site / "src" / "content" / collection / "hello.md", ASTRO)
    write(site / "src" / "content" / collection / "2024" / "other.md", ASTRO_OTHER)  # a folder inside it
    folder = {"site": site, "src/content": site / "src" / "content", "collection": site / "src/content" / collection}
    acting = account()
    imported = imports.import_paths(acting, paths=[folder[given]])
    assert imported.failed == [] and imported.counts["imported"] == 2

    written = exported_tree_and_reimport(acting, tmp_path / "out", "astro")
    assert written == {  # byte for byte, where the site had them
        f"src/content/{collection}/hello.md": ASTRO,
        f"src/content/{collection}/2024/other.md": ASTRO_OTHER,
    }


@pytest.mark.parametrize("given", [".", "content", "content/posts"])
def test_a_hugo_post_is_exported_in_its_section_whichever_folder_was_imported(account, tmp_path, given):
    site = tmp_path / "site"
    write(site / "hugo.toml", 'baseURL = "https://example.org/"\ntitle = "Site"\n')
    write(site / "content" / "posts" / "first.md", HUGO)
    write(site / "content" / "posts" / "trip" / "index.md", HUGO_BUNDLE)
    acting = account()
    assert imports.import_paths(acting, paths=[site / given]).counts["imported"] == 2

    written = exported_tree_and_reimport(acting, tmp_path / "out", "hugo")
    assert written == {"content/posts/first.md": HUGO, "content/posts/trip/index.md": HUGO_BUNDLE}


@pytest.mark.parametrize("given", [".", "_posts", "_posts/2021"])
def test_a_jekyll_post_is_exported_in_posts_whichever_folder_was_imported(account, tmp_path, given):
    site = tmp_path / "site"
    write(site / "_config.yml", "title: Site\n")
    write(site / "_posts" / "2021" / "2021-03-04-no-date.md", JEKYLL)
    acting = account()
    assert imports.import_paths(acting, paths=[site / given]).counts["imported"] == 1

    written = exported_tree_and_reimport(acting, tmp_path / "out", "jekyll")
    assert written == {"_posts/2021/2021-03-04-no-date.md": JEKYLL}


def test_a_slug_changed_in_blogster_renames_the_file_inside_its_collection(account, tmp_path):
    """A file name that gives the slug follows an edit of it, in the collection it came from."""
    site = tmp_path / "site"
    write(site / "src" / "content" / "notes" / "hello.md", ASTRO)
    acting = account()
    assert imports.import_paths(acting, paths=[site / "src" / "content"]).counts["imported"] == 1
    with unit_of_work(acting) as conn:
        conn.execute("update public.blogs set slug = 'hello-again' where author_id = auth.uid()")
    out = tmp_path / "out"
    assert exports.export_posts(acting, directory=out, dialect="astro").failed == []
    assert list(tree(out)) == ["src/content/notes/hello-again.md"]
