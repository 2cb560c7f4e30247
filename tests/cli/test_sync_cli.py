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
