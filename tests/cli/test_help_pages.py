"""The help pages `quickstart` publishes show each command's live `--help` (examples/docs/commands)
and README's sections (examples/docs/guides): an option or README change that leaves them stale
fails here until `python tools/help_pages.py` rewrites them."""

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.core import TyperGroup

from blogster_cli.cli.app import app
from tools import help_pages

ROOT = Path(__file__).resolve().parents[2]


def test_help_pages_match_the_live_help() -> None:
    """In a fresh interpreter, as a user's `blogster --help` runs: another test in this worker must
    not change what the help says (under xdist's work stealing one did, run 115)."""
    checked = subprocess.run(
        [sys.executable, "tools/help_pages.py", "--check"], cwd=ROOT, capture_output=True, text=True, timeout=300,
        env={name: value for name, value in os.environ.items() if name in ("PATH", "HOME", "PYTHONPATH", "LANG")},
    )  # fmt: skip
    assert checked.returncode == 0, "run `python tools/help_pages.py` to rewrite these pages:\n" + checked.stdout


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


def command_paths() -> list[str]:
    """Every command and group of the live CLI that help shows, as `blogster <path>` runs it.

    Typer 0.28 carries its own click, whose groups are TyperGroups (not `click.Group`); the root
    group lists and loads its lazily imported groups without a context."""

    def walk(group: Any, path: tuple[str, ...]) -> Iterator[str]:
        for name in group.list_commands(None):
            command = group.get_command(None, name)
            if command is None or command.hidden:  # hidden: `rm`'s `delete` aliases
                continue
            yield " ".join((*path, name))
            if isinstance(command, TyperGroup):
                yield from walk(command, (*path, name))

    return list(walk(typer.main.get_command(app), ()))


def test_every_command_has_a_help_block() -> None:
    """Each command and group has a page or section holding its `--help`, so docs search finds it."""
    documented = {
        block.group(2)
        for path in help_pages.PAGES.glob("*.md")
        for block in help_pages.HELP_BLOCK.finditer(path.read_text(encoding="utf-8"))
    }
    commands = command_paths()
    assert {"admin users purge", "posts tag add", "doctor"} <= set(commands)  # the walk reaches leaves
    assert "posts delete" not in commands
    missing = [command for command in commands if command not in documented]
    assert missing == [], f"{len(missing)} commands have no help block in examples/docs/commands: " + ", ".join(missing)


def test_guides_match_the_readme() -> None:
    """The guides were hand copies of README sections, and drifted (ten mended on 2026-12-04)."""
    stale = [path.name for path in help_pages.stale_guides(write=False)]
    assert stale == [], "run `python tools/help_pages.py` to rewrite these guides: " + ", ".join(stale)


def test_a_guide_is_its_sections_own_text_under_a_title() -> None:
    readme = (
        "# Blogster\n\nIntro.\n\n## Backups\n\nOne.\n\n```bash\n# not a heading\n```\n\n"
        "### Restoring\n\nTwo.\n\n## Backups\n\nA second section of that name.\n"
    )
    sections = help_pages.readme_sections(readme)
    assert sections["Backups"] == "One.\n\n```bash\n# not a heading\n```"
    assert sections["Restoring"] == "Two." and sections["Blogster"] == "Intro."
    assert help_pages.guide_name("The studio: `blogster tui`") == "the-studio-blogster-tui"
    written = help_pages.guide_pages(help_pages.README.read_text(encoding="utf-8"))
    backups = written["backups.md"]
    assert backups.startswith("# Backups\n\n") and backups[11] != "\n" and backups[-2:] != "\n\n"
    assert "### What an account" not in written["security-model-who-can-see-what-and-how.md"]
    for name, text in written.items():  # one heading each, its title: subsections are guides of their own
        assert list(help_pages.readme_sections(text)) == [text.split("\n", 1)[0].removeprefix("# ")], name


def test_stale_guides_are_rewritten_and_pages_of_no_section_removed(tmp_path: Path) -> None:
    guides = tmp_path / "guides"
    shutil.copytree(help_pages.GUIDES, guides)
    (guides / "backups.md").write_text("# Backups\n\nAn old copy.\n", encoding="utf-8")
    (guides / "workers.md").unlink()
    (guides / "hand-written.md").write_text("# Mine\n", encoding="utf-8")
    stale = help_pages.stale_guides(guides, write=True)
    assert [path.name for path in stale] == ["backups.md", "hand-written.md", "workers.md"]
    assert not (guides / "hand-written.md").exists()
    written = help_pages.guide_pages(help_pages.README.read_text(encoding="utf-8"))
    assert (guides / "backups.md").read_text(encoding="utf-8") == written["backups.md"]
    assert help_pages.stale_guides(guides, write=False) == []


def test_a_listed_section_gone_from_the_readme_is_named(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(help_pages.README.read_text(encoding="utf-8").replace("## Backups\n", "## Backing up\n"))
    with pytest.raises(SystemExit, match="README.md has no section 'Backups'"):
        help_pages.stale_guides(tmp_path, readme, write=False)


def test_the_guides_that_help_and_tests_name_are_written() -> None:
    """`blogster docs show guides/backups` is a help example; other tests read these guides."""
    names = help_pages.guide_pages(help_pages.README.read_text(encoding="utf-8"))
    assert {"backups.md", "exit-codes.md", "import-and-export.md", "set-up-a-fresh-machine.md"} <= set(names)
