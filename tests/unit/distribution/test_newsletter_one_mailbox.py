"""Red team 57: one mailbox under two spellings of its domain was two readers (F4), and the RFC 2047
encoded words of a subject or a reader's name ran past the standard's 75 characters (F5)."""

from __future__ import annotations

import re
from email import message_from_bytes
from email.headerregistry import Address
from email.policy import default

import pytest

from blogster_cli.distribution import newsletter as letters

SPELLINGS = ["ada@example.com", "ada@example.com.", "ada@EXAMPLE.COM", "ada@xn--exmple-cua.com",
             "ada@exämple.com", "ada@EXÄMPLE.COM.", "ada@xn--exmple-cua.com.", "ada@XN--EXMPLE-CUA.COM"]  # fmt: skip


@pytest.mark.parametrize(
    ("written", "normal"),
    [
        ("ada@example.com.", "ada@example.com"),
        ("ada@exämple.com", "ada@xn--exmple-cua.com"),
        ("ada@EXÄMPLE.COM.", "ada@xn--exmple-cua.com"),
        ("ada@XN--EXMPLE-CUA.COM", "ada@xn--exmple-cua.com"),
        ("ada@exa\u0308mple.com", "ada@xn--exmple-cua.com"),  # the ä decomposed
        ("ada@BÜCHER.de", "ada@xn--bcher-kva.de"),  # lowercased as IDNA maps it
        ("ada@straße.de", "ada@xn--strae-oqa.de"),  # IDNA 2008: not strasse.de, another domain
        ("Ada.Lovelace@Example.com", "Ada.Lovelace@example.com"),  # the local part as written
        ("ü@exämple.com", "ü@xn--exmple-cua.com"),
        ("ada@ex..com", "ada@ex..com"),  # no IDNA form (an empty label): as before
        ("ada@[127.0.0.1]", "ada@[127.0.0.1]"),
    ],
)
def test_a_domain_has_one_spelling(written, normal):
    assert letters.normalised_email(written) == normal


def test_a_trailing_dot_alone_is_no_domain():
    assert letters.normalised_email("ada@com.") is None
    assert letters.normalised_email("ada@example..") is None


def test_one_mailbox_under_every_spelling_is_one_reader():
    parsed = letters.parse_recipients("email\n" + "\n".join(SPELLINGS) + "\nbob@example.com\n")
    assert [r.email for r in parsed.recipients] == ["ada@example.com", "ada@xn--exmple-cua.com", "bob@example.com"]
    assert parsed.duplicates == len(SPELLINGS) - 2 and parsed.problems == []


SUBJECT = "Wöchentlicher Überblick: neue Beiträge über Datenbanken und Sicherheit im Jänner 2026 – Teil zwei"
NAME = "Jürgen Müller-Lüdenscheidt von Größenwahnsinnigen"
UNSUBSCRIBE = "https://blog.example.com/unsubscribe/?t=" + "f" * 64
ENCODED_WORD = re.compile(r"=\?utf-8\?[qb]\?[^?]*\?=", re.IGNORECASE)


def built(subject: str, name: str, email: str = "jm@example.com") -> tuple[str, str]:
    message = letters.build_message(
        sender=Address("Blogster Ö Newsletter", "news", "example.com"),
        recipient=letters.Recipient(email, name),
        subject=subject,
        bodies=letters.Bodies(html=f'<p>{"ü" * 300}</p><a href="{letters.UNSUBSCRIBE_PLACEHOLDER}">x</a>',
                              text=f"{'ü ' * 300}\n{'z' * 1200}\n{letters.UNSUBSCRIBE_PLACEHOLDER}\n"),
        message_id=letters.message_id("0b0e5c1e-1111-2222-3333-444455556666", email, "a" * 64),
        unsubscribe=UNSUBSCRIBE,
    )  # fmt: skip
    raw = message.as_bytes()
    head = raw.split(b"\n\n", 1)[0].decode("ascii")
    return head, message_id_of(raw)


def message_id_of(raw: bytes) -> str:
    return str(message_from_bytes(raw, policy=default)["Message-ID"])


@pytest.mark.parametrize("subject", [SUBJECT, "Ü" + "ber " * 1700], ids=["German", "6800-characters"])
def test_encoded_words_are_at_most_75_characters_and_header_lines_78(subject):
    head, _ = built(subject, NAME)
    words = ENCODED_WORD.findall(head)
    assert words and max(len(word) for word in words) <= 75, max(len(word) for word in words)
    for line in head.splitlines():
        if not line.startswith(("List-Unsubscribe:", "Message-ID:")):
            assert len(line) <= 78, line
    parsed = message_from_bytes(head.encode() + b"\n\n", policy=default)
    assert str(parsed["Subject"]) == " ".join(subject.split())


def test_identifiers_stay_whole_on_one_line():
    """List-Unsubscribe folded at 78 became encoded words (no mail client reads that as a URL)."""
    head, message_id = built(SUBJECT, NAME)
    assert f"\nList-Unsubscribe: <{UNSUBSCRIBE}>\n" in head
    assert re.fullmatch(r"<0b0e5c1e-1111-2222-3333-444455556666\.[0-9a-f]{32}@newsletter\.blogster>", message_id)
    assert f"\nMessage-ID: {message_id}\n" in head


def test_a_long_address_is_not_broken():
    email = "reader." + "x" * 90 + "@example.com"
    head, _ = built("Hi", "Al", email)
    assert f"<{email}>" in head


def test_the_to_line_size_is_the_folded_line():
    """to_header_size's quick count of a plain line holds up to the fold, the slow count past it."""
    for name in ["Al", "Al " * 30]:
        recipient = letters.Recipient("al@example.com", name)
        _, header = letters._MAIL_POLICY.header_store_parse("To", letters.mailbox(name, recipient.email))
        folded = letters._MAIL_POLICY.clone(linesep="\r\n").fold_binary("To", header)
        assert letters.to_header_size(recipient) == len(folded)
