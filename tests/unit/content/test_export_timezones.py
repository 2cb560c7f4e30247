"""A post exported in its own dialect is the same file in any time zone setting.

Dates without an offset are read in the zone import used (`source.timezone`, absent for UTC):
a setting changed since must neither shift an unchanged date nor turn a date into a datetime.
"""

from zoneinfo import ZoneInfo

import pytest

from blogster_cli.content.export import ExportedFile, export_file
from blogster_cli.content.post import import_post

ZONES = ("UTC", "Europe/Berlin", "America/Los_Angeles", "Asia/Kolkata")
ZOLA = (
    '+++\ntitle = "Ledger"\ndate = 2023-12-30\naliases = ["2023/12/30/ledger"]\n\n'
    '[taxonomies]\ntags = ["finance", "plain text"]\ncategories = ["Life"]\n+++\nBody\n'
)
FILES = {
    "zola date": ("content/ledger.md", ZOLA),
    "zola datetime": ("content/ledger.md", ZOLA.replace("2023-12-30", "2023-12-30T09:15:00")),
    "hugo toml date": ("content/posts/a.md", '+++\ntitle = "A"\ndate = 2024-01-15\ntags = ["x", "y"]\n+++\nBody\n'),
    "hugo toml datetime": ("content/posts/a.md", '+++\ntitle = "A"\ndate = 2024-01-15T23:30:00\n+++\nBody\n'),
    "hugo yaml date": ("content/posts/a.md", "---\ntitle: A\ndate: 2024-01-15\ntags: [x, y]\n---\nBody\n"),
    "hugo yaml datetime": ("content/posts/a.md", "---\ntitle: A\ndate: 2024-01-15 00:30:00\n---\nBody\n"),
    "jekyll name date": ("_posts/2021-05-06-bare.md", "---\ntitle: Bare\n---\nBody\n"),
}


@pytest.mark.parametrize("imported_in", ["UTC", "Europe/Berlin"])
@pytest.mark.parametrize("exported_in", ZONES)
@pytest.mark.parametrize("name", list(FILES))
def test_an_unchanged_post_is_the_same_file_whatever_the_zone(name: str, imported_in: str, exported_in: str) -> None:
    path, text = FILES[name]
    post = import_post(text, path, default_tz=ZoneInfo(imported_in))
    dialect = post.content["source"]["dialect"]
    assert export_file(post.fields(), post.content, dialect, default_tz=ZoneInfo(exported_in)) == ExportedFile(
        path, text
    )


@pytest.mark.parametrize("exported_in", ZONES)
def test_an_edit_keeps_a_date_as_it_was_written(exported_in: str) -> None:
    """Imported in UTC (the setting's default) before the zone was recorded, edited, then
    exported with another zone set: the date line stays as written (a date stays a date)."""
    for path, text in (FILES["hugo toml date"], FILES["hugo yaml date"], FILES["zola date"]):
        post = import_post(text, path)
        assert "timezone" not in post.content["source"]
        fields = post.fields()
        fields.title = "Edited"
        dialect = post.content["source"]["dialect"]
        written = export_file(fields, post.content, dialect, default_tz=ZoneInfo(exported_in)).text
        date_line = next(line for line in text.splitlines() if line.startswith("date"))
        assert date_line in written.splitlines(), (path, written)


def test_import_records_the_zone_it_read_dates_in() -> None:
    path, text = FILES["hugo toml date"]
    assert import_post(text, path, default_tz=ZoneInfo("Asia/Kolkata")).content["source"]["timezone"] == "Asia/Kolkata"
    assert "timezone" not in import_post(text, path).content["source"]


@pytest.mark.parametrize("path", ["_posts/2021-05-06-bare.md", "jek/_posts/2021-05-06-bare.md"])
def test_a_jekyll_post_without_front_matter_comes_back_without_one(path: str) -> None:
    """Jekyll builds a `_posts/` file without front matter (date and slug from its name)."""
    text = "No front matter here, just text.\n"
    post = import_post(text, path)
    assert export_file(post.fields(), post.content, "jekyll") == ExportedFile("_posts/2021-05-06-bare.md", text)
    fields = post.fields()
    fields.title = "Now titled"
    written = export_file(fields, post.content, "jekyll").text
    assert written == "---\ntitle: Now titled\n---\n" + text


def test_a_file_rendered_again_keeps_the_spelling_of_the_one_it_replaces_for_what_both_say() -> None:
    """Walk 13 L5: a post written in Blogster has no front matter stored, so each render writes its date
    in the zone set then; sync keeps the text of the file it replaces where it is the same moment."""
    import datetime as dt

    from blogster_cli.content.document import new_document
    from blogster_cli.content.export import kept_spelling
    from blogster_cli.content.post import PostFields

    moment = dt.datetime(2026, 12, 5, 20, 56, 48, 123000, tzinfo=dt.UTC)
    post = PostFields(title="Written here", slug="written-here", tags=["a"], published_at=moment, created_at=moment)
    content = new_document("Hello.\n", source=None)
    before = export_file(post, content, "hugo").text
    assert "date: 2026-12-05 20:56:48.123000+00:00\n" in before
    post.title = "Written there"
    after = export_file(post, content, "hugo", default_tz=ZoneInfo("Asia/Tokyo")).text
    assert "date: 2026-12-06 05:56:48.123000+09:00\n" in after
    assert kept_spelling(before, after) == before.replace("title: Written here", "title: Written there")
    post.published_at = moment + dt.timedelta(hours=1)
    moved = export_file(post, content, "hugo", default_tz=ZoneInfo("Asia/Tokyo")).text
    kept = kept_spelling(before, moved)
    assert "date: 2026-12-06 06:56:48.123000+09:00\n" in kept and "title: Written there" in kept  # as rendered
    assert kept_spelling("no front matter\n", after) == after
    assert kept_spelling('+++\ntitle = "x"\n+++\n', after) == after  # another format: as rendered


def test_a_jekyll_name_the_zone_moved_is_kept_while_the_file_states_the_same_moment() -> None:
    """h391: export names a Jekyll post by its day in the zone set now; `kept_name` tells when the name
    an earlier export wrote stays: only its day differs and the file states the post's date."""
    import datetime as dt

    from blogster_cli.content.document import new_document
    from blogster_cli.content.export import kept_name
    from blogster_cli.content.post import PostFields

    moment = dt.datetime(2026, 12, 5, 20, 56, 48, tzinfo=dt.UTC)
    post = PostFields(title="Written here", slug="written-here", tags=[], published_at=moment, created_at=moment)
    content = new_document("Hello.\n", source=None)
    before = export_file(post, content, "jekyll")
    tokyo = ZoneInfo("Asia/Tokyo")
    now = export_file(post, content, "jekyll", default_tz=tokyo).path
    assert (before.path, now) == ("_posts/2026-12-05-written-here.md", "_posts/2026-12-06-written-here.md")
    assert kept_name(before.text, before.path, now, moment, "jekyll", tokyo)
    assert not kept_name(before.text, before.path, now, moment + dt.timedelta(hours=1), "jekyll", tokyo)  # moved
    assert not kept_name(before.text, before.path, "_posts/2026-12-06-renamed.md", moment, "jekyll", tokyo)
    assert not kept_name(before.text, before.path, "_drafts/written-here.md", moment, "jekyll", tokyo)
    assert not kept_name(before.text, before.path, before.path, moment, "jekyll", tokyo)  # nothing to keep
    assert not kept_name("---\ntitle: [\n---\n", before.path, now, moment, "jekyll", tokyo)  # unreadable
