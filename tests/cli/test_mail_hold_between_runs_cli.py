"""A held newsletter stays held between processes. The workers held mail after a configuration
error (a refused SMTP login, a refused From, an untrusted certificate) in their own memory only,
and the README's cron line starts a new `blogster calendar run-due` each minute: after a wrong
password it logged in once a minute for ever (a provider locks the account after enough of
those). The hold is now the profile's, kept in the Blogster home (services/mail_hold.py): a run
that finds it held makes no login and says until when; a change of the password (stored or
BLOGSTER_SMTP_PASSWORD) or of the SMTP settings, or the end of the wait (1, 2, 4 ... 60 minutes),
lets the next run try. The workers and the cron commands share it."""

from __future__ import annotations

import json
import logging
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from blogster_cli.actors import Timeouts
from blogster_cli.config import home_dir
from blogster_cli.context import AppContext
from blogster_cli.services import newsletters
from blogster_cli.services.mail_hold import FILE_NAME, LOCK_NAME, MailHold
from tests.cli.test_newsletter_worker_red_team_cli import due_newsletter
from tests.smtp_login import Logins, smtp_with_login
from tests.smtp_server import MailRecorder, free_port

# Python-bound (the hold is a file in the Blogster home; the logins are the SMTP server's): the
# newsletters' SQL runs on every server in their own tests. CI's second pass leaves it out.
pytestmark = pytest.mark.same_on_every_server

READERS = ["r1@example.com", "r2@example.com"]
RIGHT = "the-right-password"
WRONG = "Wrong-Pass-7781"


@pytest.fixture
def server(monkeypatch) -> Iterator[tuple[MailRecorder, Logins, str]]:
    with smtp_with_login(RIGHT) as started:
        monkeypatch.setenv("BLOGSTER_SMTP_URL", started[2])
        yield started


AGO = timedelta(minutes=15)
"""How far back the runs start: each later run is still in the past (run-due refuses a --now to come)."""


def minute(at: datetime) -> str:
    return f"{at:%Y-%m-%d %H:%M} UTC"


