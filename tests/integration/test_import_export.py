"""Markdown import and export against real PostgreSQL, as account roles under RLS.

The real corpora (../shared/data/blog_md) and the examples round-trip byte for byte;
re-imports match instead of duplicating; bad files are reported and leave nothing behind.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from blogster_cli.actors import ActingUser
from blogster_cli.content.post import find_markdown_files
from blogster_cli.db.acting import unit_of_work
from blogster_cli.file_names import NAME_MAX_BYTES
from blogster_cli.services import blogs, exports, imports
from tests.conftest import REPO_ROOT, shared_data
from tests.imported_corpora import _corpora_snapshots, imported_corpora  # noqa: F401  (fixtures)

pytestmark = pytest.mark.same_on_every_server  # Python-bound: CI's second pass leaves it out

EXAMPLES = REPO_ROOT / "examples" / "posts"
WXR_FIXTURE = REPO_ROOT / "tests" / "unit" / "content" / "wordpress_export.xml"
TABLES = ("blogs", "blog_tags", "blogs_to_tags", "blog_revisions", "activities")


@pytest.fixture
def account(db, make_user):
    """account() -> a new ActingUser."""
    return lambda: ActingUser(db, make_user())


def tree(root: Path) -> dict[str, bytes]:
    """Files under `root`, without the manifest export keeps of what it wrote."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name != exports.MANIFEST
    }


def markdown_tree(root: Path) -> dict[str, bytes]:
    """The files an import of `root` reads, by relative path."""
    return {path.as_posix(): (root / path).read_bytes() for path in find_markdown_files(root)}


def row_counts(superuser) -> dict[str, int]:
    return {t: superuser.execute(f"select count(*) from public.{t}").fetchone()[0] for t in TABLES}


def run_import(acting, *paths, **options) -> imports.ImportSummary:
    return imports.import_paths(acting, paths=list(paths), **options)


def export(acting, directory: Path, dialect: str, **options) -> exports.ExportSummary:
    summary = exports.export_posts(acting, directory=directory, dialect=dialect, **options)
    assert summary.failed == []
    return summary


