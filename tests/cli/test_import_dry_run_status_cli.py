"""`import --dry-run`, which README says to run first, says what each file's post would be
(published, scheduled, draft) and how many would be live: before, its rows and `--json` said
only "would import", and a folder of drafts looked like a folder of posts going out (h494)."""

from pathlib import Path

import pytest


def write_posts(folder: Path) -> Path:
    folder.mkdir(parents=True)
    (folder / "live.md").write_text("---\ntitle: Live\ndate: 2024-01-02\n---\nOut now.\n")
    (folder / "later.md").write_text("---\ntitle: Later\ndate: 2099-01-02\n---\nEmbargoed.\n")
    (folder / "held.md").write_text("---\ntitle: Held\ndraft: true\n---\nNot yet.\n")
    (folder / "broken.md").write_text("---\ntitle: [oops\n---\nBody\n")
    return folder


@pytest.mark.same_on_every_server  # files read and written (Python-bound): CI's second pass leaves it out
def test_the_dry_run_says_each_files_status_and_how_many_would_be_live(cli, signed_up, tmp_path):
    folder = write_posts(tmp_path / "posts")
    text = cli("import", str(folder), "--dry-run")
    assert text.exit_code == 1  # the broken file, as the import itself would say
    rows = [line.split("\t") for line in text.stdout.splitlines()]
    assert rows[0] == ["outcome", "path", "slug", "status", "reason"]
    assert sorted((Path(row[1]).name, row[3]) for row in rows[1:]) == [
        ("broken.md", ""), ("held.md", "draft"), ("later.md", "scheduled"), ("live.md", "published"),
    ]  # fmt: skip
    assert text.stderr.splitlines()[-1] == (
        "Dry run, nothing changed: 4 items: 3 would import, 0 updated, 0 unchanged, 0 skipped, 1 failed"
        " (1 would be published, 1 scheduled)."
    )
    report = cli("import", str(folder), "--dry-run", "--json").json()
    assert {Path(f["path"]).name: f["status"] for f in report["files"]} == {
        "broken.md": None, "held.md": "draft", "later.md": "scheduled", "live.md": "published",
    }  # fmt: skip
    assert (report["counts"]["published"], report["counts"]["scheduled"]) == (1, 1)

    (folder / "broken.md").unlink()
    assert cli("import", str(folder)).exit_code == 0
    (folder / "held.md").write_text("---\ntitle: Held\n---\nNot yet.\n")  # no longer a draft
    again = cli("import", str(folder), "--dry-run", "--json").json()
    assert {Path(f["path"]).name: (f["outcome"], f["status"]) for f in again["files"]} == {
        "held.md": ("updated", "published"), "later.md": ("unchanged", "scheduled"),
        "live.md": ("unchanged", "published"),
    }  # fmt: skip
    assert (
        cli("import", str(folder), "--dry-run").stderr.splitlines()[-1].endswith("(2 would be published, 1 scheduled).")
    )
