"""Red team 27a F13: STARTTLS and smtps:// took any certificate (smtplib's default context checks
neither the chain nor the host name), so a man-in-the-middle with a self-signed one got the
SMTP password (AUTH PLAIN) and every mail. F14: a 5xx refusal of the sender at MAIL FROM read as
an outage ("run the same send again"). And a password outside ASCII raised UnicodeEncodeError."""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterable
from email.message import EmailMessage

import pytest

from blogster_cli.errors import ConfigError
from blogster_cli.services import email_delivery
from blogster_cli.services.email_delivery import SmtpConnection, SmtpUnavailable
from tests.raw_smtp import RawSmtp, raw_smtp, self_signed

PASSWORD = "SMTPPASS-s3cr3t-XYZ"


def _message(to: str = "reader@example.com") -> EmailMessage:
    message = EmailMessage()
    message["From"] = "ada@example.com"
    message["To"] = to
    message["Subject"] = "This week"
    message.set_content("Hello")
    return message


def _newsletter(url: str, password: str = PASSWORD) -> None:
    connection = SmtpConnection(url, password=password)
    try:
        connection.send(_message(), to="reader@example.com")
    finally:
        connection.close()


def _one_shot(url: str, password: str = PASSWORD) -> None:
    with_password = url.replace("mailer@", f"mailer:{password}@")
    email = email_delivery.Email(to="reader@example.com", subject="Maintenance", body="Down.", message_id="<m@b>")
    email_delivery.send(with_password, email)


def _plain(password: str) -> str:
    """AUTH PLAIN's argument for `mailer`, the password in UTF-8."""
    return base64.b64encode(f"\0mailer\0{password}".encode()).decode()


PATHS: dict[str, Callable[..., None]] = {"newsletter": _newsletter, "one-shot": _one_shot}


def _elsewhere(monkeypatch: pytest.MonkeyPatch) -> None:
    """As if the server were not this machine (where STARTTLS is taken unverified, see _secure)."""
    monkeypatch.setattr(email_delivery, "is_loopback", lambda host: False)


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("implicit_tls", [False, True], ids=["starttls", "smtps"])
def test_a_self_signed_certificate_is_refused_before_the_login(monkeypatch, implicit_tls, path):
    _elsewhere(monkeypatch)
    server = RawSmtp(tls=self_signed().context, implicit_tls=implicit_tls)
    with raw_smtp(server, login="mailer") as url:
        with pytest.raises(ConfigError) as refused:
            PATHS[path](url)
    message = str(refused.value)
    assert message.startswith("the certificate of the SMTP server 127.0.0.1:"), message
    assert "is not trusted (self-signed certificate): nothing was sent, not even the login" in message
    assert "set SSL_CERT_FILE" in message and "\n" not in message and PASSWORD not in message
    assert server.auth == [] and "MAIL" not in server.verbs, server.verbs  # the password never went
    assert server.verbs == ([] if implicit_tls else ["EHLO", "STARTTLS"])


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("implicit_tls", [False, True], ids=["starttls", "smtps"])
def test_the_same_certificate_trusted_through_ssl_cert_file_goes(monkeypatch, tmp_path, implicit_tls, path):
    _elsewhere(monkeypatch)
    certificate = self_signed()
    certificate.trust(monkeypatch, tmp_path)  # how a user points Blogster at a private CA
    server = RawSmtp(tls=certificate.context, implicit_tls=implicit_tls)
    with raw_smtp(server, login="mailer") as url:
        PATHS[path](url)
    assert server.auth == [f"AUTH PLAIN {_plain(PASSWORD)}"]
    assert "DATA" in server.verbs and server.tls_started is not implicit_tls


@pytest.mark.parametrize("implicit_tls", [False, True], ids=["starttls", "smtps"])
def test_a_trusted_certificate_for_another_host_is_refused(monkeypatch, tmp_path, implicit_tls):
    _elsewhere(monkeypatch)
    certificate = self_signed("mail.example.org")  # trusted, but the URL says 127.0.0.1
    certificate.trust(monkeypatch, tmp_path)
    server = RawSmtp(tls=certificate.context, implicit_tls=implicit_tls)
    with raw_smtp(server, login="mailer") as url:
        with pytest.raises(ConfigError) as refused:
            _newsletter(url)
    assert "not trusted (IP address mismatch, certificate is not valid for '127.0.0.1')" in str(refused.value)
    assert "put the host name its certificate is issued for in the SMTP URL" in str(refused.value)
    assert server.auth == []


def test_starttls_to_this_machine_takes_its_certificate_as_it_is():
    """Plain text may go to this machine, so a local relay's stock self-signed certificate
    (Debian's Postfix) is no reason to refuse it: its STARTTLS encrypts, unverified."""
    server = RawSmtp(tls=self_signed("mail.example.org").context)
    with raw_smtp(server, login="mailer") as url:
        _newsletter(url)
    assert server.tls_started and "DATA" in server.verbs


