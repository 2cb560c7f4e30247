"""Red team 27a: the SMTP path against a server that echoes the login in its replies (F6: the
password went to stderr, and into each reader's stored refusal, as AUTH PLAIN's base64, in a raw
Python tuple with the server's ESC sequences) and one whose reply never ends (F7: every `250-`
line was kept, 1.9 GB), on smtp://, after STARTTLS and on smtps://."""

from __future__ import annotations

import base64
import functools
import time
from collections.abc import Iterable, Iterator
from email.message import EmailMessage
from urllib.parse import quote

import pytest

from blogster_cli.services import email_delivery
from blogster_cli.services.email_delivery import RecipientRefused, SmtpConnection, SmtpUnavailable
from tests.raw_smtp import Answer, Certificate, RawSmtp, raw_smtp, self_signed

USER = "mailer"
PASSWORD = "SMTPPASS-s3cr3t/XYZ@1"  # "/" and "@" so that its URL-quoted form differs
PLAIN_BLOB = base64.b64encode(f"\0{USER}\0{PASSWORD}".encode()).decode()
EVERY_FORM = [
    PASSWORD,
    f"{USER}\0{PASSWORD}",
    f"\0{USER}\0{PASSWORD}",
    PLAIN_BLOB,
    base64.b64encode(f"{USER}\0{PASSWORD}".encode()).decode(),
    base64.b64encode(PASSWORD.encode()).decode(),  # AUTH LOGIN's password line
    base64.b64encode(USER.encode()).decode(),  # and its user
    quote(PASSWORD, safe=""),
]
HOSTILE = " \x1b]8;;http://evil\x1b\\click\x1b]8;;\x1b\\ \x1b[2J"


def _echo(code: str, forms: list[str] = EVERY_FORM, *, auth: bool = True) -> Answer:
    """A reply `code` that repeats `forms` of the password (after what the client logged in with)."""

    def answer(server: RawSmtp, command: str) -> Iterable[bytes]:
        said = " ".join((server.auth if auth else []) + forms)
        yield f"{code}-you sent {said}{HOSTILE}\r\n".encode()
        yield f"{code} try later, {said}\r\n".encode()

    return answer


def _assert_clean(message: str, code: str) -> None:
    assert code in message
    for form in EVERY_FORM + [PASSWORD[:12]]:  # no form, nor the start of one cut short
        assert form not in message, (form, message)
    assert "\x1b" not in message and "\n" not in message and "\0" not in message
    assert "(4" not in message and "b'" not in message and 'b"' not in message, message  # smtplib's tuple
    assert len(message) < 320, message


