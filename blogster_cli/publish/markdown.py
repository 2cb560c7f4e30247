"""Markdown to safe HTML: CommonMark with tables, highlighted fenced code, then sanitised.

cmark-gfm (GitHub's C implementation of the CommonMark spec) renders a typical post in
~0.3 ms, where pure-Python renderers take ~7 ms: the difference between a site build
that keeps up with Hugo and one that does not. Shortcodes of other generators
(`{{< youtube x >}}`, `{% include %}`, `{{ figure() }}`) are not markdown, so they come
out as the text they are, never dropped. Attribute lists (kramdown's `{: .prompt-info }` after a
quote, `{: file="a.go" }` after a code block, `![](a.png){: .shadow }`, `## Title {#id}`) are
markup, not text: they are left out of the page (`content.attribute_lists`), the element keeps
no id or class from them.
"""

from __future__ import annotations

import html
import re
from functools import cache
from typing import TYPE_CHECKING

from blogster_cli.content.attribute_lists import is_attribute_list
from blogster_cli.publish.model import RenderedPost
from blogster_cli.publish.sanitize import clean_html, cleaned_with_source_positions

if TYPE_CHECKING:
    from pygments.formatters import HtmlFormatter
    from pygments.lexer import Lexer

_FENCED = re.compile(r'<pre><code class="language-([A-Za-z0-9_+#.-]+)">(.*?)</code></pre>', re.S)
_FIRST_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.S)
_TAG = re.compile(r"<[^>]+>")
SUMMARY_CHARS = 280


@cache
def _lexer(language: str) -> Lexer | None:
    from pygments.lexers import get_lexer_by_name
    from pygments.util import ClassNotFound

    try:
        return get_lexer_by_name(language.lower())
    except ClassNotFound:
        return None


@cache
def _formatter() -> HtmlFormatter[str]:
    from pygments.formatters import HtmlFormatter

    return HtmlFormatter(nowrap=True)


def _highlighted(match: re.Match[str]) -> str:
    language, escaped = match.group(1), match.group(2)
    lexer = _lexer(language)
    if lexer is None:
        return match.group(0)
    from pygments import highlight

    code = highlight(html.unescape(escaped), lexer, _formatter())
    return f'<pre class="highlight"><code class="language-{language}">{code}</code></pre>'


def highlight_css() -> str:
    """The stylesheet for highlighted code (pygments' default colours)."""
    css: str = _formatter().get_style_defs(".highlight")  # type: ignore[no-untyped-call]  # untyped in the stubs
    return css


# Elements open at once beyond which a body is shown as its text: the sanitiser's HTML parser
# takes time growing with the square of the depth (50,000 nested quotes, `>>>>...`, took minutes).
MAX_NESTING = 1000
_TAG_EDGE = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)[^<>]*?(/?)>")
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
)


def _nesting(rendered: str) -> int:
    """The most elements open at once, counting tags (an upper bound: unclosed tags count open)."""
    depth = deepest = 0
    for closing, name, self_closing in _TAG_EDGE.findall(rendered):
        if closing:
            depth = max(depth - 1, 0)
        elif not self_closing and name.lower() not in _VOID:
            depth += 1
            deepest = max(deepest, depth)
    return deepest


# Where rendered markdown may hold an attribute list that is not text (each checked with
# `is_attribute_list`, unescaped): right after an element (a picture, a link, emphasis, code), on
# a line or in a table cell of its own, or ending a heading. Code is skipped whole (`_CODE_START`).
_BRACED = r"\{[^{}<>\n]*\}"
_ATTRIBUTE_SPOTS = re.compile(
    rf"(?P<element></[A-Za-z][A-Za-z0-9]*>|<img\s[^<>]*>)(?P<after>{_BRACED})"
    rf"|<p>[ \t]*(?P<paragraph>{_BRACED})[ \t]*</p>\n?"
    rf"|<tr>\n<td[^<>]*>(?P<row>{_BRACED})</td>\n(?:<td[^<>]*></td>\n)*</tr>\n"
    rf"|(?:(?<=>)|\n)[ \t]*(?P<line>{_BRACED})[ \t]*(?=\n|<|\Z)"
    rf"|(?<![ \t])[ \t]+(?P<heading>{_BRACED})[ \t]*(?=</h[1-6]>)"
)
_CODE_START = re.compile(r"<(pre|code)[\s>]")
_BRACES = re.compile(_BRACED)


