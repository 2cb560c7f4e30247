"""Sending email through the SMTP server: the one every mail goes through (`smtp_server`: the
smtp_url setting, or BLOGSTER_SMTP_URL; its password BLOGSTER_SMTP_PASSWORD, else the stored one).

smtp://[user:password@]host[:port] must upgrade with STARTTLS unless the server is on this
machine, or smtps://... (the one-shot `send` and the newsletter's `SmtpConnection` alike).

TLS is verified (`_tls_context`): the certificate must chain to a CA the system trusts (or
SSL_CERT_FILE / SSL_CERT_DIR name: a private CA) and name the host, else the session ends before
the login, a configuration error (`_untrusted`); smtplib's own default checks neither, so a
man-in-the-middle got the password and every mail. STARTTLS to this machine is the one exception:
mail may go there in clear anyway, so a local relay's stock self-signed certificate is taken as is.
The login goes as UTF-8 (RFC 4616; smtplib sends ASCII only and raised UnicodeEncodeError).
A 5xx refusal of the login or of the sender (MAIL FROM) is a configuration error too, not an
outage (a 4xx one is the server's for now); a sender's (SenderNotAccepted) holds for that From only.
So is a server that offers no login (no AUTH, or no mechanism smtplib speaks) where the URL names a user.
A message refused for its size (MessageTooBig), at MAIL FROM (the SIZE extension) or after DATA
alike, is that message's: neither the sender's nor a reader's. `SmtpConnection.size_limit` says the
SIZE a server announces, so a newsletter can hold every copy against it before any goes.

The Message-ID comes from the caller, so a message repeated after a crash carries the
same identity and the receiving side can drop the copy. A 4xx refusal of an address
(greylisting) is temporary (RecipientDeferred), a 5xx one final (RecipientRefused); once the
server accepted the message, a failed QUIT does not make it undelivered.

A server's reply is read within bounds (`_BoundedSmtp`, on smtp://, after STARTTLS and on
smtps:// alike): at most MAX_REPLY_LINES lines and MAX_REPLY_BYTES, the whole reply within
SMTP_TIMEOUT_S however slowly it trickles; past that the session is hung up and the server
counts as unusable. A server silent past SMTP_TIMEOUT_S (connecting, taking what is sent, or
answering) is said to have not answered within it (`did_not_answer`), as a platform's HTTP read
timeout is. What a reply says reaches a message (and the newsletter's stored refusals)
only as its code and one cut line of its text (`_reply_text`), control characters made visible
and the login's password masked in every form it crossed the wire in (`secret_forms`).
"""

from __future__ import annotations

import base64
import binascii
import hmac
import os
import re
import smtplib
import socket
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import TYPE_CHECKING, overload
from urllib.parse import SplitResult, quote, unquote, urlsplit

from blogster_cli.config import ENV_OVERRIDES, is_loopback
from blogster_cli.credentials import SMTP_PASSWORD_KEY
from blogster_cli.errors import ConfigError
from blogster_cli.mail_headers import header_text, mailbox
from blogster_cli.terminal_text import safe
from blogster_cli.url_secrets import in_base64, longest_first, masked_line

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer  # smtplib's own type for a challenge (typeshed only)

    from blogster_cli.context import AppContext

SMTP_TIMEOUT_S = 30
"""Per socket wait, and for each whole reply of the server (however many lines it trickles)."""
MAX_REPLY_LINES = 100  # an EHLO reply has about ten; an endless `250-...` reply is refused here
MAX_REPLY_BYTES = 64 * 1024
MAX_LINE_BYTES = 8192  # smtplib's own cap on one reply line (its private _MAXLINE)
MAX_REPLY_CHARS = 200  # of a reply's text in a message or a stored refusal
MAX_AUTH_CHALLENGES = 5  # smtplib's own bound on an AUTH exchange (its private _MAXCHALLENGE)
SENDER = "Blogster <no-reply@blogster.local>"
NOT_ASCII = "the address is not ASCII and the SMTP server does not take SMTPUTF8"


SMTP_PASSWORD_VARIABLE = "BLOGSTER_SMTP_PASSWORD"
"""Overrides the stored SMTP password (for cron and the workers)."""
STORED_PASSWORD = "the stored password"
"""What a refused login names when its caller did not say where the password came from."""


