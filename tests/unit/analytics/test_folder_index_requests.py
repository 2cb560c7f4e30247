"""A request for `/posts/SLUG/index.html` is one for the page at `/posts/SLUG/` (t541 F8): the file `site build`
writes there, which a web server serves for both; the index file of a redirect page's folder counts as that
redirect's address, and that of one of the site's own pages (home, archive, a tag's, a listing) for no post."""

from __future__ import annotations

from blogster_cli.analytics.aggregate import process_lines
from blogster_cli.analytics.logformat import LogFormat
from blogster_cli.analytics.paths import PathMatcher
from blogster_cli.publish.placement import site_own

AGENT = "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0"
MATCHER = PathMatcher.build(
    ["/posts/{slug}/"],
    {"/kept/old-page/index.html": "kept", "/kept/folder/": "kept-folder"},
    {"/old-alpha": "alpha"},
    pages={"/posts/alpha": "alpha", "/posts/beta": "beta", "/custom/where": "gamma"},
    site_own=site_own,
)


def viewed(paths: list[str]) -> list[str | None]:
    lines = [
        f'10.0.0.1 - - [01/Dec/2026:10:00:{second:02d} +0000] "GET {path} HTTP/1.1" 200 512 "-" "{AGENT}"'
        for second, path in enumerate(paths)
    ]
    result = process_lines(lines, LogFormat.COMBINED, MATCHER, frozenset())
    return [view[2] for view in result.page_views]


def test_a_folder_pages_index_file_counts_for_the_page_whatever_form_the_address_takes():
    assert viewed(["/posts/alpha/", "/posts/alpha/index.html", "/posts/alpha", "/posts/alpha/index.html?ref=x"]) == [
        "alpha", "alpha", "alpha", "alpha",
    ]  # fmt: skip
    assert viewed(["/custom/where/index.html", "/posts/delta/index.html"]) == ["gamma", "delta"]  # placed, pattern
    assert viewed(["/old-alpha/index.html", "/kept/folder/index.html", "/kept/old-page/index.html"]) == [
        "alpha", "kept-folder", "kept",
    ]  # fmt: skip


def test_the_index_file_of_the_sites_own_pages_or_of_no_folder_page_counts_for_no_post():
    own = ["/index.html", "/archive/index.html", "/tags/alpha/index.html", "/page/2/index.html"]
    assert viewed([*own, "/posts/alpha/index.htm", "/posts/alpha/other.html"]) == [None] * 6
