"""`blogster sync` from the terminal: summary lines, --json, --dry-run, status, exit codes."""

from pathlib import Path


def site(folder: Path) -> Path:
    folder.mkdir()
    (folder / "one.md").write_text("---\ntitle: One\n---\nFirst.\n")
    (folder / "two.md").write_text("---\ntitle: Two\n---\nSecond.\n")
    return folder


def test_sync_links_then_reports_nothing_to_do(cli, signed_up, tmp_path):
    folder = site(tmp_path / "site")
    first = cli("sync", str(folder))
    assert first.exit_code == 0, first.stderr
    assert first.stdout == ""
    assert first.stderr.splitlines()[-1] == f"{folder} (linked now) [hugo]: 2 imported; 0 unchanged."
    again = cli("sync", str(folder))
    assert again.exit_code == 0 and again.stderr.splitlines() == [f"{folder} [hugo]: nothing to do; 2 unchanged."]


def test_conflict_exits_5_and_json_lists_it(cli, signed_up, tmp_path):
    folder = site(tmp_path / "site")
    cli("sync", str(folder))
    (folder / "one.md").write_text("---\ntitle: One\n---\nChanged on disk.\n")
    edited = cli("blogs", "edit", "one", "--title", "One, edited")
    assert edited.exit_code == 0, edited.stderr
    result = cli("sync", str(folder), "--json")
    assert result.exit_code == 5
    assert result.stderr.startswith("error: 1 file has changed on both sides (first: one.md)")
    data = result.json()
    assert data["counts"]["conflict"] == 1 and data["files"][0]["path"] == "one.md"
    assert (folder / "one.md.conflict").exists()
    status = cli("sync", "status", "--json")
    assert status.exit_code == 0
    [linked] = status.json()
    assert linked["folder"] == str(folder) and linked["conflicts"] == 1 and linked["receives_new_posts"] is True


def test_dry_run_shows_the_plan_and_status_counts_pending(cli, signed_up, tmp_path):
    folder = site(tmp_path / "site")
    plan = cli("sync", str(folder), "--dry-run")
    assert plan.exit_code == 0 and "would be imported" in plan.stdout
    assert cli("blogs", "list", "--format", "count").stdout.strip() == "0"
    cli("sync", str(folder))
    (folder / "three.md").write_text("---\ntitle: Three\n---\nThird.\n")
    [linked] = cli("sync", "status", "--json").json()
    assert linked["pending"] == 1 and linked["conflicts"] == 0


def test_missing_folder_is_a_usage_error(cli, signed_up, tmp_path):
    result = cli("sync", str(tmp_path / "nope"))
    assert result.exit_code == 2 and result.stderr == f"error: no such folder: {tmp_path / 'nope'}\n"


def test_a_file_given_as_the_folder_is_a_usage_error_that_says_so(cli, signed_up, tmp_path):
    (tmp_path / "afile").write_text("---\ntitle: One\n---\nFirst.\n")
    result = cli("sync", str(tmp_path / "afile"))
    assert result.exit_code == 2 and result.stderr == f"error: {tmp_path / 'afile'} is a file, not a folder\n"
    watching = cli("sync", str(tmp_path / "afile"), "--watch")
    assert watching.exit_code == 2 and watching.stderr.endswith(
        f"error: {tmp_path / 'afile'} is a file, not a folder\n"
    )
    assert cli("sync", "status", "--json").json() == []  # nothing was linked


