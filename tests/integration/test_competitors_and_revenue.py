"""`competitors import | list` and `revenue import | report`: realistic exports, imported idempotently."""

from __future__ import annotations

from datetime import date

import pytest

from blogster_cli.actors import ActingUser
from blogster_cli.errors import InvalidInput
from blogster_cli.services import competitors, revenue

# An Ahrefs "Top pages" export (its column names, thousands separators, the top keyword and its position).
AHREFS_TOP_PAGES = (
    '"URL","Current traffic","Current # of keywords","Current top keyword","Current top keyword: Position",'
    '"Title","Published"\n'
    '"https://www.rival.dev/blog/shell-tips/","12,400","310","shell tips","2","50 Shell Tips","2025-03-14"\n'
    '"https://rival.dev/blog/zsh/","880","41","zsh themes","7","Zsh themes","Mar 2, 2024"\n'
    '"not a url","1","1","x","1","Broken",""\n'
)
# An Amazon Associates-like earnings report with our own post column, plus a sponsorship.
AFFILIATE_REPORT = (
    "Tracking Id,Post,Clicks,Items Shipped,Earnings,Date\n"
    "ada-20,https://ada.dev/posts/alpha/,120,6,18.40,2026-11\n"
    "ada-21,beta,30,1,2.10,2026-11\n"
    "ada-22,bobs,10,1,1.00,2026-11\n"
    "ada-23,alpha,ten,1,1.00,2026-11\n"
)
SPONSORSHIP = "Type,Provider,Reference,Revenue,Impressions\nsponsorship,Acme,invoice-7,500,\n"


@pytest.fixture
def world(db, make_user, superuser):
    alice, bob = make_user(), make_user()
    for owner, slug in ((alice, "alpha"), (alice, "beta"), (bob, "bobs")):
        superuser.execute(
            "insert into blogs (author_id, title, slug, status, published_at) values (%s, %s, %s, 'published', now())",
            (owner.user_id, slug, slug),
        )
    # Alice's site is at ada.dev: the reports' pages are there.
    superuser.execute("update subdomain_settings set custom_domain = 'ada.dev' where user_id = %s", (alice.user_id,))
    return ActingUser(db, alice), ActingUser(db, bob)


def import_report(acting, **options):
    return revenue.import_report(acting, base_domain="blogster.page", **options)


def count(superuser, table: str) -> int:
    return superuser.execute(f"select count(*) from {table}").fetchone()[0]


def test_an_ahrefs_top_pages_export_imports_once(world, superuser):
    alice, bob = world
    first = competitors.import_pages(alice, text=AHREFS_TOP_PAGES, source="top-pages.csv")
    assert (first.inserted, first.updated) == (2, 0)
    assert [(r.line, r.reason) for r in first.rejected] == [(4, "'not a url' is not a page address")]
    again = competitors.import_pages(alice, text=AHREFS_TOP_PAGES.replace('"880"', '"990"'), source="top-pages.csv")
    assert (again.inserted, again.updated) == (0, 2) and count(superuser, "competitor_content") == 2
    pages = competitors.pages(alice)
    assert [(p["competitor_domain"], p["estimated_traffic"], p["keywords"], p["rank_positions"]) for p in pages] == [
        ("rival.dev", 12400, ["shell tips"], {"shell tips": 2}),
        ("rival.dev", 990, ["zsh themes"], {"zsh themes": 7}),
    ]
    assert pages[0]["publish_date"] == date(2025, 3, 14) and pages[1]["publish_date"] == date(2024, 3, 2)
    assert competitors.pages(alice, domain="www.rival.dev", limit=1)[0]["title"] == "50 Shell Tips"
    assert competitors.pages(bob) == []
    with pytest.raises(InvalidInput, match="no content url column"):
        competitors.import_pages(alice, text="Title,Traffic\nx,1\n", source="bad.csv")


def test_revenue_imports_once_and_reports_per_post_and_type(world, superuser):
    alice, bob = world
    first = import_report(alice, text=AFFILIATE_REPORT, source="nov.csv", kind="affiliate", provider="amazon")
    assert (first.inserted, first.updated, first.revenue) == (2, 0, 20.5)
    assert [(r.line, r.reason) for r in first.rejected] == [
        (4, "bobs: none of your posts"),  # Bob's published post is not Alice's to earn on
        (5, "'ten' is not a number (under 'Clicks')"),
    ]
    assert import_report(alice, text=SPONSORSHIP, source="acme.csv").inserted == 1
    again = import_report(alice, text=AFFILIATE_REPORT, source="nov.csv", kind="affiliate", provider="amazon")
    assert (again.inserted, again.updated) == (0, 2) and count(superuser, "content_monetization") == 3
    result = revenue.report(alice)
    assert result.total_revenue == 520.5
    assert [(r["post"], r["revenue"], r["clicks"], r["conversions"]) for r in result.by_post] == [
        (None, 500.0, 0, 0),
        ("alpha", 18.4, 120, 6),
        ("beta", 2.1, 30, 1),
    ]
    assert result.by_post[1]["conversion_rate"] == pytest.approx(0.05)
    assert [(r["type"], r["revenue"]) for r in result.by_type] == [("sponsored", 500.0), ("affiliate", 20.5)]
    assert revenue.report(bob).by_post == []


@pytest.mark.parametrize(
    "text, kind, message",
    [
        ("Post,Clicks\nalpha,1\n", "affiliate", "no revenue column"),
        ("Post,Revenue\nalpha,1\n", None, "no monetization type column"),
        ("Post,Revenue\nalpha,1\n", "lottery", "unknown type"),
        ("", "affiliate", "empty"),
    ],
)
def test_unreadable_revenue_reports_are_refused_whole(world, text, kind, message):
    alice, _ = world
    with pytest.raises(InvalidInput, match=message):
        import_report(alice, text=text, source="r.csv", kind=kind)
