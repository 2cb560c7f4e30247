"""A linked folder found empty (a drive not mounted, a folder emptied by mistake) or without the
folder at its top that held its files (a site's `content/`): a sync moved every post of it to the
trash. It is refused now (exit 5, one line, nothing changed) until `--allow-empty` says so."""

import shutil
from pathlib import Path

import pytest

# Python-bound (folders compared on disk): the services' SQL runs on every server in the other tests.
# CI's second pass leaves it out.
pytestmark = pytest.mark.same_on_every_server


def site(folder: Path, top: str = "") -> Path:
    (folder / top).mkdir(parents=True)
    for name in ("one", "two", "three"):
        (folder / top / f"{name}.md").write_text(f"---\ntitle: {name.title()}\n---\n{name.title()}.\n")
    return folder


def live(cli) -> list[str]:
    return sorted(line.split(",")[0] for line in cli("blogs", "list", "--format", "csv").stdout.splitlines()[1:])


def test_an_empty_linked_folder_is_refused_until_allowed(cli, signed_up, tmp_path):
    folder = site(tmp_path / "mnt")
    assert cli("sync", str(folder)).exit_code == 0
    assert cli("blogs", "edit", "two", "--title", "Two, edited").exit_code == 0  # would be written back
    for path in folder.iterdir():
        path.unlink()  # the drive is not mounted: its mount point is an empty folder

    refusal = (
        f"error: {folder} holds none of the 3 files its last sync saw (a drive not mounted? a folder emptied by"
        " mistake?): nothing changed; to move their posts to the trash, sync it again with --allow-empty; to stop"
        f" syncing it, `blogster sync {folder} --unlink` (the posts stay)\n"
    )
    for extra in ([], ["--dry-run"], ["--json"]):
        result = cli("sync", str(folder), *extra)
        assert (result.exit_code, result.stdout, result.stderr) == (5, "", refusal)
    assert live(cli) == ["one", "three", "two"] and list(folder.iterdir()) == []
    [status] = cli("sync", "status", "--json").json()
    assert status["pending"] is None and status["conflicts"] == 0

    allowed = cli("sync", str(folder), "--allow-empty")
    assert allowed.exit_code == 0, allowed.stderr
    assert allowed.stderr.splitlines()[-1] == f"{folder} [hugo]: 1 written, 2 trashed; 0 unchanged."
    assert live(cli) == ["two"] and sorted(path.name for path in folder.iterdir()) == ["two.md"]
    assert cli("sync", str(folder)).exit_code == 0  # the folder's files are as its last sync saw them


def test_a_site_without_the_folder_at_its_top_that_held_its_posts_is_refused(cli, signed_up, tmp_path):
    """The site's drafts are there, its `_posts/` is not (a branch without it checked out)."""
    folder = tmp_path / "jekyll"
    (folder / "_posts").mkdir(parents=True)
    (folder / "_drafts").mkdir()
    (folder / "_config.yml").write_text("title: Site\n")
    for day, name in enumerate(("one", "two", "three"), start=1):
        (folder / "_posts" / f"2024-01-0{day}-{name}.md").write_text(f"---\ntitle: {name.title()}\n---\nText.\n")
    (folder / "_drafts" / "idea.md").write_text("---\ntitle: Idea\n---\nAn idea.\n")
    assert cli("sync", str(folder)).exit_code == 0
    shutil.rmtree(folder / "_posts")
    result = cli("sync", str(folder))
    assert result.exit_code == 5 and result.stderr.startswith(
        f"error: {folder}: _posts/ is gone, with 3 files its last sync saw (a drive not mounted?"
    ), result.stderr
    assert live(cli) == ["idea", "one", "three", "two"]

    # A file deleted, or a folder's files deleted with the folder still there, is a sync's work.
    (folder / "_posts").mkdir()
    (folder / "_posts" / "2024-01-01-one.md").write_text("---\ntitle: One\n---\nText.\n")
    result = cli("sync", str(folder))
    assert result.exit_code == 0 and "2 trashed" in result.stderr, result.stderr
    assert live(cli) == ["idea", "one"]


def test_allow_empty_does_not_go_with_unlink(cli, signed_up, tmp_path):
    folder = site(tmp_path / "s")
    assert cli("sync", str(folder)).exit_code == 0
    result = cli("sync", str(folder), "--unlink", "--allow-empty")
    assert result.exit_code == 2 and "--unlink does not go with --allow-empty" in result.stderr
