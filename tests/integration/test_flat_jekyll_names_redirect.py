"""A flat folder of Jekyll-named files (`2021-03-05-slug.md`, as 18F ships its posts) is read as
Jekyll posts by their names (date and slug): their old dated addresses now redirect to their pages,
as a file under `_posts/` does. Before, only `_posts/` files got the redirect (found by a tester). Real
PostgreSQL, RLS."""

from __future__ import annotations

import pytest

from blogster_cli.actors import ActingUser
from blogster_cli.services import imports, site
from blogster_cli.services.post_addresses import post_finder

pytestmark = pytest.mark.same_on_every_server  # the built files are Python's: CI's second pass leaves it out


@pytest.fixture
def acting(db, make_user):
    return ActingUser(db, make_user())


def test_a_flat_folders_jekyll_named_file_redirects_from_its_dated_address_as_a_posts_file_does(acting, tmp_path):
    flat, jekyll = tmp_path / "flat", tmp_path / "jk" / "_posts"
    flat.mkdir()
    jekyll.mkdir(parents=True)
    (flat / "2021-03-05-flat-hello.md").write_text("---\ntitle: Flat test\n---\nFlat body.\n")
    (jekyll / "2021-03-04-jk-hello.md").write_text("---\ntitle: JK test\n---\nJekyll body.\n")
    summary = imports.import_paths(acting, paths=[flat, tmp_path / "jk"])
    assert sorted(file.slug for file in summary.files) == ["flat-hello", "jk-hello"]
    out = tmp_path / "public"
    site.build(acting, out=out, base_domain="blogster.page")
    for old, page in [
        ("2021/03/05/flat-hello.html", "posts/flat-hello/"),
        ("2021/03/04/jk-hello.html", "posts/jk-hello/"),
    ]:
        redirect = (out / old).read_text(encoding="utf-8")
        assert 'http-equiv="refresh"' in redirect and page in redirect, old
    find = post_finder(acting, base_domain="blogster.page")
    assert find("/2021/03/05/flat-hello.html") == find("flat-hello") is not None
