"""Red team 62: what README promises of a round trip. An export in a post's own dialect is its
original byte for byte; importing an export back changes nothing ("unchanged": no revision, no
`edited` activity, the post's home kept); a file is found by its slug and the path it was
imported from, never made a new post. Real 18F posts, real PostgreSQL, RLS."""

from __future__ import annotations

import shutil

import pytest

from blogster_cli.actors import ActingUser
from blogster_cli.db.acting import unit_of_work
from blogster_cli.services import blogs, exports, imports, tags
from tests.conftest import shared_data

pytestmark = pytest.mark.same_on_every_server  # Python-bound: CI's second pass leaves it out

TWO_18F = ("2015-05-07-layering-innovation.md", "2014-03-21-29-minutes.md")


@pytest.fixture
def acting(db, make_user):
    return ActingUser(db, make_user())


def posts(acting) -> dict[str, tuple]:
    """id -> (slug, title, status, published_at, updated_at, markdown, source path, revisions) of my live posts."""
    with unit_of_work(acting) as conn:
        rows = conn.execute(
            "select b.id::text, b.slug, b.title, b.status::text, b.published_at, b.updated_at,"
            " b.content->>'markdown', b.content->'source'->>'path',"
            " (select count(*) from public.blog_revisions r where r.blog_id = b.id)"
            " from public.blogs b where b.author_id = auth.uid() and b.deleted_at is null"
        ).fetchall()
    return {row[0]: tuple(row[1:]) for row in rows}


def edits(superuser) -> int:
    return superuser.execute("select count(*) from public.activities where type = 'edited'").fetchone()[0]


def outcomes(summary) -> list[str]:
    return sorted(file.outcome for file in summary.files)


def test_a_plain_markdown_export_keeps_the_bodys_own_heading_and_imports_back_unchanged(acting, tmp_path):
    """Before: the export wrote `# Novel draft` over the body's `# Chapter one`, and importing the
    copy saved the loss ("1 updated"); a body without a heading took the `# title` line in."""
    bodies = {
        "Novel draft": "# Chapter one\n\nIt begins here.\n",
        "Setup post": "\n# Part I: Setup\n\nText.\n",
        "Native one": "Body one.\n",
    }
    for title, body in bodies.items():
        blogs.create(acting, new=blogs.NewBlog(title=title, markdown=body))
    before = posts(acting)
    out = tmp_path / "copies"
    assert exports.export_posts(acting, directory=out, dialect="markdown").failed == []
    assert (out / "novel-draft.md").read_text() == "# Novel draft\n\n# Chapter one\n\nIt begins here.\n"
    assert (out / "setup-post.md").read_text() == "# Setup post\n\n\n# Part I: Setup\n\nText.\n"
    summary = imports.import_paths(acting, paths=[out])
    assert outcomes(summary) == ["unchanged"] * 3, [(file.path, file.reason) for file in summary.files]
    assert posts(acting) == before

    # an edited copy: its first line is the title, the rest the body (its own heading kept)
    novel = out / "novel-draft.md"
    novel.write_text(novel.read_text().replace("# Novel draft", "# Novel, renamed") + "More.\n")
    summary = imports.import_paths(acting, paths=[novel])
    assert outcomes(summary) == ["updated"]
    [post] = [post for post in posts(acting).values() if post[0] == "novel-draft"]
    assert (post[1], post[5]) == ("Novel, renamed", "# Chapter one\n\nIt begins here.\nMore.\n")


def test_the_real_18f_posts_exported_as_plain_markdown_import_back_as_they_were(acting, tmp_path):
    """Before: 503 of 505 "updated", each body given its title as a `# title` line. Now the copies
    are unchanged, and a copy edited takes the edit alone, its title line no part of the body."""
    assert imports.import_paths(acting, paths=[shared_data("blog_md", "18f-jekyll")]).failed == []
    before = posts(acting)
    out = tmp_path / "plain"
    assert exports.export_posts(acting, directory=out, dialect="markdown").failed == []
    summary = imports.import_paths(acting, paths=[out])
    assert summary.failed == [] and summary.counts["updated"] == 0 and summary.counts["imported"] == 0, summary.counts
    assert posts(acting) == before
    for path in out.glob("*.md"):
        path.write_text(path.read_text() + "\nAdded to the copy.\n")
    summary = imports.import_paths(acting, paths=[out])
    assert summary.failed == [] and summary.counts["updated"] == 505, summary.counts
    after = posts(acting)
    assert {key: (post[1], post[5]) for key, post in after.items()} == {
        key: (post[1], post[5] + "\nAdded to the copy.\n") for key, post in before.items()
    }


