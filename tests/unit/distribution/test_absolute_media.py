"""Pictures written as `media/<name>` (what `images add` prints) become absolute URLs under the
site for readers off the site (a newsletter, dev.to, Hashnode, WordPress); nothing else changes."""

from __future__ import annotations

import pytest

from blogster_cli.distribution.crosspost import absolute_media_html, absolute_media_markdown, media_url

NAME = "0123abcd" * 8 + ".png"
SITE = "https://ada.blogster.page/media/"


@pytest.mark.parametrize(
    ("base", "expected"),
    [
        ("https://ada.blogster.page/", "https://ada.blogster.page/media/"),
        ("https://example.com/blog/", "https://example.com/blog/media/"),
        ("http://127.0.0.1:8000", "http://127.0.0.1:8000/media/"),
        ("", None),
        ("https://ada./", None),  # a subdomain under an empty base domain: no address to give
        ("ftp://example.com/", None),
        ("/relative/", None),
    ],
)
def test_media_url_is_where_the_built_site_serves_the_store(base, expected):
    assert media_url(base) == expected


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        (f"![a](media/{NAME})", f"![a]({SITE}{NAME})"),
        (f'![a](./media/{NAME} "title")', f'![a]({SITE}{NAME} "title")'),
        (f"![a](<media/{NAME}>)", f"![a](<{SITE}{NAME}>)"),
        (f"[download](media/{NAME})", f"[download]({SITE}{NAME})"),
        (f"[pic]: media/{NAME}\n", f"[pic]: {SITE}{NAME}\n"),
        (f'<img src="media/{NAME}" alt="x">', f'<img src="{SITE}{NAME}" alt="x">'),
        (f"<a href='media/{NAME}'>x</a>", f"<a href='{SITE}{NAME}'>x</a>"),
    ],
)
def test_links_and_pictures_become_absolute(markdown, expected):
    assert absolute_media_markdown(markdown, SITE) == expected


@pytest.mark.parametrize(
    "markdown",
    [
        f"![a](https://elsewhere.example/media/{NAME})",  # someone else's picture
        f"![a](/media/{NAME})",  # already site-absolute
        f"![a](images/media/{NAME})",
        f"see media/{NAME} for the original",  # prose, not a link
        f"`![a](media/{NAME})`",  # a code span shows the text
        f"```md\n![a](media/{NAME})\n```\n",
        f"~~~~\n![a](media/{NAME})\n~~~~\n",
        f"```\nunclosed fence\n![a](media/{NAME})\n",
        "![a](media/.hidden)",
    ],
)
def test_everything_else_is_left_as_written(markdown):
    assert absolute_media_markdown(markdown, SITE) == markdown


def test_text_after_a_closed_fence_is_still_rewritten():
    markdown = f"```\n![a](media/{NAME})\n```\n\n![b](media/{NAME})\n"
    assert absolute_media_markdown(markdown, SITE) == f"```\n![a](media/{NAME})\n```\n\n![b]({SITE}{NAME})\n"


def test_without_a_site_address_the_links_stay_relative():
    assert absolute_media_markdown(f"![a](media/{NAME})", None) == f"![a](media/{NAME})"
    assert absolute_media_html(f'<img src="media/{NAME}">', None) == f'<img src="media/{NAME}">'


def test_rendered_html_gets_absolute_src_and_href_only_in_attributes():
    html = (
        f'<p><img src="media/{NAME}" alt="a"><a href="./media/{NAME}">b</a>'
        f'<img src="https://x.example/media/{NAME}"><code>src="media/{NAME}"</code></p>'
    )
    assert absolute_media_html(html, SITE) == (
        f'<p><img src="{SITE}{NAME}" alt="a"><a href="{SITE}{NAME}">b</a>'
        f'<img src="https://x.example/media/{NAME}"><code>src="media/{NAME}"</code></p>'
    )
