"""`blogster sync` of a folder inside a site's layout, linked directly: a Hugo section
(`content/posts/`, or another section, `content/blog/`), a Zola section (`content/blog/`), Jekyll's
`_posts/` or a folder inside it, an Astro collection. A post written in Blogster gets its file
where the folder's own posts are (its top; `posts/x.md` in Hugo's `content/` itself), stays there
when the post is edited, and a slug changed in Blogster renames it in the same folder. Before, a
Hugo section got a nested `posts/x.md` (`content/posts/posts/x.md`). A Hugo or Zola site (or its
`content/`) gets it in the section most of its posts are in. Real PostgreSQL."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

import pytest

from blogster_cli.actors import ActingUser
from blogster_cli.db.acting import unit_of_work
from blogster_cli.services import blogs
from blogster_cli.services import sync as sync_service

HUGO = "---\ntitle: First\ndate: 2024-01-02\n---\nOne.\n"
ZOLA = '+++\ntitle = "First"\ndate = 2024-01-02\n+++\nOne.\n'
ASTRO = "---\ntitle: First\npubDate: 2024-01-02\n---\nOne.\n"


@pytest.fixture
def account(db, make_user):
    return lambda: ActingUser(db, make_user())


def db_edit(acting, post: str, /, **values) -> None:
    sets = ", ".join(f"{name} = %({name})s" for name in values)
    with unit_of_work(acting) as conn:
        assert conn.execute(
            f"update public.blogs set {sets} where slug = %(old)s and author_id = auth.uid()", {**values, "old": post}
        ).rowcount


def run(acting, folder: Path) -> list[tuple[str, str]]:
    summary = sync_service.sync_folder(acting, directory=folder)
    assert summary.failed == [] and summary.conflicts == []
    return [(file.path, file.action) for file in summary.files]


def files(folder: Path) -> set[str]:
    return {path.relative_to(folder).as_posix() for path in folder.rglob("*.md")}


@pytest.mark.parametrize(
    ("place", "first", "text", "fmt", "posts_in"),
    [
        ("site/content/posts", "first.md", HUGO, "hugo", ""),  # Hugo's posts section itself
        ("site/content/blog", "first.md", HUGO, "hugo", ""),  # another Hugo section
        ("site/content", "posts/first.md", HUGO, "hugo", "posts/"),  # Hugo's layout folder: in a section
        ("site/content/blog", "first.md", ZOLA, "zola", ""),  # a Zola section
        ("site/content", "first.md", ZOLA, "zola", ""),
        ("site/_posts", "2024-01-02-first.md", HUGO, "jekyll", ""),  # Jekyll's `_posts/` itself
        ("site/_posts/2024", "2024-01-02-first.md", HUGO, "jekyll", ""),  # a folder inside it
        ("site/src/content/notes", "first.md", ASTRO, "astro", ""),  # an Astro collection
        ("site", "content/blog/first.md", HUGO, "hugo", "content/blog/"),  # a Hugo site: the section of its posts
        ("site", "content/blog/first.md", ZOLA, "zola", "content/blog/"),  # a Zola site, likewise
        ("site/content", "blog/first.md", ZOLA, "zola", "blog/"),  # Zola's layout folder
    ],
    ids=[
        "hugo-posts",
        "hugo-blog",
        "hugo-content",
        "zola-section",
        "zola-content",
        "jekyll-posts",
        "jekyll-year",
        "astro-notes",
        "hugo-site-blog",
        "zola-site-blog",
        "zola-content-blog",
    ],  # fmt: skip
)
def test_a_new_posts_file_goes_where_the_folders_posts_are_and_stays(account, tmp_path, place, first, text, fmt,
                                                                      posts_in):  # fmt: skip
    acting = account()
    folder = tmp_path / place
    (folder / first).parent.mkdir(parents=True)
    (folder / first).write_text(text)
    first_run = sync_service.sync_folder(acting, directory=folder, fmt=fmt)
    assert [(file.path, file.action) for file in first_run.files] == [(first, "imported")]

    fresh = blogs.create(acting, new=blogs.NewBlog(title="Fresh", markdown="Fresh body.\n", slug="fresh"))
    [(new_file, action)] = run(acting, folder)
    assert action == "created" and PurePosixPath(new_file).parent == PurePosixPath(posts_in or ".")
    assert new_file.endswith("fresh.md") and new_file.count("/") == posts_in.count("/"), new_file

    for title in ("Edited once", "Edited twice"):  # written again where it is, never moved
        db_edit(acting, "fresh", title=title)
        assert run(acting, folder) == [(new_file, "written")]
        assert files(folder) == {first, new_file}
    assert f"{title}" in (folder / new_file).read_text()

    # a slug changed in Blogster, which the file's name states: renamed within the same folder
    db_edit(acting, "fresh", slug="fresh-start")
    renamed = new_file.removesuffix("fresh.md") + "fresh-start.md"
    assert run(acting, folder) == [(renamed, "renamed")]
    assert files(folder) == {first, renamed}
    assert run(acting, folder) == []
    assert fresh.id is not None


def test_a_post_from_a_file_and_one_from_nothing_land_in_the_section_of_the_sites_posts(account, tmp_path):
    """Walk 13 L4: `posts new --from newpost.md` got `content/newpost.md` in a Hugo site whose posts
    are all in `content/posts/` (every other new post went there); a Zola site's new post got
    `content/x.md` while its posts are all in `content/blog/`. The top of `content/` holds pages
    (`about.md`), not the posts, however many there are."""
    from blogster_cli.services import drafting

    acting = account()
    site = tmp_path / "site"
    (site / "content/posts").mkdir(parents=True)
    for name in ("about", "contact", "privacy"):
        (site / "content" / f"{name}.md").write_text(f"---\ntitle: {name}\n---\nA page.\n")
    for name in ("first", "second"):
        (site / "content/posts" / f"{name}.md").write_text(f"---\ntitle: {name}\ndate: 2024-01-02\n---\nA post.\n")
    sync_service.sync_folder(acting, directory=site)
    (tmp_path / "newpost.md").write_text("---\ntitle: New post\n---\nNew body.\n")
    blogs.create(acting, new=drafting.new_from_file(tmp_path / "newpost.md"))
    blogs.create(acting, new=blogs.NewBlog(title="Fresh", markdown="Fresh body.\n", slug="fresh"))
    assert sorted(run(acting, site)) == [("content/posts/fresh.md", "created"), ("content/posts/newpost.md", "created")]
    db_edit(acting, "newpost", title="New post, edited")
    assert run(acting, site) == [("content/posts/newpost.md", "written")]
