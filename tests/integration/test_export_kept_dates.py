"""A post's date survives a trip through plain markdown, which cannot state one: export it to
plain markdown, import that folder back (the post keeps its date), and a Hugo export writes the date
again. Before, the Hugo file had none (`posts show` said 2024-05-21; the export forgot it). A date
import gave a file that states none is still left out. Real PostgreSQL, RLS."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from blogster_cli.actors import ActingUser
from blogster_cli.content.post import import_post
from blogster_cli.db.acting import unit_of_work
from blogster_cli.services import exports, imports

WHEN = dt.datetime(2024, 5, 21, 9, 45, tzinfo=dt.UTC)


@pytest.fixture
def author(db, make_user) -> ActingUser:
    return ActingUser(db, make_user())


def folder(root: Path, files: dict[str, str]) -> Path:
    for relative, text in files.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text)
    return root


def dates(acting: ActingUser, slug: str) -> tuple[dt.datetime | None, dt.datetime]:
    with unit_of_work(acting) as conn:
        row = conn.execute(
            "select published_at, created_at from public.blogs where author_id = auth.uid() and slug = %s", [slug]
        ).fetchone()
    assert row is not None
    return row[0], row[1]


def export(acting: ActingUser, out: Path, dialect: str) -> dict[str, str]:
    summary = exports.export_posts(acting, directory=out, dialect=dialect)
    assert summary.failed == []
    return {file.slug: (out / file.path).read_text() for file in summary.files if file.path is not None}


def exported_date(text: str, path: str = "content/posts/x.md") -> dt.datetime | None:
    return import_post(text, path).published_at


def test_a_date_kept_through_a_plain_markdown_export_is_written_to_hugo(author, tmp_path):
    hugo = folder(tmp_path / "site", {
        "content/posts/fzf-everywhere.md": "---\ntitle: 'fzf everywhere: five small bindings'\ndate: 2024-05-21T09:45:00Z\n---\nBody.\n",
    })  # fmt: skip
    assert imports.import_paths(author, paths=[hugo]).failed == []
    assert dates(author, "fzf-everywhere") == (WHEN, WHEN)

    plain = tmp_path / "plain"
    assert export(author, plain, "markdown")["fzf-everywhere"] == "# fzf everywhere: five small bindings\n\nBody.\n"
    again = imports.import_paths(author, paths=[plain])
    assert again.failed == [] and again.counts["imported"] == 0
    assert dates(author, "fzf-everywhere") == (WHEN, WHEN)  # the file cannot say one: the post keeps it

    first = export(author, tmp_path / "hugo", "hugo")["fzf-everywhere"]
    assert exported_date(first) == WHEN
    assert imports.import_paths(author, paths=[tmp_path / "hugo"]).failed == []
    assert dates(author, "fzf-everywhere") == (WHEN, WHEN)
    assert export(author, tmp_path / "hugo-again", "hugo")["fzf-everywhere"] == first


def test_a_date_import_gave_an_undated_file_is_still_left_out(author, tmp_path):
    """A Hugo file without a date is published at its import (its two dates equal), a plain
    markdown file is a draft dated by its import: neither date is the source's, neither is written."""
    source = folder(tmp_path / "site", {
        "content/posts/undated.md": "---\ntitle: Undated\n---\nBody.\n",
        "notes/draft-note.md": "# Draft note\n\nText.\n",
    })  # fmt: skip
    assert imports.import_paths(author, paths=[source / "content/posts/undated.md", source / "notes"]).failed == []
    published, created = dates(author, "undated")
    assert published == created
    assert dates(author, "draft-note")[0] is None
    files = export(author, tmp_path / "zola", "zola")
    for slug in ("undated", "draft-note"):
        assert "\ndate = " not in files[slug], files[slug]
        assert exported_date(files[slug], f"content/{slug}.md") is None


