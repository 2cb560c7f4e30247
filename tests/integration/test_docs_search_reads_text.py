"""Documentation search reads a page as its readers do (0139): the words of its text, not of its
markdown. Link targets, images and badges, attribute lists, HTML and block markers are no words
of the page; link text, code, admonition and tab titles are. Headings and snippets read the same
way, and a page titled with the query's rarest word ranks above one that merely mentions the
words in its headings. Pages are written with raw SQL as an admin: the triggers index what the
row holds, whoever wrote it."""

from __future__ import annotations

import pytest
from psycopg.types.json import Jsonb

from blogster_cli.db.acting import acting_transaction

# A home page in the style of hatch's docs (mkdocs-material): badges, a grid of cards, icons.
HOME = """# Hatch

<div class="grid" markdown>

![Hatch logo](assets/images/logo.svg){ role="img" }

| | |
| --- | --- |
| Package | [![PyPI - Version](https://img.shields.io/pypi/v/hatch.svg?logo=pypi&label=PyPI){ loading=lazy .off-glb }](https://pypi.org/project/hatch/) |
| Meta | [![types - Mypy](https://img.shields.io/badge/types-Mypy-blue.svg){ loading=lazy .off-glb }](https://github.com/python/mypy) |

</div>

-----

Hatch is a modern, extensible Python project manager. See the [Why Hatch?](why.md) page for more.

-   :material-hammer-wrench:{ .lg .middle } __Build system__

    [:octicons-arrow-right-24: Configure builds](config/build.md#build-system)

<!-- a note to the writers: zeppelin -->
[changelog]: https://example.com/xylophone/changes
"""

INSTALL = """# Installation

-----

## Installers {: #installers .wide }

=== "macOS"
    Download the [installer package](https://github.com/pypa/hatch/releases/latest/download/hatch-universal.pkg).

!!! tip "Quick check"
    Run the version command:

    ```console title="terminal.log"
    $ hatch --version
    [not](a-link-in-code)
    ```

/// warning | Old shells
Restart your terminal.
///

--8<-- "snippets/included-quokka.md"
"""


def write_page(db, admin, slug, title, markdown):
    with db.connect() as conn, acting_transaction(conn, admin.role_name):
        conn.execute(
            "insert into documentation_pages (title, slug, content, status) values (%s, %s, %s, 'published')",
            (title, slug, Jsonb({"version": 1, "markdown": markdown})),
        )


def search(db, reader, query, limit=10):
    with db.connect() as conn, acting_transaction(conn, reader.role_name):
        return conn.execute(
            "select slug, title, snippet from search_documentation(%s, null, null, %s)", (query, limit)
        ).fetchall()


@pytest.fixture
def pages(db, make_user):
    admin = make_user(admin=True)
    write_page(db, admin, "index", "Hatch", HOME)
    write_page(db, admin, "install", "Installation", INSTALL)
    write_page(db, admin, "config/type-checking", "Type checking configuration",
               "# Type checking configuration\n\nType checking is backed by mypy or Pyrefly.\n")  # fmt: skip
    return make_user()


@pytest.mark.parametrize(
    "word",
    [
        "pypi",  # a badge's alt text, its image's URL, its link's target
        "mypy",
        "shields",
        "lazy",  # an attribute list
        "glb",
        "logo",  # an image's alt text and path
        "grid",  # an HTML tag's attribute
        "zeppelin",  # an HTML comment
        "xylophone",  # a reference definition's URL
        "octicons",  # an icon
        "wrench",
        "wide",  # a heading's attribute list
        "quokka",  # a snippet include's file name
        "universal",  # a link's target
    ],
)
def test_markup_holds_no_words_of_the_page(db, pages, word):
    assert [slug for slug, *_ in search(db, pages, word)] in ([], ["config/type-checking"])


@pytest.mark.parametrize(
    ("query", "slug"),
    [
        ("why hatch", "index"),  # a link's text
        ("configure builds", "index"),
        ("build system", "index"),
        ("macos", "install"),  # a tab's title
        ("quick check", "install"),  # an admonition's title
        ("old shells", "install"),  # a pymdown block's title
        ("installer package", "install"),
        ("version", "install"),  # fenced code
        ("link code", "install"),  # link syntax inside code is code
        ("terminal.log", "install"),  # a fence's title
    ],
)
def test_the_text_a_reader_reads_is_found(db, pages, query, slug):
    assert slug in [found for found, *_ in search(db, pages, query)]


def test_a_page_of_badges_no_longer_answers_for_the_projects_it_links_to(db, pages):
    found = [slug for slug, *_ in search(db, pages, "type checking mypy")]
    assert found[0] == "config/type-checking" and "index" not in found, found


def test_snippets_are_cut_from_the_text(db, pages):
    (slug, _, snippet), *_ = search(db, pages, "installer macOS")
    assert slug == "install"
    assert "⟦macOS⟧" in snippet and "⟦installer⟧ package" in snippet
    for markup in ("===", '"', "](", "{", "-----", "https:"):
        assert markup not in snippet, snippet
    (_, _, snippet), *_ = search(db, pages, "manager")
    assert "Why Hatch?" in snippet and "[" not in snippet and "]" not in snippet, snippet


