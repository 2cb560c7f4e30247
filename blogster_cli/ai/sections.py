"""A post's level-2 sections, so `--section N` rewrites one part and leaves the rest byte for byte."""

from __future__ import annotations

from blogster_cli.errors import InvalidInput
from blogster_cli.wording import agreeing, plural


def split_sections(markdown: str) -> list[str]:
    """[text before the first '## ' heading, section 1, section 2, ...]; joined back they are the input."""
    parts: list[str] = [""]
    fenced = False
    for line in markdown.splitlines(keepends=True):
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        if not fenced and line.startswith("## "):
            parts.append("")
        parts[-1] += line
    return parts


def section(markdown: str, number: int) -> str:
    parts = split_sections(markdown)
    if not 1 <= number < len(parts):
        raise InvalidInput(
            f"the post has {plural(len(parts) - 1, 'section')} (level-2 {agreeing(len(parts) - 1, 'heading')});"
            f" there is no section {number}"
        )
    return parts[number]


def replace_section(markdown: str, number: int, text: str) -> str:
    parts = split_sections(markdown)
    section(markdown, number)  # the same range check
    ending = "\n\n" if number < len(parts) - 1 else ("\n" if parts[number].endswith("\n") else "")
    parts[number] = text.strip() + ending
    return "".join(parts)
