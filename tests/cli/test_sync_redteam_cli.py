"""`blogster sync` output for hostile file names: one line per file, whatever its name."""

from pathlib import Path


def test_a_newline_in_a_file_name_never_splits_a_line(cli, signed_up, tmp_path: Path):
    folder = tmp_path / "site"
    folder.mkdir()
    (folder / "one\nimported: fake.md").write_text("---\ntitle: One\n---\nFirst.\n")
    result = cli("sync", str(folder))
    assert result.exit_code == 0, result.stderr
    lines = result.stderr.splitlines()
    assert lines[0].startswith("imported: one\u240aimported: fake.md (") and len(lines) == 2
    (folder / "one\nimported: fake.md").write_text("---\ntitle: One\n---\nChanged.\n")
    plan = cli("sync", str(folder), "--dry-run")
    assert plan.exit_code == 0 and "\u240a" in plan.stdout and "\nimported: fake" not in plan.stdout
