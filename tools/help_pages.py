"""Rewrites the `--help` copies in Blogster's help pages from the live CLI.

The pages in examples/docs/commands are what `blogster quickstart` publishes and `blogster docs
search` finds, so a copy of an old `--help` tells users about options that are gone. Each ```text
block starting with `Usage: blogster <command>` is replaced by that command's help at a fixed
width; front matter, headings and prose stay as they are.

    python tools/help_pages.py          rewrite the pages
    python tools/help_pages.py --check  print the pages that differ and exit 1
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from typer.testing import CliRunner

from blogster_cli.cli.app import app

PAGES = Path(__file__).resolve().parents[1] / "examples" / "docs" / "commands"
# The terminal the help is printed for, so the wrapping is the same on every machine. Click wraps
# at 2 columns less than the terminal's; CliRunner would force 80, so the width is passed too.
HELP_ENVIRONMENT = {"COLUMNS": "80", "NO_COLOR": "1", "TERM": "dumb"}
HELP_WIDTH = 78
HELP_BLOCK = re.compile(r"^```text\n(Usage: blogster ([^\[\n]+?) \[OPTIONS\].*?\n)```$", re.MULTILINE | re.DOTALL)


def live_help(command: str) -> str:
    """`blogster <command> --help` as a user sees it (run in-process: one import for all pages)."""
    arguments = [*command.split(), "--help"]
    result = CliRunner().invoke(app, arguments, env=HELP_ENVIRONMENT, prog_name="blogster", terminal_width=HELP_WIDTH)
    if result.exit_code != 0:
        raise SystemExit(f"blogster {command} --help failed ({result.exit_code}): {result.output}")
    return result.output


def regenerated(page: str) -> str:
    """`page` with each help block replaced by its command's live help."""
    return HELP_BLOCK.sub(lambda block: f"```text\n{live_help(block.group(2))}```", page)


def stale_pages(pages: Path = PAGES, *, write: bool) -> list[Path]:
    """The pages whose help blocks differ from the live help, rewritten if `write`."""
    stale = []
    for path in sorted(pages.glob("*.md")):
        page = path.read_text(encoding="utf-8")
        fresh = regenerated(page)
        if fresh != page:
            stale.append(path)
            if write:
                path.write_text(fresh, encoding="utf-8")
    return stale


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Rewrite the --help copies in examples/docs/commands.")
    parser.add_argument("--check", action="store_true", help="only print the pages that differ; exit 1 if any")
    check = parser.parse_args(argv).check
    stale = stale_pages(write=not check)
    for path in stale:
        print(f"{path.relative_to(PAGES.parents[2])}{' differs from --help' if check else ' rewritten'}")
    return 1 if check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
