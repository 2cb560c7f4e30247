"""Importing the original site again after moving to another generator (README's way: import the
old site, export it for the new generator, import the export): the original's files are their
posts still, even those whose front matter the export rewrote (a date the file name gave, a date
the new generator could not read). Before: each of those was imported again under a `-2` slug.
Real 18F posts, real PostgreSQL, RLS."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from blogster_cli.actors import ActingUser
from blogster_cli.db.acting import unit_of_work
from blogster_cli.services import exports, imports
from blogster_cli.services import sync as sync_service
from tests.conftest import REPO_ROOT, shared_data

# Python-bound (files read and matched in Python): the services' SQL runs on every server in the other tests.
# CI's second pass leaves it out.
pytestmark = pytest.mark.same_on_every_server

pytestmark = pytest.mark.same_on_every_server  # Python-bound: CI's second pass leaves it out

WXR_FIXTURE = REPO_ROOT / "tests" / "unit" / "content" / "wordpress_export.xml"
_DATE_LINE = re.compile(r"^date:", re.MULTILINE)
_LOOSE_DATE = re.compile(r"^date: *[A-Z]", re.MULTILINE)  # `date: June 2, 2020`


@pytest.fixture
def account(db, make_user):
    """account() -> a new ActingUser."""
    return lambda: ActingUser(db, make_user())


def posts(acting) -> dict[str, tuple]:
    """id -> (slug, title, status, published_at, markdown) of my live posts."""
    with unit_of_work(acting) as conn:
        rows = conn.execute(
            "select id::text, slug, title, status::text, published_at, content->>'markdown'"
            " from public.blogs where author_id = auth.uid() and deleted_at is null"
        ).fetchall()
    return {row[0]: tuple(row[1:]) for row in rows}


def jekyll_site(root: Path) -> Path:
    """30 real 18F posts in `root/_posts`: 10 dated by their file name only, 10 with a date Hugo
    cannot read (`June 2, 2020`), 10 with an ISO date."""
    corpus = sorted(shared_data("blog_md", "18f-jekyll").glob("*.md"))
    texts = {path: path.read_text(encoding="utf-8") for path in corpus}
    undated = [path for path in corpus if not _DATE_LINE.search(texts[path])][:10]
    loose = [path for path in corpus if _LOOSE_DATE.search(texts[path])][:10]
    iso = [path for path in corpus if re.search(r"^date: *20", texts[path], re.MULTILINE)][:10]
    assert len(undated) == len(loose) == len(iso) == 10
    (root / "_posts").mkdir(parents=True)
    for path in undated + loose + iso:
        shutil.copy(path, root / "_posts" / path.name)
    return root


def moved_to_hugo(acting, site: Path, out: Path) -> dict[str, tuple]:
    """Import `site`, export it for Hugo into `out`, import `out` over its posts: my posts after.
    Imported back as the export wrote it, the folder changes nothing (red team 62: the posts keep
    their home); `--on-conflict overwrite` moves them there, as edits made there would."""
    assert imports.import_paths(acting, paths=[site]).counts["imported"] == 30
    assert exports.export_posts(acting, directory=out, dialect="hugo").failed == []
    kept = posts(acting)
    assert imports.import_paths(acting, paths=[out]).counts["unchanged"] == 30 and posts(acting) == kept
    back = imports.import_paths(acting, paths=[out], on_conflict="overwrite")
    assert back.counts["imported"] == 0 and back.failed == [], back.counts
    return posts(acting)


def test_the_original_jekyll_site_imported_again_after_its_hugo_export_is_the_same_posts(account, tmp_path):
    acting = account()
    site = jekyll_site(tmp_path / "jekyll")
    before = moved_to_hugo(acting, site, tmp_path / "hexp")
    preview = imports.import_paths(acting, paths=[site], dry_run=True)
    assert preview.counts["imported"] == 0 and preview.counts["renamed"] == 0, [
        (file.path, file.reason) for file in preview.files if file.outcome == "imported"
    ]
    # the 20 files whose front matter the export rewrote are paired by their slug and earlier path
    weak = [file for file in preview.files if "a path its post was imported from before" in (file.reason or "")]
    assert len(weak) >= 20
    # a post whose body the export changed (a Jekyll link written for Hugo) is left as it is
    bodies = {post_id: post[4] for post_id, post in before.items()}
    for file in preview.files:
        text = Path(file.path).read_text(encoding="utf-8")
        kept = text.split("\n---\n", 1)[1].lstrip("\n") == bodies[str(file.id)].lstrip("\n")
        assert file.outcome == ("unchanged" if kept else "skipped"), (file.path, file.reason)
        assert kept or "now and differs in body" in (file.reason or ""), file.reason
    summary = imports.import_paths(acting, paths=[site])
    assert [(file.outcome, file.id) for file in summary.files] == [(file.outcome, file.id) for file in preview.files]
    assert {str(file.id) for file in summary.files} == set(before)
    assert posts(acting) == before
    # and the export folder is theirs again, as before
    again = imports.import_paths(acting, paths=[tmp_path / "hexp"])
    assert again.counts["imported"] == 0 and again.failed == [] and posts(acting) == before


def test_a_wordpress_export_imported_again_after_its_hugo_export_is_the_same_posts(account, tmp_path):
    acting = account()
    assert imports.import_paths(acting, paths=[WXR_FIXTURE]).failed == []
    before = posts(acting)
    out = tmp_path / "hugo"
    assert exports.export_posts(acting, directory=out, dialect="hugo").failed == []
    assert imports.import_paths(acting, paths=[out]).counts["imported"] == 0
    assert posts(acting) == before
    summary = imports.import_paths(acting, paths=[WXR_FIXTURE])
    assert summary.failed == [] and summary.counts["imported"] == 0 and summary.counts["renamed"] == 0, [
        (file.path, file.outcome, file.reason) for file in summary.files
    ]
    assert posts(acting) == before


def test_a_post_changed_in_the_new_folder_keeps_the_change_when_the_original_is_imported_again(account, tmp_path):
    """The original file is paired with its post, but may be the older copy: what it would change is
    left as it is, with the reason; `--on-conflict overwrite` imports it over the post."""
    acting = account()
    site = jekyll_site(tmp_path / "jekyll")
    moved_to_hugo(acting, site, tmp_path / "hexp")
    [name] = [path.name for path in (site / "_posts").iterdir() if path.name.endswith("-snippets.md")]
    new_file = tmp_path / "hexp" / "content" / "posts" / "snippets.md"
    new_file.write_text(re.sub(r"(?m)^title: .*$", 'title: "Snippets, retitled"', new_file.read_text()))
    assert imports.import_paths(acting, paths=[new_file.parent]).counts["updated"] == 1
    before = posts(acting)

    summary = imports.import_paths(acting, paths=[site])
    assert summary.counts["imported"] == 0 and summary.failed == [], summary.counts
    [file] = [file for file in summary.files if file.path.endswith(name)]
    assert file.outcome == "skipped" and file.slug == "snippets"
    assert "comes from content/posts/snippets.md now and differs in title" in (file.reason or "")
    assert posts(acting) == before
    assert imports.import_paths(acting, paths=[site], on_conflict="skip").counts["imported"] == 0

    overwrite = imports.import_paths(acting, paths=[site], on_conflict="overwrite")
    assert overwrite.counts["imported"] == 0 and overwrite.failed == [], overwrite.counts
    [file] = [file for file in overwrite.files if file.path.endswith(name)]
    assert file.outcome == "updated"
    titles = {post[0]: post[1] for post in posts(acting).values()}
    assert titles["snippets"] == "Snippets" and len(titles) == len(before)


def test_a_body_edited_in_the_new_folder_is_kept_when_the_original_is_imported_again(account, tmp_path):
    """Its body no longer says whose the original file is: the path the post was imported from
    before (kept in its revisions) does, with its slug."""
    acting = account()
    site = jekyll_site(tmp_path / "jekyll")
    moved_to_hugo(acting, site, tmp_path / "hexp")
    [name] = [path.name for path in (site / "_posts").iterdir() if path.name.endswith("-snippets.md")]
    new_file = tmp_path / "hexp" / "content" / "posts" / "snippets.md"
    new_file.write_text(new_file.read_text() + "\nA paragraph written in the new folder.\n")
    assert imports.import_paths(acting, paths=[tmp_path / "hexp"]).counts["updated"] == 1
    before = posts(acting)

    summary = imports.import_paths(acting, paths=[site])
    assert summary.counts["imported"] == 0 and summary.failed == [], summary.counts
    [file] = [file for file in summary.files if file.path.endswith(name)]
    assert file.outcome == "skipped", file.reason
    assert "(matched by slug and a path its post was imported from before)" in (file.reason or "")
    assert "differs in body" in (file.reason or "")
    assert posts(acting) == before
    renamed = imports.import_paths(acting, paths=[site / "_posts" / name], on_conflict="rename")
    assert [file.slug for file in renamed.files] == ["snippets-2"]


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_another_post_of_the_same_slug_is_never_taken_for_it(account, tmp_path):
    """Same slug and same body, or same slug and a path the post had, is one post; the same slug
    with another body and path, the same body or path under another slug, or a blank body with the
    same slug are new posts, under a free slug. A file at the post's earlier path with its slug
    but another body is not written over it."""
    acting = account()
    first = tmp_path / "first"
    write(first / "_posts" / "2020-01-02-notes.md", "---\ntitle: Notes\n---\nThe first notes.\n")
    write(first / "_posts" / "2020-01-03-stub.md", "---\ntitle: Stub\npublished: false\n---\n")
    assert imports.import_paths(acting, paths=[first]).counts["imported"] == 2
    out = tmp_path / "hugo"
    assert exports.export_posts(acting, directory=out, dialect="hugo").failed == []
    assert imports.import_paths(acting, paths=[out], on_conflict="overwrite").counts["imported"] == 0
    before = posts(acting)

    other = tmp_path / "other"
    write(other / "_posts" / "2020-01-02-notes.md", "---\ntitle: Notes\n---\nNot the first notes.\n")
    [file] = imports.import_paths(acting, paths=[other]).files
    assert file.outcome == "skipped" and "differs in body" in (file.reason or "")
    assert posts(acting) == before

    second = tmp_path / "second"
    write(second / "_posts" / "2021-05-06-notes.md", "---\ntitle: Notes\n---\nOther notes.\n")
    write(second / "_posts" / "2021-05-07-jottings.md", "---\ntitle: Jottings\n---\nThe first notes.\n")
    write(second / "_posts" / "2020-01-02-notes.md", "---\ntitle: Memo\nslug: memo\n---\nA memo.\n")
    write(second / "_posts" / "2021-05-08-stub.md", "---\ntitle: Another stub\npublished: false\n---\n\n")
    summary = imports.import_paths(acting, paths=[second])
    assert {file.slug: file.outcome for file in summary.files} == {
        "notes-2": "imported", "jottings": "imported", "memo": "imported", "stub-2": "imported",
    }  # fmt: skip
    assert len(posts(acting)) == 6


@pytest.mark.parametrize("how", ["update", "overwrite", "sync"])
def test_a_file_of_another_site_with_the_same_slug_and_body_is_a_new_post(account, tmp_path, how):
    """Another site's file of the same slug and body is not my post of it, whose file never moved
    (no export of it was imported since): `import`, even `--on-conflict overwrite`, and `sync`
    make it a new post, under a free slug, my post left as it is. Before: import skipped it, and
    sync on every run; overwrite wrote it over my post."""
    acting = account()
    write(tmp_path / "wx" / "content" / "about.md", "---\ntitle: About X\n---\nHello there.\n")
    write(tmp_path / "wz" / "content" / "pages" / "about.md", "---\ntitle: About Z\ntags: [z]\n---\nHello there.\n")
    assert imports.import_paths(acting, paths=[tmp_path / "wx"]).counts["imported"] == 1
    before = posts(acting)

    if how == "sync":
        for _ in range(2):
            summary = sync_service.sync_folder(acting, directory=tmp_path / "wz")
            assert [(file.action, file.note) for file in summary.files if file.action == "skipped"] == []
    else:
        [file] = imports.import_paths(acting, paths=[tmp_path / "wz"], on_conflict=how).files
        assert (file.outcome, file.slug) == ("imported", "about-2"), file.reason
    after = posts(acting)
    assert {post_id: after[post_id] for post_id in before} == before
    assert sorted(post[:2] for post in after.values()) == [("about", "About X"), ("about-2", "About Z")]


def test_sync_never_pairs_a_file_by_its_body(account, tmp_path):
    """Even with a post whose file moved (its Hugo export imported since), which `import` would
    take the file for and leave as it is, sync makes the file a new post: it has no
    `--on-conflict` to say otherwise, and would skip the file on every run."""
    acting = account()
    write(tmp_path / "wx" / "_posts" / "2020-01-02-about.md", "---\ntitle: About X\n---\nHello there.\n")
    write(tmp_path / "wz" / "content" / "pages" / "about.md", "---\ntitle: About Z\ntags: [z]\n---\nHello there.\n")
    assert imports.import_paths(acting, paths=[tmp_path / "wx"]).counts["imported"] == 1
    assert exports.export_posts(acting, directory=tmp_path / "hugo", dialect="hugo").failed == []
    assert imports.import_paths(acting, paths=[tmp_path / "hugo"], on_conflict="overwrite").counts["imported"] == 0
    before = posts(acting)
    [file] = imports.import_paths(acting, paths=[tmp_path / "wz"], dry_run=True).files
    assert file.outcome == "skipped" and "(matched by slug and identical body)" in (file.reason or "")

    for _ in range(2):
        summary = sync_service.sync_folder(acting, directory=tmp_path / "wz")
        assert [(file.action, file.note) for file in summary.files if file.action == "skipped"] == []
    after = posts(acting)
    assert {post_id: after[post_id] for post_id in before} == before
    assert sorted(post[:2] for post in after.values()) == [("about", "About X"), ("about-2", "About Z")]


def test_sync_never_pairs_a_file_by_a_path_its_post_was_imported_from_before(account, tmp_path):
    """Red team 44: sync matches a file only by its own link records and import's path and text, never
    by a path a post was imported from before (kept for `import` of the original site): another site's
    `_posts/2020-01-02-notes.md` was paired with my post of that slug, whose Jekyll file moved to
    Hugo since, and skipped on every run (never linked, never its own post)."""
    acting = account()
    write(tmp_path / "first" / "_posts" / "2020-01-02-notes.md", "---\ntitle: Notes\n---\nThe first notes.\n")
    assert imports.import_paths(acting, paths=[tmp_path / "first"]).counts["imported"] == 1
    assert exports.export_posts(acting, directory=tmp_path / "hugo", dialect="hugo").failed == []
    assert imports.import_paths(acting, paths=[tmp_path / "hugo"], on_conflict="overwrite").counts["imported"] == 0
    before = posts(acting)
    other = tmp_path / "other"
    write(other / "_posts" / "2020-01-02-notes.md", "---\ntitle: Other notes\n---\nAnother site's notes.\n")
    [file] = imports.import_paths(acting, paths=[other], dry_run=True).files
    assert file.outcome == "skipped" and "(matched by slug and a path its post was imported from before)" in (
        file.reason or ""
    )

    summary = sync_service.sync_folder(acting, directory=other)
    assert [(file.action, file.path) for file in summary.files] == [("imported", "_posts/2020-01-02-notes.md")]
    assert sync_service.sync_folder(acting, directory=other).files == []
    after = posts(acting)
    assert {post_id: after[post_id] for post_id in before} == before
    assert sorted(post[:2] for post in after.values()) == [("notes", "Notes"), ("notes-2", "Other notes")]
