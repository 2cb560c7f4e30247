"""A linked folder found empty (a drive not mounted, a folder emptied by mistake) or without a
folder in it that held its files (a site's `content/`, its `content/posts/`): a sync moved every
post of it to the trash. It is refused now (exit 5, one line, nothing changed) until `--allow-empty`
says so; files put back where they were restore their trashed posts."""

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

    # A file deleted, or some of a folder's files, is a sync's work.
    (folder / "_posts").mkdir()
    (folder / "_posts" / "2024-01-01-one.md").write_text("---\ntitle: One\n---\nText.\n")
    result = cli("sync", str(folder))
    assert result.exit_code == 0 and "2 trashed" in result.stderr, result.stderr
    assert live(cli) == ["idea", "one"]


def blog_with_posts(folder: Path) -> Path:
    """`index.md` at the top, `posts/{one,two,three}.md` beside it, synced once."""
    site(folder, "posts")
    (folder / "index.md").write_text("---\ntitle: Home\n---\nHome.\n")
    return folder


@pytest.mark.parametrize("left", ["emptied", "a link to nothing", "a file"])
def test_a_folder_at_its_top_emptied_or_no_longer_a_folder_is_refused(cli, signed_up, tmp_path, left):
    """h388 (red team 45 M2): `posts/` left empty (an unmounted drive's mount point), or made a link
    to nothing or a file, trashed its 3 posts: only `posts/` gone was refused, and `index.md` still
    there defeated "holds none of its files"."""
    folder = blog_with_posts(tmp_path / "blog")
    assert cli("sync", str(folder)).exit_code == 0, cli("sync", "status").stdout
    before = live(cli)
    for path in (folder / "posts").iterdir():
        path.unlink()
    shown = "posts/"
    if left != "emptied":
        (folder / "posts").rmdir()
        shown = "posts (no longer a folder)"
        if left == "a link to nothing":
            (folder / "posts").symlink_to(tmp_path / "unmounted", target_is_directory=True)
        else:
            (folder / "posts").write_text("a file\n")

    for extra in ([], ["--dry-run"]):
        result = cli("sync", str(folder), *extra)
        assert (result.exit_code, result.stdout) == (5, ""), result.stderr
        assert result.stderr.startswith(
            f"error: {folder}: {shown} holds none of the 3 files its last sync saw there (a drive not mounted?"
        ), result.stderr
    assert live(cli) == before and len(before) == 4

    allowed = cli("sync", str(folder), "--allow-empty")
    assert allowed.exit_code == 0 and "3 trashed" in allowed.stderr, allowed.stderr
    assert len(live(cli)) == 1


def test_files_deleted_one_by_one_are_trashed_to_the_last(cli, signed_up, tmp_path):
    """Each sync finds one file fewer, the last of `posts/` too: a folder of one file emptied is a
    post deleted, not many."""
    folder = blog_with_posts(tmp_path / "blog")
    assert cli("sync", str(folder)).exit_code == 0
    for name in ("one", "two", "three"):
        (folder / "posts" / f"{name}.md").unlink()
        result = cli("sync", str(folder))
        assert result.exit_code == 0 and "1 trashed" in result.stderr, (name, result.stderr)
    assert len(live(cli)) == 1


def test_a_post_in_a_folder_of_its_own_deleted_is_trashed(cli, signed_up, tmp_path):
    """One folder at the top per post (page bundles): deleting one, its folder with it, is a sync's
    work (it was refused as a folder gone); two at once are refused as any two emptied folders."""
    folder = tmp_path / "bundles"
    for name in ("one", "two", "three", "four"):
        (folder / name).mkdir(parents=True)
        (folder / name / "index.md").write_text(f"---\ntitle: {name.title()}\n---\nText.\n")
    assert cli("sync", str(folder)).exit_code == 0
    shutil.rmtree(folder / "one")
    result = cli("sync", str(folder))
    assert result.exit_code == 0 and "1 trashed" in result.stderr, result.stderr

    shutil.rmtree(folder / "two")
    (folder / "three" / "index.md").unlink()
    result = cli("sync", str(folder))
    assert result.exit_code == 5 and result.stderr.startswith(
        f"error: {folder}: three/, two/ hold none of the 2 files its last sync saw there (a drive not mounted?"
    ), result.stderr
    assert len(live(cli)) == 3


def test_allow_empty_does_not_go_with_unlink(cli, signed_up, tmp_path):
    folder = site(tmp_path / "s")
    assert cli("sync", str(folder)).exit_code == 0
    result = cli("sync", str(folder), "--unlink", "--allow-empty")
    assert result.exit_code == 2 and "--unlink does not go with --allow-empty" in result.stderr


