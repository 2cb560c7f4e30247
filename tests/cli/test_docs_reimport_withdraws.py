"""Re-importing a docs folder after files were deleted or moved: the pages of deleted files are
archived and reported (never while their files may still be there), moved files keep their pages,
and a file name holding a newline does not split the summary's lines."""

from __future__ import annotations

from tests.cli.test_docs_cli import write

TREE = {
    "index.md": "# Welcome\n",
    "widgets/tree.md": "# Tree\n\nA tree widget.\n",
    "guide/testing.md": "# Testing\n\nRun the tests.\n",
    "guide/events.md": "---\nslug: events\n---\n# Events\n",
}


def statuses(cli) -> dict[str, str]:
    return {p["slug"]: p["status"] for p in cli("docs", "list", "--json").json()}


def test_deleted_files_pages_are_withdrawn_and_moved_files_keep_their_page(cli, signed_up, tmp_path):
    root = write(tmp_path / "docs", TREE)
    assert cli("docs", "import", str(root), "--publish").exit_code == 0
    revisions = len(cli("docs", "revisions", "guide/testing", "--json").json())
    (root / "widgets/tree.md").unlink()
    (root / "moved").mkdir()
    (root / "guide/testing.md").rename(root / "moved/testing.md")  # same text: the same page
    (root / "guide/events.md").rename(root / "moved/events.md")  # same front-matter slug
    result = cli("docs", "import", str(root), "--json")
    assert result.exit_code == 0, result.stderr
    report = result.json()
    assert report["withdrawn"] == ["widgets/tree"] and report["created"] == []
    assert sorted(report["updated"]) == ["events", "moved/testing"]
    assert statuses(cli) == {"events": "published", "index": "published", "moved/testing": "published",
                             "widgets/tree": "archived"}  # fmt: skip
    assert any("moved/testing.md: moved from guide/testing.md" in note for note in report["notes"])
    # Moved, its text the same: no revision (0134: a page's revisions follow what it says).
    assert len(cli("docs", "revisions", "moved/testing", "--json").json()) == revisions
    assert cli("docs", "search", "widget", "--json").json()["results"] == []
    again = cli("docs", "import", str(root))  # reported once: already archived
    assert again.exit_code == 0 and "withdrawn" not in again.stderr


def test_the_text_summary_names_the_withdrawn_pages(cli, signed_up, tmp_path):
    root = write(tmp_path / "docs", TREE)
    assert cli("docs", "import", str(root), "--publish").exit_code == 0
    (root / "widgets/tree.md").unlink()
    result = cli("docs", "import", str(root))
    assert result.exit_code == 0, result.stderr
    assert "note: widgets/tree.md: the file is gone; its page 'widgets/tree' is archived" in result.stderr
    assert "0 created, 0 updated, 3 unchanged, 0 failed, 1 withdrawn" in result.stderr


def test_a_partial_or_failing_import_withdraws_nothing_still_there(cli, signed_up, tmp_path):
    root = write(tmp_path / "docs", TREE)
    assert cli("docs", "import", str(root), "--publish").exit_code == 0
    sub = cli("docs", "import", str(root / "guide"), "--rename", "--publish", "--json")  # a folder of its own
    assert sub.exit_code == 0 and sub.json()["withdrawn"] == []
    (root / "widgets/tree.md").write_text("---\ntitle: [oops\n---\n", encoding="utf-8")  # refused this run
    result = cli("docs", "import", str(root), "--json")
    assert result.exit_code == 1
    assert result.json()["withdrawn"] == []
    assert set(statuses(cli).values()) == {"published"}


def test_a_file_name_with_a_newline_stays_on_its_note_or_error_line(cli, signed_up, tmp_path):
    root = write(tmp_path / "docs", {"a\nb\x1b_c.md": "# Page\n", "bad\r\n.md": "---\ntitle: [oops\n---\n"})
    result = cli("docs", "import", str(root))
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert "note: a\u240ab\u241b_c.md: slug 'a\\nb\\x1b_c' normalised to 'a-b-c'" in lines
    assert any(line.startswith("error: bad\u240d\u240a.md: ") for line in lines)
