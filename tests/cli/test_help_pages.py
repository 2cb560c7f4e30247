"""The help pages `quickstart` publishes (examples/docs/commands) show each command's live `--help`:
an option change that leaves them stale fails here until `python tools/help_pages.py` rewrites them."""

from pathlib import Path

from tools import help_pages


def test_help_pages_match_the_live_help() -> None:
    stale = [path.name for path in help_pages.stale_pages(write=False)]
    assert stale == [], "run `python tools/help_pages.py` to rewrite these pages: " + ", ".join(stale)


def test_every_page_has_help_blocks() -> None:
    """A block the generator does not recognise would silently stay stale."""
    for path in sorted(help_pages.PAGES.glob("*.md")):
        page = path.read_text(encoding="utf-8")
        assert page.count("```text\n") == len(help_pages.HELP_BLOCK.findall(page)) > 0, path.name


def test_a_stale_block_is_rewritten_and_prose_kept(tmp_path: Path) -> None:
    page = "---\ntitle: t\n---\n# blogster auth\n\nProse.\n\n```text\nUsage: blogster auth whoami [OPTIONS]\n\nold\n```\n\nMore prose.\n"
    (tmp_path / "auth.md").write_text(page, encoding="utf-8")
    assert help_pages.stale_pages(tmp_path, write=True) == [tmp_path / "auth.md"]
    rewritten = (tmp_path / "auth.md").read_text(encoding="utf-8")
    assert rewritten.startswith("---\ntitle: t\n---\n# blogster auth\n\nProse.\n\n```text\nUsage: blogster auth whoami")
    assert "old" not in rewritten and "  --json  " in rewritten and rewritten.endswith("```\n\nMore prose.\n")
    assert help_pages.stale_pages(tmp_path, write=False) == []
