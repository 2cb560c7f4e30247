"""Red team 32 F2: one newsletter over the mail server's size limit (552 / 5.3.4) held every
newsletter of its account: the size refusal was a SenderNotAccepted, held under the account's
scope like a refused From, and `send-due` stopped at it, so the newsletters due after it were not
tried in that run nor in the next ones (1, 2, 4 ... 60 minutes), even once it was taken off the
schedule. A refusal after DATA (a server that does not announce SIZE) recorded every reader as
refused instead, so the same newsletter could never reach them once the limit was raised.

Now the size is the newsletter's own failure, at MAIL FROM and after DATA alike: it is `failed`
(the reason under send_error), nothing is recorded against a reader and nothing is held, and the
run goes on to the next due newsletter."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from aiosmtpd.controller import Controller

from blogster_cli.config import home_dir
from blogster_cli.services.mail_hold import FILE_NAME
from tests.cli.test_newsletter_worker_red_team_cli import due_newsletter
from tests.cli.test_social_posting_cli import backdate
from tests.smtp_server import MailRecorder, free_port

LIMIT = 20_000
"""The server's message size limit: the small newsletter's mail is under it, the big one's over."""
TOO_BIG = "the SMTP server refuses a message this big: "


@dataclass
class SizeLimitAfterData(MailRecorder):
    """A server that does not announce SIZE and refuses a message over LIMIT after DATA (as Postfix
    and Exim do for a client that declared no size)."""

    refused_for_size: int = 0

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        if len(envelope.content) > LIMIT:
            self.refused_for_size += 1
            return "552 5.3.4 Message size exceeds fixed limit"
        return await super().handle_DATA(server, session, envelope)


@contextmanager
def mail_server(recorder: MailRecorder, *, data_size_limit: int | None) -> Iterator[str]:
    """smtp://127.0.0.1:PORT; `data_size_limit` announced as SIZE and refused at MAIL FROM (None: neither)."""
    port = free_port("127.0.0.1")
    controller = Controller(recorder, hostname="127.0.0.1", port=port, data_size_limit=data_size_limit)
    controller.start()
    try:
        yield f"smtp://127.0.0.1:{port}"
    finally:
        controller.stop()


def big_newsletter(cli, tmp_path, *, readers: list[str], due: bool) -> str:
    """A newsletter of a 12,000-word post (its mail about 130 KB), for `readers`; due now or a draft."""
    post = tmp_path / "big.md"
    post.write_text("---\ntitle: Big\n---\n" + "word " * 12_000 + "\n")
    assert cli("blogs", "new", "--from", str(post), "--status", "published", "--slug", "big").exit_code == 0
    made = cli("newsletter", "create", "--blogs", "big", "--subject", "Big one", "--json")
    assert made.exit_code == 0, made.stderr
    newsletter_id: str = made.json()["id"]
    listed = tmp_path / "big-readers.csv"
    listed.write_text("email\n" + "".join(f"{reader}\n" for reader in readers))
    if due:  # scheduled before the small one (so due first), then moved into the past
        scheduled = cli("newsletter", "send", newsletter_id, "--to", str(listed), "--at", "2099-01-01 08:00")
        assert scheduled.exit_code == 0, scheduled.stderr
        backdate("email_newsletters", [newsletter_id])
    else:
        assert cli("newsletter", "subscribers", "import", str(listed)).exit_code == 0
    return newsletter_id


def held_scopes() -> list[str]:
    """Every scope the profile's mail hold file holds (none: no file)."""
    path = home_dir() / FILE_NAME
    if not path.exists():
        return []
    kept = json.loads(path.read_bytes())
    return [scope for profile in kept.get("profiles", {}).values() for scope in profile]


def listed(cli) -> dict[str, dict[str, object]]:
    shown = cli("newsletter", "list", "--json")
    assert shown.exit_code == 0, shown.stderr
    return {row["id"]: row for row in shown.json()}


