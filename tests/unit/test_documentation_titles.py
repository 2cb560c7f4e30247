"""A page's title taken from its first heading reads as the heading shows: an attribute list it
ends with (Python-Markdown's attr_list, `{: #id .class key=value }`) is no part of it, and the
page's file still exports byte for byte."""

from __future__ import annotations

import pytest

from blogster_cli.documentation import tree


@pytest.mark.parametrize(
    ("body", "title"),
    [
        ("# 7.0 Migration Notes {: #\\7.0}\n", "7.0 Migration Notes"),
        ("# Installers {#installers .wide}\n", "Installers"),
        ('# Title ## {: #x .y key="two words" data-n=3 }\n', "Title"),
        ("# Plugins { .annotate }\n\ntext\n", "Plugins"),
        # Braces that are no attribute list stay.
        ("# Context fields {root:uri}\n", "Context fields {root:uri}"),
        ("# Set {x}\n", "Set {x}"),
        ("# Dict {}\n", "Dict {}"),
        ("# Plain title\n", "Plain title"),
        # Nothing but an attribute list: the file name names the page.
        ("# {: #only-an-id }\n", "Release notes"),
    ],
)
def test_the_first_headings_attribute_list_is_no_part_of_the_title(body, title):
    assert tree.title_from(body, "about/release-notes.md") == title
    assert tree.read_page("about/release-notes.md", body).title == title


def test_front_matter_titles_are_taken_as_written():
    page = tree.read_page("setup.md", '---\ntitle: "Setup {: #kept}"\n---\n# Other {: #x}\n')
    assert page.title == "Setup {: #kept}"


def test_a_page_titled_from_its_heading_exports_as_its_file():
    text = "# 7.0 Migration Notes {: #\\7.0}\n\nSuperFences changed.\n"
    page = tree.read_page("about/releases/7.0.md", text)
    stored = tree.StoredPage(
        slug=page.slug, title=page.title, body=page.body, status="published", tags=page.tags, version=page.version,
        excerpt=page.excerpt, order=page.order, path=page.path, front_matter_raw=page.front_matter_raw,
        front_matter=page.front_matter, folder="about/releases",
    )  # fmt: skip
    (exported,) = tree.export_files([stored])
    assert (exported.path, exported.text) == ("about/releases/7.0.md", text)
