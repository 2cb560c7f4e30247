"""A newsletter's parts without I/O: its recipients list, its HTML and text bodies, each message.

Every message carries its own unsubscribe link (in the body and the List-Unsubscribe
header) and a Message-ID fixed by newsletter and address, so a copy repeated after a
crash is recognisably the same message and receivers can drop it.

The Message-ID and the reader key of the tracking links are keyed hashes (HMAC-SHA256)
of the address under the newsletter's own random secret (`new_reader_secret`, kept with
the newsletter): stable for every re-run of its send, but nobody who merely knows an
address can compute them. Newsletters made before there were secrets have none, and keep
the unkeyed form their first messages already carried (secret None).

A post's embeds reach a mail as links (`playable_as_links`, `playable_as_text`): most mail clients
(Gmail, Outlook, Apple Mail) show no frame and play no `<video>` or `<audio>`, so the YouTube or
Vimeo player the site frames would leave nothing where the video was. What a page leaves out unseen
(an HTML comment: a template's guidance, a writer's note) is not in the plain-text part either
(`unseen_left_out`).

A copy's size on the wire (`wire_size`, what a server's SIZE limit counts) differs between readers
only by their To line (`to_header_size`) and their unsubscribe token's length: every other part
(the Message-ID, the reader key, the Date, the MIME boundary) is as long for every reader. So the
sizes of a whole audience are one built copy per token length plus each reader's To line.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import html
import io
import re
import secrets
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from email.generator import BytesGenerator
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import EmailPolicy
from email.policy import default as _default_policy
from email.utils import formatdate
from functools import cache
from itertools import accumulate
from typing import TYPE_CHECKING

from blogster_cli.content.fences import split_lines
from blogster_cli.distribution.crosspost import embeds_outside_code, play_link
from blogster_cli.mail_headers import header_text, mailbox
from blogster_cli.publish.sanitize import Embed, embed_link, embeds_replaced

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

# The same shape the database's CHECK accepts (newsletter_subscribers_email_shape).
EMAIL_SHAPE = re.compile(r"[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;]+")
MAX_EMAIL_CHARS = 320
UNSUBSCRIBE_PLACEHOLDER = "%%UNSUBSCRIBE_URL%%"
UNSUBSCRIBE_PATH = "unsubscribe/"


@dataclass(frozen=True)
class Recipient:
    email: str
    name: str | None = None


@dataclass(frozen=True)
class RecipientList:
    recipients: list[Recipient]
    problems: list[str]
    """One line per row that was left out (line number and why), never stopping the rest."""
    duplicates: int = 0
    """Lines whose address an earlier line of the CSV already gave (ignoring case): counted once."""


def normalised_email(text: str) -> str | None:
    """The address with its domain lowercased, or None when it is not one."""
    address = text.strip()
    if len(address) > MAX_EMAIL_CHARS or not EMAIL_SHAPE.fullmatch(address):
        return None
    local, _, domain = address.rpartition("@")
    return f"{local}@{domain.lower()}"


def _unreadable(line: int, error: csv.Error) -> str:
    if "field limit" in str(error):
        return f"line {line} of the CSV: a cell is longer than {csv.field_size_limit():,} characters"
    return f"line {line} of the CSV: {error}"


def parse_recipients(text: str) -> RecipientList:
    """A CSV with an `email` column (and optionally `name`); duplicates (ignoring case) count once.

    A line with a NUL character (PostgreSQL text cannot hold one) is left out like any other bad
    line; a cell over the csv module's field limit stops the reading (ValueError naming the line),
    as what follows it cannot be told apart into lines any more.
    """
    reader = csv.DictReader(io.StringIO(text))
    try:
        columns = {(name or "").strip().lower(): name for name in reader.fieldnames or []}
    except csv.Error as exc:
        raise ValueError(_unreadable(reader.reader.line_num, exc)) from None
    if "email" not in columns:
        raise ValueError("the CSV has no 'email' column")
    recipients: dict[str, Recipient] = {}
    problems: list[str] = []
    duplicates = 0
    rows = iter(reader)
    while True:
        try:
            row = next(rows, None)
        except csv.Error as exc:
            raise ValueError(_unreadable(reader.reader.line_num, exc)) from None
        if row is None:
            break
        if any("\x00" in (value or "") for value in row.values() if isinstance(value, str)):
            problems.append(f"line {reader.line_num}: contains a NUL (0x00) character")
            continue
        raw = (row.get(columns["email"]) or "").strip()
        address = normalised_email(raw)
        if address is None:
            problems.append(f"line {reader.line_num}: not an email address: {raw[:80]!r}")
            continue
        name = (row.get(columns["name"]) or "").strip()[:200] or None if "name" in columns else None
        if address.lower() in recipients:
            duplicates += 1
            continue
        recipients[address.lower()] = Recipient(address, name)
    return RecipientList(list(recipients.values()), problems, duplicates)


READER_SECRET_CHARS = 64
READER_SECRET_SHAPE = re.compile(r"[0-9a-f]{64}")


def new_reader_secret() -> str:
    """A newsletter's secret for its Message-IDs and reader keys (256 random bits, hex)."""
    return secrets.token_hex(READER_SECRET_CHARS // 2)


def _keyed(secret: str, purpose: str, email: str) -> str:
    return hmac.new(secret.encode(), f"{purpose}:{email.lower()}".encode(), hashlib.sha256).hexdigest()


def message_id(newsletter_id: str, email: str, secret: str | None = None) -> str:
    """Fixed per newsletter and address: a repeat after a crash is the same message. Keyed by
    the newsletter's secret; without one (a newsletter made before secrets) the unkeyed form."""
    if secret is None:
        digest = hashlib.sha256(email.lower().encode()).hexdigest()[:24]
        return f"<{newsletter_id}.{digest}@newsletter.blogster>"
    return f"<{newsletter_id}.{_keyed(secret, 'message-id', email)[:32]}@newsletter.blogster>"


def unsubscribe_url(base_url: str, token: str) -> str:
    """The link the site's access log shows when a reader unsubscribes (analytics ingest records it)."""
    return f"{base_url.rstrip('/')}/{UNSUBSCRIBE_PATH}?t={token}"


UNSUBSCRIBE_REQUEST = re.compile(r"/" + re.escape(UNSUBSCRIBE_PATH) + r"\?(?:[^ \"]*&)?t=([0-9a-f]{32,64})")


def unsubscribe_tokens(log_lines: list[str]) -> list[str]:
    """The unsubscribe tokens requested in access-log lines (any format that quotes the request)."""
    return list(dict.fromkeys(m.group(1) for line in log_lines for m in UNSUBSCRIBE_REQUEST.finditer(line)))


@dataclass(frozen=True)
class PostSection:
    """One post of a newsletter: its HTML for the HTML part, its markdown (plain text that reads
    as written, but for what the page leaves out unseen) for the plain-text part, so both parts
    carry the whole post."""

    title: str
    url: str
    html: str
    text: str


@dataclass(frozen=True)
class Bodies:
    html: str
    text: str


def playable_as_links(page: str) -> str:
    """A post's HTML (sanitised: its frames are video players) for a mail: each player's frame,
    `<video>` and `<audio>` a link to where the reader plays it (`play_link`), a paragraph of its own
    where the element was one; anything else as it is."""

    def link(embed: Embed) -> str:
        play = play_link(embed)
        if play is None:
            return embed.source
        anchor = f'<a href="{html.escape(play.url, quote=True)}">{html.escape(play.words, quote=False)}</a>'
        return f"<p>{anchor}</p>" if embed.alone else anchor

    return embeds_replaced(page, link, media=True)


def playable_as_text(markdown: str) -> str:
    """A post's markdown for a mail's plain-text part: each embed it keeps as HTML (outside code)
    in words, as the site shows it: a video player, `<video>` and `<audio>` as "▶ WORDS: ADDRESS"
    (`play_link`), another frame, a Flash file or a gist as its address, any other script left out; a
    `<video>` or `<audio>` without an http(s) address as written."""

    def words(embed: Embed) -> str:
        play = play_link(embed)
        if play is not None:
            return f"{play.words}: {play.url}"
        if embed.name in ("video", "audio"):
            return embed.source
        return embed_link(embed) or ""

    return embeds_outside_code(markdown, words)


# What starts a piece of markdown its page leaves out unseen, with all it holds (the sanitiser,
# publish/sanitize.py, drops it): an HTML comment, a processing instruction (`<?php ?>`), a
# declaration or CDATA section, a `<style>` or `<template>` element.
_UNSEEN_START = r"<!--|<\?|<!\[CDATA\[|<![A-Za-z]|<(?i:style|template)(?=[\s/>])"
_UNSEEN = re.compile(_UNSEEN_START)
# Where to look next in markdown's inline text: a backslash escape (an escaped `<` or backtick is
# text), a backtick run (a code span shows its text as written), a `<`; in an HTML block, a `<`.
_INLINE_NEXT = re.compile(r"\\[!-/:-@\[-`{-~]|`+|<")
_HTML_NEXT = re.compile("<")
_TICKS = re.compile("`+")
# A comment, a processing instruction, a declaration or CDATA: CommonMark's inline raw HTML when
# its closer follows (a declaration is an upper-case name and a space there); the page (an HTML
# parser) then reads it, but a comment, to its first `>`.
_OPENER = re.compile(r"<!--|<\?|<!\[CDATA\[|<![A-Z]+\s")
_HTML_OPENER = re.compile(r"<!--|<\?|<!")  # in an HTML block, any `<!` or `<?` opens one
_CLOSERS = {"<?": "pi", "<![CDATA[": "cdata"}  # a declaration's is its `>`
# An opening or closing tag as CommonMark reads it (a quoted value may hold `<!--`), looked for at
# most _LONGEST_TAG characters on, so each `<` costs a bounded scan.
_TAG = re.compile(
    r"<(/?)([A-Za-z][A-Za-z0-9-]*)(?:\s+[A-Za-z_:][\w.:-]*(?:\s*=\s*(?:[^\s\"'=<>`]+|'[^']*'|\"[^\"]*\"))?)*\s*/?>"
)
_LONGEST_TAG = 8192
_HIDDEN_ELEMENTS = ("style", "template")
# Elements whose text an HTML parser reads as text to their closing tag: a `<!--` there is shown.
_RAW_TEXT = ("textarea", "title", "xmp", "noscript", "noembed", "noframes", "iframe", "script")
# What ends a piece: a comment's `-->`, a tag's `>`, an element's closing tag.
_ENDS = {
    "comment": re.compile("-->"),
    "tag": re.compile(">"),
    "pi": re.compile(r"\?>"),
    "cdata": re.compile(r"\]\]>"),
    **{name: re.compile(rf"</{name}[\s/>]", re.IGNORECASE) for name in (*_HIDDEN_ELEMENTS, *_RAW_TEXT)},
}
_BLANKS_TO_LINE_END = re.compile(r"[ \t]*(?:\r?\n|\Z)")
_BLANK_LINE = re.compile(r"[ \t]*\r?\n")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\r?\n")


def unseen_left_out(markdown: str) -> str:
    """`markdown` without what its page leaves out unseen (`_UNSEEN_START`), read as the page reads
    it: blocks as CommonMark reads them (code blocks show their text as written; an HTML block is
    HTML), inline text with its escapes, code spans and tags. A piece on lines of its own goes
    with them, and with the blank line after it where one is before it: a template's guidance
    between two paragraphs leaves one blank line. In time O(n log n) in the text's length."""
    if _UNSEEN.search(markdown) is None:  # most posts
        return markdown
    parts: list[str] = []
    done = 0
    html: list[tuple[int, int]] = []  # the HTML blocks since the last code block
    blocks = _blocks(markdown)
    last: dict[re.Pattern[str], int] = {}  # where each closer is last found outside code
    for start, end, kind in [*blocks, (len(markdown), len(markdown), "code")]:
        if kind == "html":
            html.append((start - done, end - done))
            continue
        unseen = _Unseen(markdown[done:start], html)
        parts.append(unseen.left_out())
        closer = unseen.unclosed
        if closer is not None and closer not in last:
            last[closer] = _last_outside_code(markdown, blocks, closer)
        if closer is not None and last[closer] < start:
            break  # a comment or an element never closed: the page leaves out the rest, code too
        parts.append(markdown[start:end])
        done, html = end, []
    return "".join(parts)


def _last_outside_code(markdown: str, blocks: list[tuple[int, int, str]], closer: re.Pattern[str]) -> int:
    """Where `closer` is last found outside `blocks`' code (-1: nowhere): in code it is text."""
    code = [(start, end) for start, end, kind in blocks if kind == "code"]
    last = -1
    for (_, gap_start), (gap_end, _) in zip([(0, 0), *code], [*code, (len(markdown), len(markdown))], strict=True):
        for found in closer.finditer(markdown, gap_start, gap_end):
            last = found.start()
    return last


@cache
def _block_parser() -> MarkdownIt:
    """CommonMark with the site's tables, reading blocks only (as `content.liquid` reads code)."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable(["table", "strikethrough"]).disable("inline")


def _blocks(markdown: str) -> list[tuple[int, int, str]]:
    """Where `markdown`'s code blocks (fenced, indented: "code") and HTML blocks ("html") are: the
    offsets of their whole lines."""
    lines = split_lines(markdown)
    offsets = list(accumulate((len(line) for line in lines), initial=0))
    kinds = {"fence": "code", "code_block": "code", "html_block": "html"}
    return [
        (offsets[token.map[0]], offsets[min(token.map[1], len(lines))], kinds[token.type])
        for token in _block_parser().parse(markdown)
        if token.type in kinds and token.map is not None
    ]


class _Unseen:
    """The unseen pieces of a text (markdown without code blocks, from a line's start, its HTML blocks
    at `html`), read forward: each search for a piece's end or a line's start runs only past the last one's
    place, and a code span's closer is looked up by its length, so the reading is O(n log n)."""

    def __init__(self, text: str, html: list[tuple[int, int]]) -> None:
        self.text, self.html = text, False
        self._html_starts, self._html_ends = [start for start, _ in html], [end for _, end in html]
        self._found = {name: (-1, len(text) + 1) for name in _ENDS}  # name -> (found at, searched from)
        self._line = (0, 0)  # the last place asked about, its line's start
        self._runs: dict[int, list[int]] = {}  # backtick runs by length: where each starts
        for run in _TICKS.finditer(text):
            self._runs.setdefault(len(run.group()), []).append(run.start())
        self._breaks = [found.start() for found in _PARAGRAPH_BREAK.finditer(text)]
        self._limit = 0  # where the inline text or HTML block `at` is in ends
        self.unclosed: re.Pattern[str] | None = None  # what would close a piece running to the text's end
        self._bang_text_until = 0
        self._raw_until = 0  # the end of inline raw HTML whose start is left out  # after an unclosed comment, to its paragraph's end: `<!` is text

    def left_out(self) -> str:
        text, parts = self.text, []
        done = at = 0
        ends_blank = True  # what is kept so far ends with a blank line (or is nothing)
        while (found := self._next_piece(at)) is not None:
            start, end = found
            line_start, rest = self._line_start(start), _BLANKS_TO_LINE_END.match(text, end)
            if line_start >= done and not text[line_start:start].strip(" \t") and rest is not None:
                kept = text[done:line_start]  # whole lines, each with its line ending
                blank_before = not kept[:-1].rpartition("\n")[2].strip() if kept else ends_blank
                start, end = line_start, rest.end()
                following = _BLANK_LINE.match(text, end) if blank_before else None
                end, ends_blank = following.end() if following else end, blank_before
            else:
                ends_blank = False
            parts.append(text[done:start])
            done = at = end
        return "".join(parts) + text[done:]

    def _next_piece(self, at: int) -> tuple[int, int] | None:
        """The next unseen piece at or after `at`: where it starts and ends; None: no more."""
        text = self.text
        while at < len(text):
            self._region(at)
            found = (_HTML_NEXT if self.html else _INLINE_NEXT).search(text, at, self._limit)
            if found is None:
                at = self._limit
                continue
            start, at = found.start(), found.end()
            if found.group()[0] == "\\":  # an escape
                continue
            if found.group()[0] == "`":  # a code span runs to its closer; a run without one is text
                at = self._code_span_end(start, len(found.group())) or at
                continue
            opener = (_HTML_OPENER if self.html else _OPENER).match(text, start)
            if opener is not None:
                if opener.group().startswith("<!") and start < self._bang_text_until:
                    continue
                end = self._end(start, opener.group())
                if end is not None and self._in_paragraph(start, end):
                    return start, end
                if opener.group() == "<!--" and not self.html:  # cmark then reads no `<!` there as HTML
                    self._bang_text_until = self._paragraph_end(start)
                continue
            tag = _TAG.match(text, start, min(self._limit, start + _LONGEST_TAG))
            if tag is None or not self._in_paragraph(start, tag.end()):
                continue
            at, name = tag.end(), tag.group(2).lower()
            if tag.group(1) or name not in (*_HIDDEN_ELEMENTS, *_RAW_TEXT):
                continue
            closing = self._next(name, at)
            closed = self._next("tag", closing) if closing >= 0 else -1
            end = closed + 1 if closed >= 0 else len(text)
            if name in _HIDDEN_ELEMENTS:
                self.unclosed = _ENDS[name] if closing < 0 else None
                return start, end
            at = end  # its text is shown as text
        return None

    def _end(self, start: int, opener: str) -> int | None:
        """Where the piece `opener` starts at `start` ends as the page reads it; None where the page
        shows it as text. A comment at its `-->` (`<!-->` and `<!--->` are whole ones); one without
        an end runs to an HTML block's end, else it is text. A processing instruction, a declaration
        or CDATA at its first `>` (the page's parser reads it so; in an HTML block, at most to the
        block's end), in inline text once its `?>`, `>` or `]]>` follows."""
        text = self.text
        if opener == "<!--":
            if text.startswith((">", "->"), start + 4):
                return text.index(">", start + 4) + 1
            end = self._next("comment", start + 4)
            if end >= 0:
                return end + 3
            self.unclosed = _ENDS["comment"] if self.html else None
            return len(text) if self.html else None
        tag_end = self._next("tag", start + len(opener))
        if self.html:  # without a `>` in its block, the tag starting the next block ends it
            return tag_end + 1 if 0 <= tag_end < self._limit else self._limit
        closer = self._next(_CLOSERS[opener], start + len(opener)) if opener in _CLOSERS else tag_end
        if closer < 0 or closer >= self._paragraph_end(start):
            return None
        self._raw_until = self.text.index(">", closer) + 1  # the rest of it is HTML too
        return tag_end + 1

    def _code_span_end(self, start: int, size: int) -> int | None:
        """Where the code span a run of `size` backticks at `start` opens ends: at the next run of as
        many before the paragraph's end; None where there is none (the run is text)."""
        runs = self._runs.get(size, [])
        index = bisect_right(runs, start)
        if index < len(runs) and self._in_paragraph(start, runs[index]):
            return runs[index] + size
        return None

    def _region(self, at: int) -> None:
        """Whether `at` is in an HTML block (`self.html`) and where its block or inline text ends."""
        index = bisect_right(self._html_starts, at) - 1
        self.html = index >= 0 and at < self._html_ends[index]
        if at < self._raw_until:
            self.html, self._limit = True, self._raw_until
        elif self.html:
            self._limit = self._html_ends[index]
        else:
            self._limit = self._html_starts[index + 1] if index + 1 < len(self._html_starts) else len(self.text)

    def _paragraph_end(self, at: int) -> int:
        """Where the inline text `at` is in ends: a blank line or the next HTML block."""
        index = bisect_left(self._breaks, at)
        return min(self._breaks[index] if index < len(self._breaks) else len(self.text), self._limit)

    def _in_paragraph(self, start: int, end: int) -> bool:
        """Whether inline text from `start` to `end` holds no blank line and ends in it (in an HTML
        block: always)."""
        return self.html or end <= self._paragraph_end(start)

    def _next(self, name: str, at: int) -> int:
        """Where `_ENDS[name]` is next found at or after `at` (-1: nowhere)."""
        found, searched_from = self._found[name]
        if searched_from <= at and (found < 0 or found >= at):
            return found
        match = _ENDS[name].search(self.text, at)
        self._found[name] = (match.start() if match else -1, at)
        return self._found[name][0]

    def _line_start(self, at: int) -> int:
        """Where the line `at` is on starts."""
        asked, start = self._line
        newline = self.text.rfind("\n", asked, at) if at >= asked else self.text.rfind("\n", 0, at)
        if newline >= 0 or at < asked:
            start = newline + 1
        self._line = (at, start)
        return start


# Header lines up to RFC 5322's 998 characters: with the default 78, a List-Unsubscribe URL
# (one long word) was folded into RFC 2047 encoded words, which no mail client reads as a URL.
_MAIL_POLICY = _default_policy.clone(max_line_length=998)
_READ_IT = "Read it on the site: "  # before each post's link in the plain-text part (tracked there too)
DEFAULT_BODY_STYLE = "font-family: Georgia, serif; max-width: 40em; margin: 0 auto; line-height: 1.5"


def render(
    *, subject: str, site_title: str, site_url: str, posts: list[PostSection], body_style: str = DEFAULT_BODY_STYLE,
    link_style: str = "",
) -> Bodies:  # fmt: skip
    """The HTML and plain-text parts, with UNSUBSCRIBE_PLACEHOLDER where each reader's link goes.
    `body_style` and `link_style` are inline CSS (the site theme's look: mail clients drop stylesheets).
    Each post's players, videos and sounds are links (`playable_as_links`, `playable_as_text`); its
    text is without what its page leaves out unseen (`unseen_left_out`)."""
    link = f' style="{html.escape(link_style, quote=True)}"' if link_style else ""
    sections = "\n".join(
        f'<article><h2><a href="{html.escape(p.url, quote=True)}"{link}>{html.escape(p.title)}</a></h2>\n'
        f"{playable_as_links(p.html)}\n"
        f'<p><a href="{html.escape(p.url, quote=True)}"{link}>Read it on the site</a></p></article>'
        for p in posts
    )
    html_body = (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(subject)}</title></head>\n"
        f'<body style="{html.escape(body_style, quote=True)}">\n'
        f'<header><p><a href="{html.escape(site_url, quote=True)}"{link}>{html.escape(site_title)}</a></p></header>\n'
        f"<main>\n{sections}\n</main>\n"
        f'<footer><p><a href="{UNSUBSCRIBE_PLACEHOLDER}"{link}>Unsubscribe</a> from {html.escape(site_title)}.</p></footer>\n'
        "</body></html>\n"
    )
    text_sections = "\n\n".join(
        f"{p.title}\n{'=' * len(p.title)}\n\n{playable_as_text(unseen_left_out(p.text)).strip()}\n\n{_READ_IT}{p.url}"
        for p in posts
    )
    text_body = f"{site_title}\n\n{text_sections}\n\n--\nUnsubscribe: {UNSUBSCRIBE_PLACEHOLDER}\n"
    return Bodies(html=html_body, text=text_body)


