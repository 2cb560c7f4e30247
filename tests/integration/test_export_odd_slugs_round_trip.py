"""Export, then import into another account, gives every post back under its own slug, whatever
the slug (red team 43b): a slug past 255 bytes stopped the whole export with "File name too long"
(F2), a slug starting with `.` was written as a hidden file that import skips unseen (F3), and
Zola's `foo.md.md` was read as a translation of `foo.md` and skipped (F4). `sync` names files as
export does, and failed on them too. Real PostgreSQL, in process."""

from __future__ import annotations

from pathlib import Path

import pytest

from blogster_cli.actors import ActingUser
from blogster_cli.db.acting import unit_of_work
from blogster_cli.file_names import NAME_MAX_BYTES, name_bytes
from blogster_cli.services import blogs, exports, imports
from blogster_cli.services import sync as sync_service

# Python-bound (file names on disk): the services' SQL runs on every server in the other tests.
# CI's second pass leaves it out.
pytestmark = pytest.mark.same_on_every_server

pytestmark = pytest.mark.same_on_every_server  # Python-bound: CI's second pass leaves it out

DIALECTS = ("hugo", "jekyll", "zola", "astro", "markdown")
LONG = "日" * 90  # 270 bytes of UTF-8, within the schema's 200 characters


@pytest.fixture
def account(db, make_user):
    """account() -> a new ActingUser."""
    return lambda: ActingUser(db, make_user())


def slugs(acting) -> set[str]:
    with unit_of_work(acting) as conn:
        rows = conn.execute("select slug from public.blogs where author_id = auth.uid() and deleted_at is null")
        return {row[0] for row in rows}


def write(acting, wanted: list[str]) -> None:
    for n, slug in enumerate(wanted):
        blogs.create(acting, new=blogs.NewBlog(title=f"Post {n}", markdown=f"Body {n}.\n", slug=slug, tags=["t"]))
    assert slugs(acting) == set(wanted)


def round_trips(account, tmp_path: Path, wanted: list[str], dialects: tuple[str, ...] = DIALECTS) -> None:
    """My posts with slugs `wanted`, exported in each dialect, each export imported by another account."""
    acting = account()
    write(acting, wanted)
    for dialect in dialects:
        folder = tmp_path / dialect
        summary = exports.export_posts(acting, directory=folder, dialect=dialect)
        assert summary.failed == [] and summary.posts == len(wanted), dialect
        names = [file.name for file in folder.rglob("*")]
        assert max(map(name_bytes, names)) <= NAME_MAX_BYTES, dialect
        assert [name for name in names if name.startswith(".")] == [exports.MANIFEST], dialect  # nothing hidden
        reader = account()
        imported = imports.import_paths(reader, paths=[folder])
        assert [(file.path, file.reason) for file in imported.files if file.outcome != "imported"] == [], dialect
        assert slugs(reader) == set(wanted), dialect


def test_slugs_past_the_file_name_limit_export_and_come_back(account, tmp_path):
    """Two such slugs starting alike get files of their own (a hash of each in its cut name); a
    name of exactly 255 bytes numbered apart from another (one file on a case-blind disk) is cut too."""
    round_trips(account, tmp_path, [LONG, LONG + "x", "Ä" * 126, "ä" * 126, "plain"])


def test_slugs_starting_with_a_dot_export_as_visible_files_and_come_back(account, tmp_path):
    """`hidden` takes the name `.hidden` would have had (`hidden.md`): the later one is numbered."""
    round_trips(account, tmp_path, ["...", ".-x", ".hidden", "hidden"], ("hugo", "zola", "astro", "markdown"))


def test_slugs_named_like_translations_come_back(account, tmp_path):
    """Beside `foo.md` (post `foo`), Zola's `foo.md.md` and Hugo's `node.js.md` are translations."""
    round_trips(account, tmp_path, ["foo.md", "foo", "node.js", "node"], ("hugo", "zola"))


def test_sync_writes_such_posts_files_and_leaves_them_be(account, tmp_path):
    """Sync failed on the long one ("file name too long") and stopped at post `foo.md`, whose
    folder `foo.md/` (a bundle) was post `foo`'s file; a hidden file's post was trashed by the
    next run (the folder's scan does not see the file)."""
    acting = account()
    wanted = [LONG, "...", ".-x", "foo.md", "foo"]
    write(acting, wanted)
    folder = tmp_path / "site"
    folder.mkdir()
    first = sync_service.sync_folder(acting, directory=folder, fmt="hugo", adopt=True)
    assert first.failed == [] and first.conflicts == [] and first.counts["created"] == len(wanted)
    again = sync_service.sync_folder(acting, directory=folder, fmt="hugo")
    assert again.files == [] and slugs(acting) == set(wanted)
    reader = account()
    assert imports.import_paths(reader, paths=[folder]).counts["imported"] == len(wanted)
    assert slugs(reader) == set(wanted)


def test_a_stored_source_name_past_the_limit_is_cut_too(account, superuser, tmp_path):
    """A source path is kept as its file had it; one past the limit (raw SQL: no disk holds it)
    stopped the export as a long slug did, through the shortcut for files unchanged since import."""
    acting = account()
    page = tmp_path / "in" / "content" / "posts" / "foo.md"
    page.parent.mkdir(parents=True)
    page.write_text("---\ntitle: Foo\nslug: foo\n---\nBody.\n")
    assert imports.import_paths(acting, paths=[tmp_path / "in"]).counts["imported"] == 1
    long_path = f"content/posts/{LONG}/index.md"
    superuser.execute(
        "update public.blogs set content = jsonb_set(content, '{source,path}', to_jsonb(%s::text)) where slug = 'foo'",
        (long_path,),
    )
    summary = exports.export_posts(acting, directory=tmp_path / "out", dialect="hugo")
    [written] = [file.path for file in summary.files]
    assert written.startswith("content/posts/日") and max(map(name_bytes, written.split("/"))) <= NAME_MAX_BYTES
    reader = account()
    imports.import_paths(reader, paths=[tmp_path / "out"])
    assert slugs(reader) == {"foo"}
