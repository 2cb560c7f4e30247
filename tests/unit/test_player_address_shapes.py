"""A framed player is a player's address exactly (h256 F5): the allow-list checked that the path
started with `/embed/` (`/video/` for Vimeo), so `https://www.youtube.com/embed/../../signin`, which
a browser resolves to youtube.com/signin, was framed on the site, and a newsletter or a cross-post
called it "▶ Watch the video on YouTube"."""

from __future__ import annotations

import html5lib
import pytest

from blogster_cli.distribution.crosspost import forem_markdown, hashnode_markdown, wordpress_html
from blogster_cli.distribution.newsletter import plain_text, playable_as_links
from blogster_cli.publish.markdown import to_html
from blogster_cli.publish.sanitize import clean_html, player_url, watch_page

ESCAPES = [
    "https://www.youtube.com/embed/../../signin?continue=x",
    "https://www.youtube.com/embed/%2e%2e/%2e%2e/logout",
    "https://www.youtube.com/embed/%2E%2E/%2E%2E/logout",
    "https://www.youtube.com/embed/.%2e/account",
    "https://www.youtube.com/embed/a/../../signin",
    "https://www.youtube.com/embed/./a",
    "https://www.youtube.com/embed/a%2f..%2f..%2fsignin",
    "https://www.youtube.com/embed/a%2F..%2Fsignin",
    "https://www.youtube.com/embed/a%5c..%5csignin",
    "https://www.youtube.com/embed/a\\..\\..\\signin",
    "https://www.youtube.com/embed/.\t./signin",  # a browser drops the tab: `..`
    "https://www.youtube-nocookie.com/embed/../../signin",
    "//youtube.com/embed/../results?search_query=x",
    "https://www.youtube.com/embed/",
    "https://www.youtube.com/embed/a/",
    "https://www.youtube.com/embed/a;x=1",
    "https://www.youtube.com/embed/%41bc",
    "http://www.youtube.com/v/..&hl=en",
    "http://www.youtube.com/v/\u00e9t\u00e9&hl=en",  # \w is more than an id's characters
    "https://player.vimeo.com/video/../../api/x",
    "https://player.vimeo.com/video/%2e%2e/%2e%2e/x",
    "https://player.vimeo.com/video/1/../../x",
    "https://player.vimeo.com/video/x",
    "https://player.vimeo.com/video/1/",
    "https://player.vimeo.com/video/",
]


@pytest.mark.parametrize("src", ESCAPES)
def test_a_player_path_that_is_not_exactly_a_players_is_no_player(src: str) -> None:
    assert player_url(src) is None
    assert watch_page(src) is None


@pytest.mark.parametrize(
    ("src", "url"),
    [
        ("http://www.youtube.com/embed/QNNl_uWmQXE", "https://www.youtube.com/embed/QNNl_uWmQXE"),
        (
            "//www.youtube-nocookie.com/embed/abc-_1?start=90&rel=0",
            "https://www.youtube-nocookie.com/embed/abc-_1?start=90&rel=0",
        ),
        (
            "https://www.youtube.com/embed/videoseries?list=PL0123",
            "https://www.youtube.com/embed/videoseries?list=PL0123",
        ),
        (
            "https://youtube.com/embed/a?list=PL.1/../x",
            "https://youtube.com/embed/a?list=PL.1/../x",
        ),  # a query is the player's
        ("http://www.youtube.com/v/QNNl_uWmQXE&amp;hl=en", "https://www.youtube.com/embed/QNNl_uWmQXE"),
        ("//player.vimeo.com/video/76979871?h=8272103f6e", "https://player.vimeo.com/video/76979871?h=8272103f6e"),
    ],
)
def test_players_of_every_shape_the_site_frames_are_still_players(src: str, url: str) -> None:
    assert player_url(src) == url


@pytest.mark.parametrize("src", ESCAPES[:6])
def test_the_page_frames_none_of_them_and_links_them_instead(src: str) -> None:
    frame = f'<iframe src="{src}" width="560" height="315"></iframe>'
    for page in (clean_html(frame), to_html(f"Before\n\n{frame}\n\nAfter")):
        document = html5lib.parse(page, namespaceHTMLElements=False)
        assert document.findall(".//iframe") == []
        [link] = document.findall(".//a")
        assert link.get("href", "").startswith(("https://www.youtube.com/embed/", "https://www.youtube-nocookie"))


SIGN_IN = "https://www.youtube.com/embed/../../signin?continue=x"
FRAME = f'<iframe src="{SIGN_IN}" title="YouTube video player"></iframe>'


def test_a_newsletter_links_the_address_and_calls_it_no_video() -> None:
    page = playable_as_links(clean_html(FRAME))
    text = plain_text(f"Before.\n\n{FRAME}\n\nAfter.\n")
    assert "Watch the video" not in page and "Watch the video" not in text
    assert "<iframe" not in page and "<iframe" not in text
    assert SIGN_IN in text


def test_cross_posts_make_no_player_or_watch_page_of_it() -> None:
    markdown = f"{FRAME}\n"
    for copy in (forem_markdown(markdown), hashnode_markdown(markdown)):
        assert "{% youtube" not in copy and "%[" not in copy and "Watch the video" not in copy
        assert "signin" in copy  # a plain link to the address, as any other frame
    assert "Watch the video" not in wordpress_html(clean_html(FRAME))
    assert "<iframe" not in wordpress_html(clean_html(FRAME))
