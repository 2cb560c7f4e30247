"""A WordPress post's embeds, from the export to the built page: the YouTube video plays there
(sandboxed), the gist is a link, the widget script is gone, and the report said so. Before, the
import dropped the iframe and the script without a word and made `x<sup>2</sup>` `x2`."""

from __future__ import annotations

from pathlib import Path

import html5lib
import pytest

from blogster_cli.actors import ActingUser
from blogster_cli.publish.sanitize import SANDBOX
from blogster_cli.services import imports, site

# Converting and sanitising the HTML is Python's.
pytestmark = pytest.mark.same_on_every_server  # Python-bound: CI's second pass leaves it out

WXR = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:wp="http://wordpress.org/export/1.2/"><channel>
<item><title>logo.png</title><wp:post_id>1</wp:post_id><wp:post_type>attachment</wp:post_type></item>
<item><title>Embeds</title><content:encoded><![CDATA[Herons stand still, then strike.

<iframe width="420" height="315" src="http://www.youtube.com/embed/QNNl_uWmQXE" frameborder="0" allowfullscreen></iframe>

The code: <script src="https://gist.github.com/ada/0123abcd.js"></script>

<blockquote class="twitter-tweet"><p>Patience.</p></blockquote>
<script async src="https://platform.twitter.com/widgets.js" charset="utf-8"></script>

E = mc<sup>2</sup>, H<sub>2</sub>O]]></content:encoded>
<wp:post_id>2</wp:post_id><wp:post_name>embeds</wp:post_name><wp:status>publish</wp:status>
<wp:post_date_gmt>2024-02-05 08:30:00</wp:post_date_gmt><wp:post_type>post</wp:post_type></item>
</channel></rss>
"""


def test_a_wordpress_posts_embeds_reach_the_built_page(db, make_user, tmp_path: Path) -> None:
    acting = ActingUser(db, make_user())
    export = tmp_path / "export.xml"
    export.write_text(WXR)
    summary = imports.import_paths(acting, paths=[export])
    [post] = summary.files
    assert (post.path, post.outcome) == (f"{export}#2", "imported")  # the file's second <item>
    assert post.warnings == [
        "embeds kept as HTML in the post: the built site shows 1 gist as a link, and leaves out 1 script"
        " (it runs no scripts, and frames only YouTube and Vimeo players)"
    ]
    out = tmp_path / "public"
    site.build(acting, out=out, base_domain="blogster.page")
    page = (out / "posts/embeds/index.html").read_text()
    html5lib.HTMLParser(strict=True).parse(page)
    document = html5lib.parse(page, namespaceHTMLElements=False)
    assert not document.findall(".//script")
    [frame] = document.findall(".//iframe")
    assert (frame.get("src"), frame.get("sandbox")) == ("https://www.youtube.com/embed/QNNl_uWmQXE", SANDBOX)
    assert '<a href="https://gist.github.com/ada/0123abcd" rel="noopener noreferrer">' in page
    assert "<p>Patience.</p>" in page and "E = mc<sup>2</sup>, H<sub>2</sub>O" in page
