"""Red team 27a F6: `newsletter send` through a server that echoes the login (AUTH PLAIN's base64
of the password) in its replies printed it to stderr, in smtplib's raw tuple with the server's ESC
sequences, and stored it as each refused reader's `error`. Now a reply shows as its code and one
cleaned line, the password masked."""

from __future__ import annotations

import base64
from collections.abc import Iterable

from tests.raw_smtp import Answer, RawSmtp, raw_smtp

PASSWORD = "SMTPPASS-s3cr3t-XYZ"
BLOB = base64.b64encode(f"\0mailer\0{PASSWORD}".encode()).decode()


def _echo(code: str) -> Answer:
    def answer(server: RawSmtp, command: str) -> Iterable[bytes]:
        yield f"{code} 4.7.0 no, you sent {' '.join(server.auth)} \x1b]0;PWNED\x07 {PASSWORD}\r\n".encode()

    return answer


def _readers(tmp_path) -> str:
    path = tmp_path / "readers.csv"
    path.write_text("email\nr1@example.com\nr2@example.com\n")
    return str(path)


def test_refusals_echoing_the_login_are_masked_on_stderr_and_in_the_database(cli, newsletter, tmp_path, superuser):
    server = RawSmtp(answers={"RCPT": _echo("550")})
    with raw_smtp(server, login="mailer") as url:
        env = {"BLOGSTER_SMTP_URL": url, "BLOGSTER_SMTP_PASSWORD": PASSWORD}
        sent = cli("newsletter", "send", newsletter, "--to", _readers(tmp_path), env=env)
    assert server.auth == [f"AUTH PLAIN {BLOB}"]
    assert sent.exit_code == 1, sent.stderr  # every reader refused: failed
    refusal = "recipient refused: 550 4.7.0 no, you sent AUTH PLAIN *** ␛]0;PWNED␇ ***"
    assert f"refused r1@example.com: {refusal}\n" in sent.stderr
    stored = [row[0] for row in superuser.execute("select error from newsletter_deliveries order by email")]
    assert stored == [refusal] * 2
    for output in [sent.stdout, sent.stderr, *stored]:
        assert BLOB not in output and PASSWORD not in output and "\x1b" not in output


def test_an_unusable_server_is_one_line_without_the_password(cli, newsletter, tmp_path):
    server = RawSmtp(answers={"MAIL": _echo("451")})
    with raw_smtp(server, login="mailer") as url:
        env = {"BLOGSTER_SMTP_URL": url, "BLOGSTER_SMTP_PASSWORD": PASSWORD}
        sent = cli("newsletter", "send", newsletter, "--to", _readers(tmp_path), env=env)
    assert sent.exit_code == 1
    assert (
        "error: SMTP server unavailable: 451 4.7.0 no, you sent AUTH PLAIN *** ␛]0;PWNED␇ ***; run the same send"
        in sent.stderr
    ), sent.stderr
    assert BLOB not in sent.stderr and PASSWORD not in sent.stderr and "(451, b'" not in sent.stderr
