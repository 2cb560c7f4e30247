"""site build: no two feed entries share an id, and each id leads to its own post.

Found by red team 66: "Old" published as `x`, built, renamed `y`, then "New" published as `x`: the
next build named both entries `https://…/posts/x/` in RSS and Atom (a feed id was a post's first
former address, even where another post lives now), so a reader merged them or dropped one. A
former address another post's page (or another post's redirect) holds now is no feed id: the
post is named by its next former address that still leads to it, else by its own. Real
PostgreSQL, RLS.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import pytest

from blogster_cli.actors import ActingUser
from blogster_cli.services import blogs, publishing, site

BASE = "blogster.page"


@pytest.fixture
def author(db, make_user) -> ActingUser:
    return ActingUser(db, make_user("ada@example.com"))


def build(acting: ActingUser, out: Path) -> str:
    return site.build(acting, out=out, base_domain=BASE).base_url


def publish(acting: ActingUser, title: str, slug: str) -> None:
    row = blogs.create(acting, new=blogs.NewBlog(title=title, markdown=f"{title} body.", slug=slug))
    publishing.publish(acting, refs=[str(row.id)])


def rename(acting: ActingUser, ref: str, slug: str) -> None:
    blogs.update(acting, ref=ref, changes=blogs.BlogChanges(slug=slug))


def feed_ids(out: Path, base: str) -> dict[str, str]:
    """Entry title -> its id, the same in both feeds; every id once in each, and leading to its
    entry's post: its page, or a redirect page to it."""
    rss = [(e.title, e.id, e.link) for e in feedparser.parse((out / "index.xml").read_bytes()).entries]
    atom = [(e.title, e.id, e.link) for e in feedparser.parse((out / "atom.xml").read_bytes()).entries]
    assert rss == atom
    ids = [entry_id for _, entry_id, _ in rss]
    assert len(set(ids)) == len(ids), ids
    for title, entry_id, link in rss:
        assert entry_id.startswith(base)
        page = (out / urlsplit(entry_id).path.strip("/") / "index.html").read_text()
        assert f"{title} body." in page or f"url={urlsplit(link).path}" in page, (title, entry_id)
    return {title: entry_id for title, entry_id, _ in rss}


def test_a_former_address_another_post_lives_at_now_is_no_feed_id(author, tmp_path):
    out = tmp_path / "public"
    publish(author, "Old", "x")
    base = build(author, out)
    assert feed_ids(out, base) == {"Old": f"{base}posts/x/"}

    rename(author, "x", "y")
    publish(author, "New", "x")  # red team 66: both were posts/x/
    build(author, out)
    assert feed_ids(out, base) == {"New": f"{base}posts/x/", "Old": f"{base}posts/y/"}


def test_feed_ids_stay_unique_across_renames_and_swaps(author, tmp_path):
    out = tmp_path / "public"
    publish(author, "A", "a")
    publish(author, "B", "b")
    base = build(author, out)
    assert feed_ids(out, base) == {"A": f"{base}posts/a/", "B": f"{base}posts/b/"}

    rename(author, "a", "tmp")  # A and B swap addresses
    rename(author, "b", "a")
    rename(author, "tmp", "b")
    build(author, out)
    # A's first former address is B's page now: its next one (tmp), which redirects to it, names it;
    # B's only former address is A's page: its own names it.
    assert feed_ids(out, base) == {"A": f"{base}posts/tmp/", "B": f"{base}posts/a/"}

    publish(author, "C", "c")  # two posts that each had the address c: the redirect, and the id, are C's
    build(author, out)
    rename(author, "c", "c2")
    publish(author, "D", "c")
    build(author, out)
    rename(author, "c", "c3")
    publish(author, "E", "tmp")  # takes A's redirect: A falls back to its own address
    build(author, out)
    assert feed_ids(out, base) == {
        "E": f"{base}posts/tmp/",
        "D": f"{base}posts/c3/",
        "C": f"{base}posts/c/",
        "B": f"{base}posts/a/",
        "A": f"{base}posts/b/",
    }

    rename(author, "b", "a2")  # A moves on: its former b (and tmp) are taken or lost, a2 its own
    rename(author, "a", "b")  # B back where it began: its own page names it again
    build(author, out)
    ids = feed_ids(out, base)
    assert ids["B"] == f"{base}posts/b/" and ids["A"] == f"{base}posts/a/"
