"""`seo import-positions` / `seo positions`: Search Console exports into serp_positions, idempotently."""

from __future__ import annotations

from datetime import date

import pytest

from blogster_cli.actors import ActingUser
from blogster_cli.errors import InvalidInput, NotFound
from blogster_cli.services import seo

# Search Console performance data with the query and page dimensions, as the Search Analytics API
# (and Search Analytics for Sheets) exports it: percentages and decimal positions as Google writes them.
GSC_DAY1 = (
    "Query,Page,Clicks,Impressions,CTR,Position\n"
    "terminal habits,https://ada.dev/posts/alpha/,12,340,3.53%,4.2\n"
    "shell aliases,https://ada.dev/posts/alpha/,3,150,2%,8.6\n"
    "shell aliases,https://ada.dev/posts/alpha/?utm_source=x,1,50,2%,12.6\n"
    "zsh prompt,https://ada.dev/posts/beta/,0,20,0%,31\n"
    "unrelated,https://ada.dev/about/,5,10,50%,1.0\n"
    "broken,https://ada.dev/posts/beta/,many,20,0%,3\n"
)
GSC_DAY2 = (
    "Date,Query,Page,Device,Country,Clicks,Impressions,CTR,Position\n"
    "2026-11-29,terminal habits,https://ada.dev/posts/alpha/,DESKTOP,usa,20,400,5%,2.0\n"
    "2026-11-29,terminal habits,https://ada.dev/posts/alpha/,TABLET,usa,1,10,10%,9\n"
)


@pytest.fixture
def world(db, make_user, superuser):
    alice, bob = make_user(), make_user()
    for owner, slug in ((alice, "alpha"), (alice, "beta"), (bob, "bobs")):
        superuser.execute(
            "insert into blogs (author_id, title, slug, status, published_at) values (%s, %s, %s, 'published', now())",
            (owner.user_id, slug, slug),
        )
    # Alice's site is at ada.dev: the exports' pages are there.
    superuser.execute("update subdomain_settings set custom_domain = 'ada.dev' where user_id = %s", (alice.user_id,))
    return ActingUser(db, alice), ActingUser(db, bob)


def import_positions(acting, **options):
    return seo.import_positions(acting, base_domain="blogster.page", **options)


def stored(superuser):
    return superuser.execute(
        "select b.slug, k.keyword, s.check_date, s.device_type::text, s.search_locale, s.rank_position,"
        " s.previous_position, s.change, s.clicks, s.impressions, round(s.ctr::numeric, 4)::float8"
        " from serp_positions s join blogs b on b.id = s.blog_id join keyword_research k on k.id = s.keyword_id"
        " order by 1, 2, 3, 4"
    ).fetchall()


def test_a_search_console_export_imports_once_and_merges_pages_of_one_post(world, superuser):
    alice, _ = world
    first = import_positions(alice, text=GSC_DAY1, source="gsc.csv", check_date=date(2026, 11, 28))
    assert (first.inserted, first.updated, first.keywords_added) == (3, 0, 3)
    assert sorted((r.line, r.reason) for r in first.rejected) == [
        (6, "https://ada.dev/about/: none of your posts"),
        (7, "'many' is not a number (under 'Clicks')"),
    ]
    rows = stored(superuser)
    assert rows == [
        # two pages of alpha for "shell aliases": clicks and impressions added, position weighted by impressions
        ("alpha", "shell aliases", date(2026, 11, 28), "desktop", None, 10, None, None, 4, 200, 0.02),
        ("alpha", "terminal habits", date(2026, 11, 28), "desktop", None, 4, None, None, 12, 340, 0.0353),
        ("beta", "zsh prompt", date(2026, 11, 28), "desktop", None, 31, None, None, 0, 20, 0.0),
    ]
    again = import_positions(alice, text=GSC_DAY1, source="gsc.csv", check_date=date(2026, 11, 28))
    assert (again.inserted, again.updated, again.keywords_added) == (0, 3, 0)
    assert stored(superuser) == rows


def test_previous_position_and_change_follow_each_series_by_date_in_any_import_order(world, superuser):
    alice, _ = world
    import_positions(alice, text=GSC_DAY1, source="day1.csv", check_date=date(2026, 11, 30))
    import_positions(alice, text=GSC_DAY2, source="day2.csv")  # an older export, imported later
    import_positions(alice, text=GSC_DAY1, source="day1.csv", check_date=date(2026, 11, 30))
    habits = [row for row in stored(superuser) if row[1] == "terminal habits"]
    assert [(r[2], r[3], r[4], r[5], r[6], r[7]) for r in habits] == [
        (date(2026, 11, 29), "desktop", "usa", 2, None, None),
        (date(2026, 11, 29), "mobile", "usa", 9, None, None),  # tablets count as mobile
        (date(2026, 11, 30), "desktop", None, 4, None, None),  # another locale: another series
    ]
    later = "Date,Query,Page,Device,Country,Clicks,Impressions,CTR,Position\n" + (
        "2026-12-01,terminal habits,/posts/alpha/,desktop,usa,30,500,6%,1.4\n"
    )
    import_positions(alice, text=later, source="day3.csv")
    latest = seo.positions(alice, blog="alpha")
    top = next(row for row in latest if row["keyword"] == "terminal habits" and row["search_locale"] == "usa"
               and row["device_type"] == "desktop")  # fmt: skip
    assert (top["rank_position"], top["previous_position"], top["change"]) == (1, 2, 1)
    assert [row["keyword"] for row in seo.positions(alice, blog="beta")] == ["zsh prompt"]
    assert [row.keyword for row in seo.keywords(alice, blog="beta")] == ["zsh prompt"]
    assert {row.keyword for row in seo.keywords(alice)} == {"terminal habits", "shell aliases", "zsh prompt"}


def test_an_export_filtered_by_page_takes_the_post_from_blog(world, superuser):
    alice, _ = world
    queries_tab = "Top queries,Clicks,Impressions,CTR,Position\nterminal habits,7,70,10%,3.3\n"
    with pytest.raises(InvalidInput, match="no page column"):
        import_positions(alice, text=queries_tab, source="Queries.csv")
    result = import_positions(alice, text=queries_tab, source="Queries.csv", blog="beta")
    assert result.inserted == 1 and stored(superuser)[0][:2] == ("beta", "terminal habits")
    with pytest.raises(NotFound, match="no post with slug or id 'bobs'"):  # Bob's: not one of Alice's slugs
        import_positions(alice, text=queries_tab, source="Queries.csv", blog="bobs")


def test_pages_of_another_authors_published_posts_are_skipped(world, superuser):
    alice, bob = world
    csv = (
        "Query,Page,Clicks,Impressions,CTR,Position\nbob things,https://ada.dev/posts/bobs/,1,10,10%,2\n"
        "bob things,https://bob.dev/posts/bobs/,1,10,10%,2\n"
    )
    result = import_positions(alice, text=csv, source="gsc.csv")
    assert result.inserted == 0 and [r.reason for r in result.rejected] == [
        "https://ada.dev/posts/bobs/: none of your posts",
        "https://bob.dev/posts/bobs/: a page of another site (bob.dev)",
    ]
    assert stored(superuser) == [] and seo.positions(bob) == []


@pytest.mark.parametrize(
    "text, message",
    [("", "empty"), ("Clicks,Impressions\n1,2\n", "no query column"), ("Query,Page\nx,/posts/alpha/\n", "no position")],
)
def test_unreadable_exports_are_refused_whole(world, text, message):
    alice, _ = world
    with pytest.raises(InvalidInput, match=message):
        import_positions(alice, text=text, source="gsc.csv")