def test_real_corpora_round_trip_byte_for_byte(imported_corpora, tmp_path):  # noqa: F811
    jekyll_root = shared_data("blog_md", "18f-jekyll")
    zola_root = shared_data("blog_md", "rust-blog-zola")
    # Each corpus imported into an account of its own, in a database holding only those two.
    corpora = imported_corpora("apart")
    jekyll, zola = corpora.accounts["jekyll"], corpora.accounts["zola"]
    first, second = corpora.summaries["jekyll"], corpora.summaries["zola"]
    superuser = corpora.db.connection()
    assert (first.failed, second.failed) == ([], [])  # every one of the 1,255 files imports
    assert first.counts["imported"] == 505 and second.counts["imported"] == 750
    assert superuser.execute("select count(*) from public.activities where type = 'imported'").fetchone()[0] == 1255

    # The one 18F file name with a space gets a usable slug, and the summary says why.
    spaced = next(f for f in first.files if " " in f.path)
    assert spaced.slug == "three-ways-to-manage-research-projects" and "cannot be used in a URL" in spaced.reason
    # Repeated Rust slugs: every post is there, the later ones suffixed, and reported.
    slugs = [f.slug for f in second.files]
    assert len(set(slugs)) == 750
    assert second.counts["renamed"] == 81
    directors = sorted(s for s in slugs if s.startswith("project-director-update"))
    assert directors == sorted(["project-director-update"] + [f"project-director-update-{n}" for n in range(2, 14)])
    assert "Rust-1.12" in slugs  # explicit slugs are kept as written
    renamed = next(f for f in second.files if f.slug == "project-director-update-2")
    assert renamed.renamed_from == "project-director-update" and "is taken by" in renamed.reason

    # Export in the same dialect: the very same trees.
    jekyll_out, zola_out = tmp_path / "jekyll", tmp_path / "zola"
    assert export(jekyll, jekyll_out, "jekyll").renamed == []
    assert export(zola, zola_out, "zola").renamed == []
    # (the corpora are flat folders: Jekyll builds `_posts/`, Zola `content/`)
    assert tree(jekyll_out / "_posts") == markdown_tree(jekyll_root)
    assert tree(zola_out / "content") == markdown_tree(zola_root)

    # Re-import is idempotent: nothing new, everything matched; --on-conflict skip skips.
    again = run_import(zola, zola_root)
    assert again.counts == {
        **dict.fromkeys(imports.OUTCOMES, 0), "unchanged": 750, "renamed": 0, "pages": 0, "images": 0,
        "published": 750, "scheduled": 0,  # what the site shows of these files' posts: all live
        # bundles whose pictures the corpus does not include (their links stay as written): said
        # when they were imported, not repeated for unchanged files (walk 9, L12)
        "warnings": 0, "warnings_not_repeated": 62,
    }  # fmt: skip
    assert {warning.split(" (")[0] for file in again.files for warning in file.warnings} <= {
        "picture left as linked, not imported",  # one picture
        "pictures left as linked, not imported",
    }
    skipped = run_import(jekyll, jekyll_root, on_conflict="skip")
    assert skipped.counts["skipped"] == 505 and skipped.counts["imported"] == 0
    assert superuser.execute("select count(*) from public.blogs").fetchone()[0] == 1255

    # Export -> import (fresh account) -> export is a fixed point, in another dialect too.
    # (--format hugo: Zola posts exported for Hugo keep their TOML `path` and [extra],
    # which auto-detection reads as Zola; see the content layer's detect_dialect.)
    hugo_out, hugo_again = tmp_path / "hugo", tmp_path / "hugo-again"
    export(zola, hugo_out, "hugo")
    copy = corpora.new_account()
    assert run_import(copy, hugo_out, fmt="hugo").failed == []
    export(copy, hugo_again, "hugo")
    assert tree(hugo_again) == tree(hugo_out)
    zola_again = tmp_path / "zola-again"
    export(copy, zola_again, "zola")
    reimported = corpora.new_account()
    assert run_import(reimported, zola_again).failed == []
    zola_third = tmp_path / "zola-third"
    export(reimported, zola_third, "zola")
    assert tree(zola_third) == tree(zola_again)


@pytest.mark.parametrize("dialect", ["hugo", "jekyll", "zola"])
def test_examples_round_trip(account, tmp_path, dialect):
    root = EXAMPLES / dialect
    if not root.is_dir():
        pytest.skip(f"no examples at {root}")
    acting = account()
    summary = run_import(acting, root)
    assert summary.failed == [] and summary.counts["imported"] == len(find_markdown_files(root))
    out = tmp_path / "out"
    export(acting, out, dialect)
    assert tree(out) == markdown_tree(root)
    assert run_import(acting, out).counts["unchanged"] == summary.counts["imported"]


def test_all_examples_in_one_account_round_trip(account, tmp_path):
    """Tags are global (one spelling per name): each post still exports as its source spelled it."""
    acting = account()
    summary = run_import(acting, EXAMPLES)
    assert summary.failed == []
    for dialect in ("hugo", "jekyll", "zola"):
        out = tmp_path / dialect
        export(acting, out, dialect)
        # each site's own files at the export folder's root, beside the other dialects' posts
        # in this one's layout (the Jekyll site imported from its parent folder: `_posts/`)
        written = tree(out)
        assert written.items() >= markdown_tree(EXAMPLES / dialect).items()


