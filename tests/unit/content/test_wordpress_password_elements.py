"""content.wordpress: an item is password-protected (imported as a draft) when any of its
`post_password` elements, in any WordPress export namespace, holds a password.

Found by red team 66: only the first `wp:post_password` was read, in the namespace of the file's first
`wp:` element, so an item with an empty one before the one holding the password, or with its password
in another export version's namespace, came in published. Pure: no database.
"""

from __future__ import annotations

import pytest

from blogster_cli.content.wordpress import parse_wxr

WXR = """<?xml version="1.0"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:wp="http://wordpress.org/export/1.2/"><channel><wp:base_site_url>https://wp.example</wp:base_site_url>
<item><title>Members</title><link>https://wp.example/members/</link>
<content:encoded><![CDATA[<p>Members text.</p>]]></content:encoded><wp:post_id>7</wp:post_id>
<wp:post_date_gmt>2024-01-03 09:00:00</wp:post_date_gmt><wp:post_name>members</wp:post_name>
<wp:status>publish</wp:status><wp:post_type>post</wp:post_type>{password}</item>
</channel></rss>"""


@pytest.mark.parametrize(
    "password",
    [
        "<wp:post_password></wp:post_password><wp:post_password>s3cret</wp:post_password>",
        "<wp11:post_password xmlns:wp11='http://wordpress.org/export/1.1/'>s3cret</wp11:post_password>",
        "<wp:post_password><![CDATA[ ]]></wp:post_password>",  # WordPress takes a blank for a password
        "<wp:post_password><![CDATA[]]></wp:post_password><wp:post_password><b/>s3cret</wp:post_password>",
    ],
    ids=["empty-then-set", "other-export-version", "blank", "text-after-a-child"],
)
def test_an_item_with_any_password_is_a_protected_draft(password: str) -> None:
    [post] = parse_wxr(WXR.format(password=password))
    assert (post.status, post.password_protected) == ("draft", True)
    assert "s3cret" not in repr(post.__dict__)


@pytest.mark.parametrize(
    "password",
    [
        "",
        "<wp:post_password></wp:post_password><wp:post_password/>",
        "<x:post_password xmlns:x='http://example.org/other/'>s3cret</x:post_password>",
    ],
    ids=["none", "all-empty", "another-namespace"],
)
def test_an_item_without_a_password_comes_in_published(password: str) -> None:
    [post] = parse_wxr(WXR.format(password=password))
    assert (post.status, post.password_protected) == ("published", False)
