"""Sending one email through the SMTP server named by BLOGSTER_SMTP_URL.

smtp://[user:password@]host[:port] must upgrade with STARTTLS unless the server is on this
machine, or smtps://... (the one-shot `send` and the newsletter's `SmtpConnection` alike).
The Message-ID comes from the caller, so a message repeated after a crash carries the
same identity and the receiving side can drop the copy. A 4xx refusal of an address
(greylisting) is temporary (RecipientDeferred), a 5xx one final (RecipientRefused); once the
server accepted the message, a failed QUIT does not make it undelivered.

A server's reply is read within bounds (`_BoundedSmtp`, on smtp://, after STARTTLS and on
smtps:// alike): at most MAX_REPLY_LINES lines and MAX_REPLY_BYTES, the whole reply within
SMTP_TIMEOUT_S however slowly it trickles; past that the session is hung up and the server
counts as unusable. What a reply says reaches a message (and the newsletter's stored refusals)
only as its code and one cut line of its text (`_reply_text`), control characters made visible
and the login's password masked in every form it crossed the wire in (`secret_forms`).
"""

from __future__ import annotations

import base64
import smtplib
import socket
import time
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import SplitResult, quote, unquote, urlsplit

from blogster_cli.config import is_loopback
from blogster_cli.errors import ConfigError
from blogster_cli.mail_headers import header_text, mailbox
from blogster_cli.terminal_text import safe

SMTP_TIMEOUT_S = 30
"""Per socket wait, and for each whole reply of the server (however many lines it trickles)."""
MAX_REPLY_LINES = 100  # an EHLO reply has about ten; an endless `250-...` reply is refused here
MAX_REPLY_BYTES = 64 * 1024
MAX_LINE_BYTES = 8192  # smtplib's own cap on one reply line (its private _MAXLINE)
MAX_REPLY_CHARS = 200  # of a reply's text in a message or a stored refusal
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


class ReplyOutOfBounds(smtplib.SMTPServerDisconnected):
    """The server's reply ran past MAX_REPLY_LINES, MAX_REPLY_BYTES or SMTP_TIMEOUT_S: the
    session was hung up (an SMTPException, so every caller treats the server as unusable)."""


class _ReplyLines:
    """The server's reply lines, read straight from the socket so that every wait is cut to what
    is left of the reply's deadline (smtplib's buffered file waits the full timeout per read)."""

    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock
        self._pending = bytearray()

    def readline(self, limit: int, deadline: float) -> bytes:
        """The next line (with its newline), at most `limit` bytes; b"" once the server closed.
        TimeoutError once `deadline` (time.monotonic()) passed without a whole line."""
        while True:
            end = self._pending.find(b"\n", 0, limit)
            size = end + 1 if end >= 0 else (limit if len(self._pending) >= limit else 0)
            if size:
                line = bytes(self._pending[:size])
                del self._pending[:size]
                return line
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("timed out")
            self._sock.settimeout(left)
            chunk = self._sock.recv(16384)
            if not chunk:
                line = bytes(self._pending)
                self._pending.clear()
                return line
            self._pending += chunk

    def close(self) -> None:  # smtplib closes its `file`, then the socket
        self._pending.clear()


class _BoundedSmtp(smtplib.SMTP):
    """smtplib.SMTP whose replies are bounded: smtplib's getreply keeps every `250-` line of a
    reply that never ends (a red team's endless EHLO reply took the process to 1.9 GB), and its
    timeout is per socket read, which a server sending a line a second never trips."""

    def getreply(self) -> tuple[int, bytes]:
        """smtplib's getreply (the same code and lines joined by newlines) within the bounds."""
        if self.sock is None:
            raise smtplib.SMTPServerDisconnected("please run connect() first")
        if not isinstance(self.file, _ReplyLines):  # smtplib drops `file` on connect and STARTTLS
            self.file = _ReplyLines(self.sock)
        reader: _ReplyLines = self.file
        deadline = time.monotonic() + self.timeout
        lines: list[bytes] = []
        size = 0
        try:
            while True:
                try:
                    line = reader.readline(MAX_LINE_BYTES + 1, deadline)
                except TimeoutError:
                    self.close()
                    raise ReplyOutOfBounds(f"no complete reply within {self.timeout:g} s: hung up") from None
                except OSError as exc:
                    self.close()
                    raise smtplib.SMTPServerDisconnected(f"Connection unexpectedly closed: {exc}") from None
                if not line:
                    self.close()
                    raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
                size += len(line)
                if len(line) > MAX_LINE_BYTES or len(lines) >= MAX_REPLY_LINES or size > MAX_REPLY_BYTES:
                    self.close()
                    raise ReplyOutOfBounds(
                        f"a reply longer than {MAX_REPLY_LINES} lines or {MAX_REPLY_BYTES // 1024} KiB: hung up"
                    )
                lines.append(line[4:].strip(b" \t\r\n"))
                try:
                    code = int(line[:3])
                except ValueError:
                    code = -1
                    break  # as smtplib: no continuation is read after a broken line
                if line[3:4] != b"-":
                    break
        finally:
            if self.sock is not None:  # the next command's send waits the usual timeout again
                self.sock.settimeout(self.timeout)
        return code, b"\n".join(lines)


