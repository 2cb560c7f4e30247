"""The help pages `quickstart` publishes (examples/docs/commands) show each command's live `--help`:
an option change that leaves them stale fails here until `python tools/help_pages.py` rewrites them."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import typer
from typer.core import TyperGroup

from blogster_cli.cli.app import app
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
