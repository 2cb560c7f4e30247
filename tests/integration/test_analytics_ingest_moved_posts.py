"""`analytics ingest` and moved posts, against real PostgreSQL: a visit to a published post's former address
(migration 0203: the redirect page `site build` writes there, or an old link followed) counts for the post,
as one to an imported post's kept alias does; an address that is another post's current one stays that post's.

Without it, `/posts/old-slug/` named the slug the post no longer has: the view was on no post, and with a
dated permalink, a former address whose slug another post has now counted for that other post.
"""

from __future__ import annotations

import re
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from blogster_cli.actors import ActingUser
from blogster_cli.analytics.paths import path_key
from blogster_cli.services import blogs, post_addresses, publishing, site
from blogster_cli.services.analytics_ingest import ingest
from tests.conftest import shared_data
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


def import_hugo(acting: ActingUser, folder: Path, name: str, front: str) -> None:
    """Imports one Hugo post (`front`: its front matter's lines after the title)."""
    from blogster_cli.services import imports

    folder.mkdir(exist_ok=True)
    (folder / f"{name}.md").write_text(f"---\ntitle: {name.title()}\n{front}---\n{name.title()} body.\n")
    imports.import_paths(acting, paths=[folder / f"{name}.md"], fmt="hugo")


def redirect_targets(out: Path) -> dict[str, str]:
    """Each redirect page the build wrote (its URL path) -> the slug of the page it leads to (/posts/SLUG/)."""
    found = {}
    for path in redirect_paths(out):
        target = re.search(
            r'http-equiv="refresh" content="0; url=([^"]+)"', (out / path[1:] / "index.html").read_text()
        )
        assert target is not None
        found[path] = target.group(1).strip("/").rsplit("/", 1)[-1]
    return found


def assert_ingest_agrees_with_the_build(acting: ActingUser, out: Path) -> dict[str, str]:
    """Every redirect page the build wrote counts, in the ingest's plan, for the post it leads to; the plan
    has no other redirect address."""
    site.build(acting, out=out, base_domain=BASE)
    targets = redirect_targets(out)
    matcher = post_addresses.address_plan(acting, map_pattern=None, base_domain=BASE).matcher
    assert {path: matcher.slug_for(path) for path in targets} == targets
    assert set(matcher.moved) == {path_key(path) for path in targets}
    return targets


@pytest.mark.parametrize("alias_older", [True, False])
def test_an_address_that_is_an_alias_and_a_former_address_goes_where_the_builds_redirect_leads(
    author, superuser, tmp_path, alias_older
):
    """Red team 67 F4: an imported post's alias `/posts/x/` and another post's former address (renamed from `x`):
    the build's redirect page there leads to the older of the two, and so does the ingest (it counted the
    renamed post's, whichever was older)."""
    if alias_older:
        import_hugo(author, tmp_path / "in", "older", "date: 2020-01-01T00:00:00Z\naliases:\n  - /posts/x/\n")
        renamed = publish(author, "Mover", "x")
    else:
        import_hugo(author, tmp_path / "in", "newer", "date: 2025-01-01T00:00:00Z\naliases:\n  - /posts/x/\n")
        renamed = publish(author, "Mover", "x")
        move(superuser, renamed, published_at=datetime(2019, 1, 1, tzinfo=UTC))
    move(superuser, renamed, slug="moved")
    targets = assert_ingest_agrees_with_the_build(author, tmp_path / "public")
    assert targets["/posts/x/"] == ("older" if alias_older else "moved")


def test_an_alias_that_is_another_posts_page_stays_that_posts_and_other_aliases_count_as_the_build_leads(
    author, superuser, tmp_path
):
    """An alias at another post's current address is no redirect (the page is there) and counts for that post;
    an alias nobody else has, and one two imported posts share, count for the post their redirect leads to."""
    publish(author, "Here", "here")
    folder = tmp_path / "in"
    import_hugo(author, folder, "first", "date: 2020-01-01T00:00:00Z\naliases:\n  - /posts/here/\n  - /old/shared/\n")
    import_hugo(author, folder, "second", "date: 2021-01-01T00:00:00Z\naliases:\n  - /old/shared/\n  - /old/own/\n")
    targets = assert_ingest_agrees_with_the_build(author, tmp_path / "public")
    assert "/posts/here/" not in targets and {"/old/shared/", "/old/own/"} <= set(targets)
    plan = post_addresses.address_plan(author, map_pattern=None, base_domain=BASE)
    assert plan.matcher.slug_for("/posts/here/") == "here"


RUST_PAGE = "/2025/06/26/Rust-1.88.0/"


def import_rust_release(acting: ActingUser, tmp_path: Path) -> str:
    """Imports and publishes the Rust blog's 1.88.0 announcement, from Zola: `path = "2025/06/26/Rust-1.88.0"`
    and `aliases = ["releases/1.88.0"]`, written without the leading '/' as Zola's are. Its slug."""
    from blogster_cli.services import imports

    content = tmp_path / "zola" / "content"
    content.mkdir(parents=True)
    shutil.copyfile(shared_data("blog_md", "rust-blog-zola", "Rust-1.88.0.md"), content / "Rust-1.88.0.md")
    assert imports.import_paths(acting, paths=[content]).failed == []
    [slug] = [row.slug for row in blogs.list_blogs(acting)]
    publishing.publish(acting, refs=[slug])
    return slug


