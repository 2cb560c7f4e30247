"""Header values of outgoing mail that read as they were written.

Python's email package decodes the RFC 2047 encoded words in a header value it is given
("=?utf-8?q?Hi=0D=0ABcc:_x@evil.example?=" is "Hi", a line break and "Bcc: x@evil.example"),
and the Python this runs on may write what they decode to as it is: a newsletter subject, a
reader's name or a maintenance title could add header lines (a Bcc, a second From) to every
message sent. A value goes in only once it decodes to itself, on one line, without control
characters. The newsletter_from setting is taken only as one mailbox that every reading agrees on
(sender_mailbox): a group, a comment or an encoded word would send from its address, the name lost.
"""

from __future__ import annotations

import unicodedata
from email import errors
from email.headerregistry import Address
from email.policy import default
from email.utils import getaddresses, parseaddr

from blogster_cli.terminal_text import dropped, is_safe

_DECODE_ROUNDS = 8


def header_text(text: str) -> str:
    """`text` as one header line: control characters (ESC, C1 codes, bidi controls but marks) left out,
    each run of whitespace (line breaks too) one space, and every encoded word replaced by what it
    decodes to, made safe the same way, until nothing is left to decode. Past a few rounds of
    encoded words inside encoded words, `=?` is broken up so that nothing can be decoded."""
    value = _one_line(text)
    for _ in range(_DECODE_ROUNDS):
        decoded = _one_line(str(default.header_factory("X-Blogster-Text", value)))
        if decoded == value:
            return value
        value = decoded
    return value.replace("=?", "= ?")


def mailbox(name: str, address: str) -> Address:
    """A To or From mailbox: `name` as header_text makes it, the address as stored, never decoded
    (an encoded word in an address is part of the address, not a name or another address; the
    header quotes what needs it). ValueError when `address` is no address."""
    user, at, domain = address.rpartition("@")
    if not at or not user or not domain:
        raise ValueError(f"{address!r} is not an address")
    return Address(display_name=header_text(name), username=user, domain=domain)


SENDER_SHAPE = 'one address, with or without a name: "Ada <ada@example.com>" or ada@example.com'
"""What a newsletter_from setting must be (sender_mailbox's rule), for the messages that refuse one."""


def _kept(defect: errors.MessageDefect) -> bool:
    """A defect a From may show and still read the same to everyone: an internationalised local
    part (ü@exämple.com), a period in an unquoted name (Dr. Ada <ada@example.com>). Not other
    obsolete syntax, such as a route (<@relay:ada@example.com>: the part typed first is dropped).
    Told by the parser's wording: should it change, such a name is refused, never let through."""
    if isinstance(defect, errors.NonASCIILocalPartDefect):
        return True
    return isinstance(defect, errors.ObsoleteHeaderDefect) and str(defect).startswith("period in")


def sender_mailbox(setting: str) -> Address:
    """The newsletter_from setting as the one mailbox it says, with the name and address as written.

    ValueError (saying why, in a few words) unless every reading agrees: email.utils and
    email.headerregistry both find one mailbox and no group, with the same name and address, the
    name needs no decoding or cleaning (header_text leaves it as it is), the address has a local
    part and a domain, and the mailbox as it is written into a message reads back as that pair.
    Otherwise a value such as `Bcc:Bcc:; <ops@example.com>` (a group), `ada@example.com (Ada)` (a
    comment) or `=?utf-8?q?A=0D=0AB?= <a@example.com>` (an encoded word) would go out as something
    other than what was typed: the name dropped or changed without a word."""
    if not is_safe(setting, keep_marks=True) or any(unicodedata.category(c) == "Cc" for c in setting):
        raise ValueError("it holds a control character (a line break, a tab, ESC)")
    name, address = parseaddr(setting)
    if any(unicodedata.category(c) in ("Zl", "Zp") for c in setting) or any(
        unicodedata.category(c) in ("Zs", "Cf") for c in address
    ):  # a name may hold a ZWNJ (Cf) as Persian names do; an address none: a lookalike sender
        raise ValueError("it holds a line separator, or a space or invisible character in the address (U+200B, U+00AD)")
    if len(getaddresses([setting])) != 1 or _read(setting) != (name, address):
        raise ValueError(
            "mail programs would read it otherwise (a group, two addresses, a comment, an encoded word,"
            ' a stray < or quote); a name with , ; : ( or " goes in quotes'
        )
    sender = mailbox(name, address)
    if header_text(name) != name or _read(str(sender)) != (name, address):
        raise ValueError("it would not read back as written once put in a message")
    return sender


def _read(text: str) -> tuple[str, str] | None:
    """The (name, address) of the one mailbox a From of `text` holds as email.headerregistry reads
    it (encoded words decoded); None for a group, several mailboxes or none, or a defect beyond
    the _kept ones (a missing >, a stray quote, text after the address)."""
    try:
        header = default.header_factory("From", text)
    except Exception:  # its parser raises AttributeError, IndexError or ValueError for some values
        return None
    if len(header.groups) != 1 or header.groups[0].display_name is not None or len(header.addresses) != 1:
        return None
    if not all(_kept(defect) for defect in header.defects):
        return None
    [found] = header.addresses
    return found.display_name, found.addr_spec


def _one_line(text: str) -> str:
    return " ".join(dropped(text, keep_marks=True).split())  # bidi marks stay: mail programs need them
