"""Sending one email through the SMTP server named by BLOGSTER_SMTP_URL.

smtp://[user:password@]host[:port] (STARTTLS when the server offers it) or smtps://...
The Message-ID comes from the caller, so a message repeated after a crash carries the
same identity and the receiving side can drop the copy.
"""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

from blogster_cli.errors import ConfigError

SMTP_TIMEOUT_S = 30
SENDER = "Blogster <no-reply@blogster.local>"


class RecipientRefused(Exception):
    """The server refused the address: retrying will not help."""


class SmtpUnavailable(Exception):
    """The server could not be reached or failed temporarily: a retry may succeed."""


@dataclass(frozen=True)
class Email:
    to: str
    subject: str
    body: str
    message_id: str


def send(smtp_url: str, email: Email) -> None:
    """Hands the message to the server; returns only once the server accepted it."""
    parts = urlsplit(smtp_url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ConfigError("BLOGSTER_SMTP_URL must look like smtp://host:port or smtps://user:password@host")
    message = EmailMessage()
    message["From"] = SENDER
    message["To"] = email.to
    message["Subject"] = email.subject
    message["Message-ID"] = email.message_id
    message.set_content(email.body)
    client_class = smtplib.SMTP_SSL if parts.scheme == "smtps" else smtplib.SMTP
    default_port = 465 if parts.scheme == "smtps" else 25
    try:
        with client_class(parts.hostname, parts.port or default_port, timeout=SMTP_TIMEOUT_S) as client:
            client.ehlo()
            if parts.scheme == "smtp" and client.has_extn("starttls"):
                client.starttls()
                client.ehlo()
            if parts.username:
                client.login(unquote(parts.username), unquote(parts.password or ""))
            client.send_message(message)
    except smtplib.SMTPRecipientsRefused as exc:
        code, reason = next(iter(exc.recipients.values()))
        raise RecipientRefused(f"recipient refused: {code} {reason.decode(errors='replace')}") from None
    except (smtplib.SMTPException, OSError) as exc:
        raise SmtpUnavailable(f"SMTP server unavailable: {exc}") from None
