"""RSS and Atom feeds stay valid XML whatever one post's title, summary or tags hold."""

from datetime import UTC, datetime
from xml.etree import ElementTree

from blogster_cli.publish.feeds import FeedItem, atom, rss
from blogster_cli.publish.model import SiteConfig


def test_characters_xml_cannot_carry_are_dropped_not_fatal():
    """A control character in one post (imported, or typed with `--title $'a\\x01b'`) made lxml
    refuse the whole feed, and so the whole site build."""
    config = SiteConfig(title="Ada\x1b's blog", description="Notes\x00", base_url="https://ada.example/")
    when = datetime(2026, 1, 1, tzinfo=UTC)
    item = FeedItem("1", "new\x01title \U0001f600", "https://ada.example/posts/a/", "body \x02\ufffe end", when, when,
                    ["t\x0bag"])  # fmt: skip
    for feed in (rss(config, [item]), atom(config, [item])):
        text = ElementTree.tostring(ElementTree.fromstring(feed), encoding="unicode")
        assert "newtitle \U0001f600" in text and "body  end" in text and "Ada's blog" in text and "tag" in text