def test_wordpress_export_imports_end_to_end(account, superuser, tmp_path):
    acting = account()
    summary = run_import(acting, WXR_FIXTURE)
    assert summary.failed == [] and summary.counts["imported"] == 4
    rows = superuser.execute(
        "select b.slug, b.status::text, b.published_at is not null, array_remove(array_agg(t.name), null)"
        " from public.blogs b left join public.blogs_to_tags bt on bt.blog_id = b.id"
        " left join public.blog_tags t on t.id = bt.tag_id group by b.id"
    ).fetchall()
    assert sorted((slug, status, dated, set(tags)) for slug, status, dated, tags in rows) == [
        ("about", "draft", True, set()),
        ("cafe-notes-東京", "draft", True, {"Travel"}),
        ("morning-pages", "published", True, {"Writing"}),
        ("partial-indexes", "published", True, {"Databases", "indexes", "PostgreSQL"}),
    ]
    markdown = superuser.execute("select content->>'markdown' from public.blogs where slug = 'partial-indexes'")
    assert "<p>" not in markdown.fetchone()[0]
    # WordPress posts come from no file: a re-import matches them by slug.
    assert run_import(acting, WXR_FIXTURE).counts["unchanged"] == 4
    out, again = tmp_path / "out", tmp_path / "again"
    export(acting, out, "hugo")
    copy = account()
    assert run_import(copy, out).failed == []
    export(copy, again, "hugo")
    assert tree(again) == tree(out)


def test_bad_files_are_reported_and_leave_no_rows(account, superuser, tmp_path):
    folder = tmp_path / "posts"
    folder.mkdir()
    (folder / "good.md").write_text("---\ntitle: Good\ntags: [ok]\n---\nFine.\n")
    (folder / "binary.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe")
    (folder / "bad-yaml.md").write_text("---\ntitle: [unclosed\n---\nBody\n")
    (folder / "latin1.md").write_bytes("---\ntitle: Café\n---\nCrème brûlée\n".encode("latin-1"))
    (folder / "nul.md").write_text("---\ntitle: Nul\n---\nA \x00 byte\n")
    (folder / "unclosed.md").write_text("---\ntitle: Never closed\n\nBody\n")
    before = row_counts(superuser)
    summary = run_import(account(), folder)
    reasons = {Path(f.path).name: f.reason for f in summary.failed}
    assert set(reasons) == {"binary.md", "bad-yaml.md", "latin1.md", "nul.md", "unclosed.md"}
    assert "UTF-8" in reasons["binary.md"] and "UTF-8" in reasons["latin1.md"]
    assert "NUL" in reasons["nul.md"] and "never closed" in reasons["unclosed.md"]
    assert "YAML" in reasons["bad-yaml.md"]
    assert summary.counts["imported"] == 1
    after = row_counts(superuser)
    assert {t: after[t] - before[t] for t in TABLES} == {
        "blogs": 1, "blog_tags": 1, "blogs_to_tags": 1, "blog_revisions": 1, "activities": 1,
    }  # fmt: skip


def test_a_post_the_database_refuses_does_not_sink_its_batch(account, superuser, tmp_path, monkeypatch):
    """Validation misses something: the batch falls back to one transaction per post."""
    folder = tmp_path / "posts"
    folder.mkdir()
    for n in range(5):
        (folder / f"post-{n}.md").write_text(f"---\ntitle: Post {n}\n---\nBody {n}.\n")
    real = imports._candidate

    def sneaky(label, post):
        candidate = real(label, post)
        if label.endswith("post-3.md"):
            candidate.title = "x" * 501  # blogs_title_length refuses it
        return candidate

    monkeypatch.setattr(imports, "_candidate", sneaky)
    summary = run_import(account(), folder)
    assert [Path(f.path).name for f in summary.failed] == ["post-3.md"]
    assert summary.failed[0].reason == "a title has 1 to 500 characters"
    assert summary.counts["imported"] == 4
    assert row_counts(superuser)["blogs"] == 4 and row_counts(superuser)["blog_revisions"] == 4


