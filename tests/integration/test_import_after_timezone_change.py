"""Real files imported in UTC read back unchanged after `config set timezone`: a date without an
offset (a date alone, a time without one, a Jekyll file name's day, a Zola path's) is read in the
zone its post was imported in (`source.timezone`, absent for UTC) while it is the post's date. Before,
re-importing the unchanged 18F and Rust corpora in Europe/Berlin reported 472 and 750 posts updated
("changed published_at") and moved them by the offset; so did re-importing their Hugo export. A date
changed since is still a change, read in the zone set now. Real PostgreSQL, RLS."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path, PurePosixPath
from zoneinfo import ZoneInfo

import pytest
from psycopg.types.json import Jsonb

from blogster_cli.actors import ActingUser
from blogster_cli.db.acting import unit_of_work
from blogster_cli.repositories import blogs_bulk
from blogster_cli.services import exports, imports
from blogster_cli.services import sync as sync_service
from tests.conftest import REPO_ROOT, shared_data

BERLIN = ZoneInfo("Europe/Berlin")
ZONES = [BERLIN, ZoneInfo("America/Los_Angeles")]  # ahead of UTC, and behind it (the day before)
JEKYLL = (
    "2014-09-25-design-studio-onrr.md",  # no date: the file name's day
    "2014-10-21-how-to-run-your-own-3-sprint-agile-workshop.md",  # date: 2014-10-21
    "2015-01-16-open-source-for-good-government.md",  # date: '2015-01-16'
    "2015-09-21-cfpb-design-speaker-series.md",  # date: 2015-09-21 10:00 (a time, no offset)
    "2016-07-19-strategies-for-starting-your-own-writing-lab.md",  # date: 2016-07-19 (optional)
    "2014-09-08-the-encasement-strategy-on-legacy-systems-and-the.md",  # date: September 8, 2014
    "2016-03-22-what-was-your-path-to-18f.md",  # ... EDT: an offset of its own
    "2014-03-19-hello-world-we-are-18f.md",  # ...-04:00
)
ZOLA = ("Rust-1.88.0.md", "Rustup-1.20.0.md", "2024-State-Of-Rust-Survey-results/index.md")  # path = "Y/M/D/..."
HUGO = ("content/posts/reading-explain-analyze.md", "content/posts/shell-history-that-remembers.md")  # dates alone


@pytest.fixture
def author(db, make_user) -> ActingUser:
    return ActingUser(db, make_user())


def real_files(root: Path) -> list[Path]:
    """A Jekyll, a Zola and a Hugo folder of real files, each dated in another way."""
    copies = [
        (shared_data("blog_md", "18f-jekyll"), root / "jekyll", JEKYLL),
        (shared_data("blog_md", "rust-blog-zola"), root / "zola", ZOLA),
        (REPO_ROOT / "examples" / "posts" / "hugo", root / "hugo", HUGO),
    ]
    for source, target, names in copies:
        for name in names:
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source / name, target / name)
    return [target for _, target, _ in copies]


def dates(acting: ActingUser) -> dict[str, dt.datetime | None]:
    with unit_of_work(acting) as conn:
        rows = conn.execute("select slug, published_at from public.blogs where author_id = auth.uid()").fetchall()
    return dict(rows)


def changed(summary: imports.ImportSummary) -> list[str]:
    return [f"{file.path}: {file.reason}" for file in summary.files if file.outcome != "unchanged"]


@pytest.mark.parametrize("now_in", ZONES, ids=str)
def test_unchanged_files_read_back_unchanged_after_the_timezone_changes(author, tmp_path, now_in):
    folders = real_files(tmp_path)
    first = imports.import_paths(author, paths=folders)
    count = len(JEKYLL) + len(ZOLA) + len(HUGO)
    assert first.failed == [] and first.counts["imported"] == count
    before = dates(author)

    planned = imports.import_paths(author, paths=folders, dry_run=True, default_tz=now_in)
    assert changed(planned) == [] and planned.counts["unchanged"] == count
    again = imports.import_paths(author, paths=folders, default_tz=now_in)
    assert changed(again) == [] and dates(author) == before

    # A date changed since is a change, read in the zone set now (as a new file's would be).
    edited = tmp_path / "jekyll" / JEKYLL[1]
    edited.write_text(edited.read_text().replace("date: 2014-10-21\n", "date: 2014-10-22\n", 1))
    moved = imports.import_paths(author, paths=folders, default_tz=now_in)
    assert changed(moved) == [f"{edited}: matched by source path; changed content, published_at"]
    assert dates(author) == {
        **before,
        "how-to-run-your-own-3-sprint-agile-workshop": dt.datetime(2014, 10, 22, tzinfo=now_in),
    }
    assert changed(imports.import_paths(author, paths=folders, dry_run=True, default_tz=now_in)) == []


def test_an_export_written_after_the_timezone_changed_reads_back_unchanged(author, tmp_path):
    """Exported in the zone set now, for the posts' own generators and for Hugo: each date is
    written as the post's zone reads it (a date alone where it is midnight there), and the files
    import back as the same posts, at the same moments."""
    folders = real_files(tmp_path)
    assert imports.import_paths(author, paths=folders).failed == []
    before = dates(author)

    for dialect in ("jekyll", "zola", "hugo"):
        out = tmp_path / f"out-{dialect}"
        assert exports.export_posts(author, directory=out, dialect=dialect, default_tz=BERLIN).failed == []
        planned = imports.import_paths(author, paths=[out], dry_run=True, default_tz=BERLIN)
        assert planned.failed == [] and planned.counts["imported"] == 0
        assert [line for line in changed(planned) if "published_at" in line] == [], dialect
        assert imports.import_paths(author, paths=[out], default_tz=BERLIN).failed == []
        assert dates(author) == before, dialect
    # the Jekyll post dated by its name alone (still from its Jekyll file: each export imported back as
    # written changed nothing), exported to Hugo: a date alone, midnight in UTC (the zone it was
    # imported in), not `2014-09-25T02:00:00+02:00`
    hugo = (tmp_path / "out-hugo" / "content" / "posts" / "design-studio-onrr.md").read_text()
    assert "\ndate: 2014-09-25\n" in hugo


def test_sync_keeps_the_date_of_a_file_edited_after_the_timezone_changed(author, tmp_path):
    """A synced file whose body is edited after the zone changed keeps its post's date; a file of
    it still says what the post says (`imports.says_what_post_says`, which sync also asks)."""
    root = tmp_path / "site"
    for name in JEKYLL[:4]:
        (root / "_posts").mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shared_data("blog_md", "18f-jekyll", name), root / "_posts" / name)
    assert sync_service.sync_folder(author, directory=root).failed == []
    before = dates(author)

    source = imports.ImportSource(label=JEKYLL[0], root=root, relative=PurePosixPath("_posts", JEKYLL[0]))
    read = imports.read_post_file(source, default_tz=BERLIN)
    assert read is not None
    with unit_of_work(author) as conn:
        post_id = next(ref.id for ref in blogs_bulk.my_post_refs(conn) if ref.slug == "design-studio-onrr")
        stored = blogs_bulk.my_posts_by_id(conn, ids=[post_id])[post_id]
    assert imports.says_what_post_says(read, stored)

    edited = root / "_posts" / JEKYLL[0]
    edited.write_text(edited.read_text() + "\nOne more line.\n")
    summary = sync_service.sync_folder(author, directory=root, default_tz=BERLIN)
    assert summary.failed == [] and summary.conflicts == []
    assert [(file.path, file.action) for file in summary.files] == [(f"_posts/{JEKYLL[0]}", "updated")]
    assert dates(author) == before
    with unit_of_work(author) as conn:
        content = blogs_bulk.my_posts_by_id(conn, ids=[post_id])[post_id].content
    assert content is not None and "timezone" not in content["source"]  # still read in UTC


LOS_ANGELES = ZONES[1]
WORKSHOP = "how-to-run-your-own-3-sprint-agile-workshop"  # JEKYLL[1]'s post, dated 2014-10-21 (a date alone)
# What an account's own SQL may write as its post's recorded zone (red team 49): none is a zone here,
# and none may be read as a path outside the zones' folder.
NO_ZONES = {
    "unknown": "Mars/Olympus_Mons",
    "14,000 characters": "Europe/" + "x" * 14_000,
    "a path out": "../../etc/passwd",
    "an absolute path": "/etc/passwd",
    "leap seconds": "right/UTC",
    "a folder of zones": "America",
}


def imported_in_berlin_then_recorded(author: ActingUser, root: Path, recorded: object) -> Path:
    """The file of WORKSHOP imported in Berlin (its zone recorded), then `recorded` written as that
    zone by the account's own SQL on its own post; the file's path."""
    path = root / "_posts" / JEKYLL[1]
    path.parent.mkdir(parents=True)
    shutil.copyfile(shared_data("blog_md", "18f-jekyll", JEKYLL[1]), path)
    assert imports.import_paths(author, paths=[root], default_tz=BERLIN).failed == []
    record_zone(author, recorded)
    return path


def record_zone(author: ActingUser, recorded: object) -> None:
    """`recorded` written as the zone of the author's posts, as the account's own SQL may."""
    with unit_of_work(author) as conn:
        conn.execute(
            "update public.blogs set content = jsonb_set(content, '{source,timezone}', %s) where author_id = auth.uid()",
            (Jsonb(recorded),),
        )


@pytest.mark.parametrize("recorded", NO_ZONES.values(), ids=NO_ZONES)
def test_a_recorded_zone_that_is_no_zone_is_said_once_by_export_site_build_and_import(author, tmp_path, recorded):
    """Its dates are read in the setting (the site build's last change in UTC), as before, but no
    longer silently: one warning line per post, the name cut to 60 characters; nothing fails."""
    from blogster_cli.services import site, site_settings

    path = imported_in_berlin_then_recorded(author, tmp_path / "blog", recorded)
    shown = recorded if len(recorded) <= 60 else recorded[:59] + "…"
    said = f"the timezone recorded for this post ({shown!r}) is unknown; its date is read in"

    exported = exports.export_posts(author, directory=tmp_path / "out", dialect="jekyll", default_tz=LOS_ANGELES)
    assert exported.failed == []  # written as the 20th: midnight in Berlin is the day before in Los Angeles
    assert exported.warnings == [f"{exported.files[0].path}: {said} America/Los_Angeles"]

    site_settings.set_value(author, key="title", value="Notes", base_domain="blogster.page")
    for _ in range(2):  # a rebuild, with the post's record carried over, says it again
        built = site.build(author, out=tmp_path / "site", base_domain="blogster.page")
        assert built.warnings == (f"the post {WORKSHOP!r}: {said} UTC",)

    again = imports.import_paths(author, paths=[tmp_path / "blog"], default_tz=LOS_ANGELES)
    assert again.failed == [] and again.said_warnings == [f"{path}: {said} America/Los_Angeles"]
    assert dates(author) == {WORKSHOP: dt.datetime(2014, 10, 21, tzinfo=LOS_ANGELES)}
    # read in the setting, which it now records: the next import has nothing to say
    assert imports.import_paths(author, paths=[tmp_path / "blog"], default_tz=LOS_ANGELES).said_warnings == []


def test_a_recorded_zone_that_is_not_text_is_said_too(author, tmp_path):
    """A number where the zone's name goes: the export refuses the post (as before: its content
    document breaks the contract), the site build and the import say it and read the date as above."""
    from blogster_cli.services import site, site_settings

    path = imported_in_berlin_then_recorded(author, tmp_path / "blog", 5)
    said = "the timezone recorded for this post is not text; its date is read in"

    exported = exports.export_posts(author, directory=tmp_path / "out", dialect="jekyll", default_tz=LOS_ANGELES)
    assert [file.note for file in exported.failed] == ["cannot export: content document source timezone is not text"]
    assert exported.warnings == []  # its failure says it
    site_settings.set_value(author, key="title", value="Notes", base_domain="blogster.page")
    built = site.build(author, out=tmp_path / "site", base_domain="blogster.page")
    assert built.warnings == (f"the post {WORKSHOP!r}: {said} UTC",)
    again = imports.import_paths(author, paths=[tmp_path / "blog"], default_tz=LOS_ANGELES)
    assert again.said_warnings == [f"{path}: {said} America/Los_Angeles"]
    assert dates(author) == {WORKSHOP: dt.datetime(2014, 10, 21, tzinfo=LOS_ANGELES)}


def test_a_recorded_zone_that_is_no_zone_is_said_by_sync_as_import_says_it(author, tmp_path):
    """Sync reads the file as import does, and says what import says of it: the file of a post whose
    recorded zone is no zone, read in the setting, once as the folder links (the file matched to the
    post it was imported as), once as an edit of it goes in. Before, sync said nothing."""
    root = tmp_path / "blog"
    path = imported_in_berlin_then_recorded(author, root, NO_ZONES["unknown"])
    said = (
        f"_posts/{JEKYLL[1]}: the timezone recorded for this post ('Mars/Olympus_Mons') is unknown;"
        " its date is read in America/Los_Angeles"
    )
    linked = sync_service.sync_folder(author, directory=root, default_tz=LOS_ANGELES)
    assert [(file.path, file.action) for file in linked.files] == [(f"_posts/{JEKYLL[1]}", "updated")]
    assert linked.warnings == [said]
    assert linked.as_dict()["warnings"] == linked.warnings

    record_zone(author, NO_ZONES["unknown"])  # the linked run recorded the setting: no zone again
    assert sync_service.sync_folder(author, directory=root, default_tz=LOS_ANGELES).files == []  # reads the same
    path.write_text(path.read_text() + "\nOne more line.\n")
    edited = sync_service.sync_folder(author, directory=root, default_tz=LOS_ANGELES)
    assert [(file.path, file.action) for file in edited.files] == [(f"_posts/{JEKYLL[1]}", "updated")]
    assert edited.warnings == [said]


def test_a_recorded_zone_that_is_no_zone_is_said_by_sync_as_export_says_it(author, tmp_path):
    """Sync writes a post changed in Blogster to its file as export writes it, its date read in the
    setting where its recorded zone is no zone, and says so as export does: once per file written
    (in place, renamed, as a conflict's copy), in a dry run too; nothing when no file is written.
    Before (left-over finding), only the folder-to-database direction said it."""
    root = tmp_path / "blog"
    path = imported_in_berlin_then_recorded(author, root, NO_ZONES["unknown"])
    said = (
        "the timezone recorded for this post ('Mars/Olympus_Mons') is unknown; its date is read in America/Los_Angeles"
    )
    sync_service.sync_folder(author, directory=root, default_tz=LOS_ANGELES)  # linked: import's warning
    record_zone(author, NO_ZONES["unknown"])
    assert sync_service.sync_folder(author, directory=root, default_tz=LOS_ANGELES).warnings == []  # nothing written

    def edit_in_blogster(words: str) -> None:
        with unit_of_work(author) as conn:
            conn.execute(
                "update public.blogs set content = jsonb_set(content, '{markdown}', to_jsonb(content->>'markdown' || %s))"
                " where author_id = auth.uid()",
                (words,),
            )

    edit_in_blogster("\nWritten in Blogster.\n")
    planned = sync_service.sync_folder(author, directory=root, default_tz=LOS_ANGELES, dry_run=True)
    assert [(file.path, file.action) for file in planned.files] == [(f"_posts/{JEKYLL[1]}", "written")]
    assert planned.warnings == [f"_posts/{JEKYLL[1]}: {said}"]
    written = sync_service.sync_folder(author, directory=root, default_tz=LOS_ANGELES)
    assert [(file.path, file.action) for file in written.files] == [(f"_posts/{JEKYLL[1]}", "written")]
    assert written.warnings == [f"_posts/{JEKYLL[1]}: {said}"]
    assert written.as_dict()["warnings"] == written.warnings  # `--json`'s, as the CLI puts each on stderr
    assert "Written in Blogster." in path.read_text()

    with unit_of_work(author) as conn:
        conn.execute("update public.blogs set slug = 'workshop' where author_id = auth.uid()")
    moved = sync_service.sync_folder(author, directory=root, default_tz=LOS_ANGELES)
    assert [(file.path, file.action) for file in moved.files] == [("_posts/2014-10-21-workshop.md", "renamed")]
    assert moved.warnings == [f"_posts/2014-10-21-workshop.md: {said}"]

    edit_in_blogster("\nAgain in Blogster.\n")
    path = root / "_posts" / "2014-10-21-workshop.md"
    path.write_text(path.read_text() + "\nAnd on disk.\n")
    both = sync_service.sync_folder(author, directory=root, default_tz=LOS_ANGELES)
    assert [(file.path, file.action) for file in both.files] == [("_posts/2014-10-21-workshop.md", "conflict")]
    assert both.warnings == [f"_posts/2014-10-21-workshop.md.conflict: {said}"]  # where the post is written
