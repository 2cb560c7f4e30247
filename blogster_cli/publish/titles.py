"""A post's title as a site shows it, and the body's own heading that title was taken from.

Import titles a file without a title of its own by its first `# heading`, kept as written
(`content.mapping.first_heading`), so that an export to plain markdown writes the same heading
back. That text is inline markdown: `*argon2-cffi*: Argon2 for Python`, a README's
`Thread-pool Controls [![Build Status](...)](...)`. A page shows it as its words (`<title>`,
listings, feeds: `content.inline_text`, without a heading's ending attribute list `{#id}`), and
the heading once: when the body shows no words before it, the page's own heading is the body's,
rendered, lifted out of the body (`lifted_heading`), where the post's template would have shown
the title above it again (a README's logo or badges before its heading then follow it).
A title of any other origin (a front matter `title`, one typed in Blogster) is shown as it is.
"""

from __future__ import annotations

import html
import re

from blogster_cli.content.attribute_lists import ENDING_ATTRIBUTE_LIST
from blogster_cli.content.inline_text import inline_text
from blogster_cli.content.mapping import first_heading
from blogster_cli.content.rules import TITLE_WHITESPACE

_TAG = re.compile(r"<[^<>]*>")


def _as_title(heading: str) -> str:
    """A heading's text as import stores it for a title (`rules.check_title`: one space for each
    run of whitespace, none at the ends)."""
    return TITLE_WHITESPACE.sub(" ", heading).strip()


def shown_title(title: str, markdown: str) -> tuple[str, bool]:
    """(`title` as the site shows it, whether it is the body's first `# heading`).

    A title that is the body's first `# heading` is shown as the heading's words (its inline
    markup, pictures and ending attribute list left out; as written if no word is left)."""
    heading = first_heading(markdown)
    if heading is None or _as_title(heading) != title:
        return title, False
    words = _as_title(inline_text(ENDING_ATTRIBUTE_LIST.sub("", title)))
    return words or title, True


def lifted_heading(markdown: str, safe_html: str) -> tuple[str | None, str]:
    """(the inner HTML of the body's first `# heading`, `safe_html` (the body rendered) without
    it), for a post whose title is that heading, when nothing but pictures comes before it (a
    README's logo or badges). (None, `safe_html`) when words come first (the title is a section's
    heading further down, which stays there), or the rendered body does not show it as a heading
    of its own line (written inside an HTML block or comment, or rendered otherwise there, as a
    reference link defined further down)."""
    from blogster_cli.publish.markdown import to_html

    heading = first_heading(markdown)
    if heading is None:
        return None, safe_html
    alone = to_html(f"# {heading}\n")  # the same inline markdown renders the same way
    if not (alone.startswith("<h1>") and alone.endswith("</h1>\n")) or alone.count("</h1>") != 1:
        return None, safe_html
    at = safe_html.find(alone)
    while at > 0 and safe_html[at - 1] != "\n":  # a heading starts its line
        at = safe_html.find(alone, at + 1)
    if at < 0 or not _no_words(safe_html[:at]):
        return None, safe_html
    return alone[len("<h1>") : -len("</h1>\n")], safe_html[:at] + safe_html[at + len(alone) :]


def without_lifted_heading(markdown: str, safe_html: str) -> tuple[str, str]:
    """(`markdown`, `safe_html` (the body rendered)) as a page shows the body beneath its title: without
    the body's first `# heading` where the page lifts it out (`lifted_heading`), as they are where it
    does not. For a post whose title is that heading (`shown_title`), shown where the title stands on
    its own above the body: a newsletter's post heading, a cross-post's title field.

    The markdown loses the heading's line: the first line `first_heading` reads as that heading
    whose leaving out renders to the lifted HTML (so the markdown sent reads as the page, and the
    heading and fence rules are not copied here). Both are kept whole where no line does (leaving
    it out would change what follows: a list before it would take in the paragraph after it)."""
    heading, lifted = lifted_heading(markdown, safe_html)
    if heading is None:
        return markdown, safe_html
    from blogster_cli.publish.markdown import to_html

    text = first_heading(markdown)
    lines = markdown.splitlines(keepends=True)
    for at, line in enumerate(lines):
        if first_heading(line) != text:
            continue
        before, after = lines[:at], lines[at + 1 :]
        if not "".join(before).strip():  # nothing before it: the body starts with what follows
            before = []
        if not before or not before[-1].strip():  # one blank line where the heading was, not two
            while after and not after[0].strip():
                after = after[1:]
        elif after and after[0].strip():
            before.append("\n")  # a picture's paragraph and the one after stay two
        candidate = "".join(before + after)
        if to_html(candidate) == lifted:
            return candidate, lifted
    return markdown, safe_html


def _no_words(html_text: str) -> bool:
    """Whether rendered HTML shows a reader no words: blank, or pictures only (a logo, badges)."""
    return not html.unescape(_TAG.sub("", html_text)).strip()
