"""`blogster sync` of a folder inside a site's layout that export places by the path its site
lays the file out at (`content.export.laid_out_path`): a Hugo section's folder
(`content/posts/`), an Astro collection other than `blog` (`src/content/notes/`). A file stays
where it is when its post is edited, and a slug changed in Blogster renames it in the same
folder, never into a nested copy of the section (`posts/x.md` inside `content/posts/`).
Real PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest

from blogster_cli.actors import ActingUser
from blogster_cli.db.acting import unit_of_work
from blogster_cli.services import sync as sync_service

HUGO = "---\ntitle: First\ndate: 2024-01-02\n---\nOne.\n"
ASTRO = "---\ntitle: First\npubDate: 2024-01-02\n---\nOne.\n"


@pytest.fixture
def account(db, make_user):
    return lambda: ActingUser(db, make_user())


def db_edit(acting, **values) -> None:
    sets = ", ".join(f"{name} = %({name})s" for name in values)
    with unit_of_work(acting) as conn:
        assert conn.execute(f"update public.blogs set {sets} where author_id = auth.uid()", values).rowcount == 1


def run(acting, folder: Path) -> list[tuple[str, str]]:
    summary = sync_service.sync_folder(acting, directory=folder)
    assert summary.failed == [] and summary.conflicts == []
    return [(file.path, file.action) for file in summary.files]


def files(folder: Path) -> set[str]:
    return {path.relative_to(folder).as_posix() for path in folder.rglob("*.md")}


@pytest.mark.parametrize(
    ("place", "text", "fmt"),
    [
        ("site/content/posts", HUGO, "hugo"),  # a Hugo section's folder
        ("site/content", HUGO, "hugo"),  # Hugo's layout folder itself, the post in a section
        ("site/src/content/notes", ASTRO, "astro"),  # an Astro collection not named `blog`
        ("site/src/content", ASTRO, "astro"),
    ],
    ids=["hugo-section", "hugo-content", "astro-notes", "astro-src-content"],
)
def test_a_synced_file_in_a_layout_folder_stays_and_renames_in_place(account, tmp_path, place, text, fmt):
    acting = account()
    folder = tmp_path / place
    inner = "" if place.endswith(("posts", "notes")) else ("posts/" if fmt == "hugo" else "notes/")
    (folder / inner).mkdir(parents=True, exist_ok=True)
    (folder / f"{inner}first.md").write_text(text)
    assert run(acting, folder) == [(f"{inner}first.md", "imported")]

    db_edit(acting, title="Edited")
    assert run(acting, folder) == [(f"{inner}first.md", "written")]
    assert files(folder) == {f"{inner}first.md"}

    db_edit(acting, slug="first-again")
    assert run(acting, folder) == [(f"{inner}first-again.md", "renamed")]
    assert files(folder) == {f"{inner}first-again.md"}
    assert run(acting, folder) == []