OPEN_PATH = "_n/open.gif"
TRACKED_REQUEST = re.compile(
    r"\"[A-Z]+ (/[^ \"?]*)\?(?:[^ \"]*&)?nl=([0-9a-f-]{36})&r=([0-9a-f]{16})(?:[& \"])", re.IGNORECASE
)


def reader_key(newsletter_id: str, email: str, secret: str | None = None) -> str:
    """Who opened or clicked, in the tracking URLs: fixed per newsletter and address (so a repeated
    message is the same message), not the address, and not the secret unsubscribe token. Keyed
    by the newsletter's secret; without one (a newsletter made before secrets) the unkeyed form,
    which anyone knowing the address could compute."""
    if secret is None:
        return hashlib.sha256(f"{newsletter_id}:{email.lower()}".encode()).hexdigest()[:16]
    return _keyed(secret, "reader", email)[:16]


@dataclass(frozen=True)
class Tracking:
    """One reader's tracking: an invisible image (opens) and the post links (clicks) carry
    ?nl=NEWSLETTER&r=READER-KEY; the site serves the pages as ever and its access log shows them."""

    site_url: str
    newsletter_id: str
    key: str
    post_urls: list[str]

    def link(self, url: str) -> str:
        return f"{url}{'&' if '?' in url else '?'}nl={self.newsletter_id}&r={self.key}"

    @property
    def pixel(self) -> str:
        return self.link(f"{self.site_url.rstrip('/')}/{OPEN_PATH}")


