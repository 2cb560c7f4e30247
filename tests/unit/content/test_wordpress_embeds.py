"""WordPress import keeps what markdown cannot say as HTML: embeds (a YouTube iframe, a gist's
script, a video with its sources) were dropped or became an empty link, and `<sup>`/`<sub>` were
flattened (`x2`). The report says what the built site shows otherwise, and numbers items as the
file does."""

from __future__ import annotations

import pytest

from blogster_cli.content.export import ExportedFile, export_file
from blogster_cli.content.post import import_post
from blogster_cli.content.wordpress import html_to_markdown, parse_wxr, read_wxr
from blogster_cli.publish.markdown import to_html
from blogster_cli.services.imports import Candidate, FileOutcome, ImportSource, prepare_source
from tests.unit.content.test_content_sites_and_pictures import wxr

# A classic-editor post shaped like the "Post with raw data" of Pelican's WordPress test export:
# a YouTube iframe over http, between paragraphs WordPress adds itself.
CLASSIC_VIDEO_POST = (
    "<h1>Herons wait</h1>\n\nHerons stand still for an hour, then strike.\n\n"
    '<iframe width="420" height="315" src="http://www.youtube.com/embed/QNNl_uWmQXE" frameborder="0"'
    " allowfullscreen></iframe>\n\nPatience pays."
)
GIST = '<script src="https://gist.github.com/ada/0123abcd.js"></script>'


def test_a_youtube_iframe_is_kept_as_an_html_block() -> None:
    assert html_to_markdown(CLASSIC_VIDEO_POST) == (
        "# Herons wait\n\nHerons stand still for an hour, then strike.\n\n"
        '<iframe width="420" height="315" src="http://www.youtube.com/embed/QNNl_uWmQXE" frameborder="0"'
        " allowfullscreen></iframe>\n\nPatience pays.\n"
    )


@pytest.mark.parametrize(
    ("html", "markdown"),
    [
        ("<p>a</p>" + GIST + "<p>b</p>", f"a\n\n{GIST}\n\nb\n"),
        (
            '<p>Listen: <audio src="https://x.org/a.mp3" controls></audio></p>',
            'Listen: <audio src="https://x.org/a.mp3" controls></audio>\n',
        ),
        (  # was `[](https://x.org/a.mp4)`, an empty link
            '<video src="https://x.org/a.mp4" controls></video>',
            '<video src="https://x.org/a.mp4" controls></video>\n',
        ),
        (  # its sources stay inside it: no <p> or <br> in between, as in WordPress's wpautop
            '<video controls>\n\n<source src="a.webm" type="video/webm">\n<source src="a.mp4">\n\n</video>',
            '<video controls>\n<source src="a.webm" type="video/webm">\n<source src="a.mp4">\n</video>\n',
        ),
        (  # a script's text as written, blank lines and all: its HTML block runs to </script>
            "<script>\nvar a = 1 < 2;\n\nshow(a);\n</script>\n\nAfter",
            "<script>\nvar a = 1 < 2;\n\nshow(a);\n</script>\n\nAfter\n",
        ),
        (
            '<object width="425"><param name="movie" value="http://www.youtube.com/v/ID&amp;hl=en">'
            '<embed src="http://www.youtube.com/v/ID&amp;hl=en" type="application/x-shockwave-flash"></object>',
            '<object width="425"><param name="movie" value="http://www.youtube.com/v/ID&amp;hl=en">'
            '<embed src="http://www.youtube.com/v/ID&amp;hl=en" type="application/x-shockwave-flash"></object>\n',
        ),
        (  # in a table cell, on one line
            '<table><tr><th>Clip</th></tr><tr><td><iframe src="https://player.vimeo.com/video/1"\nwidth="9">'
            "</iframe></td></tr></table>",
            '| Clip |\n| --- |\n| <iframe src="https://player.vimeo.com/video/1" width="9"></iframe> |\n',
        ),
        ('<pre><code>&lt;iframe src="x"&gt;&lt;/iframe&gt;</code></pre>', '```\n<iframe src="x"></iframe>\n```\n'),
        ("<p>E = mc<sup>2</sup>, H<sub>2</sub>O</p>", "E = mc<sup>2</sup>, H<sub>2</sub>O\n"),
        ('<p>Noted<sup><a href="#n1">1</a></sup></p>', "Noted<sup>[1](#n1)</sup>\n"),
        ("<h2>x<sup>*</sup></h2>", "## x<sup>\\*</sup>\n"),
    ],
)
def test_embeds_and_sup_sub_are_kept_as_html(html: str, markdown: str) -> None:
    assert html_to_markdown(html) == markdown


