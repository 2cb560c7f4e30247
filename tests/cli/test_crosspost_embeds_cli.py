"""`blogster crosspost` sends a post's embeds in the form each platform shows: a YouTube or Vimeo
frame, a gist's script and a `<video>` reached dev.to and Hashnode as raw HTML (which both strip
from markdown) and WordPress as an `<iframe>` (which it strips from an Author's post), so the
copies lost them. Checked on the bodies the local platform servers receive, on both runs (the
second updates the copy with the same body)."""

from __future__ import annotations

from typing import Any

from werkzeug import Request

from tests.cli.test_crosspost_cli import publish_post
from tests.platform_servers import FakeForem, FakeHashnode, FakePlatform, FakeWordPress

YOUTUBE = (  # as WordPress's classic editor wrote it: over http, with a start
    '<iframe width="420" height="315" src="http://www.youtube.com/embed/QNNl_uWmQXE?start=30" frameborder="0"'
    " allowfullscreen></iframe>"
)
CODE = '```html\n<iframe src="https://www.youtube.com/embed/abcdefghijk"></iframe>\n```\n'
SPAN = '`<script src="https://gist.github.com/ada/0123abcd.js"></script>`'
BODY = (
    "Herons stand still.\n\n"
    f"{YOUTUBE}\n\n"
    '<script src="https://gist.github.com/ada/0123abcd.js"></script>\n\n'
    '<video src="https://media.example/heron.mp4" controls></video>\n\n'
    'Also <iframe src="https://player.vimeo.com/video/76979871" title="The short cut"></iframe> here.\n\n'
    f"{CODE}\n"
    f"Written as {SPAN} in code.\n"
)
POST = f"---\ntitle: Herons wait\ntags: [Birds]\n---\n{BODY}"
# What stays as written on every platform: the code block and the code span.
KEPT = f"{CODE}\nWritten as {SPAN} in code.\n"


def recording(platform: FakePlatform, body: Any) -> list[str]:
    """The post bodies `platform` receives (creates and updates, in order), by `body(request)`;
    called before `install`, which answers with `platform.handle`."""
    sent: list[str] = []
    handle = platform.handle

    def recorded(request: Request):
        if request.method in ("POST", "PUT") and request.is_json and (text := body(request)) is not None:
            sent.append(text)
        return handle(request)

    platform.handle = recorded  # type: ignore[method-assign]
    return sent


def crosspost_twice(cli, published: str, platform: str, env: dict[str, str]) -> None:
    first = cli("crosspost", published, "--to", platform, "--json", env=env)
    assert first.exit_code == 0, first.stderr
    again = cli("crosspost", published, "--to", platform, "--json", env=env)
    assert again.exit_code == 0, again.stderr
    assert [first.json()[0]["action"], again.json()[0]["action"]] == ["created", "updated"]


def test_devto_gets_forem_liquid_tags_and_links(cli, signed_up, tmp_path, http, platform_server):
    forem = FakeForem(http)
    sent = recording(forem, lambda request: request.get_json()["article"]["body_markdown"])
    _, env = platform_server("devto", forem)
    published = publish_post(cli, tmp_path, POST, slug="herons")
    crosspost_twice(cli, published, "devto", env)
    expected = (
        "Herons stand still.\n\n"
        "{% youtube QNNl_uWmQXE?t=30 %}\n\n"
        "{% gist https://gist.github.com/ada/0123abcd %}\n\n"
        "[▶ Watch the video](https://media.example/heron.mp4)\n\n"
        "Also {% vimeo 76979871 %} here.\n\n" + KEPT
    )
    assert sent == [expected, expected]
    assert [article["body_markdown"] for article in forem.posts.values()] == [expected]


def test_hashnode_gets_its_embeds_and_links(cli, signed_up, tmp_path, http, platform_server):
    hashnode = FakeHashnode(http)
    sent = recording(
        hashnode,
        lambda request: ((request.get_json().get("variables") or {}).get("input") or {}).get("contentMarkdown"),
    )
    _, env = platform_server("hashnode", hashnode)
    published = publish_post(cli, tmp_path, POST, slug="herons")
    crosspost_twice(cli, published, "hashnode", env)
    expected = (
        "Herons stand still.\n\n"
        "\n%[https://www.youtube.com/watch?v=QNNl_uWmQXE&t=30]\n\n\n"
        "\n%[https://gist.github.com/ada/0123abcd]\n\n\n"
        "[▶ Watch the video](https://media.example/heron.mp4)\n\n"
        "Also [▶ The short cut](https://vimeo.com/76979871) here.\n\n" + KEPT
    )
    assert sent == [expected, expected]


def test_wordpress_gets_the_watch_page_on_a_line_of_its_own(cli, signed_up, tmp_path, http, platform_server):
    wordpress = FakeWordPress(http)
    sent = recording(wordpress, lambda request: request.get_json().get("content"))
    _, env = platform_server("wordpress", wordpress)
    published = publish_post(cli, tmp_path, POST, slug="herons")
    crosspost_twice(cli, published, "wordpress", env)
    [canonical] = {line.split('"')[1] for line in sent[0].splitlines() if 'rel="canonical"' in line}
    highlighted = (  # the code example, as the site shows it
        '<span class="p">&lt;</span><span class="nt">iframe</span> <span class="na">src</span><span class="o">=</span>'
        '<span class="s">"https://www.youtube.com/embed/abcdefghijk"</span><span class="p">&gt;&lt;/</span>'
        '<span class="nt">iframe</span><span class="p">&gt;</span>'
    )
    expected = (
        "<p>Herons stand still.</p>\n"
        "https://www.youtube.com/watch?v=QNNl_uWmQXE&amp;t=30\n"
        '<p><a href="https://gist.github.com/ada/0123abcd" rel="noopener noreferrer">'
        "https://gist.github.com/ada/0123abcd</a></p>\n"
        '<p><video src="https://media.example/heron.mp4" controls=""></video></p>\n'
        "<p>Also \nhttps://vimeo.com/76979871\n here.</p>\n"
        f'<pre class="highlight"><code class="language-html">{highlighted}\n</code></pre>\n'
        '<p>Written as <code>&lt;script src="https://gist.github.com/ada/0123abcd.js"&gt;&lt;/script&gt;</code>'
        " in code.</p>\n\n"
        f'<p><em>Originally published at <a href="{canonical}" rel="canonical">{canonical}</a>.</em></p>'
    )
    assert sent == [expected, expected]
