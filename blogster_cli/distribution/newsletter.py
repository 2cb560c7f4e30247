"""A newsletter's parts without I/O: its recipients list, its HTML and text bodies, each message.

Every message carries its own unsubscribe link (in the body and the List-Unsubscribe
header) and a Message-ID fixed by newsletter and address, so a copy repeated after a
crash is recognisably the same message and receivers can drop it.

The Message-ID and the reader key of the tracking links are keyed hashes (HMAC-SHA256)
of the address under the newsletter's own random secret (`new_reader_secret`, kept with
the newsletter): stable for every re-run of its send, but nobody who merely knows an
address can compute them. Newsletters made before there were secrets have none, and keep
the unkeyed form their first messages already carried (secret None).

A post's embeds reach a mail as links (`playable_as_links`, `plain_text`): most mail clients
(Gmail, Outlook, Apple Mail) show no frame and play no `<video>` or `<audio>`, so the YouTube or
Vimeo player the site frames would leave nothing where the video was. What a page leaves out unseen
(an HTML comment: a template's guidance, a writer's note) is not in the plain-text part either
(`distribution.unseen`), nor what the page's sanitiser drops of the tags it keeps as written (a
`data-*` or `onclick` attribute, a tag it does not allow: `plain_text`).

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
from dataclasses import dataclass
from email.generator import BytesGenerator
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import EmailPolicy
from email.utils import formatdate
from functools import cache
from typing import TYPE_CHECKING

from blogster_cli.content.fences import split_lines
from blogster_cli.distribution.crosspost import embeds_outside_code, play_link
from blogster_cli.distribution.quote_marks import quote_marks_filled
from blogster_cli.distribution.unseen import (
    parses_shared,
    quick_block_starts,
    quick_paragraph_ends,
    shared_fences,
    shared_tokens,
    tags_kept,
    unseen_left_out,
)
from blogster_cli.mail_headers import header_text, mailbox
from blogster_cli.publish.sanitize import Embed, embed_link, embeds_replaced, kept_tag

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
    """Lines whose address an earlier line of the CSV already gave (ignoring case and how the domain
    is spelled: normalised_email): counted once."""


def normalised_email(text: str) -> str | None:
    """The address with its domain in one spelling (`mail_domain`), or None when it is not one: a
    mailbox a list writes two ways (`ada@exämple.com`, `ada@xn--exmple-cua.com.`) is one reader,
    mailed once. The local part stays as written (case is merged where addresses are compared)."""
    address = text.strip()
    if len(address) > MAX_EMAIL_CHARS or not EMAIL_SHAPE.fullmatch(address):
        return None
    local, _, domain = address.rpartition("@")
    normal = f"{local}@{mail_domain(domain)}"
    return normal if len(normal) <= MAX_EMAIL_CHARS and EMAIL_SHAPE.fullmatch(normal) else None


def mail_domain(domain: str) -> str:
    """A domain's one spelling: lowercase, without the trailing dot of the DNS root (`example.com.`),
    an internationalised one in its ASCII form (`exämple.com` as `xn--exmple-cua.com`, which every
    mail server takes, SMTPUTF8 or not) by IDNA 2008 with UTS 46's mapping (case, full-width dots).
    Not the standard library's IDNA 2003, which writes `straße.de` as `strasse.de`: another domain.
    One IDNA refuses (an empty or overlong label) stays lowercased: it has no other spelling."""
    if not domain.isascii():
        import idna  # only for the rare domain that needs it (its tables take ~10 ms to load)

        try:
            domain = idna.encode(domain, uts46=True).decode("ascii")
        except (idna.IDNAError, UnicodeError):
            pass
    return domain.removesuffix(".").lower()


def _unreadable(line: int, error: csv.Error) -> str:
    if "field limit" in str(error):
        return f"line {line} of the CSV: a cell is longer than {csv.field_size_limit():,} characters"
    return f"line {line} of the CSV: {error}"


def parse_recipients(text: str) -> RecipientList:
    """A CSV with an `email` column (and optionally `name`); duplicates (ignoring case and how the
    domain is spelled) count once.

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
    as written, but for what the page leaves out unseen or drops: `plain_text`) for the plain-text
    part, so both parts carry the whole post."""

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


def _in_words(embed: Embed) -> str:
    """An embed as the plain-text part shows it, as the site shows it: a video player, `<video>` and
    `<audio>` as "▶ WORDS: ADDRESS" (`play_link`), another frame, a Flash file or a gist as its
    address, any other script left out; a `<video>` or `<audio>` without an http(s) address as written."""
    play = play_link(embed)
    if play is not None:
        return f"{play.words}: {play.url}"
    if embed.name in ("video", "audio"):
        return embed.source
    return embed_link(embed) or ""


# Where an embed's words wait while the tags around them are read (`plain_text`): a NUL, which
# no post holds (PostgreSQL text cannot), so the words' own `<` are never read as a tag.
_HELD = re.compile("\0([0-9]+)\0")


def plain_text(markdown: str) -> str:
    """A post's markdown for a mail's plain-text part: without what its page leaves out unseen
    (`distribution.unseen`), its embeds in words (`_in_words`), and every other tag as the
    page's sanitiser keeps it (`unseen.tags_kept`): no attribute (`data-*`, `onclick`, `style`) or
    element the HTML part drops. A `<video>` or `<audio>` left as written is read as any other tag.
    A fenced code block shows its code lines, as the page does, not its fences (`_fences_left_out`);
    a quote's lazy lines are marked as quoted, as the page shows them (`quote_marks_filled`)."""
    held: list[str] = []

    def hold(embed: Embed) -> str:
        words = _in_words(embed)
        if words == embed.source:
            return words
        held.append(words)
        return f"\0{len(held) - 1}\0"

    with parses_shared():
        unseen = unseen_left_out(quote_marks_filled(markdown))
        kept = _fences_left_out(tags_kept(embeds_outside_code(unseen, hold), kept_tag))
    return _HELD.sub(lambda found: held[int(found.group(1))], kept)