@dataclass(frozen=True)
class SmtpServer:
    """Where mail goes and the password it logs in with."""

    url: str
    password: str | None = field(repr=False)
    """The one smtp_server chose; None: the URL's own `user:password@`, if any."""
    password_from: str = STORED_PASSWORD
    """Where `password` came from, as a refused login names it (`smtp_server`)."""


def smtp_server(ctx: AppContext) -> SmtpServer | None:
    """The SMTP server every mail goes through (newsletters, maintenance emails), None when none is
    configured: the smtp_url setting (BLOGSTER_SMTP_URL overrides it). Its password, the environment
    first: BLOGSTER_SMTP_PASSWORD, else one written in BLOGSTER_SMTP_URL, else the one stored in the
    keyring (SMTP_PASSWORD_KEY: what `newsletter smtp-password` sets and `config set smtp_url` moves a
    URL's password to), else one an older config file's smtp_url still holds."""
    url = ctx.settings.smtp_url
    if not url:
        return None
    if password := os.environ.get(SMTP_PASSWORD_VARIABLE):
        return SmtpServer(url, password, f"the password in {SMTP_PASSWORD_VARIABLE}")
    in_url = urlsplit(url).password is not None
    if ctx.settings.source_of("smtp_url") == ENV_OVERRIDES["smtp_url"] and in_url:
        return SmtpServer(url, None, f"the password in {ENV_OVERRIDES['smtp_url']}")  # the environment's word first
    stored = ctx.credentials.get(SMTP_PASSWORD_KEY)
    if stored is None and in_url:
        return SmtpServer(url, None, "the password in the smtp_url setting")
    where = "the credentials file" if ctx.credentials.kind == "credentials_file" else "the keyring"
    return SmtpServer(url, stored, f"the password stored in {where} (`newsletter smtp-password`)")


class RecipientRefused(Exception):
    """The server refused the address: retrying will not help."""


class SmtpUnavailable(Exception):
    """The server could not be reached or failed temporarily: a retry may succeed."""


class RecipientDeferred(SmtpUnavailable):
    """The server refused the address for now (a 4xx reply, e.g. greylisting): a later try may
    succeed. An SmtpUnavailable, so a caller that retries the whole batch (the maintenance
    job) retries it; the session stays usable for the next address."""


class SenderNotAccepted(ConfigError):
    """The server refuses this From for good (5xx at MAIL FROM), or cannot carry it: a configuration
    error of that sender only, so mail from another From (another account's) may still go."""


class MessageTooBig(ConfigError):
    """The server refuses this message for its size (`_too_big`: at MAIL FROM with the SIZE
    extension, or after DATA): the message's own failure, not the sender's nor the reader's. A
    ConfigError where one message is sent (a maintenance email's job fails at once rather than
    retrying what will be refused again); a newsletter send fails that newsletter alone and holds
    nothing (services/newsletters.py), and records nothing against the reader."""


class ReplyOutOfBounds(smtplib.SMTPServerDisconnected):
    """The server's reply ran past MAX_REPLY_LINES, MAX_REPLY_BYTES or SMTP_TIMEOUT_S: the
    session was hung up (an SMTPException, so every caller treats the server as unusable)."""


class ReplyTimedOut(ReplyOutOfBounds):
    """The server's reply was not complete within SMTP_TIMEOUT_S (`_timed_out`)."""


def did_not_answer() -> str:
    """What a server that stayed silent past SMTP_TIMEOUT_S is said to have done, in the words a
    platform's HTTP read timeout is said in (platform_api): it did not answer within N s."""
    return f"the SMTP server did not answer within {SMTP_TIMEOUT_S:g} s"