def test_a_newsletter_over_the_size_limit_fails_alone_and_the_next_due_one_goes(cli, signed_up, tmp_path, monkeypatch):
    recorder = MailRecorder()
    with mail_server(recorder, data_size_limit=LIMIT) as url:  # SIZE announced: 552 at MAIL FROM
        monkeypatch.setenv("BLOGSTER_SMTP_URL", url)
        big = big_newsletter(cli, tmp_path, readers=["r1@example.com"], due=True)
        small = due_newsletter(cli, tmp_path, profile="ada", readers=["s1@example.com"])

        first = cli("newsletter", "send-due")
        assert first.exit_code == 1, (first.exit_code, first.stderr)
        assert f"error: {TOO_BIG}" in first.stderr, first.stderr
        assert f"(newsletter {big} failed; once the limit is raised, `blogster newsletter send {big}` sends it)" in (
            first.stderr
        )
        assert "held" not in first.stderr, first.stderr
        assert [rcpt for rcpt, _ in recorder.messages] == ["s1@example.com"]  # was []: held with the big one
        assert held_scopes() == []  # was ["newsletters:<account>"]
        rows = listed(cli)
        assert rows[small]["status"] == "sent" and rows[small]["send_error"] is None
        assert rows[big]["status"] == "failed" and rows[big]["recipient_count"] == 0
        assert str(rows[big]["send_error"]).startswith(TOO_BIG), rows[big]
        assert rows[big]["send_error_at"] is not None

        again = cli("newsletter", "send-due")  # failed, not due: not tried at every run
        assert again.exit_code == 0 and again.stderr == "no newsletter due: nothing sent\n", again.stderr

        direct = cli("newsletter", "send", big)  # asked directly: one line, exit 1, still nothing held
        assert direct.exit_code == 1, (direct.exit_code, direct.stderr)
        assert direct.stderr.count("\n") == 1 and direct.stderr.startswith(f"error: {TOO_BIG}"), direct.stderr
        assert "Traceback" not in direct.stderr and held_scopes() == []
        assert [rcpt for rcpt, _ in recorder.messages] == ["s1@example.com"]

    roomy = MailRecorder()
    with mail_server(roomy, data_size_limit=10_000_000) as url:  # the limit raised
        monkeypatch.setenv("BLOGSTER_SMTP_URL", url)
        resent = cli("newsletter", "send", big)
        assert resent.exit_code == 0, resent.stderr
        assert [rcpt for rcpt, _ in roomy.messages] == ["r1@example.com"]  # nothing was recorded against r1
    rows = listed(cli)
    assert rows[big]["status"] == "sent" and rows[big]["send_error"] is None and rows[big]["recipient_count"] == 1


def test_a_size_refusal_after_data_fails_the_newsletter_not_its_readers(cli, signed_up, tmp_path, monkeypatch):
    """Without SIZE the server says it after DATA: each reader was recorded refused ("message refused:
    552 ..."), the newsletter failed with "none of its 2 readers was reached", and a send once the
    limit was raised mailed nobody (the ledger skipped them)."""
    readers = ["r1@example.com", "r2@example.com"]
    server = SizeLimitAfterData()
    with mail_server(server, data_size_limit=None) as url:
        monkeypatch.setenv("BLOGSTER_SMTP_URL", url)
        big = big_newsletter(cli, tmp_path, readers=readers, due=False)
        sent = cli("newsletter", "send", big)
        assert sent.exit_code == 1, (sent.exit_code, sent.stderr)
        assert sent.stderr.startswith(
            "error: the SMTP server refuses a message this big: 552 5.3.4 Message size exceeds fixed limit;"
        ), sent.stderr
        assert sent.stderr.count("\n") == 1 and "refused r1@example.com" not in sent.stderr, sent.stderr
        assert server.refused_for_size == 1  # stopped at the first: every copy is as big
        assert held_scopes() == []
    row = listed(cli)[big]
    assert row["status"] == "failed" and str(row["send_error"]).startswith(TOO_BIG), row

    roomy = MailRecorder()
    with mail_server(roomy, data_size_limit=None) as url:
        monkeypatch.setenv("BLOGSTER_SMTP_URL", url)
        resent = cli("newsletter", "send", big)
        assert resent.exit_code == 0, resent.stderr
    assert sorted(rcpt for rcpt, _ in roomy.messages) == readers  # was []: both recorded refused