@cache
def _fence_parser() -> MarkdownIt:
    """CommonMark with the site's tables, reading blocks only (`quick_paragraph_ends`, `quick_block_starts`): where the fenced
    code blocks are."""
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark").enable(["table", "strikethrough"]).disable("inline")
    return quick_block_starts(quick_paragraph_ends(parser))


def _fences_left_out(markdown: str) -> str:
    """`markdown` with each fenced code block's code lines, as its page shows them, without its fence
    lines (the opening one holds the info string, ```` ```python ````, that the page never shows): read
    by markdown-it's parse, so a fence indented up to three spaces, of tildes, in a list item or a quote
    is one, and a ``` line in an HTML block or indented code is not. A fence line keeps its container's
    marks (`>`, a list item's marker) and, as a blank line, keeps the code apart from the text next to
    it unless a blank line already does; an indented fence's code lines lose as many spaces as the page
    takes off (up to the fence's own indentation, outside lists and quotes)."""
    if "```" not in markdown and "~~~" not in markdown:  # most posts
        return markdown
    lines = split_lines(markdown)
    tokens = shared_fences(markdown)  # the last stage's, where it can
    for token in tokens if tokens is not None else shared_tokens(markdown) or _fence_parser().parse(markdown):
        if token.type != "fence" or token.map is None:
            continue
        start, end = token.map
        code = token.content.count("\n") + (not token.content.endswith("\n") and token.content != "")
        opening = lines[start]
        prefix = opening[: opening.index(token.markup)]
        if token.level == 0 and prefix:  # no container: the prefix is the fence's indentation
            for at in range(start + 1, start + 1 + code):
                lines[at] = lines[at][min(len(prefix), len(lines[at]) - len(lines[at].lstrip(" "))) :]
        lines[start] = _fence_line(prefix, opening, lines[start - 1] if start > 0 else None)
        if end - start - 1 > code:  # closed: its last line is the closing fence
            closing = lines[end - 1]
            after = lines[end] if end < len(lines) else None
            lines[end - 1] = _fence_line(closing[: closing.index(token.markup[0])], closing, after)
    return "".join(lines)


def _fence_line(prefix: str, line: str, outside: str | None) -> str:
    """A fence `line` as the text part shows it: its container's marks (`prefix`, blanks off), with its
    line ending; nothing where that is a blank line and the line `outside` it (before an opening fence,
    after a closing one) is blank too or the text's edge."""
    marks = prefix.rstrip(" \t")
    if not marks.strip(">") and (outside is None or not outside.strip(" \t>\r\n")):
        return ""
    return marks + line[len(line.rstrip("\r\n")) :]


_ONE_WORD_HEADERS = frozenset({"list-unsubscribe", "message-id"})
_LONGEST_LINE = 998  # RFC 5322, 2.1.1


class _MailPolicy(EmailPolicy):
    """Headers folded at 78 characters, so an RFC 2047 encoded word (a subject or a name that is not
    ASCII) is at most 75, as the standard says and strict mail clients insist (a longer one shows as
    `=?utf-8?q?...`). But for a header that is one word, an identifier: List-Unsubscribe's URL folded
    at 78 became encoded words, which no mail client reads as a URL; those go on one line of up to 998."""

    def fold(self, name: str, value: str) -> str:
        if name.lower() in _ONE_WORD_HEADERS and self.max_line_length != _LONGEST_LINE:
            return self.clone(max_line_length=_LONGEST_LINE).fold(name, value)
        folded: str = super().fold(name, value)
        return folded

    def fold_binary(self, name: str, value: str) -> bytes:
        if name.lower() in _ONE_WORD_HEADERS and self.max_line_length != _LONGEST_LINE:
            return self.clone(max_line_length=_LONGEST_LINE).fold_binary(name, value)
        return super().fold_binary(name, value)


_MAIL_POLICY = _MailPolicy()
_READ_IT = "Read it on the site: "  # before each post's link in the plain-text part (tracked there too)
DEFAULT_BODY_STYLE = "font-family: Georgia, serif; max-width: 40em; margin: 0 auto; line-height: 1.5"


def render(
    *, subject: str, site_title: str, site_url: str, posts: list[PostSection], body_style: str = DEFAULT_BODY_STYLE,
    link_style: str = "",
) -> Bodies:  # fmt: skip
    """The HTML and plain-text parts, with UNSUBSCRIBE_PLACEHOLDER where each reader's link goes.
    `body_style` and `link_style` are inline CSS (the site theme's look: mail clients drop stylesheets).
    Each post's players, videos and sounds are links (`playable_as_links`, `plain_text`); its
    text is without what its page leaves out unseen or its sanitiser drops (`plain_text`)."""
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
        f"{p.title}\n{'=' * len(p.title)}\n\n{plain_text(p.text).strip()}\n\n{_READ_IT}{p.url}" for p in posts
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
_PLAIN_LINE_AT_MOST = 78
"""The policy's line length: a plain To line that short is written as it is, a longer one folded."""


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