def _timed_out(exc: BaseException) -> bool:
    """Whether `exc` is (or was raised for) a wait past the timeout: a reply not complete within
    it, a connection or a write the server did not take in time (smtplib turns a write's timeout
    into "Server not connected", the timeout its context)."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ReplyTimedOut | TimeoutError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _unavailable(exc: Exception, secrets: list[str]) -> SmtpUnavailable:
    """The server unusable for `exc`: "did not answer within N s" when it timed out, else why."""
    if _timed_out(exc):
        return SmtpUnavailable(did_not_answer())
    return SmtpUnavailable(f"SMTP server unavailable: {_failure(exc, secrets)}")


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
                    raise ReplyTimedOut(f"no complete reply within {self.timeout:g} s") from None
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

    def auth(
        self, mechanism: str, authobject: Callable[..., str | None], *, initial_response_ok: bool = True
    ) -> tuple[int, bytes]:
        """smtplib's auth, what the login sends encoded as UTF-8 (RFC 4616 for PLAIN; LOGIN and
        CRAM-MD5 alike) where smtplib encodes ASCII only: a password such as "pässwort" raised
        UnicodeEncodeError out of login(). An ASCII login crosses the wire as before."""
        mechanism = mechanism.upper()
        initial_response = authobject() if initial_response_ok else None
        if initial_response is not None:
            code, reply = self.docmd("AUTH", f"{mechanism} {_base64(initial_response)}")
            self._auth_challenge_count = 1
        else:
            code, reply = self.docmd("AUTH", mechanism)
            self._auth_challenge_count = 0
        while code == 334:
            self._auth_challenge_count += 1
            if self._auth_challenge_count > MAX_AUTH_CHALLENGES:
                raise smtplib.SMTPException(f"the server's AUTH {mechanism} exchange does not end")
            try:
                challenge = base64.decodebytes(reply)
            except binascii.Error:  # smtplib let it escape as a ValueError
                raise smtplib.SMTPException(f"the server's AUTH {mechanism} challenge is not base64") from None
            code, reply = self.docmd(_base64(authobject(challenge) or ""))
        if code in (235, 503):  # 503: already logged in
            return code, reply
        raise smtplib.SMTPAuthenticationError(code, reply)

    @overload
    def auth_cram_md5(self, challenge: None = None) -> None: ...
    @overload
    def auth_cram_md5(self, challenge: ReadableBuffer) -> str: ...
    def auth_cram_md5(self, challenge: ReadableBuffer | None = None) -> str | None:
        """smtplib's CRAM-MD5 with the password's UTF-8 bytes as the key (smtplib's: ASCII only)."""
        if challenge is None:
            return None
        return f"{self.user} {hmac.HMAC(self.password.encode(), challenge, 'md5').hexdigest()}"


def _base64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


class _BoundedSmtpSsl(_BoundedSmtp, smtplib.SMTP_SSL):
    """smtps://: TLS from the start (verified: `_connect` passes the context), replies bounded as on smtp://."""


def _tls_context(*, verified: bool = True) -> ssl.SSLContext:
    """The system's trusted CAs (and those SSL_CERT_FILE / SSL_CERT_DIR name: a private CA), the
    chain and the host name checked; smtplib's default context checks neither. `verified` False
    (STARTTLS to this machine only, see _secure) encrypts without checking."""
    context = ssl.create_default_context()
    if not verified:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


def _connect(scheme: str, host: str, port: int) -> smtplib.SMTP:
    """A session with the server; on smtps:// its certificate is checked as it connects."""
    if scheme == "smtps":
        return _BoundedSmtpSsl(host, port, timeout=SMTP_TIMEOUT_S, context=_tls_context())
    return _BoundedSmtp(host, port, timeout=SMTP_TIMEOUT_S)


# OpenSSL's X509_V_ERR_HOSTNAME_MISMATCH and X509_V_ERR_IP_ADDRESS_MISMATCH
_NAME_MISMATCH = (62, 64)


def _untrusted(host: str, port: int, exc: ssl.SSLCertVerificationError) -> ConfigError:
    """A certificate that failed verification, in one line: the host, OpenSSL's short reason and what to do."""
    reason = safe(" ".join(str(exc.verify_message or exc.reason or "not verified").split())).rstrip(".")
    if exc.verify_code in _NAME_MISMATCH:
        hint = "put the host name its certificate is issued for in the SMTP URL"
    else:
        hint = "if it is your own server's, set SSL_CERT_FILE to the certificate (PEM) of the CA that signed it"
    return ConfigError(
        f"the certificate of the SMTP server {host}:{port} is not trusted ({reason}): nothing was sent,"
        f" not even the login; {hint}"
    )


def _sender_refused(exc: smtplib.SMTPSenderRefused, secrets: list[str], hint: str) -> Exception:
    """A 5xx refusal of the sender (MAIL FROM: "550 5.7.1 sender not allowed") holds for every
    message, now and on any retry: a configuration error. A 4xx is the server's for now.

    MAIL FROM also carries the message's size (the SIZE extension): "552 5.3.4 message size
    exceeds fixed maximum" there refuses this message, not the sender (MessageTooBig)."""
    sender = safe(exc.sender.decode(errors="replace") if isinstance(exc.sender, bytes) else str(exc.sender))
    if _too_big(exc):
        return _message_too_big(exc, secrets)
    if 500 <= exc.smtp_code < 600:
        return SenderNotAccepted(f"the SMTP server refuses the sender {sender}: {_failure(exc, secrets)}; {hint}")
    return SmtpUnavailable(f"SMTP server unavailable: {_failure(exc, secrets)}")


TOO_BIG = "the SMTP server refuses a message this big"
"""How every MessageTooBig begins, refused by the server or seen to be over its SIZE before sending."""
MAKE_IT_SMALLER = "make the mail smaller (fewer or shorter posts), or raise the server's message size limit"


def _message_too_big(exc: smtplib.SMTPResponseException, secrets: list[str]) -> MessageTooBig:
    return MessageTooBig(f"{TOO_BIG}: {_failure(exc, secrets)}; {MAKE_IT_SMALLER}")


_SIZE_STATUSES = ("5.3.4", "5.2.3")
"""RFC 3463: "message too big for system", "message length exceeds administrative limit"."""
_ENHANCED_STATUS = re.compile(r"\s*([245]\.\d{1,3}\.\d{1,3})(?!\S)")


def _too_big(exc: smtplib.SMTPResponseException) -> bool:
    """Whether a 5xx reply (to MAIL FROM, or after DATA) refuses the message's size: the enhanced
    status 5.3.4 or 5.2.3 whatever its code, or a 552 that gives no enhanced status (RFC 1870 at
    MAIL FROM; after DATA, as RFC 5321's "exceeded storage allocation": aiosmtpd's "552 Error: Too
    much mail data", Exim's "552 Message size exceeds maximum permitted"). A 552 naming another
    status is not about the size: "552 5.2.2 mailbox full" is the reader's, "552 5.7.0" a policy's."""
    if not 500 <= exc.smtp_code < 600:
        return False
    reply = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
    status = _ENHANCED_STATUS.match(reply)
    if status is not None:
        return status.group(1) in _SIZE_STATUSES
    return exc.smtp_code == 552


def _login_refused(exc: smtplib.SMTPAuthenticationError, secrets: list[str], hint: str) -> Exception:
    """A 5xx refusal of the login ("535 5.7.8 credentials invalid") holds until the user or password
    changes: a configuration error, not retried as an outage (each failed login counts towards the
    provider locking the account). A 4xx ("454 4.7.0 temporary authentication failure") is the
    server's for now."""
    if 500 <= exc.smtp_code < 600:
        return ConfigError(f"the SMTP server refused the login ({_failure(exc, secrets)}): {hint}")
    return SmtpUnavailable(f"SMTP server unavailable: {_failure(exc, secrets)}")


LOGIN_MECHANISMS = ("CRAM-MD5", "PLAIN", "LOGIN")
"""The AUTH mechanisms smtplib's login speaks (its own `preferred_auths`)."""


def _login(client: smtplib.SMTP, *, user: str, password: str, host: str, port: int, secrets: list[str]) -> None:
    """Logs in as the SMTP URL's user. A server that offers no login (no AUTH after EHLO and any
    STARTTLS) or no mechanism smtplib speaks refuses this login however often it is tried, as a
    5xx refusal does: a configuration error, held like one (smtplib's SMTPNotSupportedError and
    "No suitable authentication method found" read as an outage: a login at every run)."""
    if not client.has_extn("auth"):
        raise ConfigError(
            f"the SMTP server {host}:{port} offers no login (no AUTH), but the SMTP URL names the user"
            f" {safe(user)!r}: nothing was sent; take the user and password out of smtp_url if that server"
            " takes mail without a login, else check the host and port"
        )
    offered = client.esmtp_features.get("auth", "").split()
    if not {name.upper() for name in offered} & set(LOGIN_MECHANISMS):
        shown = _reply_text(" ".join(offered), secrets) or "with no mechanism"
        raise ConfigError(
            f"the SMTP server {host}:{port} offers no login Blogster can make (it offers AUTH {shown};"
            f" Blogster logs in with {', '.join(LOGIN_MECHANISMS)}): nothing was sent; enable one of those"
            " on the server, or check the host and port"
        )
    # Mechanism names are case-insensitive (RFC 4422), smtplib's matching of them is not: `auth plain`.
    client.esmtp_features["auth"] = " ".join(name.upper() for name in offered)
    client.login(user, password)


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
    return longest_first(plain | in_base64(plain | {user}) | {written, quote(password, safe="")}, shown=safe)


def _login_secrets(parts: SplitResult, password: str) -> list[str]:
    """secret_forms of `password` and of the URL's own password (when it has one). A user or
    password that is not text (a lone surrogate: invalid UTF-8 bytes in BLOGSTER_SMTP_PASSWORD)
    cannot be sent: a configuration error, before any connection, that shows neither."""
    user = unquote(parts.username or "")
    try:
        f"{user}{password}{unquote(parts.password or '')}".encode()
    except UnicodeError:
        raise ConfigError("the SMTP user or password is not valid text (UTF-8): check them") from None
    forms = set(secret_forms(user, password, written=parts.password or ""))
    if parts.password:
        forms |= set(secret_forms(user, unquote(parts.password), written=parts.password))
    return sorted(forms, key=len, reverse=True)


def _reply_text(reply: bytes | str, secrets: list[str]) -> str:
    """A server's text as one line of at most MAX_REPLY_CHARS characters that a terminal shows as
    it reads (ESC shows as ␛), the password masked (url_secrets.masked_line)."""
    text = reply.decode(errors="replace") if isinstance(reply, bytes) else reply
    return masked_line(text, secrets, limit=MAX_REPLY_CHARS, shown=safe)


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
    """EHLO, then STARTTLS on smtp://, the certificate verified; a server elsewhere that offers
    none is refused rather than sent to in clear (the credentials and the mail would cross the
    network readable). This machine may be sent to in clear, so its STARTTLS is not verified:
    refusing a local relay's stock certificate (Debian's Postfix: a self-signed one for the
    machine's name) would protect nothing that the clear text does not give away."""
    client.ehlo()
    if scheme != "smtp":
        return
    if client.has_extn("starttls"):
        client.starttls(context=_tls_context(verified=not is_loopback(host)))
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


def send(smtp_url: str, email: Email, *, password: str | None = None, password_from: str | None = None) -> None:
    """Hands the message to the server; returns only once the server accepted it. The login's
    password is `password` (smtp_server's), else the URL's own."""
    parts = urlsplit(smtp_url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ConfigError("the SMTP URL (smtp_url) must look like smtp://user@host:587 or smtps://user@host")
    message = EmailMessage()
    message["From"] = SENDER
    message["To"] = mailbox("", email.to)  # as stored: an encoded word in it is not decoded
    message["Subject"] = header_text(email.subject)  # a title's encoded words cannot add header lines
    message["Message-ID"] = email.message_id
    message.set_content(email.body)
    port = parts.port or (465 if parts.scheme == "smtps" else 25)
    password = password if password is not None else unquote(parts.password or "")
    secrets = _login_secrets(parts, password)
    try:
        client = _connect(parts.scheme, parts.hostname, port)
        try:
            _secure(client, scheme=parts.scheme, host=parts.hostname)
            if parts.username:
                _login(client, user=unquote(parts.username), password=password, host=parts.hostname, port=port,
                       secrets=secrets)  # fmt: skip
            try:
                client.send_message(message)
            except (UnicodeEncodeError, smtplib.SMTPNotSupportedError):  # an address outside ASCII
                raise RecipientRefused(NOT_ASCII) from None  # that address only: not the server's failure
        finally:
            _quit(client)  # after the acceptance a failed QUIT must not make the message retried
    except smtplib.SMTPRecipientsRefused as exc:
        raise _refusal(exc, secrets) from None
    except smtplib.SMTPSenderRefused as exc:
        raise _sender_refused(exc, secrets, "check the SMTP account (smtp_url)") from None
    except smtplib.SMTPDataError as exc:
        if _too_big(exc):  # as at MAIL FROM: a server that does not announce SIZE says so here
            raise _message_too_big(exc, secrets) from None
        raise SmtpUnavailable(f"SMTP server unavailable: {_failure(exc, secrets)}") from None
    except smtplib.SMTPAuthenticationError as exc:
        raise _login_refused(exc, secrets, f"check the user and {password_from or STORED_PASSWORD}") from None
    except ssl.SSLCertVerificationError as exc:
        raise _untrusted(parts.hostname, port, exc) from None
    except (smtplib.SMTPException, OSError) as exc:
        raise _unavailable(exc, secrets) from None


class SmtpConnection:
    """One SMTP session for many messages (a newsletter): smtp:// must upgrade with STARTTLS
    unless the server is on this machine; smtps:// is TLS from the start.

    The password comes from the caller (the keyring), or from the URL as a fallback.
    """

    def __init__(self, smtp_url: str, *, password: str | None = None, password_from: str | None = None) -> None:
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
        self._password_from = password_from or STORED_PASSWORD
        self._client: smtplib.SMTP | None = None

    def open(self) -> None:
        parts = self._parts
        host = parts.hostname or ""
        port = parts.port or (465 if parts.scheme == "smtps" else 587)
        try:
            client = _connect(parts.scheme, host, port)
            try:
                _secure(client, scheme=parts.scheme, host=host)
                if parts.username:
                    _login(client, user=unquote(parts.username), password=self._password, host=host, port=port,
                           secrets=self._secrets)  # fmt: skip
            except BaseException:
                client.close()
                raise
        except smtplib.SMTPAuthenticationError as exc:
            raise _login_refused(exc, self._secrets, f"check the user and {self._password_from}") from None
        except ssl.SSLCertVerificationError as exc:
            raise _untrusted(host, port, exc) from None
        except (smtplib.SMTPException, OSError) as exc:
            raise _unavailable(exc, self._secrets) from None
        self._client = client

    def _session(self) -> smtplib.SMTP:
        """The open session, its EHLO answered (what the server announces is known)."""
        if self._client is None:
            self.open()
        assert self._client is not None
        try:
            self._client.ehlo_or_helo_if_needed()
        except (smtplib.SMTPException, OSError) as exc:
            self.close()
            raise _unavailable(exc, self._secrets) from None
        return self._client

    def size_limit(self) -> int | None:
        """The largest message the server takes, in bytes, as its EHLO announces it (SIZE n, RFC
        1870: it refuses a bigger one at MAIL FROM); None when it announces none, or no fixed
        limit (SIZE 0, or SIZE without a number). Opens the session (ConfigError, SmtpUnavailable
        as open's)."""
        announced = self._session().esmtp_features.get("size", "").split()
        if not announced or not re.fullmatch(r"[0-9]{1,18}", announced[0]):
            return None
        limit = int(announced[0])
        return limit or None

    def takes_smtputf8(self) -> bool:
        """Whether the server takes mail whose addresses are not ASCII (SMTPUTF8, RFC 6531)."""
        return self._session().has_extn("smtputf8")

    def check_sender(self, address: str) -> None:
        """ConfigError for a From address this server cannot carry (outside ASCII, and the server
        does not take SMTPUTF8), before any reader is tried: each would be refused for it."""
        if address.isascii():
            return
        if not self.takes_smtputf8():
            raise SenderNotAccepted(
                f"cannot send from {address!r}: {NOT_ASCII} (newsletter_from sets an ASCII From for the"
                " account the command runs as); nothing was sent"
            )

    def send(self, message: EmailMessage, *, to: str) -> None:
        """Returns once the server accepted the message for `to`; RecipientRefused if it never will,
        RecipientDeferred if not now (a 4xx for this address: the session goes on); MessageTooBig
        if the server refuses the message for its size, at MAIL FROM or after DATA alike (every
        reader's copy is as big: not this reader's refusal)."""
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
            if _too_big(exc):
                raise _message_too_big(exc, self._secrets) from None
            if 500 <= exc.smtp_code < 600:
                raise RecipientRefused(f"message refused: {_failure(exc, self._secrets)}") from None
            raise SmtpUnavailable(f"SMTP server failed temporarily: {_failure(exc, self._secrets)}") from None
        except smtplib.SMTPSenderRefused as exc:  # not the reader's: nothing may be recorded against them
            self.close()
            raise _sender_refused(exc, self._secrets, "check newsletter_from or the SMTP account") from None
        except (smtplib.SMTPException, OSError) as exc:
            self.close()
            raise _unavailable(exc, self._secrets) from None

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