class _BoundedSmtpSsl(_BoundedSmtp, smtplib.SMTP_SSL):
    """smtps://: TLS from the start, replies bounded as on smtp://."""


def _client_class(scheme: str) -> type[smtplib.SMTP]:
    return _BoundedSmtpSsl if scheme == "smtps" else _BoundedSmtp


def secret_forms(user: str, password: str, *, written: str = "") -> list[str]:
    """Every form in which a server could echo the login's password, longest first: the password
    (and `written`, as the URL spells it, %-escapes and all, and URL-quoted); AUTH PLAIN's
    `\\0user\\0password` and `user\\0password`; each of those and AUTH LOGIN's separate user
    and password base64-encoded as they crossed the wire (with and without the `=` padding);
    and all of them as a one-line message shows them (`_reply_text`). Forms shorter than 4
    characters are left alone (masking them would mask ordinary words)."""
    if not password:
        return []
    plain = {password, f"{user}\0{password}", f"\0{user}\0{password}"}
    encoded = {base64.b64encode(form.encode()).decode() for form in plain | {user} if form}
    forms = plain | encoded | {form.rstrip("=") for form in encoded} | {written, quote(password, safe="")}
    forms |= {safe(" ".join(form.split())) for form in forms}
    return sorted((form for form in forms if len(form.strip()) >= 4), key=len, reverse=True)


def _login_secrets(parts: SplitResult, password: str) -> list[str]:
    """secret_forms of `password` and of the URL's own password (when it has one)."""
    user = unquote(parts.username or "")
    forms = set(secret_forms(user, password, written=parts.password or ""))
    if parts.password:
        forms |= set(secret_forms(user, unquote(parts.password), written=parts.password))
    return sorted(forms, key=len, reverse=True)


def _masked(text: str, secrets: list[str]) -> str:
    for secret in secrets:
        text = text.replace(secret, "***")
    return text


def _reply_text(reply: bytes | str, secrets: list[str]) -> str:
    """A server's text as one line of at most MAX_REPLY_CHARS characters that a terminal shows as
    it reads (ESC shows as ␛), the password masked before it is flattened and again after (a
    multi-line echo), and before the cut (a secret across it would leave its start behind)."""
    text = reply.decode(errors="replace") if isinstance(reply, bytes) else reply
    text = _masked(safe(" ".join(_masked(text, secrets).split())), secrets)
    return text if len(text) <= MAX_REPLY_CHARS else text[: MAX_REPLY_CHARS - 1] + "…"


def _failure(exc: Exception, secrets: list[str]) -> str:
    """What went wrong, in one line: a reply's code and cleaned text, never smtplib's tuple."""
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{exc.smtp_code} {_reply_text(exc.smtp_error, secrets)}".rstrip()
    if isinstance(exc, smtplib.SMTPRecipientsRefused) and exc.recipients:
        code, reason = next(iter(exc.recipients.values()))
        return f"{code} {_reply_text(reason, secrets)}".rstrip()
    return _reply_text(str(exc) or type(exc).__name__, secrets)


def _refusal(exc: smtplib.SMTPRecipientsRefused, secrets: list[str]) -> RecipientRefused | RecipientDeferred:
    """The refusal of the one address sent to: 4xx deferred (retry later), otherwise final."""
    code, _ = next(iter(exc.recipients.values()))
    if 400 <= code < 500:
        return RecipientDeferred(f"recipient deferred: {_failure(exc, secrets)}")
    return RecipientRefused(f"recipient refused: {_failure(exc, secrets)}")


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
    default_port = 465 if parts.scheme == "smtps" else 25
    secrets = _login_secrets(parts, unquote(parts.password or ""))
    try:
        client = _client_class(parts.scheme)(parts.hostname, parts.port or default_port, timeout=SMTP_TIMEOUT_S)
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
        raise _refusal(exc, secrets) from None
    except (smtplib.SMTPException, OSError) as exc:
        raise SmtpUnavailable(f"SMTP server unavailable: {_failure(exc, secrets)}") from None


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
        self._secrets = _login_secrets(parts, self._password)
        self._client: smtplib.SMTP | None = None

    def open(self) -> None:
        parts = self._parts
        host = parts.hostname or ""
        port = parts.port or (465 if parts.scheme == "smtps" else 587)
        try:
            client = _client_class(parts.scheme)(host, port, timeout=SMTP_TIMEOUT_S)
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
            raise SmtpUnavailable(f"SMTP server unavailable: {_failure(exc, self._secrets)}") from None
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
            raise SmtpUnavailable(f"SMTP server unavailable: {_failure(exc, self._secrets)}") from None
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
            raise _refusal(exc, self._secrets) from None
        except smtplib.SMTPDataError as exc:
            self._reset()
            if 500 <= exc.smtp_code < 600:
                raise RecipientRefused(f"message refused: {_failure(exc, self._secrets)}") from None
            raise SmtpUnavailable(f"SMTP server failed temporarily: {_failure(exc, self._secrets)}") from None
        except (smtplib.SMTPException, OSError) as exc:
            self.close()
            raise SmtpUnavailable(f"SMTP server unavailable: {_failure(exc, self._secrets)}") from None

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