def _attribute_list_left_out(match: re.Match[str]) -> str:
    braced = next(filter(None, match.group("after", "paragraph", "row", "line", "heading")))
    return match.group("element") or "" if is_attribute_list(html.unescape(braced)) else match.group(0)


def without_attribute_lists(rendered: str) -> str:
    """cmark's HTML without the attribute lists it shows as text (module docstring); the text
    of code (`<pre>`, `<code>`) is kept as it is. One pass, whatever the HTML holds."""
    if "{" not in rendered or not any(is_attribute_list(html.unescape(it[0])) for it in _BRACES.finditer(rendered)):
        return rendered  # most pages: nothing to look for
    out: list[str] = []
    position = 0
    while (code := _CODE_START.search(rendered, position)) is not None:
        out.append(_ATTRIBUTE_SPOTS.sub(_attribute_list_left_out, rendered[position : code.start()]))
        end = rendered.find(f"</{code.group(1)}>", code.end())
        if end < 0:  # never closed (raw HTML): the rest is code
            out.append(rendered[code.start() :])
            return "".join(out)
        out.append(rendered[code.start() : end])  # its closing tag starts the text after it
        position = end
    out.append(_ATTRIBUTE_SPOTS.sub(_attribute_list_left_out, rendered[position:]))
    return "".join(out)


def _rendered(markdown: str, *, source_positions: bool = False) -> str:
    """cmark's HTML of `markdown`, with its blocks' `data-sourcepos` where `source_positions`."""
    import cmarkgfm
    from cmarkgfm.cmark import Options

    # UNSAFE keeps inline HTML for the sanitiser to judge, rather than dropping all of it.
    options = Options.CMARK_OPT_UNSAFE | (Options.CMARK_OPT_SOURCEPOS if source_positions else 0)
    rendered: str = cmarkgfm.markdown_to_html_with_extensions(
        markdown, options=options, extensions=["table", "strikethrough"]
    )
    return rendered


def _too_deep(rendered: str) -> bool:
    """Whether the page of `rendered` is its markdown as text (`MAX_NESTING`). Each open element
    starts with a '<': a body with few of them cannot nest too deep, and counting them is many
    times cheaper than walking its tags."""
    return rendered.count("<") > MAX_NESTING and _nesting(rendered) > MAX_NESTING


def to_html(markdown: str) -> str:
    rendered = _rendered(markdown)
    if _too_deep(rendered):
        return f"<pre>{html.escape(markdown)}</pre>"
    return clean_html(_FENCED.sub(_highlighted, without_attribute_lists(rendered)))


# A block's element in cmark's HTML with source positions: its first line (1 for the text's first).
_SOURCE_LINE = re.compile(r'<[a-z][a-z0-9]*\s[^<>]*?\bdata-sourcepos="([0-9]+):')


def shown_block_lines(markdown: str) -> list[int]:
    """The first lines (0: the text's first) of the blocks of `markdown` that its page shows, in
    order: cmark's blocks the sanitiser keeps (`cleaned_with_source_positions`), for a reader of the
    markdown that leaves out what the page does (a newsletter's plain-text part); none where the
    page is the markdown as text (nested too deep)."""
    rendered = _rendered(markdown, source_positions=True)
    if _too_deep(rendered):
        return []
    return sorted({int(line) - 1 for line in _SOURCE_LINE.findall(cleaned_with_source_positions(rendered))})


def summary_of(safe_html: str) -> str:
    """The first paragraph as plain text, cut at a word near SUMMARY_CHARS."""
    match = _FIRST_PARAGRAPH.search(safe_html)
    text = " ".join(html.unescape(_TAG.sub("", match.group(1))).split()) if match else ""
    if len(text) <= SUMMARY_CHARS:
        return text
    return text[:SUMMARY_CHARS].rsplit(" ", 1)[0] + "…"


def render_post(markdown: str) -> RenderedPost:
    body = to_html(markdown)
    return RenderedPost(html=body, summary=summary_of(body))