def test_the_kept_html_shows_on_the_built_page() -> None:
    page = to_html(html_to_markdown(CLASSIC_VIDEO_POST + "\n\n" + GIST + "\n\n<p>x<sup>2</sup> H<sub>2</sub>O</p>"))
    assert '<iframe src="https://www.youtube.com/embed/QNNl_uWmQXE" width="420" height="315"' in page
    assert '<a href="https://gist.github.com/ada/0123abcd" rel="noopener noreferrer">' in page
    assert "<p>x<sup>2</sup> H<sub>2</sub>O</p>" in page
    assert "<script" not in page


@pytest.mark.parametrize("dialect", ["hugo", "zola", "astro"])
def test_kept_html_exports_and_reimports_unchanged(dialect: str) -> None:
    body = CLASSIC_VIDEO_POST + "\n\n" + GIST + '\n\n<p>x<sup>2</sup> <video src="a.mp4"></video></p>'
    [post] = parse_wxr(wxr(("Embeds", body, "publish", "post")))
    exported_file = export_file(post.fields(), post.content, dialect)
    path, text = exported_file.path, exported_file.text
    again = import_post(text, path, dialect=dialect)
    assert again.content["markdown"] == post.content["markdown"]
    assert export_file(again.fields(), again.content, dialect) == ExportedFile(path, text)


def test_items_are_numbered_by_their_place_in_the_file() -> None:
    data = wxr(
        ("photo.jpg", "", "inherit", "attachment"),
        ("First post", "<p>Body</p>", "publish", "post"),
        ("Home", "", "publish", "nav_menu_item"),
        ("Binned", "<p>Body</p>", "trash", "post"),
    )
    assert read_wxr(data).numbers == [2, 4]
    prepared = prepare_source(ImportSource(label="export.xml", data=data), "wordpress")
    shown = [(item.label, item.title) for item in prepared if isinstance(item, Candidate)]
    shown += [(item.path, item.title) for item in prepared if isinstance(item, FileOutcome)]
    assert shown == [("export.xml#2", "First post"), ("export.xml#4", "Binned")]


def test_the_report_says_what_the_built_site_shows_otherwise() -> None:
    changed = (
        GIST
        + '\n\n<iframe src="https://maps.example.com/embed?q=1"></iframe>\n\n<iframe srcdoc="<b>x</b>"></iframe>\n\n'
        '<blockquote class="twitter-tweet"><p>Hi</p></blockquote>\n'
        '<script async src="https://platform.twitter.com/widgets.js"></script>'
    )
    data = wxr(
        ("Video", CLASSIC_VIDEO_POST, "publish", "post"),
        ("Changed", changed, "publish", "post"),
        ("In code", "<pre><code>&lt;script src=x&gt;&lt;/script&gt;</code></pre>", "publish", "post"),
    )
    prepared = prepare_source(ImportSource(label="export.xml", data=data), "wordpress")
    warnings = {item.title: item.warnings for item in prepared if isinstance(item, Candidate)}
    assert warnings == {
        "Video": [],
        "In code": [],
        "Changed": [
            "embeds kept as HTML in the post: the built site shows 1 embedded frame and 1 gist as links, and"
            " leaves out 1 script and 1 frame without a web address (it runs no scripts, and frames only YouTube"
            " and Vimeo players)"
        ],
    }
