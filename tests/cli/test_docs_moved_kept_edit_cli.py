"""A docs file moved while its page holds an edit made in Blogster is the same page moved (the
edit kept), and `--publish` says why a kept edit with no text stays a draft."""

from __future__ import annotations

from tests.cli.test_docs_cli import write


def pages(cli) -> dict[str, tuple[str, str | None]]:
    return {p["slug"]: (p["status"], p["path"]) for p in cli("docs", "list", "--json").json()}


def test_a_moved_file_whose_page_holds_a_kept_edit_moves_the_page_and_keeps_the_edit(cli, signed_up, tmp_path):
    root = write(tmp_path / "docs", {"index.md": "# Welcome\n", "guide/workers.md": "# Workers\n\nAs the file says.\n"})
    assert cli("docs", "import", str(root), "--publish").exit_code == 0
    edited = write(tmp_path / "edit", {"workers.md": "# Workers\n\nEdited in Blogster.\n"}) / "workers.md"
    assert cli("docs", "edit", "guide/workers", "--from", str(edited)).exit_code == 0
    (root / "ops").mkdir()
    (root / "guide/workers.md").rename(root / "ops/workers.md")
    result = cli("docs", "import", str(root), "--json")
    assert result.exit_code == 0, result.stderr
    report = result.json()
    assert report["created"] == [] and report["withdrawn"] == [], report
    assert report["edits_kept"] == ["ops/workers"], report
    assert any("ops/workers.md: moved from guide/workers.md" in note for note in report["notes"]), report["notes"]
    assert pages(cli) == {"index": ("published", "index.md"), "ops/workers": ("published", "ops/workers.md")}
    assert "Edited in Blogster." in cli("docs", "show", "ops/workers").stdout
    # Where it is now is recorded: the next import finds it by its path, the edit still kept.
    again = cli("docs", "import", str(root), "--json").json()
    assert again["edits_kept"] == ["ops/workers"] and again["notes"] == [] and again["withdrawn"] == [], again


def test_publish_says_why_a_kept_edit_with_no_text_stays_a_draft(cli, signed_up, tmp_path):
    root = write(tmp_path / "docs", {"guide/workers.md": "# Workers\n\nAs the file says.\n"})
    assert cli("docs", "import", str(root)).exit_code == 0
    emptied = write(tmp_path / "edit", {"workers.md": "---\ntitle: Workers\n---\n"}) / "workers.md"  # no body
    assert cli("docs", "edit", "guide/workers", "--from", str(emptied)).exit_code == 0
    result = cli("docs", "import", str(root), "--publish")
    assert result.exit_code == 0, result.stderr
    assert "note: guide/workers.md: the edit kept in page 'guide/workers' has no text, so not published" in (
        result.stderr.splitlines()
    ), result.stderr
    assert pages(cli) == {"guide/workers": ("draft", "guide/workers.md")}
