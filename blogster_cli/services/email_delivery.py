"""Sending one email through the SMTP server named by BLOGSTER_SMTP_URL.

smtp://[user:password@]host[:port] must upgrade with STARTTLS unless the server is on this
machine, or smtps://... (the one-shot `send` and the newsletter's `SmtpConnection` alike).
The Message-ID comes from the caller, so a message repeated after a crash carries the
same identity and the receiving side can drop the copy. A 4xx refusal of an address
(greylisting) is temporary (RecipientDeferred), a 5xx one final (RecipientRefused); once the
server accepted the message, a failed QUIT does not make it undelivered.
"""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

from blogster_cli.config import is_loopback
from blogster_cli.errors import ConfigError
from blogster_cli.mail_headers import header_text, mailbox

SMTP_TIMEOUT_S = 30
SENDER = "Blogster <no-reply@blogster.local>"
NOT_ASCII = "the address is not ASCII and the SMTP server does not take SMTPUTF8"


class RecipientRefused(Exception):
    """The server refused the address: retrying will not help."""


class SmtpUnavailable(Exception):
    """The server could not be reached or failed temporarily: a retry may succeed."""


class RecipientDeferred(SmtpUnavailable):
    """The server refused the address for now (a 4xx reply, e.g. greylisting): a later try may
    succeed. An SmtpUnavailable, so a caller that retries the whole batch (the maintenance
    job) retries it; the session stays usable for the next address."""


def _refusal(exc: smtplib.SMTPRecipientsRefused) -> RecipientRefused | RecipientDeferred:
    """The refusal of the one address sent to: 4xx deferred (retry later), otherwise final."""
    code, reason = next(iter(exc.recipients.values()))
    if 400 <= code < 500:
        return RecipientDeferred(f"recipient deferred: {code} {_text(reason)}")
    return RecipientRefused(f"recipient refused: {code} {_text(reason)}")


def _secure(client: smtplib.SMTP, *, scheme: str, host: str) -> None:
    """EHLO, then STARTTLS on smtp://; a server elsewhere that offers none is refused rather than
    sent to in clear (the credentials and the mail would cross the network readable)."""
    client.ehlo()
    if scheme != "smtp":
        return
    if client.has_extn("starttls"):
        client.starttls()
        client.ehlo()
    elif not is_loopback(host):
        raise ConfigError(f"{host} does not offer STARTTLS: refusing to send mail in clear (or use smtps://)")


def _quit(client: smtplib.SMTP) -> None:
    """Ends the session; its failure changes nothing about messages already accepted."""
    try:
        client.quit()
    except (smtplib.SMTPException, OSError):
        client.close()


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
    message["To"] = mailbox("", email.to)  # as stored: an encoded word in it is not decoded
    message["Subject"] = header_text(email.subject)  # a title's encoded words cannot add header lines
    message["Message-ID"] = email.message_id
    message.set_content(email.body)
    client_class = smtplib.SMTP_SSL if parts.scheme == "smtps" else smtplib.SMTP
    default_port = 465 if parts.scheme == "smtps" else 25
    try:
        client = client_class(parts.hostname, parts.port or default_port, timeout=SMTP_TIMEOUT_S)
        try:
            _secure(client, scheme=parts.scheme, host=parts.hostname)
            if parts.username:
                client.login(unquote(parts.username), unquote(parts.password or ""))
            try:
                client.send_message(message)
            except (UnicodeEncodeError, smtplib.SMTPNotSupportedError):  # an address outside ASCII
                raise RecipientRefused(NOT_ASCII) from None  # that address only: not the server's failure
        finally:
            _quit(client)  # after the acceptance a failed QUIT must not make the message retried
    except smtplib.SMTPRecipientsRefused as exc:
        raise _refusal(exc) from None
    except (smtplib.SMTPException, OSError) as exc:
        raise SmtpUnavailable(f"SMTP server unavailable: {exc}") from None


def _text(reply: bytes | str) -> str:
    return reply.decode(errors="replace") if isinstance(reply, bytes) else reply


