"""The site build and the embeds a post keeps as HTML: a video player's frame stays, sandboxed and
over https; any other frame and a gist become links; no script ever reaches a page; `<sup>` and
`<sub>` survive. Before, every iframe and script vanished from the page without a word."""

from __future__ import annotations

import subprocess
import sys

import html5lib
import pytest

from blogster_cli.publish.markdown import to_html
from blogster_cli.publish.sanitize import SANDBOX, embeds_changed, player_url

PLAYER_TAIL = (
    ' allow="fullscreen; picture-in-picture; encrypted-media" referrerpolicy="strict-origin-when-cross-origin"'
    f' loading="lazy" allowfullscreen="" sandbox="{SANDBOX}"></iframe>'
)


@pytest.mark.parametrize(
    ("markdown", "page"),
    [
        (  # WordPress's classic embed code: over http, with the attributes it had then
            '<iframe width="420" height="315" src="http://www.youtube.com/embed/QNNl_uWmQXE" frameborder="0"'
            " allowfullscreen></iframe>",
            '<iframe src="https://www.youtube.com/embed/QNNl_uWmQXE" width="420" height="315"' + PLAYER_TAIL + "\n",
        ),
        (
            '<iframe src="//player.vimeo.com/video/76979871?h=8272103f6e" title="A &quot;film&quot;"></iframe>',
            '<iframe src="https://player.vimeo.com/video/76979871?h=8272103f6e" title="A &quot;film&quot;"'
            + PLAYER_TAIL
            + "\n",
        ),
        (  # the writer's sandbox, handlers, permissions and srcdoc are never kept
            '<IFRAME SRC="https://www.youtube-nocookie.com/embed/x" sandbox="allow-top-navigation" onload="go()"'
            ' allow="camera; microphone" srcdoc="&lt;script&gt;go()&lt;/script&gt;" width="100%"></IFRAME>',
            '<iframe src="https://www.youtube-nocookie.com/embed/x" width="100%"' + PLAYER_TAIL + "\n",
        ),
        (  # an old Flash YouTube embed plays in today's player
            '<object width="425" height="344"><param name="movie" value="http://www.youtube.com/v/ID&amp;hl=en">'
            '<embed src="http://www.youtube.com/v/ID&amp;hl=en" type="application/x-shockwave-flash"></object>',
            '<p><iframe src="https://www.youtube.com/embed/ID" width="425" height="344"' + PLAYER_TAIL + "</p>\n",
        ),
        (
            '<iframe src="https://maps.example.com/embed?q=a&amp;z=1"></iframe>\n\nAfter',
            '<p><a href="https://maps.example.com/embed?q=a&amp;z=1" rel="noopener noreferrer">'
            "https://maps.example.com/embed?q=a&amp;z=1</a></p>\n<p>After</p>\n",
        ),
        (
            'See <iframe src="https://www.youtube.com.evil.example/embed/x"></iframe> here',
            '<p>See <a href="https://www.youtube.com.evil.example/embed/x" rel="noopener noreferrer">'
            "https://www.youtube.com.evil.example/embed/x</a> here</p>\n",
        ),
        (
            '<iframe src="https://www.youtube.com@evil.example/embed/x"></iframe>',
            '<p><a href="https://www.youtube.com@evil.example/embed/x" rel="noopener noreferrer">'
            "https://www.youtube.com@evil.example/embed/x</a></p>\n",
        ),
        (
            '<script src="https://gist.github.com/ada/0123abcd.js?file=a.py"></script>',
            '<p><a href="https://gist.github.com/ada/0123abcd" rel="noopener noreferrer">'
            "https://gist.github.com/ada/0123abcd</a></p>\n",
        ),
        (
            '<blockquote class="twitter-tweet"><p>Hi</p></blockquote>\n'
            '<script async src="https://platform.twitter.com/widgets.js"></script>',
            '<blockquote class="twitter-tweet"><p>Hi</p></blockquote>\n\n',
        ),
        ("<script>\nalert(1);\n\nalert(2);\n</script>\n\nAfter", "\n<p>After</p>\n"),
        ('<iframe src="javascript:alert(1)"></iframe>', "\n"),
        ('<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>', "\n"),
        (  # unclosed: the rest shows, where it used to be the frame's unseen text
            '<iframe src="https://evil.example/">\n\nThe rest',
            '<p><a href="https://evil.example/" rel="noopener noreferrer">https://evil.example/</a></p>\n'
            "<p>The rest</p>\n",
        ),
        ("E = mc<sup>2</sup>, H<sub>2</sub>O", "<p>E = mc<sup>2</sup>, H<sub>2</sub>O</p>\n"),
        (
            '<video controls>\n<source src="a.mp4" type="video/mp4">\n</video>',
            '<video controls="">\n<source src="a.mp4" type="video/mp4">\n</video>\n',
        ),
        (  # in code: text
            '```\n<iframe src="https://evil.example/"></iframe>\n```',
            '<pre><code>&lt;iframe src="https://evil.example/"&gt;&lt;/iframe&gt;\n</code></pre>\n',
        ),
    ],
)
def test_embeds_on_the_built_page(markdown: str, page: str) -> None:
    assert to_html(markdown) == page


