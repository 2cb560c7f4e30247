"""Red team 25: an RFC 2047 encoded word decodes to line breaks that Python's email package writes
as header lines; a header value goes in only once it decodes to itself, on one line."""

from __future__ import annotations

from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default

import pytest
from hypothesis import given
from hypothesis import strategies as st

from blogster_cli.mail_headers import header_text, mailbox, sender_mailbox
from blogster_cli.services import email_delivery
from tests.smtp_server import smtp_server

INJECTION = "=?utf-8?q?Weekly=0D=0AFrom:_Operator_<op@example.com>=0D=0AReply-To:_phish@evil.example?="


@pytest.mark.parametrize(
    ("given_text", "kept"),
    [
        (INJECTION, "Weekly From: Operator <op@example.com> Reply-To: phish@evil.example"),
        ("=?utf-8?b?SGkNCkJjYzogeEBldmlsLmV4YW1wbGU=?=", "Hi Bcc: x@evil.example"),  # base64
        ("=?utf-8?q?=3D=3Futf-8=3Fq=3Fa=3D0D=3D0AB=3F=3D?=", "a B"),  # an encoded word inside one
        ("=\x1b?utf-8?q?a=0D=0AX:_1?=", "a X: 1"),  # one that leaving a control out makes
        ("plain =? not encoded ?= text", "plain =? not encoded ?= text"),
        ("Résumé  of\tthe week", "Résumé of the week"),
        ("\u05e9\u05d1\u05d5\u05e2 (3)\u200f \u202eevil", "\u05e9\u05d1\u05d5\u05e2 (3)\u200f evil"),
    ],
    ids=["quoted-printable", "base64", "nested", "made-by-cleaning", "look-alike", "plain", "rtl-mark-kept"],
)
def test_a_value_is_one_line_that_decodes_to_itself(given_text, kept):
    assert header_text(given_text) == kept
    assert str(default.header_factory("Subject", kept)) == kept


@given(st.text())
def test_a_name_never_changes_the_address_it_goes_with(name):
    """Red team 26: a name with a non-ASCII letter and `<>",:` lost its quoting (formataddr's
    encoded word, decoded and written again), so mail readers took boss@corp.example for the address."""
    message = EmailMessage(policy=default.clone(max_line_length=998))
    message["To"] = mailbox(name, "reader@example.com")
    [address] = message_from_bytes(message.as_bytes(), policy=default)["To"].addresses
    assert address.addr_spec == "reader@example.com"


@pytest.mark.parametrize(
    "name", ["é Boss <boss@corp.example>", 'Zoë "the boss" (CEO), Bcc: all', "=?utf-8?q?a=40b.c?= <a@b.c>"]
)
def test_a_name_that_looks_like_an_address_stays_a_name(name):
    message = EmailMessage(policy=default.clone(max_line_length=998))
    message["To"] = mailbox(name, "reader@example.com")
    [address] = message_from_bytes(message.as_bytes(), policy=default)["To"].addresses
    assert address.addr_spec == "reader@example.com" and address.display_name == header_text(name)


def test_an_address_is_never_decoded():
    """Red team 26: an account email with an encoded word in its local part was decoded into the
    From (and the envelope's sender): `x=?utf-8?q?Bank_=3Cceo=40bank.com=3E?=@att.example` sent as ceo@bank.com."""
    sender = "x=?utf-8?q?Bank_=3Cceo=40bank.com=3E_=28?=@att.example"
    message = EmailMessage(policy=default.clone(max_line_length=998))
    message["From"] = mailbox("", sender)
    assert message["From"].addresses[0].addr_spec == sender
    assert b"ceo@bank.com" not in message.as_bytes()
    with pytest.raises(ValueError, match="not an address"):
        mailbox("", "no-at-sign")


