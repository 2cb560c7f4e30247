"""Red team 33: a newsletter right at the mail server's size limit failed partway. Each reader's copy
differs in size by their name, address and unsubscribe link, so the first readers of the list got
it and a later one with a longer name was refused (552): the newsletter was failed with some
readers mailed and the rest not, and the user could not tell how far over it was.

Now every copy's size is known before the first one goes: over the size the server announces
(SIZE), the newsletter is refused whole, nothing sent, the message naming its largest copy's size
and the limit. A server that announces no SIZE gets the largest copy first, so its size refusal
also comes before anyone is mailed. A server that still refuses a copy for its size after others
went (it counts otherwise) leaves a send that resumes: nobody is mailed twice."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from tests.cli.conftest import make_newsletter
from tests.cli.test_newsletter_too_big_cli import mail_server
from tests.cli.test_social_posting_cli import backdate
from tests.smtp_server import MailRecorder

READERS = [
    ("al@example.com", "Al"),
    ("bo@example.com", "Bo"),
    ("zacharias.fitzgerald-worthington@example.com", "Zacharias Maximilian Fitzgerald-Worthington the Third"),
]  # the list's order (oldest, then by address): the longest copy is the last one
LONGEST = READERS[-1][0]
TOO_BIG = "the SMTP server refuses a message this big: "


@dataclass
class SizedServer(MailRecorder):
    """Records each copy's size (the SIZE it declared, and the bytes that came); with `refuse_over`,
    refuses after DATA a copy over it (as Postfix and Exim do without a declared size); with
    `refuse_from`, refuses every copy from that one on for its size, whatever it is (a server that
    counts the size its own way)."""

    refuse_over: int | None = None
    refuse_from: int | None = None
    declared: dict[str, int | None] = field(default_factory=dict)
    received: dict[str, int] = field(default_factory=dict)
    tried: list[str] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        [rcpt] = envelope.rcpt_tos
        self.tried.append(rcpt)
        size = len(envelope.original_content)
        too_big = self.refuse_over is not None and size > self.refuse_over
        if too_big or (self.refuse_from is not None and len(self.tried) >= self.refuse_from):
            return "552 5.3.4 Message size exceeds fixed limit"
        sizes = [int(option[5:]) for option in envelope.mail_options if option.startswith("SIZE=")]
        self.declared[rcpt] = sizes[0] if sizes else None
        self.received[rcpt] = size
        return await super().handle_DATA(server, session, envelope)


def readers_and_two_newsletters(cli, tmp_path) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """The READERS on the list and two newsletters of one post: a probe and the one under test.
    Their copies are as big reader by reader (only fixed-length ids and keys differ)."""
    listed = tmp_path / "readers.csv"
    listed.write_text("email,name\n" + "".join(f"{email},{name}\n" for email, name in READERS))
    assert cli("newsletter", "subscribers", "import", str(listed)).exit_code == 0
    probe = make_newsletter(cli, tmp_path)
    again = cli("newsletter", "create", "--blogs", "ten-terminal-habits", "--subject", "This week", "--json")
    assert again.exit_code == 0, again.stderr
    return probe, str(again.json()["id"])


def copy_sizes(cli, monkeypatch, probe: str) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Each reader's copy's size, as the probe's send to a roomy server declared it (SIZE)."""
    server = SizedServer()
    with mail_server(server, data_size_limit=10_000_000) as url:
        monkeypatch.setenv("BLOGSTER_SMTP_URL", url)
        assert cli("newsletter", "send", probe).exit_code == 0
    assert server.declared == server.received  # SIZE is what crossed the wire
    sizes = {rcpt: size for rcpt, size in server.declared.items() if size is not None}
    assert sorted(sizes) == sorted(email for email, _ in READERS)
    assert max(sizes.values()) == sizes[LONGEST] > max(size for rcpt, size in sizes.items() if rcpt != LONGEST)
    return sizes


def shown(cli, newsletter: str) -> dict[str, object]:  # type: ignore[no-untyped-def]
    listed = cli("newsletter", "list", "--json")
    assert listed.exit_code == 0, listed.stderr
    [row] = [row for row in listed.json() if row["id"] == newsletter]
    return dict(row)


def test_a_newsletter_whose_longest_copy_is_over_the_size_limit_mails_nobody(cli, signed_up, tmp_path, monkeypatch):
    probe, newsletter = readers_and_two_newsletters(cli, tmp_path)
    sizes = copy_sizes(cli, monkeypatch, probe)
    largest = sizes[LONGEST]

    server = SizedServer()  # every copy but the longest fits
    with mail_server(server, data_size_limit=largest - 1) as url:
        monkeypatch.setenv("BLOGSTER_SMTP_URL", url)
        sent = cli("newsletter", "send", newsletter, "--json")
    assert sent.exit_code == 1, (sent.exit_code, sent.stderr)
    assert server.messages == [] and server.tried == []  # was: Al and Bo mailed, the longest refused (552)
    assert sent.stderr.count("\n") == 1 and "Traceback" not in sent.stderr, sent.stderr
    assert sent.stderr.startswith(
        f"error: {TOO_BIG}it takes at most {largest - 1:,} bytes (SIZE) and this newsletter's largest copy is"
        f" {largest:,} bytes (1 of its 3 copies over); nothing was sent; make the mail smaller"
    ), sent.stderr
    [report] = json.loads(sent.stdout)
    assert (report["status"], report["sent"], report["recipient_count"]) == ("failed", 0, 0)
    row = shown(cli, newsletter)
    assert row["status"] == "failed" and str(row["send_error"]).startswith(TOO_BIG), row

    exact = SizedServer()  # the limit is the largest copy's size: every copy fits (RFC 1870: not over it)
    with mail_server(exact, data_size_limit=largest) as url:
        monkeypatch.setenv("BLOGSTER_SMTP_URL", url)
        resent = cli("newsletter", "send", newsletter, "--json")
    assert resent.exit_code == 0, resent.stderr
    assert sorted(exact.received) == sorted(email for email, _ in READERS)
    assert exact.declared == sizes  # each reader once, each copy as big as the probe's
    assert shown(cli, newsletter)["status"] == "sent"