def test_what_a_page_shows_otherwise_is_counted() -> None:
    html = (
        '<script src="https://gist.github.com/a/1.js"></script><script src="https://x.org/w.js"></script>'
        '<script>go()</script><iframe src="https://x.org/"></iframe><iframe srcdoc="x"></iframe>'
        '<iframe src="https://www.youtube.com/embed/a"></iframe><embed src="http://x.org/a.swf">'
        '<object data="javascript:x"></object>'
    )
    assert embeds_changed(html) == {
        "gist as a link": 1, "script left out": 2, "frame as a link": 1, "frame left out": 1,
        "object as a link": 1, "object left out": 1,
    }  # fmt: skip


@pytest.mark.parametrize(
    ("src", "url"),
    [
        ("https://www.youtube.com/embed/a?start=3", "https://www.youtube.com/embed/a?start=3"),
        ("HTTP://WWW.YOUTUBE.COM/embed/a", "https://www.youtube.com/embed/a"),
        ("https://user:pw@www.youtube.com:8443/embed/a#t", "https://www.youtube.com/embed/a"),
        ("https://www.youtube.com/watch?v=a", None),  # a page, not the player
        ("https://player.vimeo.com/api/x", None),
        ("ftp://www.youtube.com/embed/a", None),
        ("/embed/a", None),
        ("https://[::1/embed", None),
    ],
)
def test_only_players_are_framed(src: str, url: str | None) -> None:
    assert player_url(src) == url


def test_nothing_on_a_page_runs() -> None:
    hostile = "\n\n".join(
        [
            '<iframe src="https://www.youtube.com/embed/a" onload="alert(1)"></iframe>',
            '<iframe/src="https://evil.example/"></iframe>',
            '<iframe src="https://www.youtube.com/embed/a"><script>alert(2)</script></iframe>',
            '<object data="https://evil.example/x.swf"><embed src="javascript:alert(3)"></object>',
            '<script src="https://gist.github.com/a/1.js" onload="alert(4)"></script>',
            "<script>document.write('<iframe src=\"https://evil.example/\"></iframe>')</script>",
            '<img alt="<iframe src=https://evil.example/></iframe>" src="a.png">',
            '<iframe src="https://www.youtube.com/embed/a" sandbox="allow-top-navigation allow-forms"></iframe>',
        ]
    )
    document = html5lib.parse(to_html(hostile), namespaceHTMLElements=False)
    assert not document.findall(".//script") and not document.findall(".//object")
    frames = document.findall(".//iframe")
    assert len(frames) == 3
    for element in document.iter():
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on") and not value.strip().lower().startswith("javascript:")
    for frame in frames:
        assert frame.get("sandbox") == SANDBOX and frame.get("src") == "https://www.youtube.com/embed/a"
        assert frame.get("srcdoc") is None and not frame.text


def test_a_page_with_a_player_is_the_same_bytes_in_every_process() -> None:
    """The site build rewrites a file only when its bytes change: the attributes the sanitiser
    adds must not come out in a new order each run."""
    code = (
        "from blogster_cli.publish.markdown import to_html;"
        'print(to_html(\'<iframe src="https://www.youtube.com/embed/a" width="1"></iframe>\'))'
    )
    pages = {
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout for _ in "abcd"
    }
    assert len(pages) == 1
