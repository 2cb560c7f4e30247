"""The one-shot maintenance `send` against a local SMTP server: a 4xx refusal is temporary (the job
retries it), a failed QUIT after the acceptance is no failed delivery, and plain text goes only to
this machine (the newsletter path's rule)."""

from __future__ import annotations

import pytest

from blogster_cli.errors import ConfigError
from blogster_cli.services import email_delivery
from tests.smtp_server import smtp_server


def _email(to: str) -> email_delivery.Email:
    return email_delivery.Email(to=to, subject="Maintenance", body="Down at noon.", message_id="<m1@blogster>")


def test_a_4xx_refusal_is_deferred_and_a_5xx_one_final():
    """A red team's `451 greylisted` was recorded `failed | recipient refused: 451`: never retried."""
    with smtp_server() as (recorder, url):
        original = recorder.handle_RCPT

        async def greylist(server, session, envelope, address, rcpt_options):
            if address.startswith("grey"):
                return "451 4.7.1 greylisted, try again later"
            return await original(server, session, envelope, address, rcpt_options)

        recorder.handle_RCPT = greylist  # type: ignore[method-assign]
        recorder.refuse.add("gone@example.com")
        with pytest.raises(email_delivery.RecipientDeferred, match="recipient deferred: 451") as deferred:
            email_delivery.send(url, _email("grey@example.com"))
        assert isinstance(deferred.value, email_delivery.SmtpUnavailable)  # the job's retry path
        with pytest.raises(email_delivery.RecipientRefused, match="recipient refused: 550"):
            email_delivery.send(url, _email("gone@example.com"))
        assert recorder.messages == []


def test_a_failed_quit_after_the_acceptance_is_a_delivery():
    """A non-221 reply to QUIT raised SmtpUnavailable: the job would mail an accepted message again."""
    with smtp_server() as (recorder, url):

        async def grumpy_quit(server, session, envelope):
            return "421 4.3.0 closing anyway"

        recorder.handle_QUIT = grumpy_quit  # type: ignore[attr-defined]
        email_delivery.send(url, _email("reader@example.com"))
        assert [rcpt for rcpt, _ in recorder.messages] == ["reader@example.com"]


def test_plain_smtp_elsewhere_without_starttls_is_refused(monkeypatch):
    """The one-shot send mailed in clear to a remote host offering no STARTTLS; the newsletter path refused."""
    monkeypatch.setattr(email_delivery, "is_loopback", lambda host: False)  # as if the server were elsewhere
    with smtp_server() as (recorder, url):
        with pytest.raises(ConfigError, match="does not offer STARTTLS"):
            email_delivery.send(url, _email("reader@example.com"))
        assert recorder.messages == []
