"""Header values of outgoing mail that read as they were written.

Python's email package decodes the RFC 2047 encoded words in a header value it is given
("=?utf-8?q?Hi=0D=0ABcc:_x@evil.example?=" is "Hi", a line break and "Bcc: x@evil.example"),
and the Python this runs on may write what they decode to as it is: a newsletter subject, a
reader's name or a maintenance title could add header lines (a Bcc, a second From) to every
message sent. A value goes in only once it decodes to itself, on one line, without control
characters.
"""

from __future__ import annotations

from email.headerregistry import Address
from email.policy import default
from email.utils import parseaddr

from blogster_cli.terminal_text import dropped

_DECODE_ROUNDS = 8


def header_text(text: str) -> str:
    """`text` as one header line: control characters (ESC, C1 codes, bidi controls) left out,
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


def sender_mailbox(setting: str) -> Address:
    """The newsletter_from setting ("Ada <ada@example.com>" or a bare address) as a mailbox, read
    without decoding anything (the name is then made safe by mailbox)."""
    name, address = parseaddr(setting)
    return mailbox(name, address)


def _one_line(text: str) -> str:
    return " ".join(dropped(text).split())