def _refuse_sender(code: str) -> Callable[[RawSmtp, str], Iterable[bytes]]:
    return lambda server, command: [f"{code} 5.7.1 sender not allowed\r\n".encode()]


@pytest.mark.parametrize("path", PATHS)
def test_a_5xx_refusal_of_the_sender_is_a_configuration_error(path):
    """It was "SMTP server unavailable: 550 ...; run the same send again": final for every message."""
    server = RawSmtp(answers={"MAIL": _refuse_sender("550")})
    with raw_smtp(server, login="mailer") as url:
        with pytest.raises(ConfigError) as refused:
            PATHS[path](url)
    sender = "ada@example.com" if path == "newsletter" else "no-reply@blogster.local"
    assert str(refused.value).startswith(f"the SMTP server refuses the sender {sender}: 550 5.7.1 sender not allowed; ")
    assert "check newsletter_from or the SMTP account" in str(refused.value) or path == "one-shot"
    assert "RCPT" not in server.verbs


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("reply", ["552 5.3.4 message size exceeds fixed maximum", "554 5.3.4 message too big"])
def test_a_refused_size_at_mail_from_is_not_called_a_refused_sender(path, reply):
    """Red team 30: a newsletter over the server's size limit (552 to MAIL FROM ... SIZE=n) said
    "the SMTP server refuses the sender ...; check newsletter_from": the sender was fine."""
    server = RawSmtp(answers={"MAIL": lambda server, command: [f"{reply}\r\n".encode()]})
    with raw_smtp(server, login="mailer") as url:
        with pytest.raises(ConfigError) as refused:
            PATHS[path](url)
    assert str(refused.value) == (
        f"the SMTP server refuses a message this big: {reply}; make the mail smaller (fewer or shorter posts),"
        " or raise the server's message size limit"
    )
    assert "RCPT" not in server.verbs


@pytest.mark.parametrize("path", PATHS)
def test_a_4xx_refusal_of_the_sender_stays_temporary(path):
    server = RawSmtp(answers={"MAIL": _refuse_sender("451")})
    with raw_smtp(server, login="mailer") as url:
        with pytest.raises(SmtpUnavailable, match="^SMTP server unavailable: 451 5.7.1 sender not allowed$"):
            PATHS[path](url)


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("mechanism", ["PLAIN", "LOGIN"])
def test_a_password_outside_ascii_goes_as_utf_8(path, mechanism):
    """smtplib encodes the login as ASCII: UnicodeEncodeError escaped as an unexpected failure."""
    password = "pässwört-ß€"
    server = RawSmtp()
    server.ehlo = lambda in_tls: [b"250-raw\r\n", f"250 AUTH {mechanism}\r\n".encode()]  # type: ignore[method-assign]
    with raw_smtp(server, login="mailer") as url:
        PATHS[path](url, password.replace("€", "%E2%82%AC") if path == "one-shot" else password)
    if mechanism == "PLAIN":  # RFC 4616: UTF-8
        assert server.auth == [f"AUTH PLAIN {_plain(password)}"]
    else:
        assert server.auth[1] == base64.b64encode(password.encode()).decode()
    assert "DATA" in server.verbs


def test_a_password_that_is_not_text_is_a_configuration_error_that_shows_nothing_of_it():
    """Invalid UTF-8 bytes in BLOGSTER_SMTP_PASSWORD reach Python as lone surrogates."""
    server = RawSmtp()
    with raw_smtp(server, login="mailer") as url:
        with pytest.raises(ConfigError, match=r"^the SMTP user or password is not valid text \(UTF-8\): check them$"):
            _newsletter(url, "secret-\udcff-word")
    assert server.auth == []


def test_cram_md5_keys_with_the_passwords_utf_8():
    """smtplib's CRAM-MD5 (tried first when offered) encoded the password as ASCII too."""
    import hmac

    client = email_delivery._BoundedSmtp()  # not connected: only the answer to a challenge is made
    client.user, client.password = "mailer", "pässwört"
    expected = hmac.HMAC("pässwört".encode(), b"<1.2@mail>", "md5").hexdigest()
    assert client.auth_cram_md5(b"<1.2@mail>") == f"mailer {expected}"


def test_an_auth_challenge_that_is_not_base64_makes_the_server_unusable():
    """binascii.Error (a ValueError) escaped smtplib's auth as an unexpected failure."""
    server = RawSmtp(answers={"AUTH": lambda server, command: [b"334 abc\r\n"]})
    server.ehlo = lambda in_tls: [b"250-raw\r\n", b"250 AUTH LOGIN\r\n"]  # type: ignore[method-assign]
    with raw_smtp(server, login="mailer") as url:
        with pytest.raises(SmtpUnavailable, match="challenge is not base64"):
            _newsletter(url)
