"""`blogster sync FOLDER --unlink`: forgets a linked folder (also one gone from disk), leaves its
files and posts as they are, says what it forgot (--json, --dry-run), refuses what it cannot do;
a later sync links the folder again as a first run, every file matched to its post (none doubled)."""

from pathlib import Path


def site(folder: Path) -> Path:
    folder.mkdir()
    (folder / "one.md").write_text("---\ntitle: One\n---\nFirst.\n")
    (folder / "two.md").write_text("---\ntitle: Two\n---\nSecond.\n")
    return folder


def files(folder: Path) -> dict[str, bytes]:
    return {str(path.relative_to(folder)): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


def slugs(cli) -> list[str]:
    return sorted(cli("blogs", "list", "--format", "csv").stdout.splitlines()[1:])


def linked(cli) -> list[str]:
    return [item["folder"] for item in cli("sync", "status", "--json").json()]


def synced_with_a_post_written_in_blogster(cli, folder: Path) -> None:
    """`site` linked, and a draft written in Blogster since, which the next sync gave a file."""
    assert cli("sync", str(folder)).exit_code == 0
    assert cli("blogs", "new", "Three", input="Written in Blogster.\n").exit_code == 0
    created = cli("sync", str(folder))
    assert created.exit_code == 0 and "created: posts/three.md" in created.stderr, created.stderr


def test_unlink_forgets_the_folder_and_leaves_its_files_and_posts(cli, signed_up, tmp_path):
    folder = site(tmp_path / "site")
    synced_with_a_post_written_in_blogster(cli, folder)
    before, posts = files(folder), slugs(cli)
    result = cli("sync", str(folder), "--unlink")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert result.stderr == (
        f"Unlinked {folder} [hugo]: forgot 3 files of 3 posts; the files and posts stay as they are.\n"
    )
    assert linked(cli) == []
    assert files(folder) == before and slugs(cli) == posts


def test_dry_run_shows_what_would_be_forgotten_and_json_says_it(cli, signed_up, tmp_path):
    folder = site(tmp_path / "site")
    assert cli("sync", str(folder)).exit_code == 0
    (folder / "one.md").write_text("---\ntitle: One\n---\nChanged on disk.\n")
    assert cli("blogs", "edit", "one", "--title", "One, edited").exit_code == 0
    assert cli("sync", str(folder)).exit_code == 5  # a conflict: one.md.conflict written beside it
    plan = cli("sync", str(folder), "--unlink", "--dry-run")
    assert plan.exit_code == 0, plan.stderr
    assert plan.stderr == (
        f"Dry run, nothing changed: would unlink {folder} [hugo], forgetting 2 files of 2 posts, 1 in conflict.\n"
    )
    assert linked(cli) == [str(folder)]
    planned = cli("sync", str(folder), "--unlink", "--dry-run", "--json")
    assert planned.exit_code == 0 and planned.json()["dry_run"] is True
    assert linked(cli) == [str(folder)]
    result = cli("sync", str(folder), "--unlink", "--json")
    assert result.exit_code == 0, result.stderr
    assert result.json() == {
        "folder": str(folder), "format": "hugo", "files": 2, "posts": 2, "conflicts": 1, "dry_run": False,
        "new_posts_folder": None, "new_posts_moved": False,
    }  # fmt: skip
    assert linked(cli) == [] and (folder / "one.md.conflict").exists()


def test_a_folder_that_is_not_linked_is_not_found_exit_3(cli, signed_up, tmp_path):
    folder = site(tmp_path / "site")
    result = cli("sync", str(folder), "--unlink")
    assert result.exit_code == 3
    assert result.stderr == f"error: no linked folder {folder} (see `blogster sync status`)\n"
    gone = cli("sync", str(tmp_path / "nowhere"), "--unlink", "--json")
    assert gone.exit_code == 3 and gone.stdout == ""
    assert gone.stderr == f"error: no linked folder {tmp_path / 'nowhere'} (see `blogster sync status`)\n"
    assert cli("sync", str(folder)).exit_code == 0
    again = cli("sync", str(folder), "--unlink")
    assert again.exit_code == 0 and cli("sync", str(folder), "--unlink").exit_code == 3  # forgotten once


def test_unlink_with_watch_adopt_or_format_is_a_usage_error(cli, signed_up, tmp_path):
    folder = site(tmp_path / "site")
    assert cli("sync", str(folder)).exit_code == 0
    for extra, named in [
        (["--watch"], "--watch"), (["--adopt"], "--adopt"), (["--format", "hugo"], "--format"),
        (["--watch", "--adopt"], "--watch or --adopt"),
    ]:  # fmt: skip
        result = cli("sync", str(folder), "--unlink", *extra)
        assert result.exit_code == 2, extra
        assert result.stderr == f"error: --unlink does not go with {named}: it only forgets the link\n"
    assert linked(cli) == [str(folder)]


def test_a_linked_folder_gone_from_disk_is_unlinked_by_the_name_status_lists(cli, signed_up, tmp_path):
    folder = site(tmp_path / "site")
    assert cli("sync", str(folder)).exit_code == 0
    folder.rename(tmp_path / "moved")
    [listed] = cli("sync", "status", "--json").json()
    assert listed["folder"] == str(folder) and listed["pending"] is None  # not on this machine now
    result = cli("sync", listed["folder"], "--unlink")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.startswith(f"Unlinked {folder} [hugo]: forgot 2 files of 2 posts;")
    assert linked(cli) == [] and slugs(cli)[0].startswith("one,")


def test_a_folder_named_as_written_relative_or_with_a_trailing_slash_is_the_one_linked(
    cli, signed_up, tmp_path, monkeypatch
):
    folder = site(tmp_path / "site")
    assert cli("sync", str(folder)).exit_code == 0
    monkeypatch.chdir(tmp_path)
    assert cli("sync", "./site/", "--unlink").exit_code == 0
    assert cli("sync", str(folder)).exit_code == 0
    folder.rename(tmp_path / "moved")
    assert cli("sync", "site/", "--unlink").exit_code == 0  # gone from disk: made absolute as written
    assert linked(cli) == []


def test_linked_again_it_is_a_first_run_that_doubles_no_post(cli, signed_up, tmp_path):
    """Its imported files match their posts by source path, as import matches them; the file its
    sync wrote for a post written in Blogster is that post's again (it says exactly what the post
    says), not a new post `three-2`."""
    folder = site(tmp_path / "site")
    synced_with_a_post_written_in_blogster(cli, folder)
    before = files(folder)
    assert cli("sync", str(folder), "--unlink").exit_code == 0
    # A post written while it is unlinked gets no file there, now or when it is linked again.
    assert cli("blogs", "new", "Four", input="Written meanwhile.\n").exit_code == 0
    posts = slugs(cli)
    plan = cli("sync", str(folder), "--dry-run", "--json")
    assert plan.exit_code == 0 and plan.json()["files"] == [] and plan.json()["counts"]["unchanged"] == 3
    again = cli("sync", str(folder))
    assert again.exit_code == 0, again.stderr
    assert again.stderr.splitlines() == [f"{folder} (linked now) [hugo]: nothing to do; 3 unchanged."]
    assert slugs(cli) == posts and files(folder) == before
    assert linked(cli) == [str(folder)]
    # Each file is its post's again: an edit in Blogster is written to its file.
    assert cli("blogs", "edit", "three", "--title", "Three, edited").exit_code == 0
    assert cli("blogs", "edit", "one", "--title", "One, edited").exit_code == 0
    written = cli("sync", str(folder), "--json")
    assert written.exit_code == 0, written.stderr
    assert sorted((f["path"], f["action"]) for f in written.json()["files"]) == [
        ("one.md", "written"), ("posts/three.md", "written"),
    ]  # fmt: skip
    assert "title: Three, edited" in (folder / "posts" / "three.md").read_text()
    assert len(slugs(cli)) == 4 and files(folder).keys() == before.keys()


def test_a_file_that_does_not_say_what_a_draft_says_still_never_takes_it_over(cli, signed_up, tmp_path):
    """Only a file that is exactly its post's export is matched to a post written in Blogster by
    its slug: the draft's file, edited while the folder was unlinked, is a new post (`-2`)."""
    folder = site(tmp_path / "site")
    synced_with_a_post_written_in_blogster(cli, folder)
    assert cli("sync", str(folder), "--unlink").exit_code == 0
    three = folder / "posts" / "three.md"
    three.write_text(three.read_text().replace("Written in Blogster.", "Not what the draft says."))
    again = cli("sync", str(folder), "--json")
    assert again.exit_code == 0, again.stderr
    [imported] = again.json()["files"]
    assert (imported["path"], imported["action"]) == ("posts/three.md", "imported")
    assert [line.split(",")[0] for line in slugs(cli)] == ["one", "three", "three-2", "two"]


def test_unlinking_the_first_folder_sends_new_posts_to_the_next(cli, signed_up, tmp_path):
    first, second = site(tmp_path / "first"), tmp_path / "second"
    second.mkdir()
    assert cli("sync", str(first)).exit_code == 0 and cli("sync", str(second)).exit_code == 0
    result = cli("sync", str(first), "--unlink")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines()[-1] == f"Posts written in Blogster now get their files in {second}."
    assert cli("blogs", "new", "Five", input="Written after.\n").exit_code == 0
    synced = cli("sync", str(second))
    assert synced.exit_code == 0 and "created: five.md" in synced.stderr, synced.stderr
    assert not (first / "five.md").exists()
    [status] = cli("sync", "status", "--json").json()
    assert status["folder"] == str(second) and status["receives_new_posts"] is True
