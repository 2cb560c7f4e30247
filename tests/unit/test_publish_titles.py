"""How a site shows a title taken from the body's first `# heading`: as the heading's words, and
the heading once (`publish.titles`). Headings quoted from real READMEs (argon2-cffi, MIT;
threadpoolctl, BSD-3-Clause; scikit-build-core, Apache-2.0)."""

import pytest

from blogster_cli.publish.markdown import to_html
from blogster_cli.publish.titles import lifted_heading, shown_title, without_lifted_heading

BADGES = (
    "Thread-pool Controls [![Build Status](https://github.com/joblib/threadpoolctl/actions/workflows/test.yml/badge.svg"
    "?branch=master)](https://github.com/joblib/threadpoolctl/actions?query=branch%3Amaster)"
    " [![codecov](https://codecov.io/gh/joblib/threadpoolctl/branch/master/graph/badge.svg)]"
    "(https://codecov.io/gh/joblib/threadpoolctl)"
)


@pytest.mark.parametrize(
    ("title", "markdown", "shown"),
    [
        ("*argon2-cffi*: Argon2 for Python", "# *argon2-cffi*: Argon2 for Python\n\nText.\n", "argon2-cffi: Argon2 for Python"),
        (BADGES, f"# {BADGES}\n\nPython helpers.\n", "Thread-pool Controls"),
        ("Shipping a library for `ctypes`", "\n\n# Shipping a library for `ctypes`\n", "Shipping a library for ctypes"),
        ("Getting started {#start}", "# Getting started {#start}\n", "Getting started"),  # as import keeps it
        ("Two spaces", "# Two \t spaces ##\n", "Two spaces"),  # stored with one space per run (check_title)
    ],
)  # fmt: skip
def test_a_title_from_the_heading_the_body_starts_with_is_its_words(title: str, markdown: str, shown: str) -> None:
    assert shown_title(title, markdown) == (shown, True)


def test_a_heading_after_a_logo_or_badges_gives_the_words_too() -> None:
    body = '<p align="center"><img src="logo.svg"></p>\n\n# *argon2-cffi*: Argon2 for Python\n\nText.\n'
    assert shown_title("*argon2-cffi*: Argon2 for Python", body) == ("argon2-cffi: Argon2 for Python", True)


@pytest.mark.parametrize(
    ("title", "markdown"),
    [
        ("Using *stars* literally", "No heading.\n"),  # a front matter title, or one typed in Blogster
        ("Using *stars* literally", "# Another heading\n\nText.\n"),
        ("Using *stars* literally", "```\n# Using *stars* literally\n```\n"),  # in code: no heading
    ],
)
def test_a_title_of_any_other_origin_is_shown_as_written(title: str, markdown: str) -> None:
    assert shown_title(title, markdown) == (title, False)


def test_a_heading_of_pictures_only_keeps_its_text() -> None:
    title = "[![PyPI](https://img.shields.io/pypi/v/x.svg)](https://pypi.org/project/x)"
    assert shown_title(title, f"# {title}\n") == (title, True)


def lifted(markdown: str) -> tuple[str | None, str]:
    return lifted_heading(markdown, to_html(markdown))


def test_the_heading_the_title_is_is_lifted_out_of_the_rendered_body() -> None:
    assert lifted("# *argon2-cffi*: Argon2 for Python\n\nText.\n\n# Later\n") == (
        "<em>argon2-cffi</em>: Argon2 for Python",
        "<p>Text.</p>\n<h1>Later</h1>\n",
    )
    logo = '<div align="center"><img src="logo.svg" alt=""></div>\n\n# MarkupSafe\n\nEscapes text.\n'
    assert lifted(logo) == ("MarkupSafe", '<div><img src="logo.svg" alt=""></div>\n<p>Escapes text.</p>\n')
    assert lifted(f"# {BADGES}\n\nPython helpers.\n")[0].startswith('Thread-pool Controls <a href="https://github.com/')
    assert lifted("# Getting started {#start}\n\nText.\n") == ("Getting started", "<p>Text.</p>\n")


@pytest.mark.parametrize(
    "markdown",
    [
        "<!--\n# Draft title\n-->\nText.\n",  # in a comment: no heading on the page
        '<div align="center">\n# Draft title\n</div>\n',  # inside an HTML block: text
        "Intro\n\n    # Draft title\n\n# [Draft title]\n\n[Draft title]: https://example.org\n",  # a reference link
        "Intro text.\n\n# Draft title\n\nMore.\n",  # words first: a section's heading, which stays
        "| a |\n|---|\n| b |\n\n# Draft title\n",  # a table's words first
        "# Draft title\n",  # rendered otherwise: never taken from a line not starting it
    ],
)
def test_a_heading_the_page_does_not_show_as_one_is_left_where_it_is(markdown: str) -> None:
    html = to_html(markdown)
    if markdown == "# Draft title\n":
        html = "<p>x</p><h1>Draft title</h1>\n"  # not at a line's start
    assert lifted_heading(markdown, html) == (None, html)


@pytest.mark.parametrize(
    ("markdown", "left"),
    [
        ("# *Why* we ship\n\nText.\n\n# Later\n", "Text.\n\n# Later\n"),
        ("\n\n# Getting started {#start}\n\n\nText.\n", "Text.\n"),
        ("# Windows lines\r\n\r\nText.\r\n", "Text.\r\n"),
        ("![Logo](media/a.png)\n# Title\nText.\n", "![Logo](media/a.png)\n\nText.\n"),  # two paragraphs still
        ('<div align="center"><img src="logo.svg" alt=""></div>\n\n# MarkupSafe\n\nEscapes.\n',
         '<div align="center"><img src="logo.svg" alt=""></div>\n\nEscapes.\n'),
        (f"# {BADGES}\n\nPython helpers.\n", "Python helpers.\n"),
        ("# Only the title\n", ""),
    ],
)  # fmt: skip
def test_the_markdown_loses_the_line_of_the_heading_the_page_lifts(markdown: str, left: str) -> None:
    _, page = lifted(markdown)
    assert without_lifted_heading(markdown, to_html(markdown)) == (left, page)
    assert to_html(left) == page  # the markdown sent renders as the page's body


@pytest.mark.parametrize(
    "markdown",
    [
        "<!--\n# Draft title\n-->\nText.\n",
        '<div align="center">\n# Draft title\n</div>\n',
        "Intro text.\n\n# Draft title\n\nMore.\n",
        "```\n# Draft title\n```\n\n# Draft title\n",  # code first: words
        # Lifted on the page, but without its line the list would take the paragraph after it in: both whole.
        "- ![x](media/a.png)\n\n# Draft title\n\n  Text.\n",
    ],
)
def test_a_body_whose_heading_no_line_gives_as_lifted_stays_whole(markdown: str) -> None:
    html = to_html(markdown)
    assert without_lifted_heading(markdown, html) == (markdown, html)
