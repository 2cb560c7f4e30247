"""The maintenance mail's one-shot `send` to an address outside ASCII on a server without SMTPUTF8:
that one address is refused for good, as the newsletter path refuses it, rather than
'SMTP server unavailable' retrying the whole batch (everyone after it waiting through each retry)."""

from __future__ import annotations

import pytest

from blogster_cli.services import email_delivery
from tests.smtp_server import ehlo_without_smtputf8, smtp_server


def _email(to: str) -> email_delivery.Email:
    return email_delivery.Email(to=to, subject="Maintenance", body="Down at noon.", message_id="<m1@blogster>")


def test_an_address_outside_ascii_is_refused_not_a_server_failure():
    with smtp_server() as (recorder, url):
        recorder.handle_EHLO = ehlo_without_smtputf8  # type: ignore[attr-defined]
        with pytest.raises(email_delivery.RecipientRefused, match="not ASCII") as refused:
            email_delivery.send(url, _email("zoë@example.com"))
        assert not isinstance(refused.value, email_delivery.SmtpUnavailable)
        email_delivery.send(url, _email("reader@example.com"))
        assert [rcpt for rcpt, _ in recorder.messages] == ["reader@example.com"]