@pytest.mark.parametrize(
    ("posts", "page"),
    [("content/posts", "content/about.md"), ("src/content/blog", "src/content/about.md")],
    ids=["hugo", "astro"],
)
def test_a_folder_emptied_below_the_top_is_refused(cli, signed_up, tmp_path, posts, page):
    """h440 (red team 53 F3): a Hugo `content/posts/` or an Astro `src/content/blog/` left empty (the
    mount point of a drive not mounted) beside a page its site still holds: only folders at the top
    were looked at, so its 4 posts were trashed, and imported again as `post-0-2`... once remounted."""
    folder = tmp_path / "site"
    (folder / posts).mkdir(parents=True)
    (folder / page).write_text("---\ntitle: About\n---\nAbout.\n")
    for number in range(4):
        (folder / posts / f"post-{number}.md").write_text(f"---\ntitle: Post {number}\n---\nText {number}.\n")
    assert cli("sync", str(folder)).exit_code == 0
    before = live(cli)
    kept = {path.name: path.read_bytes() for path in (folder / posts).iterdir()}
    for path in (folder / posts).iterdir():
        path.unlink()

    for extra in ([], ["--dry-run"]):
        result = cli("sync", str(folder), *extra)
        assert (result.exit_code, result.stdout) == (5, ""), result.stderr
        assert result.stderr.startswith(
            f"error: {folder}: {posts}/ holds none of the 4 files its last sync saw there (a drive not mounted?"
        ), result.stderr
    assert live(cli) == before and len(before) == 5

    for name, data in kept.items():  # remounted: nothing to do
        (folder / posts / name).write_bytes(data)
    result = cli("sync", str(folder))
    assert result.exit_code == 0 and "imported" not in result.stderr and live(cli) == before, result.stderr

    shutil.rmtree(folder / posts)
    (folder / posts / "post-0.md").parent.mkdir()
    (folder / posts / "post-0.md").write_bytes(kept["post-0.md"])  # some of a folder's files: a sync's work
    result = cli("sync", str(folder))
    assert result.exit_code == 0 and "3 trashed" in result.stderr, result.stderr
    assert len(live(cli)) == 2


def test_folders_of_one_post_each_emptied_below_the_top_are_refused_as_at_the_top(cli, signed_up, tmp_path):
    """Page bundles in `content/posts/`: one deleted is a sync's work, two at once are refused, as
    two at the top are (`test_a_post_in_a_folder_of_its_own_deleted_is_trashed`)."""
    folder = tmp_path / "bundles"
    for name in ("one", "two", "three", "four"):
        (folder / "content" / "posts" / name).mkdir(parents=True)
        (folder / "content" / "posts" / name / "index.md").write_text(f"---\ntitle: {name.title()}\n---\nText.\n")
    assert cli("sync", str(folder)).exit_code == 0
    shutil.rmtree(folder / "content" / "posts" / "one")
    result = cli("sync", str(folder))
    assert result.exit_code == 0 and "1 trashed" in result.stderr, result.stderr

    shutil.rmtree(folder / "content" / "posts" / "two")
    (folder / "content" / "posts" / "three" / "index.md").unlink()
    result = cli("sync", str(folder))
    assert result.exit_code == 5 and result.stderr.startswith(
        f"error: {folder}: content/posts/three/, content/posts/two/ hold none of the 2 files its last sync saw"
        " there (a drive not mounted?"
    ), result.stderr
    assert len(live(cli)) == 3


def test_posts_trashed_with_their_folder_come_back_with_it(cli, signed_up, tmp_path):
    """h440 (red team 53 F3): `content/posts/` emptied and synced with --allow-empty (or before the
    refusal saw folders below the top), then mounted again: its posts leave the trash, the same posts
    under their slugs. Before, each was imported again as `post-0-2`..., the originals left in the trash."""
    folder = tmp_path / "site"
    (folder / "content" / "posts").mkdir(parents=True)
    (folder / "content" / "about.md").write_text("---\ntitle: About\n---\nAbout.\n")
    for number in range(4):
        (folder / "content" / "posts" / f"post-{number}.md").write_text(f"---\ntitle: Post {number}\n---\nText.\n")
    assert cli("sync", str(folder)).exit_code == 0
    before = live(cli)
    kept = {path: path.read_bytes() for path in (folder / "content" / "posts").iterdir()}
    for path in kept:
        path.unlink()
    allowed = cli("sync", str(folder), "--allow-empty")
    assert allowed.exit_code == 0 and "4 trashed" in allowed.stderr, allowed.stderr
    assert live(cli) == ["about"]

    for path, data in kept.items():
        path.write_bytes(data)
    result = cli("sync", str(folder))
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines()[-1] == f"{folder} [hugo]: 4 restored; 1 unchanged.", result.stderr
    assert live(cli) == before and cli("blogs", "trash", "--json").json() == []
    assert cli("sync", str(folder)).stderr.splitlines()[-1] == f"{folder} [hugo]: nothing to do; 5 unchanged."
