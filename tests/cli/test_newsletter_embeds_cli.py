"""A newsletter of a post with a YouTube frame, sent through a real SMTP server (aiosmtpd): the mail
a reader receives links the video in both parts. Before, the sandboxed frame the site keeps reached
the HTML part, which Gmail, Outlook and Apple Mail drop (nothing where the video was), and the text
part showed the frame's HTML."""

from __future__ import annotations

import html5lib

from tests.cli.conftest import make_newsletter

POST = """---
title: Ten terminal habits
---
Use **tmux** every day. Here is the talk:

<iframe width="420" height="315" src="http://www.youtube.com/embed/QNNl_uWmQXE?start=30" frameborder="0" allowfullscreen></iframe>

And the Vimeo cut, <iframe src="https://player.vimeo.com/video/76979871?h=8272103f6e" title="The short cut"></iframe> too.

Embed it yourself with:

```html
<iframe src="https://www.youtube.com/embed/EXAMPLE"></iframe>
```
"""
WATCH = "https://www.youtube.com/watch?v=QNNl_uWmQXE&t=30"


def test_a_youtube_frame_reaches_the_mail_as_a_link_to_the_video(cli, signed_up, smtp, tmp_path):
    recorder, url = smtp
    newsletter = make_newsletter(cli, tmp_path, POST)
    readers = tmp_path / "readers.csv"
    readers.write_text("email\nada@example.com\n")
    result = cli("newsletter", "send", newsletter, "--to", str(readers), "--json", env={"BLOGSTER_SMTP_URL": url})
    assert result.exit_code == 0, result.stderr
    assert result.json()[0]["sent"] == 1
    [message] = recorder.to("ada@example.com")

    page = message.get_body(("html",)).get_content()
    tree = html5lib.parse(page, namespaceHTMLElements=False)
    assert not list(tree.iter("iframe"))
    links = {a.get("href"): "".join(a.itertext()) for a in tree.iter("a")}
    assert links[WATCH] == "▶ Watch the video on YouTube"
    assert links["https://vimeo.com/76979871/8272103f6e"] == "▶ The short cut"
    assert "<strong>tmux</strong>" in page and "embed/EXAMPLE" in page  # the code example stays code

    text = message.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert f"Here is the talk:\n\n▶ Watch the video on YouTube: {WATCH}\n\nAnd the Vimeo cut," in text
    assert "And the Vimeo cut, ▶ The short cut: https://vimeo.com/76979871/8272103f6e too." in text
    assert 'with:\n\n<iframe src="https://www.youtube.com/embed/EXAMPLE"></iframe>\n\nRead it' in text  # the code lines
    assert text.count("<iframe") == 1