def test_dry_run_changes_nothing(account, superuser):
    acting = account()
    before = row_counts(superuser)
    summary = run_import(acting, EXAMPLES, dry_run=True)
    assert summary.dry_run and summary.counts["imported"] == len(find_markdown_files(EXAMPLES)) > 0
    assert all(f.id is None for f in summary.files)
    assert row_counts(superuser) == before
    run_import(acting, EXAMPLES / "hugo")
    before = row_counts(superuser)
    preview = run_import(acting, EXAMPLES / "hugo", EXAMPLES / "jekyll", dry_run=True)
    assert preview.counts["unchanged"] == len(find_markdown_files(EXAMPLES / "hugo"))
    assert preview.counts["imported"] == len(find_markdown_files(EXAMPLES / "jekyll"))
    assert row_counts(superuser) == before


def test_updates_on_conflict_and_activities(account, superuser, tmp_path):
    folder = tmp_path / "site"
    (folder / "content").mkdir(parents=True)
    post = folder / "content" / "habits.md"
    post.write_text('---\ntitle: "Habits"\ndate: 2024-03-01\ntags: [shell]\n---\nFirst.\n')
    acting = account()
    created = run_import(acting, folder).files[0]
    post.write_text('---\ntitle: "Better habits"\ndate: 2024-03-01\ntags: [shell, Tools]\n---\nSecond.\n')
    updated = run_import(acting, folder).files[0]
    assert updated.outcome == "updated" and updated.id == created.id and updated.slug == "habits"
    assert "content" in updated.reason and "tags" in updated.reason
    row = superuser.execute(
        "select title, (select count(*) from public.blog_revisions r where r.blog_id = b.id) from public.blogs b"
    ).fetchone()
    assert row == ("Better habits", 2)
    activity = superuser.execute(
        "select type, metadata->>'import' from public.activities where blog_id = %s order by created_at, type desc",
        (created.id,),
    ).fetchall()
    assert activity == [("imported", None), ("edited", "true")]
    renamed = run_import(acting, folder, on_conflict="rename").files[0]
    assert renamed.outcome == "imported" and renamed.slug == "habits-2" and renamed.id != created.id
    skipped = run_import(acting, folder, on_conflict="skip").files[0]
    assert skipped.outcome == "skipped"


def test_same_relative_path_from_two_folders_never_overwrites(account, tmp_path):
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "post.md").write_text(f"---\ntitle: From {name}\n---\n{name}\n")
    acting = account()
    summary = run_import(acting, tmp_path / "a", tmp_path / "b")
    assert [f.outcome for f in summary.files] == ["imported", "imported"]
    assert [f.slug for f in summary.files] == ["post", "post-2"]
    out = tmp_path / "out"
    exported = export(acting, out, "hugo")  # both files were hugo's post.md
    assert sorted(tree(out)) == ["content/post-2.md", "content/post.md"] and len(exported.renamed) == 1
    # Re-importing both folders matches each post once, in the same order.
    again = run_import(acting, tmp_path / "a", tmp_path / "b")
    assert [f.outcome for f in again.files] == ["unchanged", "unchanged"]


def test_files_one_on_a_case_or_form_blind_disk_are_numbered_apart(account, tmp_path):
    """`Rust.md` and `rust.md`: one file on macOS and Windows disks, where the second export met the
    first's file and reported it as edited by hand. `café` in NFC and NFD is one slug (0196: slugs
    are composed), so the second is `café-2`."""
    acting = account()
    for n, slug in enumerate(("Rust", "rust", "caf\u00e9", "cafe\u0301")):
        blogs.create(acting, new=blogs.NewBlog(title=f"Post {n}", markdown=f"Body {n}.", slug=slug))
    out = tmp_path / "out"
    exported = export(acting, out, "hugo")
    paths = [f.path for f in exported.files]
    assert all(path is not None for path in paths) and len(exported.renamed) == 1
    assert sorted(f.slug for f in exported.files) == ["Rust", "caf\u00e9", "caf\u00e9-2", "rust"]
    folded = {unicodedata.normalize("NFC", str(path)).casefold() for path in paths}
    assert len(folded) == 4


