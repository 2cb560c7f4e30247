"""A re-import reports what changed: an unchanged file's warnings are counted, not repeated, and
an export folder imported back is unchanged when its posts read the same (walk 9, L12).
Against real PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest

from blogster_cli.actors import ActingUser
from blogster_cli.db.acting import unit_of_work
from blogster_cli.services import exports, imports


@pytest.fixture
def account(db, make_user):
    return lambda: ActingUser(db, make_user())


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_an_unchanged_file_says_its_warnings_once(account, tmp_path):
    write(tmp_path / "_posts" / "2021-03-04-pic.md", "---\ntitle: Pic\n---\n![a](/assets/gone.png)\n")
    write(tmp_path / "_posts" / "2021-03-05-plain.md", "---\ntitle: Plain\n---\nText.\n")
    acting = account()
    first = imports.import_paths(acting, paths=[tmp_path / "_posts"])
    assert (first.counts["imported"], first.counts["warnings"], first.counts["warnings_not_repeated"]) == (2, 1, 0)
    assert [file.warned for file in first.files] == [True, False]
    again = imports.import_paths(acting, paths=[tmp_path / "_posts"])
    assert (again.counts["unchanged"], again.counts["warnings"], again.counts["warnings_not_repeated"]) == (2, 0, 1)
    assert not any(file.warned for file in again.files)
    assert again.files[0].warnings == first.files[0].warnings  # --json still lists them


def hugo_site(root: Path) -> Path:
    write(root / "config.toml", 'title = "Site"\n')
    write(
        root / "content" / "posts" / "first.md",
        '+++\ntitle = "First"\ndate = 2023-05-14T07:10:00-04:00\ntags = ["a"]\ncategories = ["B"]\n+++\nBody.\n',
    )
    write(root / "content" / "posts" / "second.md", "---\ntitle: Second\ndate: 2022-01-02\n---\nMore.\n")
    return root


def activities(acting: ActingUser) -> int:
    with unit_of_work(acting) as conn:
        return conn.execute("select count(*) from public.activities").fetchone()[0]


@pytest.mark.parametrize("dialect", ["jekyll", "zola", "hugo"])
def test_an_export_folder_imported_back_is_unchanged(account, tmp_path, dialect: str):
    acting = account()
    assert imports.import_paths(acting, paths=[hugo_site(tmp_path / "site")]).counts["imported"] == 2
    out = tmp_path / "out"
    if dialect == "zola":  # a Zola site's own config: a file with no Zola-only key (taxonomies) reads as Zola's
        write(out / "config.toml", 'base_url = "https://example.org"\n')
    exports.export_posts(acting, directory=out, dialect=dialect)
    files = {path: path.read_bytes() for path in sorted(out.rglob("*.md"))}
    logged = activities(acting)
    back = imports.import_paths(acting, paths=[out])
    assert [(file.outcome, (file.reason or "").split("; ")[-1]) for file in back.files] == [
        ("unchanged", "no changes")
    ] * 2
    assert activities(acting) == logged  # its place recorded, nothing to tell
    assert imports.import_paths(acting, paths=[out]).counts["unchanged"] == 2
    exports.export_posts(acting, directory=out, dialect=dialect)
    assert {path: path.read_bytes() for path in sorted(out.rglob("*.md"))} == files  # byte for byte
    # an edit in the folder is still an update, and says what changed
    edited = next(path for path in files if "first" in path.name)
    edited.write_text(edited.read_text(encoding="utf-8").replace("Body.", "Body, edited."), encoding="utf-8")
    changed = imports.import_paths(acting, paths=[out])
    assert [(file.reason or "").split("; ")[-1] for file in changed.files if file.outcome == "updated"] == [
        "changed content"
    ]
