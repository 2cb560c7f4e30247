"""Importing Blogster's own export: the files an export wrote are their posts again, whatever the
dialect (the migration README advertises: import the old generator, export the new one, keep
working in the new folder). The manifest the export keeps names each file's post; a forged one
takes no other account's post and renames none of mine. Real corpora, real PostgreSQL, RLS."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from blogster_cli.actors import ActingUser
from blogster_cli.content.export_manifest import MANIFEST
from blogster_cli.db.acting import unit_of_work
from blogster_cli.services import blogs, exports, imports
from tests.conftest import shared_data
from tests.imported_corpora import _corpora_snapshots, imported_corpora  # noqa: F401  (fixtures)

pytestmark = pytest.mark.same_on_every_server  # Python-bound: CI's second pass leaves it out


@pytest.fixture
def account(db, make_user):
    """account() -> a new ActingUser."""
    return lambda: ActingUser(db, make_user())


def posts(acting) -> dict[str, tuple]:
    """id -> (slug, title, status, published_at, description, picture, keywords, markdown, tags) of my live posts."""
    with unit_of_work(acting) as conn:
        rows = conn.execute(
            "select b.id::text, b.slug, b.title, b.status::text, b.published_at, b.meta_description,"
            " b.featured_image, b.meta_keywords, b.content->>'markdown',"
            " coalesce((select array_agg(lower(t.name) order by lower(t.name)) from public.blogs_to_tags bt"
            "   join public.blog_tags t on t.id = bt.tag_id where bt.blog_id = b.id), '{}')"
            " from public.blogs b where b.author_id = auth.uid() and b.deleted_at is null"
        ).fetchall()
    return {row[0]: tuple(row[1:]) for row in rows}


def source_paths(acting) -> dict[str, str]:
    with unit_of_work(acting) as conn:
        rows = conn.execute(
            "select id::text, content->'source'->>'path' from public.blogs where author_id = auth.uid()"
        ).fetchall()
    return dict(rows)


def manifest(folder: Path) -> dict:
    return json.loads((folder / MANIFEST).read_text())


def test_a_hugo_export_of_the_real_corpora_imports_back_as_the_same_posts(imported_corpora, tmp_path):  # noqa: F811
    """Before: 840 new `SLUG-2` posts (every Zola post, 90 18F posts), the files only differing from
    their posts in the front matter the export rewrote. Now every file is its post, at every round."""
    corpora = imported_corpora("together")  # both imported into one account, in one go
    acting = corpora.accounts["both"]
    assert corpora.summaries["both"].failed == []
    before = posts(acting)
    assert len(before) == 1255
    out = tmp_path / "hugo"
    exported = exports.export_posts(acting, directory=out, dialect="hugo")
    assert exported.failed == [] and exported.posts == 1255
    assert {entry["post"] for entry in manifest(out).values()} == set(before)  # each file names its post

    homes = source_paths(acting)
    preview = imports.import_paths(acting, paths=[out], dry_run=True)
    assert preview.counts["imported"] == 0 and preview.counts["renamed"] == 0, preview.counts
    summary = imports.import_paths(acting, paths=[out])
    assert summary.failed == [] and summary.counts["imported"] == 0
    assert {file.id for file in summary.files} == {file.id for file in preview.files}
    # Every file is its post, a file the export numbered apart from another's (`x-2.md`) too: it
    # states its post's slug, so the manifest's word matches it (before, it was skipped as "byte for
    # byte what the export wrote for 'x'", its name stating another slug).
    matched = {str(file.id) for file in summary.files if file.outcome != "skipped"}
    assert [file for file in summary.files if file.outcome == "skipped"] == []
    assert matched == set(before) and exported.renamed != []
    after = posts(acting)
    # the same posts, same slugs, titles, statuses, dates, tags and bodies, and where they came from
    # (red team 62: each file as the export wrote it changes nothing; an export for the old generator
    # still writes the originals)
    assert after == before and summary.counts["updated"] == 0, summary.counts
    assert source_paths(acting) == homes

    # Export and import again change nothing, and an older
    # copy an export left behind (a post written elsewhere since) is not imported a second time.
    for _ in range(2):
        again = exports.export_posts(acting, directory=out, dialect="hugo")
        assert again.failed == [] and again.edited == []
        reimported = imports.import_paths(acting, paths=[out])
        assert reimported.failed == [] and reimported.counts["imported"] == 0, reimported.counts
        older = [file for file in reimported.files if file.outcome == "skipped"]
        assert all("an older copy of" in (file.reason or "") for file in older), older
        assert posts(acting) == before


def test_an_account_export_of_the_real_corpora_imports_into_another_account_as_the_same_posts(
    imported_corpora,  # noqa: F811
    tmp_path,
):
    """`account export` wrote its posts as plain markdown: imported into another account, all 1255
    came back drafts without tags, dated the day of the import, their bodies given a `# title` line.
    It now writes the front matter `export --format hugo` writes: the same posts, in a new account."""
    from blogster_cli.services import account_export

    corpora = imported_corpora("together")  # both imported into one account, in one go
    alice, bob = corpora.accounts["both"], corpora.new_account()
    assert corpora.summaries["both"].failed == []
    before = posts(alice)
    account_export.export_account(alice, directory=tmp_path / "mine")
    summary = imports.import_paths(bob, paths=[tmp_path / "mine" / "posts"])
    assert summary.failed == [] and summary.counts["imported"] == len(before) == 1255, summary.counts
    assert sorted(posts(bob).values()) == sorted(before.values())


def test_a_plain_markdown_export_keeps_what_it_cannot_say_when_imported_back(account, tmp_path):
    """Plain markdown export writes a heading and the body, no front matter: imported back over its
    posts, it keeps their tags, descriptions, keywords, pictures and statuses, as it keeps statuses."""
    acting = account()
    assert imports.import_paths(acting, paths=[shared_data("blog_md", "18f-jekyll")]).failed == []
    before = posts(acting)
    assert sum(1 for post in before.values() if post[-1]) > 400 and sum(1 for post in before.values() if post[4]) > 400
    out = tmp_path / "plain"
    exports.export_posts(acting, directory=out, dialect="markdown")
    summary = imports.import_paths(acting, paths=[out])
    assert summary.failed == [] and summary.counts["imported"] == 0
    after = posts(acting)
    assert set(after) == set(before)
    kept = lambda post: (post[0], post[2], post[3], post[4], post[5], post[6], post[8])  # noqa: E731
    assert {key: kept(post) for key, post in after.items()} == {key: kept(post) for key, post in before.items()}


def test_a_file_edited_in_the_new_folder_updates_its_post(account, tmp_path):
    """Working in the exported folder: an edited body is its post's new body, not a copy; a file
    whose slug and text both changed since the export is a new post (the manifest alone renames none)."""
    acting = account()
    zola = tmp_path / "zola"
    for name in ("Rust-1.12", "Rust-1.13"):
        shutil.copytree(shared_data("blog_md", "rust-blog-zola", name), zola / name)
    imports.import_paths(acting, paths=[zola])
    before = posts(acting)
    out = tmp_path / "astro"
    exports.export_posts(acting, directory=out, dialect="astro")
    first, second = sorted(out.rglob("*.md"))
    first.write_text(first.read_text() + "\nAn edit made in the new folder.\n")
    second.write_text(second.read_text().replace("title:", "slug: renamed-here\ntitle:", 1) + "\nAnd here.\n")
    summary = imports.import_paths(acting, paths=[out])
    by_path = {Path(file.path).name: file for file in summary.files}
    assert by_path[first.name].outcome == "updated" and "the export that wrote it" in (by_path[first.name].reason or "")
    assert str(by_path[first.name].id) in before
    after = posts(acting)
    assert after[str(by_path[first.name].id)][-2].endswith("An edit made in the new folder.\n")
    assert by_path[second.name].outcome == "imported" and by_path[second.name].slug == "renamed-here"
    assert len(after) == 3


def test_a_forged_manifest_takes_no_other_accounts_post_and_renames_none_of_mine(account, tmp_path, superuser):
    mine, theirs = account(), account()
    site = shared_data("blog_md", "18f-jekyll")
    names = sorted(path.name for path in site.iterdir())[:3]
    folder = tmp_path / "jekyll" / "_posts"
    folder.mkdir(parents=True)
    for name in names:
        shutil.copyfile(site / name, folder / name)
    imports.import_paths(theirs, paths=[folder.parent])
    with unit_of_work(theirs) as conn:
        conn.execute("update public.blogs set status = 'published', published_at = now()")
    imports.import_paths(mine, paths=[folder.parent])
    my_before, their_before = posts(mine), posts(theirs)
    their_ids = sorted(their_before, key=lambda key: their_before[key][0])
    my_ids = sorted(my_before, key=lambda key: my_before[key][0])

    forged = tmp_path / "forged"
    (forged / "content" / "posts").mkdir(parents=True)
    first = forged / "content" / "posts" / "first.md"  # the slug of their first post, other text
    first.write_text(f"---\ntitle: Taken over\nslug: {their_before[their_ids[0]][0]}\n---\nNot theirs.\n")
    second = forged / "content" / "posts" / "second.md"  # another slug than my post's, other text
    second.write_text("---\ntitle: Renamed\nslug: somewhere-else\n---\nNot mine either.\n")
    entries = {
        "content/posts/first.md": {"sha256": "0" * 64, "post": their_ids[0]},
        "content/posts/second.md": {"sha256": "0" * 64, "post": my_ids[1]},
    }
    (forged / MANIFEST).write_text(json.dumps(entries))
    summary = imports.import_paths(mine, paths=[forged])
    assert [file.outcome for file in summary.files] == ["imported", "imported"]
    assert posts(theirs) == their_before
    assert {key: value for key, value in posts(mine).items() if key in my_before} == my_before

    # One post named by two files is no one's; a manifest behind a symbolic link is not read.
    third = forged / "content" / "posts" / "third.md"
    third.write_text(f"---\ntitle: Twice\nslug: {my_before[my_ids[2]][0]}\n---\nTwice named.\n")
    entries = {"content/posts/third.md": {"sha256": "1" * 64, "post": my_ids[2]}}
    (forged / MANIFEST).write_text(json.dumps({**entries, "content/posts/x.md": {"sha256": "", "post": my_ids[2]}}))
    [*_, twice] = imports.import_paths(mine, paths=[forged], dry_run=True).files
    assert twice.outcome == "imported" and twice.slug == f"{my_before[my_ids[2]][0]}-2"
    (tmp_path / "elsewhere.json").write_text(json.dumps(entries))
    (forged / MANIFEST).unlink()
    (forged / MANIFEST).symlink_to(tmp_path / "elsewhere.json")
    [*_, linked] = imports.import_paths(mine, paths=[forged], dry_run=True).files
    assert linked.outcome == "imported"
    (forged / MANIFEST).unlink()
    (forged / MANIFEST).write_text(json.dumps(entries))
    [*_, named] = imports.import_paths(mine, paths=[forged], dry_run=True).files
    assert named.outcome == "updated" and str(named.id) == my_ids[2]  # the same slug: it is that post


def test_an_older_manifest_without_ids_still_guards_hand_edits(account, tmp_path):
    acting = account()
    imports.import_paths(acting, paths=[shared_data("blog_md", "rust-blog-zola", "Rust-1.12")])
    out = tmp_path / "out"
    [file] = exports.export_posts(acting, directory=out, dialect="hugo").files
    old = {path: entry["sha256"] for path, entry in manifest(out).items()}
    (out / MANIFEST).write_text(json.dumps(old, indent=0))  # as releases before the ids wrote it
    edited = out / file.path
    edited.write_text(edited.read_text() + "\nBy hand.\n")
    again = exports.export_posts(acting, directory=out, dialect="hugo")
    assert again.edited == [file.path]
    assert manifest(out)[file.path] == {"sha256": old[file.path]}  # still unknown: stays refused
    forced = exports.export_posts(acting, directory=out, dialect="hugo", force=True)
    assert forced.written == 1 and manifest(out)[file.path]["post"] == str(file.id)


def test_a_post_renamed_since_its_export_leaves_an_older_copy_that_is_not_imported(account, tmp_path):
    acting = account()
    imports.import_paths(acting, paths=[shared_data("blog_md", "rust-blog-zola", "Rust-1.12")])
    out = tmp_path / "out"
    [first] = exports.export_posts(acting, directory=out, dialect="hugo").files
    blogs.update(acting, ref=first.slug, changes=blogs.BlogChanges(slug="rust-one-twelve"))
    [second] = exports.export_posts(acting, directory=out, dialect="hugo").files
    assert second.path != first.path and (out / first.path).is_file()
    assert manifest(out)[first.path] == {
        "sha256": manifest(out)[first.path]["sha256"], "post": str(first.id), "moved_to": second.path
    }  # fmt: skip
    summary = imports.import_paths(acting, paths=[out])
    outcomes = {Path(file.path).relative_to(out).as_posix(): file for file in summary.files}
    assert outcomes[first.path].outcome == "skipped" and outcomes[first.path].reason == (
        f"an older copy of 'rust-one-twelve', which the last export wrote to {second.path}: not imported"
    )
    assert outcomes[second.path].outcome in ("updated", "unchanged") and outcomes[second.path].id == first.id
    assert list(posts(acting)) == [str(first.id)]


def test_a_post_edited_in_blogster_since_its_export_keeps_the_edit_without_a_conflict(account, tmp_path):
    """The file is as the export wrote it: only the post changed since, so the edit is kept and
    the file skipped, not reported as changed on both sides."""
    acting = account()
    imports.import_paths(acting, paths=[shared_data("blog_md", "rust-blog-zola", "Rust-1.13")])
    out = tmp_path / "out"
    [file] = exports.export_posts(acting, directory=out, dialect="jekyll").files
    blogs.update(acting, ref=file.slug, changes=blogs.BlogChanges(title="Announcing Rust 1.13, edited"))
    [skipped] = imports.import_paths(acting, paths=[out]).files
    assert (skipped.outcome, skipped.conflict) == ("skipped", False)
    assert skipped.reason == (
        f"{file.slug!r} was edited in Blogster since it was exported to the file and the file has not changed;"
        " the Blogster edit is kept (it differs in title)"  # not its front matter's dialect (walk 9, L12)
    )
    assert posts(acting)[str(file.id)][1] == "Announcing Rust 1.13, edited"


def test_a_forged_manifest_never_makes_a_file_of_another_slug_take_my_post(account, tmp_path):
    """Red team 33: a folder someone hands me holding `guest-post.md` and a manifest naming my post
    with the file's own hash made my published post carry their title and body ("1 updated")."""
    acting = account()
    source = tmp_path / "mine"
    source.mkdir()
    (source / "hello.md").write_text("---\ntitle: Hello\n---\nMy own words.\n")
    assert imports.import_paths(acting, paths=[source]).failed == []
    [mine] = [post_id for post_id, post in posts(acting).items()]
    guest = tmp_path / "guest"
    guest.mkdir()
    data = b"---\ntitle: Guest post\nslug: guest-post\n---\nTheir words.\n"
    (guest / "guest-post.md").write_bytes(data)
    entry = {"sha256": hashlib.sha256(data).hexdigest(), "post": mine}
    (guest / MANIFEST).write_text(json.dumps({"guest-post.md": entry}))
    before = posts(acting)[mine]
    summary = imports.import_paths(acting, paths=[guest])
    assert summary.counts["updated"] == 0, summary.counts
    assert posts(acting)[mine] == before


