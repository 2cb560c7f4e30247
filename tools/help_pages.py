"""Rewrites Blogster's help pages from their sources: the commands' `--help` and README's sections.

The pages in examples/docs are what `blogster quickstart` publishes and `blogster docs search`
finds, so a copy of an old `--help` or an old README paragraph tells users about options and
behaviour that are gone. In examples/docs/commands each ```text block starting with `Usage:
blogster <command>` is replaced by that command's help at a fixed width; front matter, headings and
prose stay as they are. Each page of examples/docs/guides is written whole from the README section
GUIDE_SECTIONS names: `# <heading>` and the section's own text, up to its first subsection (a
subsection is a guide of its own); a page there that no listed section writes is removed.

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

ROOT = Path(__file__).resolve().parents[1]
PAGES = ROOT / "examples" / "docs" / "commands"
GUIDES = ROOT / "examples" / "docs" / "guides"
README = ROOT / "README.md"
# The terminal the help is printed for, so the wrapping is the same on every machine. Click wraps
# at 2 columns less than the terminal's; CliRunner would force 80, so the width is passed too.
HELP_ENVIRONMENT = {"COLUMNS": "80", "NO_COLOR": "1", "TERM": "dumb"}
HELP_WIDTH = 78
HELP_BLOCK = re.compile(r"^```text\n(Usage: blogster ([^\[\n]+?) \[OPTIONS\].*?\n)```$", re.MULTILINE | re.DOTALL)
# The README sections published as guides, by heading (any level): each is guides/<guide_name>.md,
# so `blogster docs show guides/backups` shows "## Backups". Renaming one renames its page: the
# check fails until this list names the new heading (help examples name guides/backups).
GUIDE_SECTIONS = (
    "Set up a fresh machine",
    "Your first ten minutes",
    "What you can do",
    "Exit codes",
    "Writing from the terminal",
    "Import and export",
    "Syncing a folder",
    "Publishing a site",
    "Distribution: cross-posting and newsletters",
    "Social posts and interactive content",
    "Writing with AI",
    "The studio: `blogster tui`",
    "Access-log analytics",
    "Documentation",
    "The support chatbot",
    "Planning: the content calendar",
    "Due work from cron",
    "Team review",
    "Where things live",
    "The embedded server",
    "Security model: who can see what, and how",
    "What an account holding only its own credentials can and cannot do",
    "Workers",
    "Backups",
    "Development",
)
_HEADING = re.compile(r"^#{1,6}[ \t]+(.+?)[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


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


def readme_sections(readme: str) -> dict[str, str]:
    """Each heading's own text, up to the next heading of any level, by heading (the first of
    two alike). Lines in fenced code (`# a shell comment`) are text, not headings."""
    sections: dict[str, list[str]] = {}
    lines: list[str] = []  # the text before the first heading, then each section's
    fence = ""
    for line in readme.splitlines():
        heading = None if fence else _HEADING.match(line)
        if heading:
            lines = []
            sections.setdefault(heading.group(1), lines)
            continue
        if opening := _FENCE.match(line):
            if not fence:
                fence = opening.group(1)
            elif opening.group(1).startswith(fence) and not line.strip().strip(fence[0]):
                fence = ""
        lines.append(line)
    return {heading: "\n".join(text).strip("\n") for heading, text in sections.items()}


def guide_name(heading: str) -> str:
    """A guide's file name (less `.md`): the heading's words, lower case, joined by `-`."""
    return re.sub(r"[^a-z0-9]+", "-", heading.lower()).strip("-")


def guide_pages(readme: str) -> dict[str, str]:
    """Each guide's file name and text, from the README."""
    sections = readme_sections(readme)
    missing = [heading for heading in GUIDE_SECTIONS if heading not in sections]
    if missing:
        raise SystemExit(f"README.md has no section {', '.join(map(repr, missing))}: update GUIDE_SECTIONS")
    return {f"{guide_name(heading)}.md": f"# {heading}\n\n{sections[heading]}\n" for heading in GUIDE_SECTIONS}


def stale_guides(guides: Path = GUIDES, readme: Path = README, *, write: bool) -> list[Path]:
    """The guides that differ from their README section, and the pages of `guides` that none
    writes; rewritten and removed if `write`."""
    wanted = {guides / name: text for name, text in guide_pages(readme.read_text(encoding="utf-8")).items()}
    stale = [path for path, text in wanted.items() if not path.is_file() or path.read_text(encoding="utf-8") != text]
    extra = [path for path in guides.glob("*.md") if path not in wanted]
    if write:
        for path in stale:
            path.write_text(wanted[path], encoding="utf-8")
        for path in extra:
            path.unlink()
    return sorted(stale + extra)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Rewrite the help pages in examples/docs from --help and README.md.")
    parser.add_argument("--check", action="store_true", help="only print the pages that differ; exit 1 if any")
    check = parser.parse_args(argv).check
    stale = stale_pages(write=not check)
    for path in stale:
        print(f"{path.relative_to(ROOT)}{' differs from --help' if check else ' rewritten'}")
    guides = stale_guides(write=not check)
    for path in guides:
        if check:
            print(f"{path.relative_to(ROOT)} differs from README.md")
        else:
            print(f"{path.relative_to(ROOT)}{' rewritten' if path.exists() else ' removed'}")
    return 1 if check and (stale or guides) else 0


if __name__ == "__main__":
    sys.exit(main())
