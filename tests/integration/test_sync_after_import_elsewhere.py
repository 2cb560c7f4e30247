"""A synced folder's post read from another file since: README's migration path (import the old
site, export it for the new generator, import that folder) while the old folder stays linked.

The walk of h277 (H3): the old Jekyll folder's next `sync` moved `_posts/2020-02-01-zeta-post.md`
to `posts/zeta-post.md` (out of `_posts/`, which Jekyll publishes) saying "its post's slug or
status changed" (neither had), and an edit then saved at the old path came in as a second post
(`zeta-post-2`) instead of a conflict. The folder's file stays where it is, in its dialect."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

import pytest

from blogster_cli.actors import ActingUser
from blogster_cli.db.acting import unit_of_work
from blogster_cli.services import blogs, exports, imports
from blogster_cli.services import sync as sync_service

POST = "_posts/2020-02-01-zeta-post.md"
TEXT = '---\ntitle: "Zeta post"\nlayout: post\ntags: [greek]\n---\n\nZeta body.\n'


@pytest.fixture
def acting(db, make_user):
    return ActingUser(db, make_user())


def files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def slugs(acting) -> list[str]:
    with unit_of_work(acting) as conn:
        return sorted(row[0] for row in conn.execute("select slug from public.blogs").fetchall())


def jekyll_site_synced_then_exported_and_imported(acting, tmp_path: Path) -> Path:
    site = tmp_path / "j3"
    (site / "_posts").mkdir(parents=True)
    (site / "_config.yml").write_text("title: j3\n")
    (site / POST).write_text(TEXT)
    assert [(f.path, f.action) for f in sync_service.sync_folder(acting, directory=site).files] == [(POST, "imported")]
    exports.export_posts(acting, directory=tmp_path / "ex3", dialect="hugo")
    # moved there (an export imported back as written changes nothing: overwrite moves it, as an edit would)
    [imported] = imports.import_paths(acting, paths=[tmp_path / "ex3"], on_conflict="overwrite").files
    assert imported.outcome == "unchanged" and "matched by the export that wrote it" in (imported.reason or "")
    return site


def test_the_old_folder_keeps_its_file_in_place_after_its_export_is_imported(acting, tmp_path):
    site = jekyll_site_synced_then_exported_and_imported(acting, tmp_path)
    before = files(site)
    assert sync_service.sync_folder(acting, directory=site, dry_run=True).files == []
    assert sync_service.sync_folder(acting, directory=site).files == []  # nothing the file says changed
    assert files(site) == before and sync_service.sync_folder(acting, directory=site).files == []

    # An edit in Blogster is written into the file where it is, as this Jekyll folder's file.
    blogs.update(acting, ref="zeta-post", changes=blogs.BlogChanges(title="Zeta, edited"))
    [written] = sync_service.sync_folder(acting, directory=site).files
    assert (written.path, written.action) == (POST, "written")
    assert "its post was last read from another file (content/posts/zeta-post.md)" in (written.note or "")
    assert sorted(files(site)) == ["_config.yml", POST]
    read = imports.read_post_file(imports.ImportSource(POST, site, PurePosixPath(POST)))
    assert read is not None and read.dialect == "jekyll" and read.title == "Zeta, edited"
    assert read.base_slug == "zeta-post" and read.tags == ["greek"]
    assert sync_service.sync_folder(acting, directory=site).files == []

    # The file edited on disk goes into its post, which is this file's again ("the file wins").
    (site / POST).write_text(TEXT.replace("Zeta body.", "Zeta body, on disk."))
    assert [(f.path, f.action) for f in sync_service.sync_folder(acting, directory=site).files] == [(POST, "updated")]
    assert slugs(acting) == ["zeta-post"]


def test_an_edit_on_both_sides_is_a_conflict_never_a_second_post(acting, tmp_path):
    site = jekyll_site_synced_then_exported_and_imported(acting, tmp_path)
    sync_service.sync_folder(acting, directory=site)  # h277: this run moved the file out of _posts/
    (site / POST).write_text(TEXT.replace("Zeta body.", "Zeta body, on disk."))  # the editor saves it again
    blogs.update(acting, ref="zeta-post", changes=blogs.BlogChanges(title="Zeta in Blogster"))
    summary = sync_service.sync_folder(acting, directory=site)
    assert [(f.path, f.action) for f in summary.files] == [(POST, "conflict")]
    assert slugs(acting) == ["zeta-post"]
    assert sorted(files(site)) == ["_config.yml", POST, f"{POST}.conflict"]
    conflict = (site / f"{POST}.conflict").read_text()
    assert conflict.startswith("---\ntitle: ") and "Zeta in Blogster" in conflict  # this folder's YAML, not TOML


def test_a_post_new_from_a_file_stays_in_the_jekyll_folder_it_was_written_into(acting, tmp_path):
    """`posts new --from first.md` reads the file as Hugo's (YAML front matter, no site): the
    Jekyll folder that got the post's file rewrote it as Hugo's `posts/first.md` on its next edit."""
    from blogster_cli.services import drafting

    site = tmp_path / "jk"
    (site / "_posts").mkdir(parents=True)
    (site / "_config.yml").write_text("title: jk\n")
    (site / POST).write_text(TEXT)
    sync_service.sync_folder(acting, directory=site)
    draft = tmp_path / "first.md"
    draft.write_text("---\ntitle: My first real post\ntags: [writing]\n---\nHello.\n")
    blogs.create(acting, new=drafting.new_from_file(draft))
    [created] = sync_service.sync_folder(acting, directory=site).files
    assert created.action == "created" and created.path.startswith("_posts/")
    blogs.update(acting, ref="first", changes=blogs.BlogChanges(markdown="Hello again.\n"))
    [written] = sync_service.sync_folder(acting, directory=site).files
    assert (written.path, written.action) == (created.path, "written")
    assert sorted(files(site)) == sorted(["_config.yml", POST, created.path])
    assert sync_service.sync_folder(acting, directory=site).files == []


def test_a_file_moved_in_its_own_folder_says_what_changed(acting, tmp_path):
    """The note of a file moved where export now names it said "its post's slug or status
    changed" whatever changed: it names the one that did."""
    from blogster_cli.services import publishing

    site = tmp_path / "site"
    (site / "_posts").mkdir(parents=True)
    (site / "_drafts").mkdir()
    (site / "_config.yml").write_text("title: Site\n")
    (site / POST).write_text(TEXT)
    (site / "_drafts" / "idea.md").write_text("---\ntitle: Idea\n---\nIdea.\n")
    sync_service.sync_folder(acting, directory=site)
    publishing.publish(acting, refs=["idea"])
    blogs.update(acting, ref="zeta-post", changes=blogs.BlogChanges(slug="zeta"))
    notes = {f.path: (f.action, f.note) for f in sync_service.sync_folder(acting, directory=site).files}
    [published] = [path for path in notes if path.endswith("-idea.md")]
    assert notes == {
        "_posts/2020-02-01-zeta.md": ("renamed", f"moved from {POST}: its post's slug changed"),
        published: ("renamed", "moved from _drafts/idea.md: its post's status changed"),
    }
    with unit_of_work(acting) as conn:
        conn.execute("update public.blogs set published_at = '2021-03-04 10:00+00' where slug = 'zeta'")
    [moved] = sync_service.sync_folder(acting, directory=site).files
    assert (moved.path, moved.action) == ("_posts/2021-03-04-zeta.md", "renamed")
    assert moved.note == "moved from _posts/2020-02-01-zeta.md: its post's date changed"
    # The post keeps the path it was read at: its file, renamed here, is still this folder's own.
    blogs.update(acting, ref="zeta", changes=blogs.BlogChanges(title="Zeta again"))
    [written] = sync_service.sync_folder(acting, directory=site).files
    assert (written.path, written.action, written.note) == ("_posts/2021-03-04-zeta.md", "written", None)
