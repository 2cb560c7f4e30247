"""A title import took from a file's first `# heading` (or its name) is stated in the front matter of
an export to Hugo, Jekyll, Zola and Astro, which never read a heading as a title: their pages were
untitled. The body keeps its heading, so the file reads back as the same post, and a second export
is the first. Headings quoted from real READMEs (argon2-cffi, MIT; threadpoolctl, BSD-3-Clause)."""

import datetime as dt

import pytest

from blogster_cli.content.document import new_document
from blogster_cli.content.export import ExportedFile, export_file
from blogster_cli.content.frontmatter import parse_raw, split_front_matter
from blogster_cli.content.post import PostFields, import_post

GENERATORS = ("hugo", "jekyll", "zola", "astro")
WHEN = dt.datetime(2024, 5, 21, 9, 45, tzinfo=dt.UTC)
README_HEADINGS = [
    "# *argon2-cffi*: Argon2 for Python\n\nArgon2 won the Password Hashing Competition.\n",
    "# Thread-pool Controls [![Build Status](https://github.com/joblib/threadpoolctl/actions/workflows/test.yml"
    "/badge.svg?branch=master)](https://github.com/joblib/threadpoolctl/actions?query=branch%3Amaster)\n\n"
    "Python helpers to limit the number of threads.\n",
    "\n# Click\n\nClick is a Python package for creating beautiful command line interfaces.\n",
]


def stated_title(text: str) -> object:
    split = split_front_matter(text)
    assert split.raw is not None, text
    return parse_raw(split.raw)[1].values.get("title")


def dated(fields: PostFields) -> PostFields:
    fields.published_at = fields.created_at = WHEN  # a Jekyll file name needs a date
    return fields


@pytest.mark.parametrize("dialect", GENERATORS)
@pytest.mark.parametrize("readme", README_HEADINGS)
def test_a_title_from_a_markdown_heading_is_stated_for_the_generators(dialect: str, readme: str) -> None:
    post = import_post(readme, "intro.md")  # not `readme.md`: plain markdown names a post `readme` apart
    assert post.content["source"]["dialect"] == "markdown"
    fields = dated(post.fields())
    exported_file = export_file(fields, post.content, dialect)
    path, text = exported_file.path, exported_file.text
    assert stated_title(text) == post.title
    assert text.endswith(readme)  # the body as it was, its heading kept

    again = import_post(text, path)  # the export read back: the same post, its body unchanged
    assert again.title == post.title and again.content["markdown"] == readme
    assert export_file(dated(again.fields()), again.content, dialect) == ExportedFile(path, text)
    # and back to plain markdown: the file first imported, byte for byte (no second heading)
    assert export_file(again.fields(), again.content, "markdown").text == readme


@pytest.mark.parametrize("dialect", GENERATORS)
def test_a_title_from_the_file_name_is_stated_for_the_generators(dialect: str) -> None:
    post = import_post("No heading here.\n", "release-notes.md")
    assert post.title == "release notes"
    assert stated_title(export_file(dated(post.fields()), post.content, dialect).text) == "release notes"


@pytest.mark.parametrize("dialect", GENERATORS)
def test_a_post_written_in_blogster_states_the_title_its_body_heading_repeats(dialect: str) -> None:
    fields = PostFields(title="Field notes", slug="field-notes", published_at=WHEN, created_at=WHEN)
    text = export_file(fields, new_document("# Field notes\n\nNotes.\n"), dialect).text
    assert stated_title(text) == "Field notes"


def test_a_generator_file_without_a_title_exported_to_its_own_generator_keeps_its_bytes() -> None:
    """Its site had it so: an export to the dialect it came from changes none of its bytes."""
    text = "---\ndraft: true\n---\n# Heading title\n\nBody.\n"
    post = import_post(text, "content/posts/x.md")
    assert post.content["source"]["dialect"] == "hugo" and post.title == "Heading title"
    assert export_file(post.fields(), post.content, "hugo") == ExportedFile("content/posts/x.md", text)
    zola = export_file(post.fields(), post.content, "zola").text  # another generator: stated
    assert zola.startswith('+++\ntitle = "Heading title"\n')