@pytest.mark.parametrize(
    "setting",
    [
        "Bcc:Bcc:; <ops@example.com>",  # a group: sent from ops@example.com, the name dropped
        "Letters: ops@example.com;",
        "ops@example.com (Ada)",  # a comment: a name to one reader, nothing to another
        "Ada (Letters) <ops@example.com>",
        "=?utf-8?q?N=0D=0AX?= <a@b.c>",  # an encoded word: decoded by some readers, not by others
        "Ada <ops@example.com>, Bob <bob@example.com>",
        "Ada <ops@example.com> Bob",
        "Ada <ops@example.com",
        'Ada "Lovelace <ops@example.com>',
        "Ada <@relay.example:ops@example.com>",  # a route: the part typed first is dropped
        'Ada <"ops"@example.com>',
        '"ops x"@example.com',
        "ops@example.com\r\nBcc: leak@evil.example",
        "Ada\t<ops@example.com>",
        "Ada\u202e <ops@example.com>",
        "Ada <ada\u2028@example.com>",  # red team 28: a line separator in the local part
        "Ada \u2029 <ada@example.com>",
        "ada@ex\u200bample.com",  # an invisible character: a lookalike of ada@example.com
        "ada@ex\u00adample.com",  # a soft hyphen
        "ad\u2060a@example.com",  # a word joiner
        "ada\u3000@example.com",  # an ideographic space
        "ops@",
        "@example.com",
        "Ada",
        "",
    ],
)
def test_a_sender_that_reads_another_way_is_refused(setting):
    """Red team 26: newsletter_from was read with parseaddr alone, so `Bcc:Bcc:; <ops@x>` (and
    other values it reads otherwise than typed) sent from the address with the name dropped."""
    with pytest.raises(ValueError):
        sender_mailbox(setting)


@pytest.mark.parametrize(
    ("setting", "kept"),
    [
        ("Ada <ada@example.com>", ("Ada", "ada@example.com")),
        ('"Ada, Lovelace" <ada@example.com>', ("Ada, Lovelace", "ada@example.com")),
        ("ada@example.com", ("", "ada@example.com")),
        ("Zo\u00eb \u00d6 <z@example.com>", ("Zo\u00eb \u00d6", "z@example.com")),
        ("\u00fcli@ex\u00e4mple.com", ("", "\u00fcli@ex\u00e4mple.com")),
        ("Dr. Ada <ada@example.com>", ("Dr. Ada", "ada@example.com")),
        ("Ada's Letters <letters@ada.example>", ("Ada's Letters", "letters@ada.example")),
        (
            "\u0645\u0647\u200c\u0633\u0627 <m@example.com>",
            ("\u0645\u0647\u200c\u0633\u0627", "m@example.com"),
        ),  # a ZWNJ
        (
            "\u05d3\u05d5\u05d3 \u05db\u05d4\u05df\u200f <d@example.com>",
            ("\u05d3\u05d5\u05d3 \u05db\u05d4\u05df\u200f", "d@example.com"),
        ),  # RLM
    ],
)
def test_a_sender_as_typed_is_kept_and_reads_back_from_a_message(setting, kept):
    sender = sender_mailbox(setting)
    assert (sender.display_name, sender.addr_spec) == kept
    message = EmailMessage(policy=default.clone(max_line_length=998))
    message["From"] = sender
    [address] = message_from_bytes(message.as_bytes(), policy=default)["From"].addresses
    assert (address.display_name, address.addr_spec) == kept


@given(st.text())
def test_no_value_adds_a_header_line(text):
    message = EmailMessage(policy=default.clone(max_line_length=998))
    message["Subject"] = header_text(text)
    message["To"] = mailbox(text, "reader@example.com")
    lines = message.as_bytes().split(b"\n")
    assert lines[-2:] == [b"", b""] and all(not line.startswith((b"Bcc", b"From", b"Reply-To")) for line in lines)
    assert [line.split(b":")[0] for line in lines if line and not line.startswith((b" ", b"\t"))] == [b"Subject", b"To"]


def test_a_maintenance_title_adds_no_header_line():
    with smtp_server() as (recorder, url):
        email_delivery.send(
            url, email_delivery.Email(to="reader@example.com", subject=INJECTION, body="Down.", message_id="<m@b>")
        )
    [(_, message)] = recorder.messages
    assert message["Reply-To"] is None and len(message.get_all("From")) == 1