def _tracked(bodies: Bodies, tracking: Tracking) -> Bodies:
    page, text = bodies.html, bodies.text
    for url in dict.fromkeys(tracking.post_urls):
        escaped = html.escape(url, quote=True)
        page = page.replace(f'href="{escaped}"', f'href="{html.escape(tracking.link(url), quote=True)}"')
        text = text.replace(f"{_READ_IT}{url}\n", f"{_READ_IT}{tracking.link(url)}\n")
    image = f'<img src="{html.escape(tracking.pixel, quote=True)}" width="1" height="1" alt="" style="display:none">'
    page = page.replace("</body>", f"{image}\n</body>", 1)
    return Bodies(html=page, text=text)


@dataclass(frozen=True)
class Engagement:
    opened: set[str]
    """Reader keys that loaded the image or clicked (a click shows the message was opened)."""
    clicked: set[str]


def engagement(log_lines: list[str]) -> dict[str, Engagement]:
    """Per newsletter id, the reader keys an access log shows opening and clicking."""
    found: dict[str, Engagement] = {}
    for line in log_lines:
        for match in TRACKED_REQUEST.finditer(line):
            path, newsletter_id, key = match.group(1), match.group(2).lower(), match.group(3).lower()
            seen = found.setdefault(newsletter_id, Engagement(set(), set()))
            seen.opened.add(key)
            if not path.endswith("/" + OPEN_PATH):
                seen.clicked.add(key)
    return found


