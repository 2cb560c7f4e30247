"""A file `sync` numbers apart from another post's (`rust-2.md` beside `Rust.md`: one file on a
case-blind disk) states its post's slug, as `export` writes it (`exports.render_at`): read back by
`sync` or by `import`, it is its own post. Before, it did not: an edit synced back renamed the post
`rust-2`, and importing the folder matched it to no post (a duplicate `rust-2`). Real PostgreSQL."""

from __future__ import annotations

from pathlib import Path
from uuid import UUID

import pytest

from blogster_cli.actors import ActingUser
from blogster_cli.db.acting import unit_of_work
from blogster_cli.services import blogs, imports
from blogster_cli.services import sync as sync_service

HELLO = "---\ntitle: Hello\nslug: hello\ndate: 2024-01-02\n---\nHello body.\n"


@pytest.fixture
def account(db, make_user):
    return lambda: ActingUser(db, make_user())


def posts(acting) -> dict[UUID, tuple[str, str, str]]:
    """id -> (slug, title, markdown) of my live posts."""
    with unit_of_work(acting) as conn:
        rows = conn.execute(
            "select id, slug, title, content ->> 'markdown' from public.blogs"
            " where author_id = auth.uid() and deleted_at is null"
        ).fetchall()
    return {row[0]: tuple(row[1:]) for row in rows}


def db_edit(acting, post_id: UUID, **values) -> None:
    sets = ", ".join(f"{name} = %({name})s" for name in values)
    with unit_of_work(acting) as conn:
        assert conn.execute(f"update public.blogs set {sets} where id = %(id)s", {**values, "id": post_id}).rowcount


def two_posts_one_file_apart(
    acting, folder: Path, dialect: str, title: str = "On {}"
) -> tuple[sync_service.SyncedFile, dict[str, UUID]]:
    """Posts `Rust` and `rust` written in Blogster, synced into `folder`: the file sync numbered
    apart (`rust-2`, in either case) and each created file's post."""
    for slug in ("Rust", "rust"):
        blogs.create(acting, new=blogs.NewBlog(title=title.format(slug), markdown=f"About {slug}.\n", slug=slug))
    summary = sync_service.sync_folder(acting, directory=folder, fmt=dialect, adopt=True)
    assert summary.failed == [] and summary.conflicts == []
    created = {file.path: file.post_id for file in summary.files if file.action == "created"}
    assert len(created) == 2 and all(post_id is not None for post_id in created.values())
    [numbered] = [file for file in summary.files if file.action == "created" and "rust-2" in file.path.lower()]
    return numbered, {path: post_id for path, post_id in created.items() if post_id is not None}


def read_back(acting, folder: Path) -> dict[str, tuple[str, UUID | None]]:
    """What `import` of the folder would do with each file, and with which post (a dry run)."""
    summary = imports.import_paths(acting, paths=[folder], dry_run=True)
    return {Path(file.path).relative_to(folder).as_posix(): (file.outcome, file.id) for file in summary.files}


# Where the folder is in its site: the site itself, or the layout folder itself (`content/`,
# `_posts/`, Astro's `src/content/`, whose posts are in collections: `blog/`), or, for Astro,
# a collection's own folder (its posts at its top, as in `src/content/blog/`).
LAYOUT_FILES = {
    "layout-folder": {"hugo": "2024-01-02-hello.md", "jekyll": "2024-01-02-hello.md",
                      "zola": "2024-01-02-hello.md", "astro": "blog/2024-01-02-hello.md"},
    "collection-folder": {"astro": "2024-01-02-hello.md"},
}  # fmt: skip