def test_naive_dates_use_the_configured_timezone(account, superuser, tmp_path):
    folder = tmp_path / "content"
    folder.mkdir()
    text = '---\ntitle: "Late"\ndate: 2024-06-30 23:30:00\n---\nBody\n'
    (folder / "late.md").write_text(text)
    berlin = ZoneInfo("Europe/Berlin")
    acting = account()
    run_import(acting, folder, default_tz=berlin)
    published = superuser.execute("select published_at from public.blogs").fetchone()[0]
    assert published.isoformat().startswith("2024-06-30T21:30:00")
    out = tmp_path / "out"
    export(acting, out, "hugo", default_tz=berlin)
    assert tree(out) == {"content/late.md": text.encode()}


def test_rls_other_accounts_never_match_nor_export_my_posts(account, superuser, tmp_path):
    root = EXAMPLES / "hugo"
    alice, bob = account(), account()
    mine = run_import(alice, root)
    stamps = dict(superuser.execute("select id, updated_at from public.blogs").fetchall())
    theirs = run_import(bob, root)
    assert theirs.counts["imported"] == mine.counts["imported"] > 0  # their own posts, same slugs
    assert {f.id for f in theirs.files}.isdisjoint({f.id for f in mine.files})
    assert (
        dict(
            superuser.execute("select id, updated_at from public.blogs where id = any(%s)", (list(stamps),)).fetchall()
        )
        == stamps
    )
    published = superuser.execute("select count(*) from public.blogs where status = 'published'").fetchone()[0]
    assert published > 0
    carol = account()
    assert export(carol, tmp_path / "carol", "hugo").files == []
    assert tree(tmp_path / "carol") == {}
    bob_files = export(bob, tmp_path / "bob", "hugo").files
    assert {f.id for f in bob_files} == {f.id for f in theirs.files}