def _newsletter_message(to: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = "ada@example.com"
    message["To"] = to
    message["Subject"] = "This week"
    message.set_content("Hello")
    return message


def _email(to: str = "reader@example.com") -> email_delivery.Email:
    return email_delivery.Email(to=to, subject="Maintenance", body="Down at noon.", message_id="<m1@blogster>")


@pytest.mark.parametrize(
    ("verb", "forms"),
    [("DATA", EVERY_FORM)] + [("MAIL", [form]) for form in EVERY_FORM],  # each form alone: masked itself
    ids=["data-all", "password", "user-nul-password", "plain", "plain-blob", "blob-without-nul", "login-password",
         "login-user", "url-quoted"],
)  # fmt: skip
def test_a_reply_echoing_the_login_is_masked_in_every_form(verb, forms):
    """`error: SMTP server unavailable: (451, b'4.7.0 try later, you sent AUTH PLAIN AG1h...'...)`."""
    server = RawSmtp(answers={verb: _echo("451", forms, auth=verb == "DATA")})
    with raw_smtp(server, login=USER) as url:
        connection = SmtpConnection(url, password=PASSWORD)
        with pytest.raises(SmtpUnavailable) as unavailable:
            connection.send(_newsletter_message("reader@example.com"), to="reader@example.com")
        connection.close()
    assert any(PLAIN_BLOB in said for said in server.auth)  # the server did see the blob
    _assert_clean(str(unavailable.value), "451")
    assert "␛]8;;" in str(unavailable.value)  # the server's ESC sequences show, and act not


def test_a_recipients_refusal_stored_per_reader_is_masked():
    """The refusal text becomes each reader's stored `error`: the password went into the database."""
    server = RawSmtp(answers={"RCPT": _echo("550")})
    with raw_smtp(server, login=USER) as url:
        connection = SmtpConnection(url, password=PASSWORD)
        with pytest.raises(RecipientRefused) as refused:
            connection.send(_newsletter_message("reader@example.com"), to="reader@example.com")
        connection.close()
    assert str(refused.value).startswith("recipient refused: 550 you sent AUTH PLAIN *** ")
    _assert_clean(str(refused.value), "550")


def test_auth_login_and_a_password_from_the_url_are_masked_in_the_one_shot_send():
    """The maintenance mail's `send` (password in the URL, %-quoted), the server offering only LOGIN."""
    server = RawSmtp(answers={"MAIL": _echo("451")})
    server.ehlo = lambda in_tls: [b"250-raw\r\n", b"250 AUTH LOGIN\r\n"]  # type: ignore[method-assign]
    with raw_smtp(server, login=f"{USER}:{quote(PASSWORD, safe='')}") as url:
        with pytest.raises(SmtpUnavailable) as unavailable:
            email_delivery.send(url, _email())
    assert server.auth[0].startswith("AUTH LOGIN ") and server.auth[1] == EVERY_FORM[5]
    _assert_clean(str(unavailable.value), "451")


def test_a_long_reply_is_cut_to_one_short_line():
    server = RawSmtp(answers={"RCPT": lambda server, command: [b"550-" + b"y" * 5000 + b"\r\n"] * 5 + [b"550 no\r\n"]})
    with raw_smtp(server) as url:
        with pytest.raises(RecipientRefused) as refused:
            email_delivery.send(url, _email())
    assert str(refused.value).startswith("recipient refused: 550 yyy") and str(refused.value).endswith("y…")
    assert len(str(refused.value)) == len("recipient refused: 550 ") + email_delivery.MAX_REPLY_CHARS


LINE = b"250-" + b"X" * 996 + b"\r\n"  # 1 KB
CAP = 30_000  # lines (30 MB): the server ends the reply there, so the old client returns too


def _endless(server: RawSmtp, command: str) -> Iterator[bytes]:
    """`250-XXXX...` lines until the client hangs up (or CAP, then a last line)."""
    for _ in range(CAP):
        yield LINE
    yield b"250 end\r\n"


def _endless_after_tls(server: RawSmtp, command: str) -> Iterable[bytes]:
    """The first EHLO answered as usual (offering STARTTLS), the one after the upgrade endlessly."""
    if server.tls_started:
        return _endless(server, command)
    return server.ehlo(in_tls=False)


@functools.cache
def _certificate() -> Certificate:
    return self_signed()


def _tls_server(**kwargs: object) -> RawSmtp:
    return RawSmtp(tls=_certificate().context, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("make_server", "verb", "path"),
    [
        (lambda: RawSmtp(answers={"EHLO": _endless}), "EHLO", "newsletter"),
        (lambda: RawSmtp(answers={"EHLO": _endless}), "EHLO", "one-shot"),
        (lambda: RawSmtp(answers={"MAIL": _endless}), "MAIL", "newsletter"),
        (lambda: RawSmtp(answers={"DATA": _endless}), "DATA", "one-shot"),
        (lambda: _tls_server(answers={"EHLO": _endless_after_tls}), "EHLO after STARTTLS", "newsletter"),
        (lambda: _tls_server(answers={"EHLO": _endless}, implicit_tls=True), "EHLO on smtps", "one-shot"),
    ],
    ids=["ehlo-newsletter", "ehlo-one-shot", "mail", "data", "starttls", "smtps"],
)
def test_an_endless_reply_is_refused_after_a_bounded_read(make_server, verb, path, monkeypatch, tmp_path):
    server = make_server()
    if server.tls is not None:  # TLS is verified (red team 27a F13): trusted as a private CA is
        _certificate().trust(monkeypatch, tmp_path)
    with raw_smtp(server) as url:
        with pytest.raises(SmtpUnavailable) as unavailable:
            if path == "newsletter":
                connection = SmtpConnection(url)
                try:
                    connection.send(_newsletter_message("reader@example.com"), to="reader@example.com")
                finally:
                    connection.close()
            else:
                email_delivery.send(url, _email())
        assert server.hung_up.wait(5), "the client read the whole endless reply"
    assert str(unavailable.value) == "SMTP server unavailable: a reply longer than 100 lines or 64 KiB: hung up", verb
    assert server.lines_sent < 2_000  # 100 read, and what the socket buffers took before the hang-up showed


@pytest.mark.parametrize("piece", [b"250-still here\r\n", b"x"], ids=["lines", "bytes-of-one-line"])
def test_a_trickled_reply_ends_at_the_deadline(monkeypatch, piece):
    """The timeout was per socket read: a line (or a byte) every 0.1 s never tripped it."""
    monkeypatch.setattr(email_delivery, "SMTP_TIMEOUT_S", 1)

    def trickle(server: RawSmtp, command: str) -> Iterator[bytes]:
        if piece == b"x":
            yield b"250-"
        for _ in range(40):  # 4 s, then the reply ends (the old client waited it out)
            time.sleep(0.1)
            yield piece
        yield b"\r\n250 done\r\n" if piece == b"x" else b"250 done\r\n"

    with raw_smtp(RawSmtp(answers={"EHLO": trickle})) as url:
        started = time.monotonic()
        with pytest.raises(SmtpUnavailable, match="^the SMTP server did not answer within 1 s$"):
            email_delivery.send(url, _email())
    assert time.monotonic() - started < 2.5


@pytest.mark.parametrize("verb", ["EHLO", "MAIL", "DATA"])
@pytest.mark.parametrize("path", ["newsletter", "one-shot"])
def test_a_server_silent_past_the_timeout_did_not_answer_within_it(monkeypatch, verb, path):
    """A server that stopped answering was reported as "no complete reply within 30 s: hung up" (as
    if the fault were the client's); it says the server did not answer within 30 s, as a platform's
    HTTP read timeout is said (the newsletter's message, stored for `newsletter list`, alike)."""
    monkeypatch.setattr(email_delivery, "SMTP_TIMEOUT_S", 1)

    def silent(server: RawSmtp, command: str) -> Iterator[bytes]:
        time.sleep(2.5)
        yield b"250 too late\r\n"

    with raw_smtp(RawSmtp(answers={verb: silent})) as url:
        with pytest.raises(SmtpUnavailable) as unavailable:
            if path == "newsletter":
                connection = SmtpConnection(url)
                try:
                    connection.send(_newsletter_message("reader@example.com"), to="reader@example.com")
                finally:
                    connection.close()
            else:
                email_delivery.send(url, _email())
    assert str(unavailable.value) == "the SMTP server did not answer within 1 s"


def test_an_ordinary_session_still_delivers():
    """The bounded reader reads ordinary replies as smtplib did: EHLO's offers, AUTH, the message."""
    server = RawSmtp()
    with raw_smtp(server, login=USER) as url:
        connection = SmtpConnection(url, password=PASSWORD)
        connection.check_sender("zoë@example.com")  # EHLO's SMTPUTF8 offer was read
        connection.send(_newsletter_message("reader@example.com"), to="reader@example.com")
        connection.send(_newsletter_message("other@example.com"), to="other@example.com")
        connection.close()
    assert server.auth == [f"AUTH PLAIN {PLAIN_BLOB}"]