def test_a_due_newsletter_over_the_limit_by_one_copy_fails_whole_and_the_run_goes_on(
    cli, signed_up, tmp_path, monkeypatch
):
    """The workers' and cron's way (send-due): the same refusal up front, the newsletter failed alone."""
    probe, newsletter = readers_and_two_newsletters(cli, tmp_path)
    largest = copy_sizes(cli, monkeypatch, probe)[LONGEST]
    scheduled = cli("newsletter", "send", newsletter, "--at", "2099-01-01 08:00")
    assert scheduled.exit_code == 0, scheduled.stderr
    backdate("email_newsletters", [newsletter])
    server = SizedServer()
    with mail_server(server, data_size_limit=largest - 1) as url:
        monkeypatch.setenv("BLOGSTER_SMTP_URL", url)
        due = cli("newsletter", "send-due")
    assert due.exit_code == 1, (due.exit_code, due.stderr)
    assert server.tried == []  # was: Al and Bo mailed
    assert f"largest copy is {largest:,} bytes" in due.stderr and "held" not in due.stderr, due.stderr
    assert shown(cli, newsletter)["status"] == "failed"


def test_without_size_announced_the_largest_copy_goes_first_so_nobody_is_mailed(cli, signed_up, tmp_path, monkeypatch):
    """A server that announces no SIZE refuses after DATA: the list's order mailed Al and Bo, then
    the longest copy was refused and the newsletter failed with two readers mailed."""
    probe, newsletter = readers_and_two_newsletters(cli, tmp_path)
    largest = copy_sizes(cli, monkeypatch, probe)[LONGEST]

    server = SizedServer(refuse_over=largest - 1)
    with mail_server(server, data_size_limit=None) as url:
        monkeypatch.setenv("BLOGSTER_SMTP_URL", url)
        sent = cli("newsletter", "send", newsletter)
    assert sent.exit_code == 1, (sent.exit_code, sent.stderr)
    assert server.tried == [LONGEST] and server.messages == []  # was: al, bo mailed; the longest refused
    assert sent.stderr.startswith(f"error: {TOO_BIG}552 5.3.4 Message size exceeds fixed limit;"), sent.stderr
    assert f"(newsletter {newsletter} failed; once the limit is raised" in sent.stderr, sent.stderr
    row = shown(cli, newsletter)
    assert (row["status"], row["recipient_count"]) == ("failed", 0)

    roomy = SizedServer()
    with mail_server(roomy, data_size_limit=None) as url:
        monkeypatch.setenv("BLOGSTER_SMTP_URL", url)
        assert cli("newsletter", "send", newsletter).exit_code == 0
    assert sorted(roomy.received) == sorted(email for email, _ in READERS)


def test_a_size_refusal_after_some_copies_went_resumes_without_mailing_anyone_twice(
    cli, signed_up, tmp_path, monkeypatch
):
    """A server that counts the size its own way refuses the second copy: the first reader has it.
    The send stops there, says how many got it, and the same command mails the others only."""
    _, newsletter = readers_and_two_newsletters(cli, tmp_path)
    server = SizedServer(refuse_from=2)
    with mail_server(server, data_size_limit=None) as url:
        monkeypatch.setenv("BLOGSTER_SMTP_URL", url)
        sent = cli("newsletter", "send", newsletter)
    assert sent.exit_code == 1, (sent.exit_code, sent.stderr)
    assert len(server.tried) == 2 and [rcpt for rcpt, _ in server.messages] == [LONGEST]  # stopped at the refusal
    assert sent.stderr.count("\n") == 1, sent.stderr
    assert (
        f"(newsletter {newsletter} failed after 1 reader got it; once the limit is raised,"
        f" `blogster newsletter send {newsletter}` mails the others, not them again)"
    ) in sent.stderr, sent.stderr
    row = shown(cli, newsletter)
    assert (row["status"], row["recipient_count"]) == ("failed", 1) and row["send_error"], row

    roomy = SizedServer()
    with mail_server(roomy, data_size_limit=None) as url:
        monkeypatch.setenv("BLOGSTER_SMTP_URL", url)
        resent = cli("newsletter", "send", newsletter, "--json")
    assert resent.exit_code == 0, resent.stderr
    [report] = json.loads(resent.stdout)
    assert (report["already_done"], report["sent"], report["recipient_count"]) == (1, 2, 3)
    assert sorted(roomy.received) == sorted(email for email, _ in READERS[:2])  # not the longest again
    assert shown(cli, newsletter)["status"] == "sent"