def build_message(
    *, sender: Address, recipient: Recipient, subject: str, bodies: Bodies, message_id: str, unsubscribe: str,
    tracking: Tracking | None = None,
) -> EmailMessage:  # fmt: skip
    """One reader's message: plain text and HTML alternatives, their own unsubscribe link and header,
    and with `tracking` their own open image and tracked post links."""
    if tracking is not None:
        bodies = _tracked(bodies, tracking)
    message = EmailMessage(policy=_MAIL_POLICY)
    # Each value one line that decodes to itself, addresses as stored (mail_headers): a subject,
    # an account's address or an imported name cannot add header lines or another address.
    message["From"] = sender
    message["To"] = mailbox(recipient.name or "", recipient.email)
    message["Subject"] = header_text(subject)
    message["Message-ID"] = message_id
    message["Date"] = formatdate(usegmt=True)
    message["List-Unsubscribe"] = f"<{unsubscribe}>"
    message.set_content(bodies.text.replace(UNSUBSCRIBE_PLACEHOLDER, unsubscribe))
    message.add_alternative(
        bodies.html.replace(UNSUBSCRIBE_PLACEHOLDER, html.escape(unsubscribe, quote=True)), subtype="html"
    )
    return message


WIRE_LINE_END = "\r\n"


def wire_size(message: EmailMessage, *, utf8: bool = False) -> int:
    """The bytes `message` is as smtplib's send_message sends it, and declares to a server that
    announces SIZE (RFC 1870): flattened with CRLF line ends, its headers in UTF-8 where an address
    of the envelope is not ASCII (`utf8`: SMTPUTF8), else as the message's policy writes them.
    Flattening gives a multipart message its MIME boundary: size a copy that is not sent."""
    policy = message.policy
    wire = policy.clone(utf8=True) if utf8 and isinstance(policy, EmailPolicy) else None  # smtplib's own choice
    out = io.BytesIO()
    BytesGenerator(out, policy=wire).flatten(message, linesep=WIRE_LINE_END)
    return len(out.getvalue())