def run_due_process(at: datetime, **env: str) -> subprocess.CompletedProcess[str]:
    """`blogster calendar run-due --now AT` as cron starts it: a process of its own."""
    return subprocess.run(
        [sys.executable, "-m", "blogster_cli", "calendar", "run-due", "--now", at.isoformat()],
        env={**os.environ, **env}, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


NESTED = b'{"version": 1, "profiles": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
"""JSON nested deeper than Python's parser goes."""


def hold_file() -> dict[str, object]:
    loaded: dict[str, object] = json.loads((home_dir() / FILE_NAME).read_bytes())
    return loaded


def test_run_due_from_cron_logs_in_once_while_the_password_is_wrong(cli, signed_up, server, tmp_path):
    recorder, logins, _ = server
    newsletter_id = due_newsletter(cli, tmp_path, profile="ada", readers=READERS)
    assert cli("newsletter", "smtp-password", "--password-stdin", input=WRONG + "\n").exit_code == 0
    start = datetime.now(UTC).replace(microsecond=0) - AGO

    first = run_due_process(start)
    assert first.returncode == 1 and len(logins.sessions) == 1, (first.stderr, logins.sessions)
    assert "error: newsletters: the SMTP server refused the login (535" in first.stderr, first.stderr
    assert "check the user and the password stored in the credentials file" in first.stderr, first.stderr
    assert f"held: tried again at {minute(start + timedelta(minutes=1))}" in first.stderr, first.stderr

    second = run_due_process(start + timedelta(seconds=30))  # a minute's cron run, within the wait
    assert len(logins.sessions) == 1, logins.sessions  # was 2: one failed login each run
    assert second.returncode == 1, second.stderr  # the newsletter did not go: the run failed, and says why
    assert "1 newsletter due, 0 posted, 0 sent." in second.stderr, second.stderr
    said = f"held since {minute(start)}: not tried now; tried again at {minute(start + timedelta(minutes=1))}"
    assert "refused the login (535" in second.stderr and said in second.stderr, second.stderr
    [shown] = cli("newsletter", "list", "--json").json()
    assert shown["status"] == "scheduled" and "refused the login" in shown["send_error"], shown

    # The hold file: the owner's only, and no password in it (the fingerprint's key is in the credential store).
    for name in (FILE_NAME, LOCK_NAME):
        assert stat.S_IMODE((home_dir() / name).stat().st_mode) == 0o600, name
    kept = (home_dir() / FILE_NAME).read_bytes()
    assert WRONG.encode() not in kept and RIGHT.encode() not in kept
    assert "smtp:hold-key" in (home_dir() / "credentials.json").read_text()

    # The password fixed: the next run logs in at once, well within the wait, and mails each reader once.
    assert cli("newsletter", "smtp-password", "--password-stdin", input=RIGHT + "\n").exit_code == 0
    fixed = run_due_process(start + timedelta(seconds=40))
    assert fixed.returncode == 0, fixed.stderr
    assert len(logins.sessions) == 2 and sorted(rcpt for rcpt, _ in recorder.messages) == READERS
    [shown] = cli("newsletter", "list", "--json").json()
    assert (shown["id"], shown["status"], shown["send_error"]) == (newsletter_id, "sent", None), shown
    assert hold_file()["profiles"] == {}  # the mail went: nothing held any more


def test_a_newsletter_send_that_gets_through_ends_the_hold(cli, signed_up, server, tmp_path):
    """The user's own `newsletter send ID` is tried whatever the hold says; once the server takes
    its mail, cron's hold ends too (it lasted until its wait was over, up to an hour, when the
    login came right without a change of settings: a provider unlocking the account)."""
    recorder, logins, _ = server
    newsletter_id = due_newsletter(cli, tmp_path, profile="ada", readers=READERS)
    assert cli("newsletter", "smtp-password", "--password-stdin", input=WRONG + "\n").exit_code == 0
    held = run_due_process(datetime.now(UTC).replace(microsecond=0))
    assert held.returncode == 1 and "held: tried again at" in held.stderr, held.stderr
    assert hold_file()["profiles"] != {}

    logins.password = WRONG  # the provider's side changed: the stored password is right now
    sent = cli("newsletter", "send", newsletter_id, "--json")
    assert sent.exit_code == 0 and sent.json()[0]["sent"] == 2, sent.stderr
    assert sorted(rcpt for rcpt, _ in recorder.messages) == READERS
    assert hold_file()["profiles"] == {}  # was still held: the next cron run would not have tried


def test_after_the_wait_the_next_run_tries_again_and_the_wait_doubles(cli, signed_up, server, tmp_path):
    """Each `cli(...)` call builds its process state afresh (a new MailHold, read from the home)."""
    recorder, logins, _ = server
    due_newsletter(cli, tmp_path, profile="ada", readers=READERS)
    assert cli("newsletter", "smtp-password", "--password-stdin", input=WRONG + "\n").exit_code == 0
    start = datetime.now(UTC).replace(microsecond=0) - AGO
    tried = []
    for seconds in (0, 30, 61, 61 + 90, 61 + 121, 61 + 121 + 200, 61 + 121 + 241):
        before = len(logins.sessions)
        run = cli("calendar", "run-due", "--now", (start + timedelta(seconds=seconds)).isoformat())
        assert run.exit_code == 1 and "held" in run.stderr, run.stderr
        tried += [seconds] if len(logins.sessions) > before else []
    assert tried == [0, 61, 61 + 121, 61 + 121 + 241], tried  # waits of 1, 2, 4 minutes
    assert recorder.messages == []


def test_newsletter_send_due_with_an_environment_password(cli, signed_up, server, tmp_path):
    """BLOGSTER_SMTP_PASSWORD (for cron) is compared as a stored password is: its change ends the hold."""
    recorder, logins, _ = server
    due_newsletter(cli, tmp_path, profile="ada", readers=READERS)
    first = cli("newsletter", "send-due", env={"BLOGSTER_SMTP_PASSWORD": WRONG})
    assert first.exit_code == 6 and "refused the login" in first.stderr and "held" in first.stderr, first.stderr
    assert "check the user and the password in BLOGSTER_SMTP_PASSWORD" in first.stderr, first.stderr  # not "stored"
    again = cli("newsletter", "send-due", env={"BLOGSTER_SMTP_PASSWORD": WRONG})
    assert again.exit_code == 6 and "not tried now" in again.stderr, again.stderr
    assert len(logins.sessions) == 1, logins.sessions  # was 2
    other = cli("newsletter", "send-due", env={"BLOGSTER_SMTP_PASSWORD": "another-wrong-one"})
    assert other.exit_code == 6 and "refused the login" in other.stderr and "not tried now" not in other.stderr
    assert len(logins.sessions) == 2  # another password: tried at once
    fixed = cli("newsletter", "send-due", "--json", env={"BLOGSTER_SMTP_PASSWORD": RIGHT})
    assert fixed.exit_code == 0 and [report["sent"] for report in fixed.json()] == [2], fixed.stderr
    assert len(logins.sessions) == 3 and sorted(rcpt for rcpt, _ in recorder.messages) == READERS
    assert WRONG.encode() not in (home_dir() / FILE_NAME).read_bytes()


def test_a_damaged_or_missing_hold_file_is_no_hold(cli, signed_up, server, tmp_path):
    _, logins, _ = server
    due_newsletter(cli, tmp_path, profile="ada", readers=READERS)
    env = {"BLOGSTER_SMTP_PASSWORD": WRONG}
    path = home_dir() / FILE_NAME

    def run_due() -> int:
        before = len(logins.sessions)
        result = cli("newsletter", "send-due", env=env)
        assert result.exit_code == 6 and "refused the login" in result.stderr, result.stderr
        return len(logins.sessions) - before

    assert (run_due(), run_due()) == (1, 0)
    good = path.read_bytes()
    records = json.loads(good)
    [(scope, record)] = records["profiles"]["default"].items()
    damaged = [
        b"\x00{ not json",
        good[: len(good) // 2],  # cut short
        json.dumps({**records, "version": 99}).encode(),
        json.dumps({"version": 1, "profiles": {"default": {scope: {**record, "retry_at": "soon"}}}}).encode(),
        json.dumps({"version": 1, "profiles": {"default": {scope: {**record, "settings": "zz"}}}}).encode(),
        json.dumps({"version": 1, "profiles": {"default": {scope: {**record, "failures": "1"}}}}).encode(),
        json.dumps(
            {"version": 1, "profiles": {"default": {scope: {**record, "retry_at": "2999-01-01T00:00:00+00:00"}}}}
        ).encode(),  # fmt: skip
        NESTED,  # was: exit 1, "unexpected failure: maximum recursion depth exceeded", at every run
        good + b" " * (1 << 20),  # more than a MiB
    ]
    for data in damaged:
        path.write_bytes(data)
        assert run_due() == 1, data  # no hold: one try, which holds again
        assert stat.S_IMODE(path.stat().st_mode) == 0o600 and json.loads(path.read_bytes())["version"] == 1
        assert run_due() == 0, data
    path.write_bytes(NESTED)  # nor does calendar run-due fail (it lost its whole report)
    result = cli("calendar", "run-due")
    assert result.exit_code == 1 and "unexpected failure" not in result.stderr, result.stderr
    assert "refused the login" in result.stderr and "1 newsletter due, 0 posted, 0 sent." in result.stderr
    path.unlink()
    assert (run_due(), run_due()) == (1, 0)
    # A FIFO planted there is no hold either, and never waited on (a run in a process of its own, bounded).
    path.unlink()
    os.mkfifo(path)
    waited = subprocess.run(
        [sys.executable, "-m", "blogster_cli", "newsletter", "send-due"],
        env={**os.environ, **env}, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert waited.returncode == 6 and "refused the login" in waited.stderr, waited.stderr
    assert stat.S_ISREG(path.lstat().st_mode)  # replaced by the hold it wrote
    assert run_due() == 0


def test_the_workers_and_cron_share_one_hold(cli, signed_up, server, tmp_path, caplog):
    """A cron run-due met the refused login: the worker's next minute makes none either (and a
    restarted worker keeps the hold), until the password changes."""
    from blogster_cli.workers.app import build_app

    recorder, logins, _ = server
    due_newsletter(cli, tmp_path, profile="ada", readers=READERS)
    assert cli("newsletter", "smtp-password", "--password-stdin", input=WRONG + "\n").exit_code == 0
    assert cli("calendar", "run-due").exit_code == 1 and len(logins.sessions) == 1

    def worker_tick() -> None:
        context = AppContext()  # a worker process of its own (a restart: a new one each time)
        try:
            build_app(context, pool_size=1).tasks["send_newsletters"].func(
                SimpleNamespace(should_abort=lambda: False), 0
            )
        finally:
            context.database.close()

    with caplog.at_level(logging.WARNING):
        worker_tick()
        worker_tick()
    assert len(logins.sessions) == 1, logins.sessions  # was 3: each worker held in its own memory
    assert not [r for r in caplog.records if "refused the login" in r.getMessage()]  # said by the cron run
    assert cli("newsletter", "smtp-password", "--password-stdin", input=RIGHT + "\n").exit_code == 0
    worker_tick()
    assert len(logins.sessions) == 2 and sorted(rcpt for rcpt, _ in recorder.messages) == READERS
    assert cli("calendar", "run-due").exit_code == 0


class VaryingRefusal(Logins):
    """A provider's 535 carrying a new session id each time (as Gmail's does)."""

    def __call__(self, server, session, envelope, mechanism, auth_data) -> AuthResult:  # type: ignore[no-untyped-def]
        super().__call__(server, session, envelope, mechanism, auth_data)
        return AuthResult(
            success=False, handled=False, message=f"535 5.7.8 Credentials invalid {self.refused:04d}-gsmtp"
        )


def test_a_refusal_that_reads_differently_each_time_still_doubles_the_wait(cli, signed_up, tmp_path, db):
    """The wait doubled only while the server's reply read the same: a reply with a session id in
    it held for a minute each time, a login a minute again."""
    recorder, logins = MailRecorder(), VaryingRefusal(RIGHT)
    port = free_port("127.0.0.1")
    controller = Controller(recorder, hostname="127.0.0.1", port=port, authenticator=logins, auth_require_tls=False)
    controller.start()
    try:
        due_newsletter(cli, tmp_path, profile="ada", readers=READERS)
        wrong = newsletters.SmtpSettings(
            url=f"smtp://letters@127.0.0.1:{port}", password=WRONG, sender=None, sender_owner=None
        )
        hold, start = MailHold(), datetime.now(UTC)
        tried, said = [], []
        for at in range(0, 130):
            before = len(logins.sessions)
            done = newsletters.send_due_for_every_account(
                db, smtp=wrong, timeouts=Timeouts(), now=start + timedelta(minutes=at), hold=hold
            )
            said += [failure.error for failure in done.failures]
            tried += [at] if len(logins.sessions) > before else []
    finally:
        controller.stop()
    assert tried == [0, 1, 3, 7, 15, 31, 63, 123], tried  # was every minute
    assert len(said) == len(tried) and all("-gsmtp" in line for line in said), said  # each new reply said once
    assert recorder.messages == []


def test_a_server_that_offers_no_login_is_held_as_a_refused_login(cli, signed_up, tmp_path, monkeypatch):
    """Tester (Low): a server without AUTH (aiosmtpd with no authenticator) while the SMTP URL names
    a user was an outage: `send-due` exit 1 ("SMTP AUTH extension not supported by server.; run the
    same send again"), nothing held, a new session at every run; a direct send marked it failed."""
    recorder, sessions = MailRecorder(), []

    async def ehlo(server, session, envelope, hostname, responses):  # type: ignore[no-untyped-def]
        session.host_name = hostname
        sessions.append(session.peer)
        return responses

    recorder.handle_EHLO = ehlo  # type: ignore[attr-defined]
    port = free_port("127.0.0.1")
    controller = Controller(recorder, hostname="127.0.0.1", port=port)  # no authenticator: no AUTH offered
    controller.start()
    try:
        newsletter_id = due_newsletter(cli, tmp_path, profile="ada", readers=READERS)
        monkeypatch.setenv("BLOGSTER_SMTP_URL", f"smtp://ada:pw@127.0.0.1:{port}")
        first = cli("newsletter", "send-due")
        assert first.exit_code == 6, first.stderr
        assert "offers no login (no AUTH)" in first.stderr and "held: tried again at" in first.stderr, first.stderr
        assert ".;" not in first.stderr and len(sessions) == 1, sessions
        assert hold_file()["profiles"] != {}
        again = cli("newsletter", "send-due")
        assert again.exit_code == 6 and "not tried now" in again.stderr, again.stderr
        assert len(sessions) == 1, sessions  # was one session a run
        direct = cli("newsletter", "send", newsletter_id)
        assert direct.exit_code == 6 and "offers no login" in direct.stderr, direct.stderr
        [shown] = cli("newsletter", "list", "--json").json()
        assert shown["status"] == "scheduled" and "offers no login" in shown["send_error"], shown  # was failed

        monkeypatch.setenv("BLOGSTER_SMTP_URL", f"smtp://127.0.0.1:{port}")  # the fix: no login asked for
        fixed = cli("newsletter", "send-due", "--json")
        assert fixed.exit_code == 0 and [report["sent"] for report in fixed.json()] == [2], fixed.stderr
    finally:
        controller.stop()
    assert sorted(rcpt for rcpt, _ in recorder.messages) == READERS
    assert hold_file()["profiles"] == {}
