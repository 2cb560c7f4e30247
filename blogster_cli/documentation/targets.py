"""MyST targets: the `(name)=` lines of a page, the labels its links (and other pages') may name.

MyST (Sphinx's markdown: attrs', structlog's, scikit-build-core's docs) declares a target with a
line of its own, `(name)=`, most often before a heading; `[text](name)` on any page of the set then
leads to that page (mdit_py_plugins' myst_blocks.target reads the line; Sphinx files the label as
docutils' fully_normalize_name: lower case, blanks as one space; myst-parser looks a link's target
up the same way, lower-cased). The line shows nothing on the built site.

A target line is a line that reads `(`, a name, `)=` once its blanks (and a quote's `>` marks) are
off, outside code. A fence of a MyST directive (```` ```{note} ````) holds markdown, targets and
all; any other fence (```` ```python ````, ```` ```{code-block} ````) holds code. Each line is read
once: the scan is linear in the page's length. db/migrations/0150 drops the same lines from the
text search reads and snippets are cut from (those outside fences: search keeps the text of every
fence as written, a directive's too).
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import unquote

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


def _fence(line: str) -> tuple[str, str] | None:
    """A fence line's run of backticks or tildes and its info string, else None."""
    text = line.lstrip(" \t>")
    mark = text[:1]
    if mark not in ("`", "~"):
        return None
    run = len(text) - len(text.lstrip(mark))
    if run < 3:
        return None
    info = text[run:]
    if mark == "`" and "`" in info:  # inline code, no fence
        return None
    return text[:run], info.strip(" \t")


def _holds_code(info: str) -> bool:
    """Whether a fence with this info string holds code (a MyST directive other than a code one: markdown)."""
    if not info.startswith("{"):
        return True
    name = info[1:].split("}", 1)[0].strip().lower()
    return "}" not in info or name in _CODE_DIRECTIVES


def _lines_outside_code(markdown: str) -> Iterator[str]:
    """The lines of `markdown` that are not in code, nor fence lines."""
    fences: list[tuple[str, bool]] = []  # the open fences, innermost last: their run, whether they hold code
    for line in markdown.split("\n"):
        fence = _fence(line)
        if fence is not None:
            run, info = fence
            if fences and not info and run[0] == fences[-1][0][0] and len(run) >= len(fences[-1][0]):
                fences.pop()  # closes the innermost
            elif not fences or not fences[-1][1]:
                fences.append((run, _holds_code(info)))
            continue
        if not fences or not fences[-1][1]:
            yield line


def labels(markdown: str) -> frozenset[str]:
    """The labels of the MyST targets `markdown` declares (see the module's docstring)."""
    if ")=" not in markdown:  # no target line: nothing to read
        return frozenset()
    return frozenset(label(name) for line in _lines_outside_code(markdown) if (name := _target_name(line)) is not None)
