"""`blogster sync` of a folder inside an Astro site's layout: `src/content/` itself (its posts in
collections, `blog/x.md`) or a collection's own folder (`src/content/blog/`, its posts at its
top). A new post's file goes where that folder keeps posts, and stays there when the post is
edited in Blogster; a slug changed in Blogster moves it within the same folder. Before, a new
post's `blog/x.md` moved to `x.md` (out of its collection) on the first edit, and a collection's
folder got `blog/x.md`. Real PostgreSQL."""

from __future__ import annotations

from pathlib import Path
from uuid import UUID

import pytest

from blogster_cli.actors import ActingUser
from blogster_cli.db.acting import unit_of_work
from blogster_cli.services import blogs
from blogster_cli.services import sync as sync_service

HELLO = "---\ntitle: Hello\npubDate: 2024-01-02\n---\nHello body.\n"


@pytest.fixture
def account(db, make_user):
    return lambda: ActingUser(db, make_user())


def db_edit(acting, post: str, /, **values) -> None:
    sets = ", ".join(f"{name} = %({name})s" for name in values)
    with unit_of_work(acting) as conn:
        assert conn.execute(
            f"update public.blogs set {sets} where slug = %(old)s and author_id = auth.uid()", {**values, "old": post}
        ).rowcount


def run(acting, folder: Path) -> list[tuple[str, str, UUID | None]]:
    summary = sync_service.sync_folder(acting, directory=folder)
    assert summary.failed == [] and summary.conflicts == []
    return [(file.path, file.action, file.post_id) for file in summary.files]


def files(folder: Path) -> set[str]:
    return {path.relative_to(folder).as_posix() for path in folder.rglob("*.md")}


@pytest.mark.parametrize(
    ("place", "hello", "posts_in"),
    [
        ("site/src/content", "blog/hello.md", "blog/"),  # the layout folder: posts in a collection
        ("site/src/content/blog", "hello.md", ""),  # a collection's folder: posts at its top
        ("unnamed", "blog/hello.md", "blog/"),  # not so named: where its posts are says which it is
        ("unnamed", "hello.md", ""),
    ],
    ids=["src-content", "collection", "unnamed-with-collections", "unnamed-flat"],
)
def test_a_new_posts_file_stays_where_sync_wrote_it_inside_an_astro_layout(account, tmp_path, place, hello, posts_in):
    acting = account()
    folder = tmp_path / place
    (folder / hello).parent.mkdir(parents=True)
    (folder / hello).write_text(HELLO)
    first = sync_service.sync_folder(acting, directory=folder, fmt="astro")
    assert [(file.path, file.action) for file in first.files] == [(hello, "imported")]

    fresh = blogs.create(acting, new=blogs.NewBlog(title="Fresh", markdown="Fresh body.\n", slug="fresh"))
    new_file = f"{posts_in}fresh.md"
    assert run(acting, folder) == [(new_file, "created", fresh.id)]

    for title in ("Edited once", "Edited twice"):  # written again where it is, never moved
        db_edit(acting, "fresh", title=title)
        assert run(acting, folder) == [(new_file, "written", fresh.id)]
        assert files(folder) == {hello, new_file} and f"title: {title}" in (folder / new_file).read_text()

    # a slug changed in Blogster, which the file's name states: moved within the same folder
    db_edit(acting, "fresh", slug="fresh-start")
    assert run(acting, folder) == [(f"{posts_in}fresh-start.md", "renamed", fresh.id)]
    db_edit(acting, "hello", slug="hello-again")
    [(moved, action, _)] = run(acting, folder)
    assert (moved, action) == (f"{posts_in}hello-again.md", "renamed")
    assert files(folder) == {f"{posts_in}hello-again.md", f"{posts_in}fresh-start.md"}
    assert run(acting, folder) == []