def test_export_never_writes_outside_the_folder(account, superuser, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("evil", "absolute", "fine"):
        (folder / f"{name}.md").write_text(f"---\ntitle: {name}\n---\n{name}\n")
    acting = account()
    run_import(acting, folder)
    superuser.execute(
        "update public.blogs set content = jsonb_set(content, '{source,path}', to_jsonb(%s::text)) where slug = 'evil'",
        ("../../../evil.md",),
    )
    superuser.execute(
        "update public.blogs set content = jsonb_set(content, '{source,path}', to_jsonb(%s::text))"
        " where slug = 'absolute'",
        (str(tmp_path / "outside" / "absolute.md"),),
    )
    out = tmp_path / "deep" / "out"
    summary = export(acting, out, "hugo")
    outside = (tmp_path / "outside" / "absolute.md").as_posix().lstrip("/")
    assert set(tree(out)) == {"content/evil.md", "content/fine.md", f"content/{outside}"}
    assert not (tmp_path / "outside").exists() and not (tmp_path / "evil.md").exists()
    assert sum(1 for f in summary.files if f.note and "unsafe source path" in f.note) == 2
    # A symlink inside the folder that leads out is refused, not followed.
    linked = tmp_path / "linked"
    linked.mkdir()
    (linked / "_posts").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    (tmp_path / "elsewhere").mkdir()
    refused = exports.export_posts(acting, directory=linked, dialect="jekyll")
    assert len(refused.failed) == 3 and list((tmp_path / "elsewhere").iterdir()) == []


def test_images_travel_with_their_posts(account, tmp_path, isolated_environment):
    from blogster_cli.services import images

    root = EXAMPLES / "hugo"
    acting = account()
    run_import(acting, root)
    png = tmp_path / "shot.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 32)
    with unit_of_work(acting) as conn:
        bundle = conn.execute("select slug from public.blogs where content->'source'->>'path' like '%/index.md'")
        bundle_slug = bundle.fetchone()[0]
        single = conn.execute("select slug from public.blogs where content->'source'->>'path' not like '%/index.md'")
        single_slug = single.fetchone()[0]
    image = images.add(acting, blog_ref=bundle_slug, source=png)
    images.add(acting, blog_ref=single_slug, source=png)
    hugo = export(acting, tmp_path / "hugo", "hugo")
    bundle_file = next(f for f in hugo.files if f.slug == bundle_slug)
    assert bundle_file.images == [str(Path(bundle_file.path).parent / image.path)]
    assert (tmp_path / "hugo" / bundle_file.images[0]).read_bytes() == png.read_bytes()
    assert (tmp_path / "hugo" / "static" / "images" / image.path).exists()
    jekyll = export(acting, tmp_path / "jekyll", "jekyll")
    assert all(i.startswith("assets/images/") for f in jekyll.files for i in f.images)
    assert (tmp_path / "jekyll" / "assets" / "images" / image.path).exists()


def test_large_folder_parses_in_workers_and_batches(account, superuser, tmp_path):
    """More files than the parallel threshold and the batch size: worker processes (asked for: on
    two cores an import parses here, `_parser_processes`), batches of 150."""
    folder = tmp_path / "many"
    folder.mkdir()
    for n in range(imports.PARALLEL_THRESHOLD + 10):
        (folder / f"p{n:04d}.md").write_text(f"---\ntitle: Post {n}\ntags: [t{n % 7}, shared]\n---\nBody {n}\n")
    (folder / "p9999.md").write_text("---\ntitle: Post 0\nslug: p0000\n---\nSame slug as the first.\n")
    acting = account()
    summary = run_import(acting, folder, batch_size=150, workers=2)
    assert summary.counts["imported"] == imports.PARALLEL_THRESHOLD + 11 and summary.counts["renamed"] == 1
    assert summary.files[-1].slug == "p0000-2"
    links = superuser.execute("select count(*) from public.blogs_to_tags").fetchone()[0]
    assert links == 2 * (imports.PARALLEL_THRESHOLD + 10)
    assert Counter(f.outcome for f in run_import(acting, folder, batch_size=150, workers=2).files) == {
        "unchanged": imports.PARALLEL_THRESHOLD + 11
    }


def test_unchanged_file_shortcut_equals_render_post(imported_corpora, tmp_path, monkeypatch):  # noqa: F811
    """The export shortcut for unchanged posts gives exactly what export_file gives."""
    from blogster_cli.repositories import blogs_bulk

    corpora = imported_corpora("apart")  # each corpus in an account of its own
    run_import(corpora.accounts["zola"], EXAMPLES)
    posts = []
    for acting in corpora.accounts.values():
        with unit_of_work(acting) as conn:
            posts += blogs_bulk.stream_my_posts(conn)
    cases = [(post, dialect) for post in posts[::3] for dialect in ("jekyll", "zola", "hugo")]
    shortcut = [exports.render(post, dialect)[:2] for post, dialect in cases]
    monkeypatch.setattr(exports, "_unchanged_file", lambda *args: None)  # every post through export_file
    assert shortcut == [exports.render(post, dialect)[:2] for post, dialect in cases]


def test_single_files_keep_their_bundle_or_posts_folder(account, tmp_path):
    """A file named on its own counts from the folder above a bundle or `_posts/`."""
    jekyll = sorted((EXAMPLES / "jekyll" / "_posts").glob("*.md"))[0]
    bundle = next((EXAMPLES / "hugo").rglob("index.md"))
    acting = account()
    summary = run_import(acting, jekyll, bundle, jekyll)  # named twice: imported once
    assert summary.counts["imported"] == 2 and len(summary.files) == 2
    with unit_of_work(acting) as conn:
        paths = {row[0] for row in conn.execute("select content->'source'->>'path' from public.blogs")}
    assert paths == {f"_posts/{jekyll.name}", f"{bundle.parent.name}/index.md"}
    out = tmp_path / "out"
    export(acting, out, "jekyll")
    assert (out / "_posts" / jekyll.name).read_bytes() == jekyll.read_bytes()


def test_reimporting_the_file_blogs_edit_writes_keeps_a_draft(account, tmp_path):
    from blogster_cli.services import blogs, editing
    from blogster_cli.services.blogs import NewBlog

    acting = account()
    draft = blogs.create(acting, new=NewBlog(title="Unfinished", markdown="Half a thought.\n", status="draft"))
    recovery = tmp_path / "recovery.md"
    recovery.write_text(editing.edit_file_text(blogs.get(acting, ref=draft.slug)))
    summary = run_import(acting, recovery)
    assert [file.outcome for file in summary.files] == ["unchanged"]  # its file recorded: nothing else (walk 9, L12)
    assert {row.status for row in blogs.list_blogs(acting)} == {"draft"}


def test_a_plain_markdown_round_trip_keeps_drafts_drafts(account, tmp_path):
    """Plain markdown has no front matter to say a post's status: exported drafts (an empty
    one too) and a published post come back as they were, and into another account as
    drafts, since no generator publishes a plain markdown file (a red team's published drafts)."""
    acting = account()
    blogs.create(acting, new=blogs.NewBlog(title="My draft", markdown="Not ready yet.\n", status="draft"))
    blogs.create(acting, new=blogs.NewBlog(title="Empty idea", markdown="", status="draft"))
    live = blogs.create(acting, new=blogs.NewBlog(title="Out there", markdown="Read me.\n"))
    from blogster_cli.services import publishing

    publishing.publish(acting, refs=[str(live.id)])
    export(acting, tmp_path / "md", "markdown")
    run_import(acting, tmp_path / "md")
    statuses = {row.slug: row.status for row in blogs.list_blogs(acting)}
    assert statuses == {"my-draft": "draft", "empty-idea": "draft", "out-there": "published"}
    other = account()
    run_import(other, tmp_path / "md")
    assert {row.status for row in blogs.list_blogs(other)} == {"draft"}


def test_a_scheduled_post_stays_scheduled_through_a_hugo_export(account, tmp_path):
    """Export writes a scheduled post as not a draft, dated at its time (Hugo and Jekyll build
    it from then on); importing that file back keeps the schedule instead of making a draft."""
    from blogster_cli.services import publishing

    acting = account()
    post = blogs.create(acting, new=blogs.NewBlog(title="Later", markdown="Soon.\n"))
    publishing.publish(acting, refs=[str(post.id)], at="2099-02-01 09:00")
    before = blogs.get(acting, ref="later")
    for dialect in ("hugo", "jekyll"):
        export(acting, tmp_path / dialect, dialect)
        (written,) = (path for path in (tmp_path / dialect).rglob("*.md"))
        assert "draft: true" not in written.read_text() and "published: false" not in written.read_text()
        summary = run_import(acting, tmp_path / dialect)
        (file,) = summary.files  # its first import also stores its file (content, source_path)
        assert "status" not in file.reason and "published_at" not in file.reason
        after = blogs.get(acting, ref="later")
        assert (after.status, after.published_at) == ("scheduled", before.published_at)
    other = account()
    run_import(other, tmp_path / "hugo")
    (imported,) = blogs.list_blogs(other)
    assert (imported.status, imported.published_at) == ("scheduled", before.published_at)


def test_a_post_imported_from_a_254_byte_file_name_exports_again(account, tmp_path):
    """Export keeps an imported post's file name; its `.partial` passed 255 bytes, and every
    later export stopped at that post (exit 8)."""
    acting = account()
    posts = tmp_path / "in" / "content" / "posts"
    posts.mkdir(parents=True)
    name = "a" * 251 + ".md"
    (posts / name).write_text("---\ntitle: Long\n---\nBody.\n")
    run_import(acting, tmp_path / "in")
    summary = export(acting, tmp_path / "out", "hugo")
    [written] = [file.path for file in summary.files]
    assert written.endswith(name) and (tmp_path / "out" / written).read_text().endswith("Body.\n")
    assert len(exports.partial_path(tmp_path / "out" / written).name.encode()) <= NAME_MAX_BYTES
