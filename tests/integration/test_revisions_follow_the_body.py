"""A post's revisions are its body's history (0152): the same text read again from another file
(an export folder imported, the first `sync` of another copy of the site) adds none.

The walk of h277 (L1): `import` of a Hugo export of the account's posts said "1269 updated" and
gave each post a revision that `revisions diff POST 1` showed as "(no differences)", and so did
the first `sync` of a copy of an imported Jekyll site."""

from __future__ import annotations

import shutil

import pytest
from psycopg.types.json import Jsonb

from blogster_cli.actors import ActingUser
from blogster_cli.db.acting import unit_of_work
from blogster_cli.services import blogs, exports, imports
from blogster_cli.services import sync as sync_service

TEXT = '---\ntitle: "Zeta post"\nlayout: post\ntags: [greek]\n---\n\nZeta body.\n'


@pytest.fixture
def acting(db, make_user):
    return ActingUser(db, make_user())


def revisions(acting) -> dict[str, list[str]]:
    """slug -> the body of each revision, in order."""
    with unit_of_work(acting) as conn:
        rows = conn.execute(
            "select b.slug, r.content ->> 'markdown' from public.blog_revisions r"
            " join public.blogs b on b.id = r.blog_id order by b.slug, r.revision_number"
        ).fetchall()
    found: dict[str, list[str]] = {}
    for slug, markdown in rows:
        found.setdefault(slug, []).append(markdown)
    return found


def test_only_a_change_of_the_body_is_a_revision(acting):
    post = blogs.create(acting, new=blogs.NewBlog(title="Plain", markdown="First.\n"))
    with unit_of_work(acting) as conn:
        [(content,)] = conn.execute("select content from public.blogs where id = %s", (post.id,)).fetchall()
        moved = {**content, "source": {"dialect": "hugo", "path": "content/posts/plain.md"}}
        moved["front_matter"] = {"format": "yaml", "raw": "---\ntitle: Plain\n---\n", "fields": {"title": "Plain"}}
        conn.execute("update public.blogs set content = %s where id = %s", (Jsonb(moved), post.id))
    assert revisions(acting) == {"plain": ["First.\n"]}
    blogs.update(acting, ref="plain", changes=blogs.BlogChanges(markdown="Second.\n"))
    assert revisions(acting) == {"plain": ["First.\n", "Second.\n"]}


def test_syncing_a_copy_of_the_site_or_importing_an_export_folder_adds_no_revision(acting, tmp_path):
    flat = tmp_path / "flat"  # the site's posts as a data set ships them: no config, no _posts/
    flat.mkdir()
    (flat / "2020-02-01-zeta-post.md").write_text(TEXT)
    imports.import_paths(acting, paths=[flat])
    assert revisions(acting) == {"zeta-post": ["\nZeta body.\n"]}

    site = tmp_path / "jsite"  # a copy of the site itself, linked to sync: the same post, placed in its site
    (site / "_posts").mkdir(parents=True)
    (site / "_config.yml").write_text("title: j\npermalink: /blog/:title/\n")
    shutil.copy(flat / "2020-02-01-zeta-post.md", site / "_posts" / "2020-02-01-zeta-post.md")
    [synced] = sync_service.sync_folder(acting, directory=site).files
    assert synced.action == "updated" and "changed content" in (synced.note or "")
    assert source(acting)["path"] == "_posts/2020-02-01-zeta-post.md"
    assert revisions(acting) == {"zeta-post": ["\nZeta body.\n"]}

    exports.export_posts(acting, directory=tmp_path / "hugo", dialect="hugo")
    [imported] = imports.import_paths(acting, paths=[tmp_path / "hugo"]).files
    # nothing to tell (walk 9, L12), nor to record: the post keeps its Jekyll file (red team 62)
    assert imported.outcome == "unchanged" and source(acting)["dialect"] == "jekyll"
    assert revisions(acting) == {"zeta-post": ["\nZeta body.\n"]}
    assert sync_service.sync_folder(acting, directory=site).files == []

    (site / "_posts" / "2020-02-01-zeta-post.md").write_text(TEXT.replace("Zeta body.", "Zeta body, edited."))
    sync_service.sync_folder(acting, directory=site)
    assert revisions(acting) == {"zeta-post": ["\nZeta body.\n", "\nZeta body, edited.\n"]}


def source(acting) -> dict:
    with unit_of_work(acting) as conn:
        [(found,)] = conn.execute("select content -> 'source' from public.blogs").fetchall()
    return found
