"""The build's placement rules, held once (`publish.placement.Placer`): `site build` and `analytics
ingest` place a site's pages and redirect pages with the same code, so they cannot disagree."""

from __future__ import annotations

from datetime import UTC, datetime

from blogster_cli.publish.placement import Placer, PostPlaces, page_candidates, place, redirect_addresses

PATTERN = "/{year}/{slug}/"


def test_a_page_takes_the_first_free_candidate_else_the_address_made_of_its_id() -> None:
    placer = Placer()
    assert placer.page("1", ["/old/a/", "/2024/a/"]) == (0, "/old/a/", "old/a/index.html")
    assert placer.page("2", ["/OLD/A/", "/2024/b.html"]) == (1, "/2024/b.html", "2024/b.html")  # one file in any case
    assert placer.page("3", ["/old/a/index.html/"]) == (-1, "/posts/3/", "posts/3/index.html")  # under a page's file
    placer.page("4", ["/x.html/"])
    assert placer.page("5", ["/X.html"]) == (-1, "/posts/5/", "posts/5/index.html")  # a folder holding a page


def test_a_redirect_page_goes_only_where_no_page_or_earlier_redirect_is() -> None:
    placer = Placer()
    placer.page("1", ["/a/"])
    assert not placer.redirect("A/index.html")
    assert placer.redirect("b/index.html")
    assert not placer.redirect("b/index.html")


def test_the_site_own_addresses_are_no_candidates() -> None:
    published = datetime(2024, 5, 1, tzinfo=UTC)
    assert page_candidates(PATTERN, url="/archive/", slug="robots.txt", published_at=published) == ["/2024/robots.txt/"]
    assert page_candidates(PATTERN, url="/Tags/x/", slug="a", published_at=published) == ["/2024/a/"]
    assert redirect_addresses(PATTERN, ["/css/", "/x/", "/x.html"], [["a", published.isoformat()]]) == [
        ("/x/", "x/index.html"),
        ("/x.html", "x.html"),
        ("/2024/a/", "2024/a/index.html"),
    ]


def test_place_puts_the_older_post_first_whatever_order_it_is_given() -> None:
    older = PostPlaces("b", "same", datetime(2023, 1, 1, tzinfo=UTC), None, ["/shared/"], [])
    newer = PostPlaces("a", "same", datetime(2023, 6, 1, tzinfo=UTC), "/2023/same/", ["/shared/", "/mine/"], [])
    placed = place(PATTERN, [newer, older])
    assert placed.pages == {"b": "/2023/same/", "a": "/posts/a/"}
    assert placed.redirects == {"/shared/": "b", "/mine/": "a"}