class SmtpConnection:
    """One SMTP session for many messages (a newsletter): smtp:// must upgrade with STARTTLS
    unless the server is on this machine; smtps:// is TLS from the start.

    The password comes from the caller (the keyring), or from the URL as a fallback.
    """

    def __init__(self, smtp_url: str, *, password: str | None = None) -> None:
        parts = urlsplit(smtp_url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ConfigError("the SMTP URL must look like smtp://user@host:587 or smtps://user@host")
        try:  # here, not at the first message: a sender's bad setting must never read as a reader's refusal
            parts.hostname.encode("idna")
            parts.port  # noqa: B018 (urlsplit checks the port when it is read)
        except (UnicodeError, ValueError):
            raise ConfigError(
                f"the SMTP URL's host or port is not usable: {parts.netloc.rpartition('@')[2]!r}"
            ) from None
        self._parts = parts
        self._password = password if password is not None else unquote(parts.password or "")
        self._client: smtplib.SMTP | None = None

    def open(self) -> None:
        parts = self._parts
        host = parts.hostname or ""
        client_class = smtplib.SMTP_SSL if parts.scheme == "smtps" else smtplib.SMTP
        port = parts.port or (465 if parts.scheme == "smtps" else 587)
        try:
            client = client_class(host, port, timeout=SMTP_TIMEOUT_S)
            try:
                _secure(client, scheme=parts.scheme, host=host)
            except ConfigError:
                client.close()
                raise
            if parts.username:
                client.login(unquote(parts.username), self._password)
        except smtplib.SMTPAuthenticationError:
            raise ConfigError("the SMTP server refused the login: check the user and the stored password") from None
        except (smtplib.SMTPException, OSError) as exc:
            raise SmtpUnavailable(f"SMTP server unavailable: {exc}") from None
        self._client = client

    def check_sender(self, address: str) -> None:
        """ConfigError for a From address this server cannot carry (outside ASCII, and the server
        does not take SMTPUTF8), before any reader is tried: each would be refused for it."""
        if address.isascii():
            return
        if self._client is None:
            self.open()
        assert self._client is not None
        try:
            self._client.ehlo_or_helo_if_needed()
        except (smtplib.SMTPException, OSError) as exc:
            raise SmtpUnavailable(f"SMTP server unavailable: {exc}") from None
        if not self._client.has_extn("smtputf8"):
            raise ConfigError(
                f"cannot send from {address!r}: {NOT_ASCII} (newsletter_from sets an ASCII From for the"
                " account the command runs as); nothing was sent"
            )

    def send(self, message: EmailMessage, *, to: str) -> None:
        """Returns once the server accepted the message for `to`; RecipientRefused if it never will,
        RecipientDeferred if not now (a 4xx for this address: the session goes on)."""
        if self._client is None:
            self.open()
        assert self._client is not None
        try:
            # The envelope's sender is the From mailbox's address as built, not a re-reading of its text.
            sender = message["From"].addresses[0].addr_spec if message["From"] is not None else None
            self._client.send_message(message, from_addr=sender, to_addrs=[to])
        except (UnicodeEncodeError, smtplib.SMTPNotSupportedError):  # an address outside ASCII
            self._reset()
            raise RecipientRefused(NOT_ASCII) from None
        except smtplib.SMTPRecipientsRefused as exc:
            self._reset()
            raise _refusal(exc) from None
        except smtplib.SMTPDataError as exc:
            self._reset()
            if 500 <= exc.smtp_code < 600:
                raise RecipientRefused(f"message refused: {exc.smtp_code} {_text(exc.smtp_error)}") from None
            raise SmtpUnavailable(f"SMTP server failed temporarily: {exc.smtp_code}") from None
        except (smtplib.SMTPException, OSError) as exc:
            self.close()
            raise SmtpUnavailable(f"SMTP server unavailable: {exc}") from None

    def _reset(self) -> None:
        """After a refusal the session stays usable; RSET clears the half-made transaction."""
        try:
            assert self._client is not None
            self._client.rset()
        except (smtplib.SMTPException, OSError):
            self.close()

    def close(self) -> None:
        if self._client is not None:
            try:
                self._client.quit()
            except (smtplib.SMTPException, OSError):
                self._client.close()
            self._client = None
