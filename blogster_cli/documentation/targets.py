"""MyST targets: the `(name)=` lines of a page, the labels its links (and other pages') may name.

MyST (Sphinx's markdown: attrs', structlog's, scikit-build-core's docs) declares a target with a
line of its own, `(name)=`, most often before a heading; `[text](name)` on any page of the set then
leads to that page (mdit_py_plugins' myst_blocks.target reads the line; Sphinx files the label as
docutils' fully_normalize_name: lower case, blanks as one space; myst-parser looks a link's target
up the same way, lower-cased). The line shows nothing on the built site.

A target line is a line that reads `(`, a name, `)=` once its blanks (and a quote's `>` marks) are
off, outside code. A fence of a MyST directive (```` ```{note} ````) holds markdown, targets and
all; any other fence (```` ```python ````, ```` ```{code-block} ````) holds code. Fences are read as
CommonMark reads them (content/fences.py), a directive's content in turn: the scan is linear in the
page's length. db/migrations/0150 and 0153 drop the same lines from the text search reads and
snippets are cut from (0153: in a directive's content too; code stays as written);
`without_targets` leaves them out of the page `docs show` and the TUI's docs viewer render.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import unquote

from blogster_cli.content import fences

# Directives whose content is code or another language, not markdown: a `(name)=` in it is text.
_CODE_DIRECTIVES = frozenset(
    {"code", "code-block", "sourcecode", "code-cell", "literalinclude", "eval-rst", "eval_rst", "raw", "math",
     "mermaid", "graphviz"}
)  # fmt: skip


def label(name: str) -> str:
    """A name as Sphinx files a label and myst-parser looks a link's target up: lower case, its
    blanks one space (docutils' fully_normalize_name)."""
    return " ".join(name.lower().split())


def target_label(target: str) -> str:
    """The label a link's target names, if it names one: percent-escapes read, as myst-parser reads them."""
    return label(unquote(target))


def _target_name(line: str) -> str | None:
    """The name a MyST target line declares (`(name)=`), else None."""
    text = line.lstrip(" \t>").rstrip(" \t")
    if len(text) > 3 and text[0] == "(" and text.endswith(")="):
        return text[1:-2]
    return None


def _holds_code(info: str) -> bool:
    """Whether a fence with this info string holds code (a MyST directive other than a code one: markdown)."""
    if not info.startswith("{"):
        return True
    name = info[1:].split("}", 1)[0].strip().lower()
    return "}" not in info or name in _CODE_DIRECTIVES


def _holds_markdown(info: str) -> bool:
    return not _holds_code(info)


def _read_lines(markdown: str) -> Iterator[tuple[str, bool]]:
    """Each line of `markdown` (split at its newlines, none lost) and whether it is read as markdown:
    not in code, nor a fence line (content/fences.py, a MyST directive's content read as markdown)."""
    lines = markdown.split("\n")
    for line, part in zip(lines, fences.parts(lines, holds_markdown=_holds_markdown), strict=True):
        yield line, part is fences.Part.TEXT


def _lines_outside_code(markdown: str) -> Iterator[str]:
    """The lines of `markdown` that are not in code, nor fence lines."""
    return (line for line, outside in _read_lines(markdown) if outside)


def labels(markdown: str) -> frozenset[str]:
    """The labels of the MyST targets `markdown` declares (see the module's docstring)."""
    if ")=" not in markdown:  # no target line: nothing to read
        return frozenset()
    return frozenset(label(name) for line in _lines_outside_code(markdown) if (name := _target_name(line)) is not None)


def _is_blank(line: str) -> bool:
    """A line with nothing to read (blanks, a quote's `>` marks)."""
    return not line.strip(" \t>")


def without_targets(markdown: str) -> str:
    """`markdown` as the built site shows it: without its target lines (those `labels` reads), the
    rest as it is. A target between two lines of text leaves a blank line (with its quote's `>`
    marks), since it ends the paragraph before it as MyST reads it; a blank line after one that
    would open the page or follow another blank is left out with it (`(how)=` and its blank line
    before a page's heading: the heading opens the page). Linear in the page's length."""
    if ")=" not in markdown:  # no target line: the page as it is
        return markdown
    shown: list[str] = []
    gap: str | None = None  # after a target line left out: what stands in for it between two lines of text
    last_blank = True  # whether the last line kept is blank, or none is kept yet (each line is read once:
    # reading the last one again after each target took time quadratic in the page's length)
    for line, outside in _read_lines(markdown):
        if outside and _target_name(line) is not None:
            gap = line[: len(line) - len(line.lstrip(" \t>"))].rstrip(" \t")
            continue
        blank = _is_blank(line)
        if gap is not None:
            if blank and last_blank:
                gap = None
                continue
            if not blank and not last_blank:
                shown.append(gap)
            gap = None
        shown.append(line)
        last_blank = blank
    return "\n".join(shown)
