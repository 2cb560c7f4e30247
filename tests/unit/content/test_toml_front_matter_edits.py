"""TOML front matter written anew keeps the text of every value that did not change.

A title edited in Blogster and exported (or synced) back to a Hugo or Zola file changes the
title line and nothing else: `date = 2024-01-02T10:00:00+01:00` is not respelled with a
space, `tags = ["a","b"]` does not become a four-line array, comments stay.
"""

import datetime as dt
import difflib

from blogster_cli.content.export import export_file
from blogster_cli.content.frontmatter import dump_front_matter, parse_raw
from blogster_cli.content.post import import_post

HUGO = (
    "+++\n"
    'title = "Old title"\n'
    "date = 2024-01-02T10:00:00+01:00\n"
    'tags = ["a","b"]  # kept\n'
    "draft = false\n"
    "\n"
    "[params]\n"
    'author = "Ada"\n'
    "+++\n"
    "Body.\n"
)


def changed_lines(before: str, after: str) -> list[str]:
    return [
        line
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++ ", "--- ")) and line not in ("+++", "---")
    ]


def test_a_title_edit_is_a_one_line_diff() -> None:
    post = import_post(HUGO, "content/posts/old.md")
    fields = post.fields()
    fields.title = "New title"
    exported_file = export_file(fields, post.content, "hugo")
    path, text = exported_file.path, exported_file.text
    assert path == "content/posts/old.md"
    assert changed_lines(HUGO, text) == ['-title = "Old title"', '+title = "New title"']


def test_every_rust_blog_post_takes_a_title_edit_as_one_line(zola_corpus) -> None:
    """The Rust blog's inline `authors` and `aliases` arrays and `[extra]` tables stay as written."""
    checked = 0
    for file in zola_corpus:
        if file.post is None or file.post.content["front_matter"]["format"] != "toml":
            continue
        fields = file.post.fields()
        fields.title = "Edited: " + fields.title
        text = export_file(fields, file.post.content, "zola").text
        changed = changed_lines(file.text, text)
        assert len(changed) == 2 and changed[1].startswith("+title = "), (file.path, changed)
        checked += 1
    assert checked > 700


def test_a_changed_date_is_written_in_rfc_3339_and_the_rest_stays() -> None:
    post = import_post(HUGO, "content/posts/old.md")
    fields = post.fields()
    fields.published_at = fields.created_at = dt.datetime(2024, 3, 1, 12, 30, tzinfo=dt.UTC)
    text = export_file(fields, post.content, "hugo").text
    [removed, added] = changed_lines(HUGO, text)
    assert removed == "-date = 2024-01-02T10:00:00+01:00"
    assert added.startswith("+date = 2024-03-01T12:30:00")
    assert import_post(text, "content/posts/old.md").fields().date == fields.date


def test_keys_added_and_removed_touch_only_their_lines() -> None:
    _, metadata = parse_raw(HUGO[: HUGO.index("Body.")])
    values = dict(metadata.values)
    del values["draft"]
    values["slug"] = "new"
    values["params"] = {**values["params"], "mood": "calm"}
    text = dump_front_matter("toml", values, metadata)
    assert changed_lines(HUGO, text + "Body.\n") == ["-draft = false", '+slug = "new"', '+mood = "calm"']
    assert parse_raw(text)[1].values == values


def test_without_the_source_text_toml_is_written_anew() -> None:
    values = {"title": "T", "flag": True, "count": 1}
    assert parse_raw(dump_front_matter("toml", values))[1].values == values