def test_headings_lose_their_attribute_lists_and_link_targets(db, make_user, superuser):
    admin = make_user(admin=True)
    markdown = (
        "# 7.0 Migration Notes {: #\\7.0}\n\n## [1.18.2](https://github.com/pypa/hatch/releases/tag/v1.18.2)"
        " - 2026-10-27 ## {: #hatch-v1.18.2 }\n\n## Option Deprecation ##\n\n```\n## not a heading\n```\n"
    )
    write_page(db, admin, "notes", "7.0 Migration Notes", markdown)
    headings = superuser.execute(
        "select d.headings_norm from internal.documentation_search_docs d"
        " join documentation_pages p on p.id = d.page_id where p.slug = 'notes'"
    ).fetchone()[0]
    assert headings == "\n7 0 migration notes\n1 18 2 2026 10 27\noption deprecation\n"
    reader = make_user()
    assert [slug for slug, *_ in search(db, reader, "hatch")] == []  # only in a heading's link and attribute list


# The case h214 found in pymdown-extensions' docs, cut down: the release notes hold both words in
# their headings, the SuperFences page holds the rarer one in its title.
SUPERFENCES = {
    "extensions/superfences": (
        "SuperFences",
        "# SuperFences\n\n## Overview\n\nSuperFences provides a number of features: nesting of fences under blockquotes"
        " and lists, custom fences for flowcharts and diagrams, and tabs kept in code blocks.\n\n## Options\n\nThe"
        " extension takes options such as `custom_fences` and `disable_indented_code_blocks`, set in your extension"
        " configuration.\n\n## Custom Fences\n\nCustom fences format the content of a fence with a function of your"
        " own.\n",
    ),
    "about/releases/7-0": (
        "7.0 Migration Notes",
        "# 7.0 Migration Notes\n\n## Tabbed Extension\n\nThe old tabbed content is redundant now: use the Tabbed"
        " extension.\n\n## Option Deprecation in SuperFences\n\nThe configuration option for tabs in SuperFences is"
        " deprecated.\n\n## SuperFences Configurable Classes\n\nSuperFences configuration now sets the classes.\n",
    ),
    "extensions/highlight": (
        "Highlight",
        "# Highlight\n\nHighlight configures code highlighting for SuperFences and InlineHilite. Its configuration"
        " sets line numbers.\n",
    ),
    "extensions/tabbed": ("Tabbed", "# Tabbed\n\nTabbed groups content in tabs. Its configuration is small.\n"),
    "extensions/details": ("Details", "# Details\n\nDetails makes collapsible blocks; no configuration needed.\n"),
    "extensions/emoji": ("Emoji", "# Emoji\n\nEmoji shortcodes and their configuration.\n"),
    "extensions/snippets": ("Snippets", "# Snippets\n\nInclude files; the base path is set in the configuration.\n"),
    "faq": ("FAQ", "# FAQ\n\nHow do I write the configuration in YAML? See your configuration file.\n"),
}


def test_a_page_titled_with_the_querys_rarest_word_ranks_first(db, make_user):
    admin = make_user(admin=True)
    for slug, (title, markdown) in SUPERFENCES.items():
        write_page(db, admin, slug, title, markdown)
    found = [slug for slug, *_ in search(db, make_user(), "superfences configuration", limit=3)]
    assert found[:2] == ["extensions/superfences", "about/releases/7-0"], found


def test_an_sql_update_of_the_markdown_reindexes_the_text(db, make_user, superuser):
    admin = make_user(admin=True)
    write_page(db, admin, "page", "Page", "[Read this](https://example.com/walrus) about seals.\n")
    reader = make_user()
    assert search(db, reader, "walrus") == []
    with db.connect() as conn, acting_transaction(conn, admin.role_name):
        conn.execute(
            "update documentation_pages set content = jsonb_set(content, '{markdown}', to_jsonb(%s::text))"
            " where slug = 'page'",
            ("A walrus, then [a link](https://example.com/narwhal).\n",),
        )
    assert [slug for slug, *_ in search(db, reader, "walrus")] == ["page"]
    assert search(db, reader, "narwhal") == []
    (text,) = superuser.execute("select body_text from internal.documentation_search_docs").fetchone()
    assert " ".join(text.split()) == "A walrus, then a link ."


def test_a_page_with_crlf_line_ends_reads_the_same(db, make_user):
    admin = make_user(admin=True)
    markdown = "# Notes\r\n\r\n```\r\nmake ocelots\r\n```\r\n\r\n![ocelot badge](badge.svg) Kept [prose](x.md).\r\n"
    write_page(db, admin, "crlf", "Notes", markdown)
    reader = make_user()
    assert [slug for slug, *_ in search(db, reader, "prose")] == ["crlf"]
    (_, _, snippet), *_ = search(db, reader, "ocelots")  # in the code
    assert "badge" not in snippet and "(" not in snippet, snippet
    assert search(db, reader, "badge") == []  # the fence closed: what follows is prose
