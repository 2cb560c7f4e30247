"""A refused SMTP login: 5xx is a configuration error (not retried as an outage: each failed login
counts towards the provider locking the account), 4xx the server's for now; in the one-shot send
(maintenance mail) as in a newsletter's session. The one-shot send took a 535 for an outage."""

from __future__ import annotations

from collections.abc import Iterable

import pytest

from blogster_cli.errors import ConfigError
from blogster_cli.services import email_delivery
from blogster_cli.services.email_delivery import SmtpConnection, SmtpUnavailable
from tests.raw_smtp import Answer, RawSmtp, raw_smtp

PASSWORD = "not-this-one-4711"


def _refuse(code: str) -> Answer:
    def answer(server: RawSmtp, command: str) -> Iterable[bytes]:
        server.auth.append(command)
        return [f"{code} authentication failed for {PASSWORD}\r\n".encode()]

    return answer


def _email() -> email_delivery.Email:
    return email_delivery.Email(to="reader@example.com", subject="Maintenance", body="Down.", message_id="<m@b>")


@pytest.mark.parametrize(("code", "kind"), [("535 5.7.8", ConfigError), ("454 4.7.0", SmtpUnavailable)])
def test_a_refused_login_is_a_configuration_error_unless_it_is_for_now(code, kind):
    for send in ("one-shot", "session"):
        server = RawSmtp(answers={"AUTH": _refuse(code)})
        with raw_smtp(server, login=f"mailer:{PASSWORD}") as url, pytest.raises(kind) as refused:
            if send == "one-shot":
                email_delivery.send(url, _email())
            else:
                SmtpConnection(url).open()
        message = str(refused.value)
        assert code in message and PASSWORD not in message, message
        assert ("refused the login" in message) == (kind is ConfigError), message
        assert "MAIL" not in server.verbs  # nothing was sent


def _offers(*offers: str) -> Answer:
    """An EHLO reply offering these extensions (no AUTH unless one of them is)."""

    def answer(server: RawSmtp, command: str) -> Iterable[bytes]:
        lines = ["raw", *offers]
        return [f"250{'-' if n < len(lines) - 1 else ' '}{line}\r\n".encode() for n, line in enumerate(lines)]

    return answer


@pytest.mark.parametrize(
    ("offers", "said"),
    [((), "offers no login (no AUTH)"), (("AUTH GSSAPI XOAUTH2",), "it offers AUTH GSSAPI XOAUTH2")],
    ids=["no AUTH", "no mechanism smtplib speaks"],
)
def test_a_server_that_offers_no_login_the_url_asks_for_is_a_configuration_error(offers, said):
    """Tester (Low): smtplib's SMTPNotSupportedError ("SMTP AUTH extension not supported by
    server.") and "No suitable authentication method found." were outages: no hold, a login at every
    run, and the message read "server.; run the same send again"."""
    for send in ("one-shot", "session"):
        server = RawSmtp(answers={"EHLO": _offers(*offers)})
        with raw_smtp(server, login=f"mailer:{PASSWORD}") as url, pytest.raises(ConfigError) as refused:
            if send == "one-shot":
                email_delivery.send(url, _email())
            else:
                SmtpConnection(url).open()
        message = str(refused.value)
        assert said in message and "nothing was sent" in message and ".;" not in message, message
        assert PASSWORD not in message and not isinstance(refused.value, SmtpUnavailable)
        assert "AUTH" not in server.verbs and "MAIL" not in server.verbs  # no login tried, nothing sent


def test_a_server_that_offers_no_login_takes_mail_from_a_url_without_a_user():
    server = RawSmtp(answers={"EHLO": _offers()})
    with raw_smtp(server) as url:
        email_delivery.send(url, _email())
    assert "MAIL" in server.verbs and "AUTH" not in server.verbs


def test_mechanism_names_are_read_in_any_case():
    """RFC 4422 names are case-insensitive; smtplib matched `auth plain` against PLAIN and found no
    mechanism: an outage at every run, no login (red team 70)."""
    for send in ("one-shot", "session"):
        server = RawSmtp(answers={"EHLO": _offers("auth plain login")})
        with raw_smtp(server, login=f"mailer:{PASSWORD}") as url:
            if send == "one-shot":
                email_delivery.send(url, _email())
            else:
                session = SmtpConnection(url)
                session.open()
                session.close()
        assert server.auth and server.auth[0].upper().startswith("AUTH PLAIN"), server.auth


def test_a_password_the_server_echoes_in_its_offer_stays_masked():
    """The offer was upper-cased before the password was masked in it: `S3CRETPW` was shown."""
    server = RawSmtp(answers={"EHLO": _offers(f"AUTH XOAUTH2 {PASSWORD}")})
    with raw_smtp(server, login=f"mailer:{PASSWORD}") as url, pytest.raises(ConfigError) as refused:
        email_delivery.send(url, _email())
    assert PASSWORD not in str(refused.value) and PASSWORD.upper() not in str(refused.value), str(refused.value)
