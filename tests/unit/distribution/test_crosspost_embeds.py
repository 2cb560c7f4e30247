"""A post's embeds as each cross-posting platform shows them (`distribution/crosspost.py`):
dev.to and Hashnode strip a frame or a script from markdown, WordPress strips a frame from an
Author's HTML, so the copies lost the post's players, gists and videos."""

from __future__ import annotations

import re
import time

import pytest

from blogster_cli.distribution.crosspost import (
    Article,
    absolute_media_markdown,
    embeds_outside_code,
    for_platform,
    forem_markdown,
    hashnode_markdown,
    wordpress_html,
)
from blogster_cli.distribution.newsletter import plain_text
from blogster_cli.publish.markdown import render_post
from blogster_cli.publish.sanitize import Embed

YOUTUBE = '<iframe width="420" height="315" src="http://www.youtube.com/embed/QNNl_uWmQXE" frameborder="0"></iframe>'
FLASH = (
    '<object width="425"><param name="movie" value="http://www.youtube.com/v/QNNl_uWmQXE&amp;hl=en">'
    '<embed src="http://www.youtube.com/v/QNNl_uWmQXE&amp;hl=en" type="application/x-shockwave-flash"></object>'
)
GIST = '<script src="https://gist.github.com/ada/0123abcd.js"></script>'


@pytest.mark.parametrize(
    ("markdown", "forem"),
    [
        (f"{YOUTUBE}\n", "{% youtube QNNl_uWmQXE %}\n"),
        (
            '<iframe src="//www.youtube-nocookie.com/embed/QNNl_uWmQXE?start=90"></iframe>\n',
            "{% youtube QNNl_uWmQXE?t=90 %}\n",
        ),
        (f"{FLASH}\n", "{% youtube QNNl_uWmQXE %}\n"),  # an old Flash player of a YouTube video
        ('<iframe src="https://player.vimeo.com/video/76979871"></iframe>\n', "{% vimeo 76979871 %}\n"),
        (f"{GIST}\n", "{% gist https://gist.github.com/ada/0123abcd %}\n"),
        (
            '<script src="https://gist.github.com/ada/0123abcd.js?file=hello.py"></script>\n',
            "{% gist https://gist.github.com/ada/0123abcd file=hello.py %}\n",
        ),
        # Where Forem's own tag would refuse the whole article, or lose what the player shows: a link.
        (  # an unlisted Vimeo video: its page carries the hash the tag cannot pass on
            '<iframe src="https://player.vimeo.com/video/76979871?h=8272103f6e"></iframe>\n',
            "[▶ Watch the video on Vimeo](https://vimeo.com/76979871/8272103f6e)\n",
        ),
        (
            '<iframe src="https://www.youtube.com/embed/videoseries?list=PL0123"></iframe>\n',
            "[▶ Watch the video on YouTube](https://www.youtube.com/playlist?list=PL0123)\n",
        ),
        (  # not an 11-character YouTube id
            '<iframe src="https://www.youtube.com/embed/short"></iframe>\n',
            "[▶ Watch the video on YouTube](https://www.youtube.com/watch?v=short)\n",
        ),
        (  # a gist without its owner's name
            '<script src="https://gist.github.com/1002914.js"></script>\n',
            "[https://gist.github.com/1002914](https://gist.github.com/1002914)\n",
        ),
        (  # any other frame: a link to its page, as the site shows it
            '<iframe src="https://codepen.io/ada/embed/xyz"></iframe>\n',
            "[https://codepen.io/ada/embed/xyz](https://codepen.io/ada/embed/xyz)\n",
        ),
        (
            '<video controls>\n<source src="https://x.org/heron (1).webm" type="video/webm">\n</video>\n',
            "[▶ Watch the video](https://x.org/heron%20%281%29.webm)\n",
        ),
        (  # in a line of text; the element's own title as the words, markdown's signs escaped
            'Listen: <audio src="https://x.org/a.mp3" title="Our [best] *take* {% raw %}"></audio> now.\n',
            "Listen: [▶ Our \\[best\\] \\*take\\* &#123;% raw %&#125;](https://x.org/a.mp3) now.\n",
        ),
        # Nothing to link: as written (the platform does what it does with it).
        ('<video src="media/heron.mp4"></video>\n', '<video src="media/heron.mp4"></video>\n'),
        ("<script>track()</script>\n", "<script>track()</script>\n"),
        ('<iframe srcdoc="<b>x</b>"></iframe>\n', '<iframe srcdoc="<b>x</b>"></iframe>\n'),
        ("No embeds, *just* text.\n", "No embeds, *just* text.\n"),
    ],
)
def test_devto_gets_forem_liquid_tags_else_links(markdown: str, forem: str) -> None:
    assert forem_markdown(markdown) == forem