_PLAIN_NAME = re.compile(r"[A-Za-z0-9' -]*")
_PLAIN_ADDRESS = re.compile(r"[A-Za-z0-9_+-]+(?:\.[A-Za-z0-9_+-]+)*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_PLAIN_LINE_AT_MOST = 900
"""Well under the policy's 998 characters: a plain To line that short is written as it is."""


def to_header_size(recipient: Recipient, *, utf8: bool = False) -> int:
    """The bytes of the To line build_message writes for `recipient`, as wire_size counts them
    (`utf8` as there). A plain name and address (ASCII letters, digits, spaces, ' and -; a dot-atom
    address) are counted as written, in about a microsecond; any other is folded as the message
    folds it (about 100 us: quoted, RFC 2047 encoded, or in UTF-8). ValueError as build_message's."""
    name = recipient.name or ""
    if _PLAIN_NAME.fullmatch(name) and _PLAIN_ADDRESS.fullmatch(recipient.email):
        words = " ".join(name.split())
        line = f"To: {words} <{recipient.email}>" if words else f"To: {recipient.email}"
        if len(line) <= _PLAIN_LINE_AT_MOST:
            return len(line) + len(WIRE_LINE_END)
    _, header = _MAIL_POLICY.header_store_parse("To", mailbox(name, recipient.email))
    return len(_MAIL_POLICY.clone(linesep=WIRE_LINE_END, utf8=utf8).fold_binary("To", header))


def to_header_size_at_most(recipient: Recipient) -> int:
    """More than to_header_size can be, in a microsecond whatever the name. A name's character
    is at most 4 UTF-8 bytes, each 3 characters q-encoded, in an encoded word of its own (12 more:
    `=?utf-8?q?`, `?=`) on a folded line of its own (3 more: a space, CRLF): 27; header_text may
    make a name half as long again (`=?` broken up as `= ?`). An address's character: at most 4
    bytes, or 2 quoted. The rest of the line: `To: `, quotes, `<`, `>`, CRLF."""
    return 64 + 48 * len(recipient.name or "") + 32 * len(recipient.email)