def test_visits_to_a_zola_posts_page_count_for_it_where_the_build_puts_it(author, superuser, tmp_path):
    """The build puts the page of a post imported from Zola at its `path` (`/2025/06/26/Rust-1.88.0/`) and a
    redirect page at its alias: a visit to either counts for it. The ingest read that `path` as no address of the
    site (it lacks the leading '/'): a visit to the page counted for no post."""
    slug = import_rust_release(author, tmp_path)
    out = tmp_path / "public"
    assert assert_ingest_agrees_with_the_build(author, out) == {"/releases/1.88.0/": slug}
    assert (out / RUST_PAGE.strip("/") / "index.html").is_file()
    paths = [RUST_PAGE, "/releases/1.88.0/"]
    log = write(tmp_path / "access.log", [line(f"10.0.0.{n}", "10:00:00", path) for n, path in enumerate(paths)])
    run = ingest(author, sources=[str(log)], accept_unmatched=True)
    assert run.matched == 2
    assert views(superuser, author) == {slug: 2}


def test_an_alias_at_a_zola_posts_page_is_no_redirect_address_as_the_build_writes_none_there(author, tmp_path):
    """Another post's alias at that page: the build writes no redirect there (the page is there). The ingest's
    redirect addresses are the build's: it took that alias for one, as it read the page's `path` without its '/'."""
    import_rust_release(author, tmp_path)
    import_hugo(
        author, tmp_path / "in", "later", f"date: 2026-01-01T00:00:00Z\naliases:\n  - {RUST_PAGE}\n  - /gone/\n"
    )
    targets = assert_ingest_agrees_with_the_build(author, tmp_path / "public")
    assert RUST_PAGE not in targets and targets["/gone/"] == "later"
    plan = post_addresses.address_plan(author, map_pattern=None, base_domain=BASE)
    assert set(plan.matcher.moved) == {path_key(path) for path in targets}


@pytest.mark.parametrize("older_first", [True, False])
def test_the_ingests_addresses_are_the_builds_own_reserved_ones_drafts_and_shared_old_urls_alike(
    author, superuser, tmp_path, older_first
):
    """Red team 68 F5: the ingest's redirect addresses follow the build's rules. No redirect where the site keeps
    its own pages (`/archive/`, `/page/2/`, `/tags/...`) nor at an alias folding (in case) to one already written;
    none for a draft's aliases (the build publishes no draft); an alias at another post's untaken address (the
    permalink of a post living at its imported URL) is a redirect; an imported URL two posts kept is the older's
    page. The ingest counted each of those reserved and draft aliases for their post, gave the shared URL to
    whichever row it read first, and took every address a post could have for its page."""
    folder = tmp_path / "in"
    for name in ("older", "newer") if older_first else ("newer", "older"):  # the older is not at /posts/older/
        import_hugo(
            author, folder, name, f"date: {2020 if name == 'older' else 2021}-01-01T00:00:00Z\nurl: /2019/same/\n"
        )
    import_hugo(
        author, folder, "aliased",
        "date: 2022-01-01T00:00:00Z\naliases:\n  - /archive/\n  - /page/2/\n  - /tags/rust/\n  - /old/kept/\n"
        "  - /OLD/Kept/\n  - /posts/older/\n",
    )  # fmt: skip
    import_hugo(author, folder, "drafted", "date: 2019-01-01T00:00:00Z\ndraft: true\naliases:\n  - /old/draft/\n")
    assert {row.slug: row.status for row in blogs.list_blogs(author)}["drafted"] == "draft"
    out = tmp_path / "public"
    targets = assert_ingest_agrees_with_the_build(author, out)
    assert targets == {"/old/kept/": "aliased", "/posts/older/": "aliased"}
    assert "Older body." in (out / "2019/same/index.html").read_text()
    plan = post_addresses.address_plan(author, map_pattern=None, base_domain=BASE)
    nowhere = ["/archive/", "/page/2/", "/tags/rust/", "/OLD/Kept/", "/old/draft/"]
    paths = [*nowhere, "/2019/same/", "/old/kept/", "/posts/older/"]
    assert {path: plan.matcher.slug_for(path) for path in paths} == {
        **dict.fromkeys(nowhere), "/2019/same/": "older", "/old/kept/": "aliased", "/posts/older/": "aliased",
    }  # fmt: skip
    log = write(tmp_path / "access.log", [line(f"10.0.0.{n}", "10:00:00", path) for n, path in enumerate(paths)])
    run = ingest(author, sources=[str(log)], accept_unmatched=True)
    assert run.matched == 3
    assert views(superuser, author) == {"older": 1, "aliased": 2}


def test_a_former_address_the_site_keeps_for_its_archive_counts_for_no_post(author, superuser, tmp_path):
    """Red team 68 F5: with the permalink `/{slug}/`, a post renamed from `archive` had `/archive/` for a former
    address: the build writes the archive page there (no redirect), the ingest counted its visits for the post.
    A post whose slug is `archive` now lives at the address made of its id, which counts for it; `/archive/` not."""
    superuser.execute(
        "update subdomain_settings set permalink = '/{slug}/' where user_id = %s", (author.actor.user_id,)
    )
    renamed = publish(author, "Arch", "archive")
    move(superuser, renamed, slug="archive-notes")
    out = tmp_path / "public"
    assert assert_ingest_agrees_with_the_build(author, out) == {}
    assert 'http-equiv="refresh"' not in (out / "archive/index.html").read_text()
    paths = ["/archive/", "/archive", "/archive/?p=1", "/archive-notes/"]
    log = write(tmp_path / "access.log", [line(f"10.0.0.{n}", "10:00:00", path) for n, path in enumerate(paths)])
    run = ingest(author, sources=[str(log)])
    assert run.matched == 1
    assert views(superuser, author) == {"archive-notes": 1}

    taker = publish(author, "Taker", "archive")
    site.build(author, out=out, base_domain=BASE)
    assert (out / "posts" / taker / "index.html").is_file()
    finder = post_addresses.post_finder(author, base_domain=BASE)
    assert (finder("/archive/"), finder(f"/posts/{taker}/"), finder("archive")) == (None, taker, taker)