def test_a_date_keeps_its_text_after_the_timezone_setting_changed(author, tmp_path):
    """A post written in Blogster has no front matter stored, so each export wrote its date in the zone
    set then: after `config set timezone Asia/Tokyo` its unchanged file was written again (`+00:00`
    became `+09:00`, the same moment), and a sync or import of the folder saw a change. The file an
    export wrote keeps the date as written while it is the same moment (`content.export.kept_spelling`,
    as sync keeps it); a new file is written in the zone set now."""
    from zoneinfo import ZoneInfo

    from blogster_cli.services import blogs

    tokyo = ZoneInfo("Asia/Tokyo")
    blogs.create(author, new=blogs.NewBlog(title="Written here", markdown="Hello.\n"))
    out = tmp_path / "hugo"
    before = export(author, out, "hugo")["written-here"]
    assert "+00:00\n" in before

    again = exports.export_posts(author, directory=out, dialect="hugo", default_tz=tokyo)
    assert (again.written, again.unchanged) == (0, 1)
    assert export(author, out, "hugo")["written-here"] == before
    blogs.update(author, ref="written-here", changes=blogs.BlogChanges(title="Written there"))
    edited = exports.export_posts(author, directory=out, dialect="hugo", default_tz=tokyo)
    assert (edited.written, edited.edited) == (1, [])
    [file] = edited.files
    assert (out / file.path).read_text() == before.replace("title: Written here", "title: Written there")
    fresh = exports.export_posts(author, directory=tmp_path / "fresh", dialect="hugo", default_tz=tokyo)
    assert "+09:00\n" in (tmp_path / "fresh" / fresh.files[0].path).read_text()


def test_a_jekyll_file_keeps_its_name_after_the_timezone_setting_moved_its_day(author, tmp_path):
    """h391: a Jekyll post's file name starts with its day (`_posts/2024-05-21-x.md`), which export
    took from the zone set now, so after `config set timezone Asia/Tokyo` moved that day the post's
    file got a new name and the manifest recorded a move (a sync or import of the folder saw a new
    file). The file an earlier export wrote keeps its name while the post's date is the same moment,
    as its date text does; a date changed since, and a new export, take the day in the zone set now."""
    from zoneinfo import ZoneInfo

    from blogster_cli.content.export_manifest import MANIFEST, parse
    from blogster_cli.services import blogs

    tokyo = ZoneInfo("Asia/Tokyo")
    evening = dt.datetime(2024, 5, 21, 20, 30, tzinfo=dt.UTC)  # the 22nd in Tokyo
    blogs.create(author, new=blogs.NewBlog(title="Written here", markdown="Hello.\n", status="published",
                                           published_at=evening))  # fmt: skip
    out = tmp_path / "jekyll"
    first = exports.export_posts(author, directory=out, dialect="jekyll")
    [file] = first.files
    assert file.path == "_posts/2024-05-21-written-here.md"
    before = (out / file.path).read_text()
    manifest = (out / MANIFEST).read_bytes()

    again = exports.export_posts(author, directory=out, dialect="jekyll", default_tz=tokyo)
    assert [f.path for f in again.files] == [file.path] and (again.written, again.unchanged) == (0, 1)
    assert sorted(p.name for p in (out / "_posts").iterdir()) == ["2024-05-21-written-here.md"]
    assert (out / file.path).read_text() == before and (out / MANIFEST).read_bytes() == manifest

    blogs.update(author, ref="written-here", changes=blogs.BlogChanges(title="Written there"))
    edited = exports.export_posts(author, directory=out, dialect="jekyll", default_tz=tokyo)
    assert [f.path for f in edited.files] == [file.path] and edited.written == 1
    assert (out / file.path).read_text() == before.replace("title: Written here", "title: Written there")
    assert parse((out / MANIFEST).read_bytes())[file.path].moved_to is None

    fresh = exports.export_posts(author, directory=tmp_path / "fresh", dialect="jekyll", default_tz=tokyo)
    assert [f.path for f in fresh.files] == ["_posts/2024-05-22-written-here.md"]

    with unit_of_work(author) as conn:
        conn.execute("update public.blogs set published_at = published_at + interval '1 hour'")
    moved = exports.export_posts(author, directory=out, dialect="jekyll", default_tz=tokyo)
    assert [f.path for f in moved.files] == ["_posts/2024-05-22-written-here.md"]
    assert parse((out / MANIFEST).read_bytes())[file.path].moved_to == "_posts/2024-05-22-written-here.md"