def test_the_original_in_posts_is_its_post_after_an_edited_hugo_export_was_imported(acting, tmp_path):
    """The posts were imported from a folder of the posts alone; their Hugo export was edited and
    imported (the posts now come from it); the Jekyll site's `_posts/` holds the same files. Before:
    both were new published posts `layering-innovation-2` and `29-minutes-2` (the earlier path
    `2015-05-07-layering-innovation.md` was compared as is with `_posts/2015-05-07-...`)."""
    flat, site = tmp_path / "flat", tmp_path / "site" / "_posts"
    site.mkdir(parents=True)
    flat.mkdir()
    for name in TWO_18F:
        shutil.copy(shared_data("blog_md", "18f-jekyll", name), flat / name)
        shutil.copy(shared_data("blog_md", "18f-jekyll", name), site / name)
    assert imports.import_paths(acting, paths=[flat]).counts["imported"] == 2
    out = tmp_path / "hugo"
    assert exports.export_posts(acting, directory=out, dialect="hugo").failed == []
    for path in out.rglob("*.md"):
        path.write_text(path.read_text() + "\nEdited in the Hugo folder.\n")
    assert imports.import_paths(acting, paths=[out]).counts["updated"] == 2
    before = posts(acting)
    assert all(post[6].startswith("content/") for post in before.values())
    summary = imports.import_paths(acting, paths=[site.parent], dry_run=True)
    assert summary.counts["imported"] == 0, [(file.path, file.outcome, file.reason) for file in summary.files]
    assert {str(file.id) for file in summary.files} == set(before)
    assert imports.import_paths(acting, paths=[site.parent]).counts["imported"] == 0
    assert posts(acting) == before


def test_the_hugo_export_of_a_post_written_in_blogster_imports_back_unchanged(acting, tmp_path, superuser):
    """Before: "1 updated", an `edited` activity and a new updated_at, once; after `posts tag add`
    and `tags respell` too."""
    blogs.create(acting, new=blogs.NewBlog(title="Native one", markdown="Body one.\n"))
    for step in range(3):
        if step == 1:
            blogs.tag(acting, ref="native-one", add=["Rust"])
        elif step == 2:
            tags.respell(acting, name="Rust", spelling="RUST")
        before, edited = posts(acting), edits(superuser)
        out = tmp_path / f"hugo{step}"
        assert exports.export_posts(acting, directory=out, dialect="hugo").failed == []
        path = out / "content" / "posts" / "native-one.md"
        summary = imports.import_paths(acting, paths=[path])
        assert outcomes(summary) == ["unchanged"], [(file.path, file.reason) for file in summary.files]
        # saved again by an editor that spells its front matter otherwise: still nothing new
        path.write_text(path.read_text().replace("\n---\n", "\n# checked\n---\n", 1))
        summary = imports.import_paths(acting, paths=[path])
        assert outcomes(summary) == ["unchanged"], [(file.path, file.reason) for file in summary.files]
        assert posts(acting) == before and edits(superuser) == edited
        assert next(iter(before.values()))[6] is None  # still a post from no file


def test_importing_the_hugo_export_of_the_real_18f_site_back_rehomes_nothing(acting, tmp_path):
    """Before: 248 "updated" (bodies' `{{ site.baseurl }}/` written `/`), each a new revision, and the
    Jekyll export no longer the original (redirect_from added). Now the files as the export wrote
    them are unchanged: the posts keep their home, and the Jekyll export is the site again."""
    site = tmp_path / "site" / "_posts"
    shutil.copytree(shared_data("blog_md", "18f-jekyll"), site, ignore=shutil.ignore_patterns("*.txt", "README*"))
    assert imports.import_paths(acting, paths=[site.parent]).failed == []
    before = posts(acting)
    out = tmp_path / "hugo"
    assert exports.export_posts(acting, directory=out, dialect="hugo", resolve_liquid=True).failed == []  # as `export`
    summary = imports.import_paths(acting, paths=[out])
    assert summary.failed == [] and summary.counts["updated"] == 0 and summary.counts["imported"] == 0, summary.counts
    assert posts(acting) == before
    jekyll = tmp_path / "jekyll"
    assert exports.export_posts(acting, directory=jekyll, dialect="jekyll").failed == []
    originals = {path.name: path.read_bytes() for path in site.glob("*.md")}
    assert {path.name: path.read_bytes() for path in (jekyll / "_posts").glob("*.md")} == originals
