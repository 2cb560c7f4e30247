"""The build's placement rules, held once (`publish.placement.Placer`): `site build` and `analytics
ingest` place a site's pages and redirect pages with the same code, so they cannot disagree."""

from __future__ import annotations

import time
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


B_ID = "385bc52c-4e95-4dba-94ee-bb1aace311f4"


def test_the_address_made_of_an_id_is_never_a_page_an_older_post_holds() -> None:
    """Red team 70 F1: C (older) takes B's permalink, D (older still) keeps the imported URL `/posts/<B-id>/`,
    in any case: B's page went there too (one file, two pages). It goes to the first free numbered address."""
    for kept in (f"/posts/{B_ID}/", f"/POSTS/{B_ID.upper()}/"):
        b = PostPlaces(B_ID, "b", datetime(2024, 1, 2, tzinfo=UTC), None, [], [])
        c = PostPlaces("c-id", "c", datetime(2024, 1, 1, tzinfo=UTC), "/2024/b/", [], [])
        d = PostPlaces("d-id", "d", datetime(2023, 12, 1, tzinfo=UTC), kept, [], [])
        e = PostPlaces("e-id", "e", datetime(2023, 11, 1, tzinfo=UTC), f"/posts/{B_ID}-2/", [], [])
        pages = place(PATTERN, [b, c, d, e]).pages
        assert pages == {"e-id": f"/posts/{B_ID}-2/", "d-id": kept, "c-id": "/2024/b/", B_ID: f"/posts/{B_ID}-3/"}


def test_a_file_path_longer_than_a_disk_writes_is_no_address() -> None:
    """Red team 70 F2: an alias of 1,100 segments (4.4 KB) was placed but no build could write it."""
    long_alias = "/" + "seg/" * 1100
    fits = "/" + "seg/" * 250  # 1,000 bytes, and index.html
    assert redirect_addresses(PATTERN, [long_alias, fits], []) == [(fits, fits[1:] + "index.html")]
    published = datetime(2024, 5, 1, tzinfo=UTC)
    assert page_candidates(PATTERN, url=long_alias, slug="a", published_at=published) == ["/2024/a/"]


def test_placing_a_deep_address_takes_time_in_its_length() -> None:
    """Red team 70 F3: each check sliced the path once per '/': one alias of 200,000 characters took 35 s."""
    deep = "/" + "a/" * 100_000
    started = time.perf_counter()
    placed = place(PATTERN, [PostPlaces("1", "s", datetime(2024, 1, 1, tzinfo=UTC), None, [deep, deep + "b/"], [])])
    placer = Placer()
    assert placer.redirect(deep[1:] + "index.html") and not placer.redirect(deep[1:] + "index.html/x.html")
    assert time.perf_counter() - started < 10  # ~0.1 s quiet, 1.05 s once on CI under load; 35 s quadratic
    assert placed.redirects == {}  # longer than a disk writes (`FILE_PATH_MAX`)