def test_code_keeps_its_embeds_as_written() -> None:
    code = (
        f"```html\n{YOUTUBE}\n```\n\n"
        f"~~~\n{GIST}\n~~~\n\n"
        f"Inline `{YOUTUBE}` code.\n\n"
        f"```\n{GIST}\n"  # an unclosed fence runs to the end
    )
    text = f"Before.\n\n{YOUTUBE}\n\n{code}"
    assert forem_markdown(text) == "Before.\n\n{% youtube QNNl_uWmQXE %}\n\n" + code
    assert hashnode_markdown(text) == "Before.\n\n\n%[https://www.youtube.com/watch?v=QNNl_uWmQXE]\n\n\n" + code


@pytest.mark.parametrize(
    ("markdown", "hashnode"),
    [
        (f"A\n\n{YOUTUBE}\n\nB\n", "A\n\n\n%[https://www.youtube.com/watch?v=QNNl_uWmQXE]\n\n\nB\n"),
        (f"{GIST}", "\n%[https://gist.github.com/ada/0123abcd]\n"),  # at the end, with no newline
        (  # right under a line of text: blank lines make it a paragraph of its own
            'Watch:\n<iframe src="https://player.vimeo.com/video/1?h=ab12"></iframe>\n',
            "Watch:\n\n%[https://vimeo.com/1/ab12]\n\n",
        ),
        # In a line of text or a table cell `%[URL]` embeds nothing: a link.
        (
            'Also <iframe src="https://player.vimeo.com/video/1" title="Vimeo video player"></iframe> here.\n',
            "Also [▶ Watch the video on Vimeo](https://vimeo.com/1) here.\n",
        ),
        (
            "| Clip |\n| --- |\n| " + YOUTUBE + " |\n",
            "| Clip |\n| --- |\n| [▶ Watch the video on YouTube](https://www.youtube.com/watch?v=QNNl_uWmQXE) |\n",
        ),
        (  # right after a code span: not at a line's start
            f"`x`{YOUTUBE}\n",
            "`x`[▶ Watch the video on YouTube](https://www.youtube.com/watch?v=QNNl_uWmQXE)\n",
        ),
        (
            '<video src="https://x.org/a.mp4"></video>\n',
            "[▶ Watch the video](https://x.org/a.mp4)\n",
        ),
        ("<script>track()</script>\n", "<script>track()</script>\n"),
    ],
)
def test_hashnode_gets_its_embed_on_lines_of_its_own_else_links(markdown: str, hashnode: str) -> None:
    assert hashnode_markdown(markdown) == hashnode


def test_wordpress_gets_the_watch_page_on_a_line_of_its_own() -> None:
    page = render_post(
        f"Intro.\n\n{YOUTUBE}\n\n"
        'Inline <iframe src="https://player.vimeo.com/video/1?h=ab12"></iframe> too.\n\n'
        '<iframe src="https://www.youtube.com/embed/videoseries?list=PL0123&amp;start=5"></iframe>\n\n'
        '<video src="https://x.org/a.mp4" controls></video>\n\n'
        f"{GIST}\n\n```html\n{YOUTUBE}\n```\n"
    ).html
    shown = wordpress_html(page)
    assert shown.startswith(
        "<p>Intro.</p>\n"
        "https://www.youtube.com/watch?v=QNNl_uWmQXE\n"
        "<p>Inline \nhttps://vimeo.com/1/ab12\n too.</p>\n"
        "https://www.youtube.com/playlist?list=PL0123\n"
        '<p><video src="https://x.org/a.mp4" controls=""></video></p>\n'  # WordPress keeps a video
        '<p><a href="https://gist.github.com/ada/0123abcd" rel="noopener noreferrer">'  # a link on the site too
    )
    assert "<iframe" not in shown and "&lt;</span><span" in shown  # the code example stays as the site shows it
    start = render_post('<iframe src="https://www.youtube.com/embed/QNNl_uWmQXE?start=30"></iframe>\n').html
    assert wordpress_html(start) == "https://www.youtube.com/watch?v=QNNl_uWmQXE&amp;t=30\n"  # HTML's &amp;


def test_a_player_address_without_a_page_stays_a_frame_on_wordpress() -> None:
    page = render_post('<iframe src="https://www.youtube.com/embed/videoseries"></iframe>\n').html
    assert "<iframe" in page and wordpress_html(page) == page


