"""`analytics ingest` and moved posts, against real PostgreSQL: a visit to a published post's former address
(migration 0203: the redirect page `site build` writes there, or an old link followed) counts for the post,
as one to an imported post's kept alias does; an address that is another post's current one stays that post's.

Without it, `/posts/old-slug/` named the slug the post no longer has: the view was on no post, and with a
dated permalink, a former address whose slug another post has now counted for that other post.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from blogster_cli.actors import ActingUser
from blogster_cli.services import blogs, publishing, site
from blogster_cli.services.analytics_ingest import ingest
from tests.integration.test_analytics_ingest import DAY, figures, line, write

BASE = "blogster.page"


@pytest.fixture
def author(db, make_user) -> ActingUser:
    return ActingUser(db, make_user("ada@example.com"))


def publish(acting: ActingUser, title: str, slug: str) -> str:
    row = blogs.create(acting, new=blogs.NewBlog(title=title, markdown=f"{title} body.", slug=slug))
    publishing.publish(acting, refs=[str(row.id)])
    return str(row.id)


def move(superuser, post_id: str, *, slug: str | None = None, published_at: datetime | None = None) -> None:
    """Changes a post's slug or date as the account's own SQL may (the trigger keeps the former address)."""
    superuser.execute(
        "update blogs set slug = coalesce(%s, slug), published_at = coalesce(%s, published_at) where id = %s",
        (slug, published_at, post_id),
    )


def views(superuser, acting: ActingUser) -> dict[str, int]:
    return {slug: row[0] for (slug, day), row in figures(superuser, acting).items() if day == DAY}


def redirect_paths(out: Path) -> list[str]:
    """The URL paths of the redirect pages a build wrote (`redirect.html`)."""
    return sorted(
        "/" + str(page.parent.relative_to(out)) + "/"
        for page in out.rglob("index.html")
        if 'http-equiv="refresh"' in page.read_text()
    )


def test_views_of_a_renamed_posts_redirect_pages_count_for_it(author, superuser, tmp_path):
    """Each redirect page the build writes for a post renamed twice is one of its addresses in the log."""
    publish(author, "Kept", "kept")
    moved = publish(author, "Moved", "first-slug")
    move(superuser, moved, slug="second-slug")
    move(superuser, moved, slug="third-slug")
    out = tmp_path / "public"
    site.build(author, out=out, base_domain=BASE)
    former = redirect_paths(out)
    assert former == ["/posts/first-slug/", "/posts/second-slug/"]
    paths = [*former, "/posts/third-slug/?from=feed", "/posts/kept/", "/posts/second-slug"]
    log = write(tmp_path / "access.log", [line(f"10.0.0.{n}", "10:00:00", path) for n, path in enumerate(paths)])
    run = ingest(author, sources=[str(log)])
    assert (run.page_views, run.matched) == (5, 5)
    assert views(superuser, author) == {"third-slug": 4, "kept": 1}


def test_a_former_address_goes_to_the_moved_post_unless_it_is_another_posts_current_one(author, superuser, tmp_path):
    """With a dated permalink, `x` moved to `y` and a newer post took the slug `x`: the old dated address is the
    moved post's redirect page, the newer post's own address its own; a renamed post whose old slug another post
    has under the undated part of the pattern (its current address) leaves that address to it."""
    superuser.execute(
        "update subdomain_settings set permalink = '/{year}/{month}/{slug}/' where user_id = %s",
        (author.actor.user_id,),
    )
    old = publish(author, "Old", "x")
    move(superuser, old, published_at=datetime(2025, 3, 10, 12, tzinfo=UTC))
    move(superuser, old, slug="y")  # its former address: /2025/03/x/
    newer = publish(author, "Newer", "x")
    move(superuser, newer, published_at=datetime(2026, 11, 20, 12, tzinfo=UTC))  # /2026/11/x/
    dated = publish(author, "Dated", "d")
    move(superuser, dated, published_at=datetime(2026, 11, 5, 12, tzinfo=UTC))  # /2026/11/d/
    move(superuser, dated, slug="d2")  # former /2026/11/d/, current /2026/11/d2/
    taker = publish(author, "Taker", "t")
    move(superuser, taker, published_at=datetime(2026, 11, 5, 12, tzinfo=UTC))
    move(superuser, taker, slug="d")  # now at /2026/11/d/: the current address wins
    paths = ["/2025/03/x/", "/2025/03/y/", "/2026/11/x/", "/2026/11/d/", "/2026/11/d2/"]
    log = write(tmp_path / "access.log", [line(f"10.0.0.{n}", "10:00:00", path) for n, path in enumerate(paths)])
    run = ingest(author, sources=[str(log)])
    assert run.matched == 5
    assert views(superuser, author) == {"y": 2, "x": 1, "d": 1, "d2": 1}


def test_map_leaves_former_addresses_out_as_it_does_imported_aliases(author, superuser, tmp_path):
    """`--map` says where the log's posts are: the site's former addresses are not its paths."""
    moved = publish(author, "Moved", "before")
    move(superuser, moved, slug="after")
    log = write(
        tmp_path / "access.log",
        [line("10.0.0.1", "10:00:00", "/posts/before/"), line("10.0.0.2", "10:00:00", "/blog/after")],
    )
    run = ingest(author, sources=[str(log)], map_pattern="/blog/{slug}", accept_unmatched=True)
    assert run.matched == 1
    assert views(superuser, author) == {"after": 1}


@pytest.mark.parametrize("older_first", [True, False])
def test_a_former_address_two_posts_had_goes_to_the_older_as_its_redirect_page_does(
    author, superuser, tmp_path, older_first
):
    """The build gives an address two moved posts had to the older post's redirect page: so does the ingest,
    whichever post's row the database reads first (the older post written first or last)."""
    if older_first:
        older = publish(author, "Older", "x")
        move(superuser, older, published_at=datetime(2025, 1, 10, 12, tzinfo=UTC))
        move(superuser, older, slug="older-now")
    newer = publish(author, "Newer", "x")
    move(superuser, newer, slug="newer-now")
    if not older_first:
        older = publish(author, "Older", "x")
        move(superuser, older, published_at=datetime(2025, 1, 10, 12, tzinfo=UTC))
        move(superuser, older, slug="older-now")
    out = tmp_path / "public"
    site.build(author, out=out, base_domain=BASE)
    assert "/posts/older-now/" in (out / "posts" / "x" / "index.html").read_text()
    run = ingest(author, sources=[str(write(tmp_path / "access.log", [line("10.0.0.1", "10:00:00", "/posts/x/")]))])
    assert run.matched == 1
    assert views(superuser, author) == {"older-now": 1}