@pytest.mark.parametrize("dialect", ["hugo", "jekyll", "zola", "astro"])
def test_a_file_numbered_apart_states_its_slug_and_imports_back_as_its_post(account, tmp_path, dialect):
    """`Rust` and `rust` are one file on a case-blind disk: export writes the later as `rust-2.md`.
    Before, that file did not state its slug: imported back it read `rust-2`, so an unchanged copy
    was skipped ("byte for byte what the export wrote for 'rust'") and an edited one became a new
    post. Now it states `slug: rust` and is its post: unchanged, then updated by an edit."""
    acting = account()
    for slug in ("Rust", "rust"):
        blogs.create(acting, new=blogs.NewBlog(title=f"About {slug}", markdown=f"On {slug}.\n", slug=slug))
    before = posts(acting)
    out = tmp_path / dialect
    exported = exports.export_posts(acting, directory=out, dialect=dialect)
    assert exported.failed == [] and len(exported.renamed) == 1
    [numbered] = exported.renamed
    assert numbered.slug == "rust" and Path(numbered.path).stem.endswith("rust-2")
    assert "slug" in (out / numbered.path).read_text()

    # Written in Blogster, the posts stay posts from no file: the folder as exported changes nothing.
    summary = imports.import_paths(acting, paths=[out])
    assert summary.failed == [] and [file.outcome for file in summary.files] == ["unchanged", "unchanged"]
    assert {str(file.id): file.slug for file in summary.files} == {key: post[0] for key, post in before.items()}
    assert {key: post[0] for key, post in posts(acting).items()} == {key: post[0] for key, post in before.items()}
    again = exports.export_posts(acting, directory=out, dialect=dialect)  # a fixed point
    assert again.written == 0 and again.edited == []  # each file as it was written
    assert sorted(file.path for file in again.files) == sorted(file.path for file in exported.files)
    summary = imports.import_paths(acting, paths=[out])
    assert summary.failed == [] and [file.outcome for file in summary.files] == ["unchanged", "unchanged"]

    path = out / numbered.path
    path.write_text(path.read_text() + "\nEdited in the new folder.\n")
    [edited] = [file for file in imports.import_paths(acting, paths=[out]).files if file.outcome != "unchanged"]
    assert (edited.outcome, str(edited.id), edited.slug) == ("updated", str(numbered.id), "rust")
    after = posts(acting)
    assert set(after) == set(before) and after[str(numbered.id)][-2].endswith("Edited in the new folder.\n")
