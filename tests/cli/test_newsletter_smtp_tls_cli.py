"""Red team 27a F13 and F14 through `newsletter send` / `send-due`: a mail server whose certificate
is not trusted got the SMTP password (smtplib checks no certificate by default); a server refusing
the sender at MAIL FROM (550) read as an outage ("run the same send again") and kept a scheduled
newsletter due for ever. Both are configuration errors now (exit 6, one line): nothing is
recorded against a reader, and the same send goes once the setting is fixed."""

from __future__ import annotations

import base64
from collections.abc import Iterable

import pytest

from blogster_cli.services import email_delivery
from tests.raw_smtp import RawSmtp, raw_smtp, self_signed

PASSWORD = "SMTPPASS-s3cr3t-XYZ"
PLAIN = base64.b64encode(f"\0mailer\0{PASSWORD}".encode()).decode()  # AUTH PLAIN's argument


def _readers(tmp_path) -> str:
    path = tmp_path / "readers.csv"
    path.write_text("email\nr1@example.com\nr2@example.com\n")
    return str(path)


def _state(cli, superuser) -> tuple[str, int, int]:
    [shown] = cli("newsletter", "list", "--json").json()
    [(recorded,)] = superuser.execute("select count(*) from public.newsletter_deliveries").fetchall()
    return shown["status"], shown["recipient_count"], recorded


@pytest.mark.parametrize("implicit_tls", [False, True], ids=["starttls", "smtps"])
def test_an_untrusted_certificate_stops_the_send_before_the_login(
    cli, newsletter, tmp_path, superuser, monkeypatch, implicit_tls
):
    monkeypatch.setattr(email_delivery, "is_loopback", lambda host: False)  # as if the server were elsewhere
    certificate = self_signed()
    server = RawSmtp(tls=certificate.context, implicit_tls=implicit_tls)
    with raw_smtp(server, login="mailer") as url:
        env = {"BLOGSTER_SMTP_URL": url, "BLOGSTER_SMTP_PASSWORD": PASSWORD}
        refused = cli("newsletter", "send", newsletter, "--to", _readers(tmp_path), env=env)
        assert refused.exit_code == 6, refused.stderr
        assert refused.stderr.startswith("error: the certificate of the SMTP server 127.0.0.1:"), refused.stderr
        assert "not trusted (self-signed certificate)" in refused.stderr and refused.stderr.count("\n") == 1
        assert "Traceback" not in refused.stderr and PASSWORD not in refused.stderr
        assert server.auth == [] and "MAIL" not in server.verbs  # neither the password nor a mail went
        assert _state(cli, superuser) == ("draft", 0, 0)  # nobody marked refused: the send is as it was
        certificate.trust(monkeypatch, tmp_path)  # the user trusts their server's CA: the same send goes
        sent = cli("newsletter", "send", newsletter, "--json", env=env)
    assert sent.exit_code == 0 and sent.json()[0]["sent"] == 2, sent.stderr
    assert server.auth == [f"AUTH PLAIN {PLAIN}"]
    assert _state(cli, superuser) == ("sent", 2, 2)


def _refuse_sender(server: RawSmtp, command: str) -> Iterable[bytes]:
    yield b"550 5.7.1 sender not allowed\r\n"


def test_a_sender_refused_for_good_is_a_configuration_error_and_a_scheduled_newsletter_waits(
    cli, newsletter, tmp_path, superuser
):
    """It was "SMTP server unavailable: 550 ...; run the same send again" (exit 1); the newsletter
    stayed due and the workers tried it every minute with no word that a setting was wrong."""
    refusing = RawSmtp(answers={"MAIL": _refuse_sender})
    with raw_smtp(refusing) as url:
        now = cli("newsletter", "send", newsletter, "--to", _readers(tmp_path), env={"BLOGSTER_SMTP_URL": url})
        assert now.exit_code == 6 and now.stderr.count("\n") == 1, now.stderr
        assert "error: the SMTP server refuses the sender " in now.stderr
        assert ": 550 5.7.1 sender not allowed; check newsletter_from or the SMTP account" in now.stderr
        assert "run the same send again" not in now.stderr
        assert _state(cli, superuser) == ("draft", 0, 0)  # not failed, no reader refused
        assert cli("newsletter", "send", newsletter, "--at", "2099-01-01 09:00").exit_code == 0
        superuser.execute("update public.email_newsletters set scheduled_time = now() - interval '1 minute'")
        due = cli("newsletter", "send-due", env={"BLOGSTER_SMTP_URL": url})
        assert due.exit_code == 6 and "refuses the sender" in due.stderr, due.stderr
        workers = cli("workers", "send-newsletters", env={"BLOGSTER_SMTP_URL": url})
        assert workers.exit_code == 1 and "refuses the sender" in workers.stderr, workers.stderr
        assert "(its share is retried on the next run)" in workers.stderr
    assert "RCPT" not in refusing.verbs
    assert _state(cli, superuser) == ("scheduled", 0, 0)  # still due: it goes once the From is fixed
    with raw_smtp(RawSmtp()) as url:
        fixed = cli("newsletter", "send-due", "--json", env={"BLOGSTER_SMTP_URL": url})
    assert fixed.exit_code == 0 and fixed.json()[0]["sent"] == 2, fixed.stderr
    assert _state(cli, superuser) == ("sent", 2, 2)
