"""Attribute lists: `{: #id .class key="value" }`, kramdown's inline attribute lists (IALs),
Python-Markdown's attr_list and Goldmark's attributes. They give the element before them (a
paragraph, a quote, a code block, a heading, a picture) an id, classes or attributes: markup,
never text a reader sees. One grammar for every reader of them: documentation titles and headings
(`documentation.tree`), the site's pages (`publish.markdown`); docs search reads them the same
way in SQL (db/migrations/0139_documentation_search_reads_text.sql).

An attribute is `#id`, `.class` or `key=value` (the value quoted or bare); a list is one or more
of them, blank-separated, between `{` (or kramdown's `{:`) and `}`.
"""

from __future__ import annotations

import re

ATTRIBUTE = r"""(?:[#.][^\s{}]+|(?:[^\W\d]|:)[-\w:.]*=(?:"[^"]*"|'[^']*'|[^\s{}"']+))"""
ATTRIBUTE_LIST = rf"\{{:?[ \t]*{ATTRIBUTE}(?:[ \t]+{ATTRIBUTE})*[ \t]*\}}"
# An attribute list ending a line (a heading's), with the blanks before it. It starts after a
# non-blank, as the leftmost match does: a search from every blank of a long run of them (no
# list after it) took time quadratic in its length.
ENDING_ATTRIBUTE_LIST = re.compile(rf"(?<![ \t])[ \t]*{ATTRIBUTE_LIST}$")
_WHOLE = re.compile(ATTRIBUTE_LIST)


def is_attribute_list(text: str) -> bool:
    """Whether `text` is one attribute list and nothing else (`{: .prompt-info }`, `{:.note}`)."""
    return _WHOLE.fullmatch(text) is not None
