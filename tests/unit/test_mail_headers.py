"""Red team 25: an RFC 2047 encoded word decodes to line breaks that Python's email package writes
as header lines; a header value goes in only once it decodes to itself, on one line."""

from __future__ import annotations

from email.message import EmailMessage
from email.policy import default

import pytest
from hypothesis import given
from hypothesis import strategies as st

from blogster_cli.mail_headers import header_text, mailbox
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
    ],
    ids=["quoted-printable", "base64", "nested", "made-by-cleaning", "look-alike", "plain"],
)
def test_a_value_is_one_line_that_decodes_to_itself(given_text, kept):
    assert header_text(given_text) == kept
    assert str(default.header_factory("Subject", kept)) == kept


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