def test_watch_syncs_a_save_and_stops_cleanly_on_ctrl_c(cli, signed_up, tmp_path, db):
    import os
    import signal
    import subprocess
    import sys
    import time

    folder = site(tmp_path / "site")
    env = {**os.environ, "BLOGSTER_DATABASE_URL": db.conninfo}
    # Ctrl-C reaches a command in the foreground of a terminal; started from a script's background
    # job (as CI may run the tests), the command would inherit SIGINT ignored, as the shell's convention is.
    watcher = subprocess.Popen(
        [sys.executable, "-m", "blogster_cli", "sync", str(folder), "--watch"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        # The first run's end (its last_run_at), not its posts' commit: on a loaded machine a save made
        # between the two was read by that run, which then reported "2 imported" and no update (run 116).
        while not _ran_once(cli) and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(1)
        (folder / "one.md").write_text("---\ntitle: One, saved while watching\n---\nFirst.\n")
        while "saved while watching" not in cli("blogs", "list", "--json").stdout and time.monotonic() < deadline:
            time.sleep(0.2)
        assert "saved while watching" in cli("blogs", "list", "--json").stdout
    finally:
        watcher.send_signal(signal.SIGINT)
        _, stderr = watcher.communicate(timeout=30)
    assert watcher.returncode == 0, stderr
    assert "updated: one.md" in stderr and stderr.rstrip().endswith("Stopped.") and "Traceback" not in stderr


def _ran_once(cli) -> bool:
    """Whether a run of the one linked folder has ended (`sync status` gives its last run)."""
    status = cli("sync", "status", "--json")
    return status.exit_code == 0 and any(folder.get("last_run_at") for folder in status.json())


def test_watch_with_dry_run_is_a_usage_error_and_changes_nothing(cli, signed_up, tmp_path, monkeypatch):
    """`sync --watch --dry-run` ignored --dry-run: it linked the folder, imported its files and
    wrote those of posts edited in Blogster, and its --json said "dry_run": false."""
    from blogster_cli.services import sync as sync_service

    def watched(*args, **kwargs):
        raise AssertionError("a watch started")  # (it would run until stopped)

    monkeypatch.setattr(sync_service, "watch", watched)
    folder = site(tmp_path / "site")
    for extra in ([], ["--json"]):
        result = cli("sync", str(folder), "--watch", "--dry-run", *extra)
        assert result.exit_code == 2 and result.stdout == ""
        assert result.stderr == (
            "error: --watch does not go with --dry-run: a watch changes things as they change"
            " (drop --watch to see the plan)\n"
        )
    assert cli("sync", "status", "--json").json() == []
    assert cli("blogs", "list", "--format", "count").stdout.strip() == "0"


def test_a_file_edited_while_its_post_is_in_the_trash_is_a_conflict_status_counts(cli, signed_up, tmp_path):
    """Sync reported it (exit 5), yet `sync status` said 0 conflicts: no row records it."""
    folder = site(tmp_path / "site")
    assert cli("sync", str(folder)).exit_code == 0
    assert cli("blogs", "rm", "one").exit_code == 0
    (folder / "one.md").write_text("---\ntitle: One\n---\nEdited while in the trash.\n")
    result = cli("sync", str(folder))
    assert result.exit_code == 5 and "conflict: one.md (its post was moved to the trash" in result.stderr
    [linked] = cli("sync", "status", "--json").json()
    assert (linked["conflicts"], linked["pending"]) == (1, 0)
    (folder / "one.md").unlink()  # the file goes as its post did: no conflict left
    assert cli("sync", str(folder)).exit_code == 0
    assert cli("sync", "status", "--json").json()[0]["conflicts"] == 0


def test_a_conflict_beside_a_file_with_a_long_name_is_written_under_a_name_that_fits(cli, signed_up, tmp_path):
    """A 252-byte name's `NAME.md.conflict` passes 255 bytes: the run failed on it (exit 1), on
    every run, and `sync status` counted no conflict."""
    folder = tmp_path / "site"
    folder.mkdir()
    name = "a" * 249 + ".md"
    (folder / name).write_text("---\ntitle: Long\nslug: long\n---\nFirst.\n")
    assert cli("sync", str(folder)).exit_code == 0
    (folder / name).write_text("---\ntitle: Long\nslug: long\n---\nChanged on disk.\n")
    assert cli("blogs", "edit", "long", "--title", "Long, edited").exit_code == 0
    for _ in range(2):  # written once, then reported as unresolved
        result = cli("sync", str(folder))
        assert result.exit_code == 5, result.stderr
        [beside] = [path for path in folder.iterdir() if path.name != name]
        assert beside.name.endswith(".conflict") and len(beside.name.encode()) == 255
        assert "Long, edited" in beside.read_text()
        assert cli("sync", "status", "--json").json()[0]["conflicts"] == 1
    assert beside.name in result.stderr
    (folder / name).write_text("---\ntitle: Long, settled\nslug: long\n---\nChanged on disk.\n")
    resolved = cli("sync", str(folder))
    assert resolved.exit_code == 0 and f"updated: {name} (conflict resolved: the file wins)" in resolved.stderr
    assert [path.name for path in folder.iterdir()] == [name]


def test_the_whole_file_system_or_the_home_folder_is_refused_before_any_listing(cli, signed_up, tmp_path, monkeypatch):
    """Walk 13: `blogster sync /` started reading every markdown file of the disk as the site's posts."""
    from blogster_cli.services import sync as sync_service
    from tests.cli.conftest import error_message

    def listed(root):
        raise AssertionError(f"{root} was listed")

    monkeypatch.setattr(sync_service, "_list", listed)
    home = tmp_path / "home"
    (home / "site").mkdir(parents=True)
    for folder, what in (("/", "the whole file system"), (str(home), "your home folder"),
                         (str(tmp_path), "a folder holding your home folder")):  # fmt: skip
        for extra in ([], ["--watch"], ["--dry-run"]):
            result = cli("sync", folder, *extra, env={"HOME": str(home)})
            message = error_message(result, 2)
            assert message == f"{folder} is {what}: sync the folder of one site (such as ~/site)"
    assert cli("sync", "status", "--json").json() == []  # nothing was linked


def test_a_dry_run_says_a_file_would_fail(cli, signed_up, tmp_path):
    """Walk 13: the plan said "would be failed"."""
    folder = site(tmp_path / "site")
    (folder / "broken.md").write_text("---\ntitle: [unclosed\n---\nBody.\n")
    plan = cli("sync", str(folder), "--dry-run")
    assert plan.exit_code == 1
    [row] = [line for line in plan.stdout.splitlines() if "broken.md" in line]
    assert row.startswith("would fail\tbroken.md\t") and "would be failed" not in plan.stdout


def test_a_section_page_is_skipped_as_import_skips_it_and_a_skipped_file_is_not_also_unchanged(
    cli, signed_up, tmp_path
):
    """Walk 13: import listed `_index.md` as skipped, sync said nothing of it; a headless page sync
    skipped was counted as unchanged too."""
    folder = site(tmp_path / "site")
    (folder / "_index.md").write_text("---\ntitle: Section\n---\nList.\n")
    (folder / "bundle").mkdir()
    (folder / "bundle" / "index.md").write_text("---\ntitle: Headless\nheadless: true\n---\nText.\n")
    for run in range(2):
        result = cli("sync", str(folder), "--json")
        assert result.exit_code == 0, result.stderr
        data = result.json()
        skipped = {file["path"]: file["note"] for file in data["files"] if file["action"] == "skipped"}
        assert skipped == {
            "_index.md": "section index page, not a post",
            "bundle/index.md": "headless bundle (headless: true): not a page, not a post",
        }
        assert data["counts"]["skipped"] == 2 and data["counts"]["unchanged"] == 2 * run  # one.md, two.md


def test_a_file_import_warns_of_is_warned_of_by_sync_on_stderr_and_in_json(cli, signed_up, tmp_path):
    """A file that says it is published with nothing to show is kept as a draft with a warning:
    `import` said so, sync imported it (and an edit of it) silently. Now the same `warning:` line
    on stderr, and under `warnings` in `--json`, as import puts it."""
    folder = site(tmp_path / "site")
    (folder / "soon.md").write_text("---\ntitle: Coming soon\ndraft: false\n---\n")
    warning = "soon.md: kept as a draft: it says it is published, but it has no content"
    plan = cli("sync", str(folder), "--dry-run", "--json")
    assert plan.exit_code == 0 and plan.json()["warnings"] == [warning]
    linked = cli("sync", str(folder))
    assert linked.exit_code == 0, linked.stderr
    assert f"warning: {warning}" in linked.stderr.splitlines()
    (folder / "soon.md").write_text("---\ntitle: Coming soon, really\ndraft: false\n---\n")
    edited = cli("sync", str(folder), "--json")
    assert edited.exit_code == 0, edited.stderr
    data = edited.json()
    assert [(file["path"], file["action"]) for file in data["files"]] == [("soon.md", "updated")]
    assert data["warnings"] == [warning]
    assert cli("sync", str(folder), "--json").json()["warnings"] == []  # said once: nothing changed since


def test_edits_made_before_the_folder_was_linked_are_written_to_it(cli, signed_up, tmp_path):
    """A post edited in Blogster between `import` and the folder's first `sync` (its file unchanged)
    was skipped on every run ("the Blogster edit is kept"), its file never written: a post unpublished
    in Blogster stayed live in the folder's build, and `sync status` showed nothing pending. It is a
    change in the database only, written to its file as an edit made once the folder is linked."""
    folder = site(tmp_path / "site")
    assert cli("import", str(folder)).exit_code == 0
    assert cli("unpublish", "one").exit_code == 0
    assert cli("blogs", "edit", "two", "--title", "Two, retitled").exit_code == 0
    first = cli("sync", str(folder))
    assert first.exit_code == 0, first.stderr
    assert "skipped" not in first.stderr
    assert "written: one.md (edited in Blogster since the file was imported" in first.stderr
    assert "draft: true" in (folder / "one.md").read_text()
    assert "title: Two, retitled" in (folder / "two.md").read_text()
    assert cli("blogs", "show", "one", "--json").json()["status"] == "draft"
    again = cli("sync", str(folder))
    assert again.exit_code == 0 and again.stderr.splitlines() == [f"{folder} [hugo]: nothing to do; 2 unchanged."]
    assert cli("blogs", "edit", "two", "--title", "Two, again").exit_code == 0
    later = cli("sync", str(folder))
    assert later.exit_code == 0 and "written: two.md" in later.stderr
    assert "title: Two, again" in (folder / "two.md").read_text()
    [linked] = cli("sync", "status", "--json").json()
    assert (linked["pending"], linked["conflicts"]) == (0, 0)


def test_a_conflict_the_file_wins_says_when_it_publishes_a_post_unpublished_in_blogster(cli, signed_up, tmp_path):
    """A conflict resolved by editing the file published again, silently, a post unpublished in
    Blogster: the file's status went in with its text. Sync keeps only the hash of the file it last
    saw, not what it said, so it cannot tell which side set the status: the change is a warning."""
    folder = site(tmp_path / "site")
    assert cli("sync", str(folder)).exit_code == 0
    assert cli("unpublish", "one").exit_code == 0
    (folder / "one.md").write_text("---\ntitle: One\n---\nChanged on disk.\n")
    conflict = cli("sync", str(folder))
    assert conflict.exit_code == 5 and "draft: true" in (folder / "one.md.conflict").read_text()
    (folder / "one.md").write_text("---\ntitle: One\n---\nChanged on disk, settled.\n")
    resolved = cli("sync", str(folder))
    assert resolved.exit_code == 0 and "updated: one.md (conflict resolved: the file wins)" in resolved.stderr
    assert (
        "warning: one.md: the file won the conflict, its status too: 'one' is published now, as the file says,"
        " draft in Blogster before (`blogster unpublish one` sets it back)"
    ) in resolved.stderr.splitlines()