def test_each_platform_gets_its_own_body_and_the_same_one_every_time() -> None:
    markdown = f"Intro.\n\n{YOUTUBE}\n"
    article = Article(
        title="T", markdown=markdown, html=render_post(markdown).html, description=None, tags=[],
        canonical_url="https://ada.example/t/", slug="t",
    )  # fmt: skip
    devto, hashnode, wordpress = (for_platform(name, article) for name in ("devto", "hashnode", "wordpress"))
    assert (devto.markdown, devto.html) == ("Intro.\n\n{% youtube QNNl_uWmQXE %}\n", article.html)
    assert (hashnode.markdown, hashnode.html) == (hashnode_markdown(markdown), article.html)
    assert (wordpress.markdown, wordpress.html) == (markdown, wordpress_html(article.html))
    assert for_platform("devto", article) == devto  # a re-run sends the same body
    # What each sends has no embed left to change: no churn however the copy's body is compared.
    assert forem_markdown(devto.markdown) == devto.markdown
    assert hashnode_markdown(hashnode.markdown) == hashnode.markdown
    assert wordpress_html(wordpress.html) == wordpress.html


def test_hostile_input_takes_linear_time() -> None:
    import time

    text = ("<iframe src='x" + "`" * 3 + "\n") * 10_000 + ("<video>" * 15_000) + YOUTUBE * 2_500
    began = time.perf_counter()
    for convert in (forem_markdown, hashnode_markdown):
        convert(text)
    wordpress_html(text)
    assert time.perf_counter() - began < 10


def test_code_is_found_in_linear_time() -> None:
    """RT49 F4: a code span's closer was searched for from each backtick run on to the paragraph's
    end: runs of falling length took quadratic time (400 KB, 20 s; the 4 MiB limit, ~25 min)."""

    def cost(k: int) -> float:
        hostile = f"{YOUTUBE} ![a](media/a.png) x" + "".join("`" * j + "x" for j in range(k, 0, -1))
        started = time.thread_time()
        embeds_outside_code(hostile, lambda embed: "")
        absolute_media_markdown(hostile, "https://example.com/media/")
        return time.thread_time() - started

    # ~200 KB, ~400 KB; the best of three, so one garbage collection on a busy machine cannot decide
    small, large = min(cost(630) for _ in range(3)), min(cost(890) for _ in range(3))
    assert large < 3 * small + 0.05


def test_an_escaped_backtick_opens_no_code_span() -> None:
    assert forem_markdown(f"Text \\`{YOUTUBE}` on\n") == "Text \\`{% youtube QNNl_uWmQXE %}` on\n"


def test_an_embed_holding_code_goes_whole_to_its_closing_tag_out_of_code() -> None:
    """As on the page, where code's `</script>` is `&lt;/script&gt;`: the element runs past code to its
    own closing tag, and one right after a fenced code block starts a line (red team 52)."""

    def named(embed: Embed) -> str:
        return f"[{embed.name} {embed.inner!r} alone={embed.alone}]"

    assert embeds_outside_code("a <script> `</script>` y </script> z\n", named) == (
        "a [script ' `</script>` y ' alone=False] z\n"
    )
    assert embeds_outside_code("<iframe>\n\n```\n</iframe>\n```\n\n</iframe>\n", named) == (
        "[iframe '\\n\\n```\\n</iframe>\\n```\\n\\n' alone=True]\n"
    )
    assert embeds_outside_code(f"```\nx\n```\n{YOUTUBE}\n", named).endswith("alone=True]\n")
    assert embeds_outside_code(f"`x`{YOUTUBE}\n", named).endswith("alone=False]\n")


def test_indented_code_and_html_blocks_read_as_the_page_reads_them() -> None:
    """An indented code block shows its text as written, as a fenced one does: a `</iframe>` there
    closes nothing and an `<iframe>` there is none; a line indented in a paragraph or a list item is
    no code; in an HTML block a backtick is HTML's text, so a `</script>` there closes the script (h447)."""

    def named(embed: Embed) -> str:
        return f"[{embed.name} {embed.inner!r}]"

    assert embeds_outside_code("<iframe>\n\n    </iframe>\n\nw1 </iframe> w2\n", named) == (
        "[iframe '\\n\\n    </iframe>\\n\\nw1 '] w2\n"
    )
    indented = f"Text\n\n    {YOUTUBE}\n\n- item\n\n      {YOUTUBE}\n"
    assert forem_markdown(indented) == indented
    assert forem_markdown(f"Text\n    {YOUTUBE}\n") == "Text\n    {% youtube QNNl_uWmQXE %}\n"
    assert embeds_outside_code("<script> `</script>` y </script> z\n", named) == "[script ' `']` y </script> z\n"
    for markdown in ("<iframe>\n\n    </iframe>\n\nw1 </iframe> w2\n", "<script> `</script>` y </script> z\n"):
        assert plain_text(markdown).split() == re.sub("<[^>]*>", " ", render_post(markdown).html).split()
