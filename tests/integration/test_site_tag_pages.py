"""site build: tags that slugify alike (`C`, `C++`, `C#`) each have their own page, at addresses
that depend on the site's tags alone (not the order posts were written in), and a rebuild agrees
with a full build when a new tag moves another's page."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest

from blogster_cli.actors import ActingUser
from blogster_cli.publish import urls
from blogster_cli.services import blogs, publishing, site
from blogster_cli.services.site_files import MANIFEST

BASE = "blogster.page"


def publish(acting: ActingUser, title: str, tags: list[str]) -> blogs.BlogRow:
    row = blogs.create(acting, new=blogs.NewBlog(title=title, markdown=f"{title} body.", tags=tags))
    publishing.publish(acting, refs=[str(row.id)])
    return row


def suffix(key: str, length: int) -> str:
    """What a tag's page adds to its readable slug: its key's SHA-256, the same in every build."""
    return hashlib.sha256(key.encode()).hexdigest()[:length]


def tag_pages(out: Path) -> dict[str, str]:
    """Tag page folder -> its heading."""
    found = {}
    for page in (out / "tags").glob("*/index.html"):
        heading = re.search(r"Posts tagged “([^”]*)”", page.read_text())
        assert heading is not None, page
        found[page.parent.name] = heading.group(1)
    return found


def site_files(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in out.rglob("*") if p.is_file() and p.name != MANIFEST}


@pytest.fixture
def author(db, make_user) -> ActingUser:
    return ActingUser(db, make_user("ada@example.com"))


@pytest.mark.same_on_every_server  # the pages are Python's to write: CI's second pass leaves it out
def test_tags_that_slugify_alike_have_pages_of_their_own(db, make_user, author, tmp_path):
    rows = {tag: publish(author, f"About {tag}", [tag]) for tag in ("C", "C++", "C#")}
    out = tmp_path / "public"
    site.build(author, out=out, base_domain=BASE)
    plus, sharp = (f"c-{suffix(key, 8)}" for key in ("c++", "c#"))
    assert tag_pages(out) == {"c": "C", plus: "C++", sharp: "C#"}
    for folder, title in (("c", "About C"), (plus, "About C++"), (sharp, "About C#")):
        listing = (out / "tags" / folder / "index.html").read_text()
        assert listing.count('class="summary"') == 1 and title in listing
    index = (out / "tags/index.html").read_text()
    assert '<a href="/tags/c/">C</a> (1)' in index
    assert f'<a href="/tags/{plus}/">C++</a> (1)' in index and f'<a href="/tags/{sharp}/">C#</a> (1)' in index
    assert f'<a href="/tags/{plus}/">C++</a>' in (out / f"posts/{rows['C++'].slug}/index.html").read_text()

    # Another account writing the same tags in the other order gets the same addresses.
    other = ActingUser(db, make_user("bob@example.com"))
    for title, tag in (("About C#", "C#"), ("About C++", "C++"), ("About C", "c")):
        publish(other, title, [tag])
    theirs = tmp_path / "theirs"
    site.build(other, out=theirs, base_domain=BASE)
    assert set(tag_pages(theirs)) == {"c", plus, sharp}


@pytest.mark.same_on_every_server
def test_a_tag_moved_by_a_new_alike_tag_is_rebuilt_as_a_full_build_makes_it(author, tmp_path):
    sharp = publish(author, "About C#", ["C#", "Rust"])
    out = tmp_path / "public"
    site.build(author, out=out, base_domain=BASE)
    assert tag_pages(out) == {"c": "C#", "rust": "Rust"}  # alone, C# has the readable address
    publish(author, "About C++", ["C++"])
    rebuilt = site.build(author, out=out, base_domain=BASE)
    whole = tmp_path / "whole"
    site.build(author, out=whole, base_domain=BASE)
    assert site_files(out) == site_files(whole)
    assert json.loads((out / MANIFEST).read_text()) == json.loads((whole / MANIFEST).read_text())
    assert rebuilt.rendered == 2  # the new post, and the C# post whose link moved
    moved = f"c-{suffix('c#', 8)}"
    assert tag_pages(out) == {moved: "C#", f"c-{suffix('c++', 8)}": "C++", "rust": "Rust"}
    assert f'<a href="/tags/{moved}/">C#</a>' in (out / f"posts/{sharp.slug}/index.html").read_text()


def test_slugs_alike_suffixes_are_unique_and_order_free():
    keys = ["c", "c++", "c#", "machine learning", "machine-learning", "rust"]
    slugs = urls.tag_slugs(keys)
    assert slugs == urls.tag_slugs(reversed(keys))
    assert len(set(slugs.values())) == len(keys)
    assert slugs["c"] == "c" and slugs["machine-learning"] == "machine-learning" and slugs["rust"] == "rust"
    assert slugs["machine learning"].startswith("machine-learning-")
    # A tag spelled like another's suffixed slug keeps it: that one takes the whole digest instead.
    clash = f"c-{suffix('c++', 8)}"
    again = urls.tag_slugs([*keys, clash])
    assert again[clash] == clash and again["c++"] == f"c-{suffix('c++', 64)}"
    assert len(set(again.values())) == len(keys) + 1


def test_a_tag_spelled_as_another_tags_whole_digest_slug_shares_no_page_with_it():
    """Red team, F7: with `c`, `c++`, a tag spelled as `c++`'s short slug and one spelled as its whole
    digest slug, `c++` and the last both got that page. Now `c++` numbers it; the others keep theirs."""
    short, whole = f"c-{suffix('c++', 8)}", f"c-{suffix('c++', 64)}"
    keys = ["c", "c++", short, whole]
    slugs = urls.tag_slugs(keys)
    assert slugs == urls.tag_slugs(reversed(keys))
    assert slugs == {"c": "c", short: short, whole: whole, "c++": f"{whole}-2"}
    crowded = urls.tag_slugs([*keys, f"{whole}-2", f"{whole}-3"])
    assert crowded["c++"] == f"{whole}-4" and len(set(crowded.values())) == len(keys) + 2
