"""A newsletter's embeds: most mail clients (Gmail, Outlook, Apple Mail) show no frame and play no
`<video>` or `<audio>`, so the YouTube or Vimeo player a post keeps (publish/sanitize.py) left
nothing where the video was. Each reaches both parts of the mail as a link to where it plays."""

from __future__ import annotations

import html5lib
import pytest

from blogster_cli.distribution.newsletter import PostSection, plain_text, playable_as_links, render
from blogster_cli.publish.markdown import render_post
from blogster_cli.publish.sanitize import watch_page

WORDPRESS_FRAME = (  # WordPress's classic embed code: over http, YouTube's generic title
    '<iframe width="420" height="315" src="http://www.youtube.com/embed/QNNl_uWmQXE" frameborder="0"'
    ' title="YouTube video player" allowfullscreen></iframe>'
)
WATCH = "https://www.youtube.com/watch?v=QNNl_uWmQXE"


@pytest.mark.parametrize(
    ("address", "page"),
    [
        ("http://www.youtube.com/embed/QNNl_uWmQXE", (WATCH, "YouTube")),
        (
            "//www.youtube-nocookie.com/embed/abc-_1?start=90&rel=0",
            ("https://www.youtube.com/watch?v=abc-_1&t=90", "YouTube"),
        ),
        # a start that is not ASCII digits ("²" is a digit to str.isdigit) is left out, not sent on
        ("https://www.youtube.com/embed/abc?start=\u00b2", ("https://www.youtube.com/watch?v=abc", "YouTube")),
        ("https://www.youtube.com/embed/abc?start=\u0663", ("https://www.youtube.com/watch?v=abc", "YouTube")),
        ("https://youtube.com/embed/abc?list=PL1", ("https://www.youtube.com/watch?v=abc&list=PL1", "YouTube")),
        (
            "https://www.youtube.com/embed/videoseries?list=PLx",
            ("https://www.youtube.com/playlist?list=PLx", "YouTube"),
        ),
        ("http://www.youtube.com/v/ID&amp;hl=en", ("https://www.youtube.com/watch?v=ID", "YouTube")),  # old Flash
        ("https://player.vimeo.com/video/76979871", ("https://vimeo.com/76979871", "Vimeo")),
        ("//player.vimeo.com/video/76979871?h=8272103f6e", ("https://vimeo.com/76979871/8272103f6e", "Vimeo")),
        # a playlist's player without its list: the player itself
        ("https://www.youtube.com/embed/videoseries", ("https://www.youtube.com/embed/videoseries", "YouTube")),
        # no player's (a Vimeo player's video is a number: h256 F5)
        ("https://player.vimeo.com/video/x", None),
        ("https://www.youtube.com.evil.example/embed/x", None),
        ("https://www.youtube.com/watch?v=x", None),
        ("javascript:alert(1)", None),
    ],
)
def test_a_player_address_has_its_watch_page(address, page):
    assert watch_page(address) == page


def _mail(markdown: str) -> tuple[str, str]:
    """The HTML and text parts of a newsletter of one post written as `markdown`."""
    post = PostSection("Talk", "https://blog.example/posts/talk/", render_post(markdown).html, markdown)
    bodies = render(subject="News", site_title="Blog", site_url="https://blog.example/", posts=[post])
    return bodies.html, bodies.text


def _elements(page: str, name: str) -> list:
    tree = html5lib.parse(page, namespaceHTMLElements=False)
    return list(tree.iter(name))


def test_a_youtube_frame_is_a_link_to_its_watch_page_in_both_parts():
    page, text = _mail(f"Before.\n\n{WORDPRESS_FRAME}\n\nAfter.\n")
    assert not _elements(page, "iframe")
    [link] = [a for a in _elements(page, "a") if a.get("href") == WATCH]
    assert link.text == "▶ Watch the video on YouTube"
    assert f'<p><a href="{WATCH}">▶ Watch the video on YouTube</a></p>' in page  # a paragraph, as the frame was
    assert f"Before.\n\n▶ Watch the video on YouTube: {WATCH}\n\nAfter." in text
    assert "<iframe" not in text


def test_a_frames_own_title_is_the_links_words():
    markdown = 'See <iframe src="https://player.vimeo.com/video/7?h=ab12" title="My &amp; &lt;talk&gt;"></iframe> now.'
    page, text = _mail(markdown)
    assert '<p>See <a href="https://vimeo.com/7/ab12">▶ My &amp; &lt;talk&gt;</a> now.</p>' in page
    assert "See ▶ My & <talk>: https://vimeo.com/7/ab12 now." in text


def test_video_and_audio_are_links_to_their_files():
    markdown = (
        '<video controls poster="https://blog.example/media/p.jpg"><source src="https://blog.example/media/a.webm"'
        ' type="video/webm"><source src="https://blog.example/media/a.mp4"></video>\n\n'
        '<audio src="https://blog.example/media/talk.mp3" controls title="The talk"></audio>\n'
    )
    page, text = _mail(markdown)
    assert not _elements(page, "video") and not _elements(page, "audio")
    links = {a.get("href"): a.text for a in _elements(page, "a")}
    assert links["https://blog.example/media/a.webm"] == "▶ Watch the video"
    assert links["https://blog.example/media/talk.mp3"] == "▶ The talk"
    assert "▶ Watch the video: https://blog.example/media/a.webm" in text
    assert "▶ The talk: https://blog.example/media/talk.mp3" in text and "<audio" not in text


def test_the_text_part_shows_other_embeds_as_the_site_does_and_code_as_written():
    code = '```html\n<iframe src="https://www.youtube.com/embed/CODE"></iframe>\n```'
    span = '`<video src="https://x.example/v.mp4"></video>`'
    markdown = (
        '<iframe src="https://maps.example/embed?q=a&amp;z=1"></iframe>\n\n'
        '<script src="https://gist.github.com/ada/abc123.js"></script>\n\n'
        "<script>track()</script>\n\n"
        f"{code}\n\nInline {span} stays.\n"
    )
    page, text = _mail(markdown)
    assert "https://maps.example/embed?q=a&z=1\n\nhttps://gist.github.com/ada/abc123\n\n" in text
    assert "track()" not in text and "<script" not in text
    assert '\n<iframe src="https://www.youtube.com/embed/CODE"></iframe>\n' in text  # code lines as written
    assert "```html" not in text and f"Inline {span} stays." in text
    assert "embed/CODE" in page and "youtube.com/watch" not in page  # the code's frame is no player either


def test_a_video_without_an_address_to_link_stays_as_it_is():
    assert playable_as_links('<p><video src="media/a.mp4"></video></p>') == '<p><video src="media/a.mp4"></video></p>'
    assert plain_text('<video src="media/a.mp4"></video>') == '<video src="media/a.mp4"></video>'


def test_a_post_without_embeds_is_unchanged():
    markdown = "Use **tmux** every day. 3 < 4 and `<b>` is bold.\n"
    page = render_post(markdown).html
    assert playable_as_links(page) == page and plain_text(markdown) == markdown
