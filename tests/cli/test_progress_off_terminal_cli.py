"""`import`, `export` and `chatbot evaluate` decide alike (output.progress_shown) between a
terminal's progress bar, with its per-item notes, and one summary line: on a terminal a file
imported under a suffixed slug is named; off one, or with --quiet, only the summary counts it."""

from __future__ import annotations

import io
import sys

import pytest


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def two_of_a_title(tmp_path):
    folder = tmp_path / "site"
    for name in ("a", "b"):
        (folder / name).mkdir(parents=True)
        (folder / name / "post.md").write_text("---\ntitle: Same title\nslug: same\n---\nBody.\n")
    return folder


def test_off_a_terminal_import_says_one_summary_line(cli, signed_up, two_of_a_title):
    result = cli("import", str(two_of_a_title))
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines() == [
        "2 items: 2 imported, 0 updated, 0 unchanged, 0 skipped, 0 failed (1 under a suffixed slug)."
    ]


def test_on_a_terminal_import_names_the_renamed_file_too(cli, signed_up, two_of_a_title, monkeypatch):
    shown = Terminal()
    monkeypatch.setattr(sys, "stderr", shown)
    result = cli("import", str(two_of_a_title))
    assert result.exit_code == 0
    drawn = shown.getvalue()
    first, second = two_of_a_title / "a" / "post.md", two_of_a_title / "b" / "post.md"
    assert "Importing" in drawn and "2/2" in drawn  # the bar
    assert f"imported: {second} (slug 'same' is taken by {first}; imported as 'same-2')\n" in drawn
    assert drawn.endswith(
        "\n2 items: 2 imported, 0 updated, 0 unchanged, 0 skipped, 0 failed (1 under a suffixed slug).\n"
    )


def test_quiet_on_a_terminal_draws_no_bar_and_says_nothing(cli, signed_up, two_of_a_title, monkeypatch):
    shown = Terminal()
    monkeypatch.setattr(sys, "stderr", shown)
    result = cli("--quiet", "import", str(two_of_a_title))
    assert result.exit_code == 0
    assert shown.getvalue() == ""


@pytest.fixture
def folded_names(cli, signed_up, tmp_path):
    """Two posts whose files' names differ only in case: exported together, one is numbered."""
    folder = tmp_path / "site" / "content" / "posts"
    folder.mkdir(parents=True)
    (folder / "Rust.md").write_text("---\ntitle: Rust\n---\nBody.\n")
    (folder / "rust.md").write_text("---\ntitle: rust again\n---\nBody.\n")
    assert cli("import", str(tmp_path / "site"), "--format", "hugo").exit_code == 0
    return tmp_path / "out"


def test_export_names_a_numbered_file_on_a_terminal_only(cli, folded_names, monkeypatch):
    piped = cli("export", str(folded_names), "--format", "hugo")
    assert piped.exit_code == 0, piped.stderr
    assert piped.stderr.splitlines() == [
        f"Wrote 2 posts and 0 images to {folded_names.resolve()} (1 under a suffixed file name)."
    ]
    shown = Terminal()
    monkeypatch.setattr(sys, "stderr", shown)
    again = cli("export", str(folded_names / "again"), "--format", "hugo")
    assert again.exit_code == 0
    drawn = shown.getvalue()
    assert "Exporting" in drawn and "2/2" in drawn  # the bar
    assert "rust: written as content/posts/rust-2.md (content/posts/rust.md is taken)\n" in drawn
    assert drawn.endswith(
        f"\nWrote 2 posts and 0 images to {(folded_names / 'again').resolve()} (1 under a suffixed file name).\n"
    )