@pytest.mark.parametrize(
    ("dialect", "place"),
    [(dialect, "site") for dialect in ("hugo", "jekyll", "zola", "astro")]
    + [(dialect, "layout-folder") for dialect in ("hugo", "jekyll", "zola", "astro")]
    + [("astro", "collection-folder")],
)
def test_a_file_sync_numbers_apart_states_its_slug_and_reads_back_as_its_post(account, tmp_path, dialect, place):
    acting = account()
    folder = tmp_path / dialect
    folder.mkdir()
    if place != "site":  # the folder is inside the layout (`content/`): new files go in without it
        hello = folder / LAYOUT_FILES[place][dialect]
        hello.parent.mkdir(exist_ok=True)
        hello.write_text(HELLO)
    numbered, created = two_posts_one_file_apart(acting, folder, dialect)
    before = posts(acting)
    assert numbered.path.startswith(("content/", "_posts/", "src/content/")) == (place == "site")
    if (
        dialect == "astro" and place != "site"
    ):  # `src/content/` itself: in its collection `blog/`; a collection: at its top
        assert Path(numbered.path).parent == Path("blog" if place == "layout-folder" else "."), numbered.path
    text = (folder / numbered.path).read_text()
    assert f"slug: {before[numbered.post_id][0]}" in text or f'slug = "{before[numbered.post_id][0]}"' in text, text

    # import reads every file as its post: none new (`rust-2`), none skipped
    for path, post_id in created.items():
        outcome, found = read_back(acting, folder)[path]
        assert (outcome, found) in (("updated", post_id), ("unchanged", post_id)), (path, outcome)

    # edited in Blogster: written again where it is, still stating its slug
    assert numbered.post_id is not None
    db_edit(acting, numbered.post_id, title="Edited in Blogster")
    summary = sync_service.sync_folder(acting, directory=folder)
    assert [(file.path, file.action) for file in summary.files] == [(numbered.path, "written")]
    assert read_back(acting, folder)[numbered.path][1] == numbered.post_id

    # edited on disk: the same post, its slug kept
    path = folder / numbered.path
    path.write_text(path.read_text() + "\nEdited on disk.\n")
    summary = sync_service.sync_folder(acting, directory=folder)
    assert [(file.path, file.action, file.post_id) for file in summary.files] == [
        (numbered.path, "updated", numbered.post_id)
    ]
    after = posts(acting)
    assert {key: post[0] for key, post in after.items()} == {key: post[0] for key, post in before.items()}
    assert after[numbered.post_id][1:] == (
        "Edited in Blogster",
        f"About {before[numbered.post_id][0]}.\n\nEdited on disk.\n",
    )

    # imported: every file its post, no post added
    summary = imports.import_paths(acting, paths=[folder])
    assert summary.failed == [] and summary.counts["imported"] == 0 and summary.counts["skipped"] == 0
    assert {file.id for file in summary.files} == set(after)
    assert {key: post[0] for key, post in posts(acting).items()} == {key: post[0] for key, post in before.items()}
    assert sync_service.sync_folder(acting, directory=folder).failed == []
    assert set(posts(acting)) == set(after)


def test_a_plain_markdown_file_numbered_apart_reads_back_with_its_title(account, tmp_path):
    """The file sync numbers apart is written for its own name, so the title its name no longer
    gives (post `rust` titled "rust", its file `rust-2.md`: "rust 2") is its first heading, and an
    edit synced back keeps the post's title. Before, it was written as for `rust.md`, without the
    heading. Its front matter states the slug the name does not give (h310 M1), as export's does."""
    acting = account()
    folder = tmp_path / "notes"
    folder.mkdir()
    numbered, _ = two_posts_one_file_apart(acting, folder, "markdown", title="{}")
    assert numbered.post_id is not None
    title = posts(acting)[numbered.post_id][1]
    path = folder / numbered.path
    assert path.read_text().startswith(f"---\nslug: {posts(acting)[numbered.post_id][0]}\n---\n# {title}\n")
    path.write_text(path.read_text() + "\nEdited on disk.\n")
    summary = sync_service.sync_folder(acting, directory=folder)
    assert [(file.path, file.action) for file in summary.files] == [(numbered.path, "updated")]
    assert posts(acting)[numbered.post_id][1] == title
