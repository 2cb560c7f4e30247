"""Red team (Low): a scheduled newsletter whose send met a configuration error (a refused SMTP
login) stayed due, as it must, but the worker tried it again every minute for ever: a new
connection and a failed login each minute (enough of them lock the provider's account) and a
log line each minute. The worker now holds that mail (services/mail_hold.py): tried again at
once when the SMTP settings or password change, else after 1, 2, 4 ... at most 60 minutes; the
error is said once, and `newsletter list` shows it until a send gets through."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from blogster_cli.actors import Timeouts
from blogster_cli.context import AppContext
from blogster_cli.services import newsletters
from blogster_cli.services.every_account import EveryAccount
from tests.cli.test_newsletter_worker_red_team_cli import due_newsletter
from tests.smtp_login import Logins, smtp_with_login

READERS = ["r1@example.com", "r2@example.com"]
RIGHT = "the-right-password"


@pytest.fixture
def server() -> Iterator[tuple[object, Logins, str]]:
    with smtp_with_login(RIGHT) as started:
        yield started


@pytest.fixture
def worker_tick(cli, server, monkeypatch) -> Iterator[Callable[[], None]]:
    """One run of the workers' minute job `send_newsletters`, as one `serve-workers` process runs it
    (its task, registered as the worker registers it, called in this process), sending through `server`."""
    from blogster_cli.workers.app import build_app

    monkeypatch.setenv("BLOGSTER_SMTP_URL", server[2])
    context = AppContext()
    task = build_app(context, pool_size=1).tasks["send_newsletters"]
    job = SimpleNamespace(should_abort=lambda: False)
    yield lambda: task.func(job, 0)
    context.database.close()


def test_the_worker_logs_in_once_while_the_password_is_wrong_then_mails_each_reader_once(
    cli, signed_up, server, tmp_path, caplog, worker_tick
):
    recorder, logins, _ = server
    newsletter_id = due_newsletter(cli, tmp_path, profile="ada", readers=READERS)
    assert cli("newsletter", "smtp-password", "--password-stdin", input="wrong\n").exit_code == 0

    with caplog.at_level(logging.WARNING):
        for _ in range(5):  # five minutes' runs (each within the first minute's hold)
            worker_tick()
    assert len(logins.sessions) == 1, logins.sessions  # was 5: one failed login a minute
    said = [r.getMessage() for r in caplog.records if "refused the login" in r.getMessage()]
    assert len(said) == 1 and "535" in said[0] and "held" in said[0], said
    assert recorder.messages == []
    [shown] = cli("newsletter", "list", "--json").json()
    assert shown["status"] == "scheduled" and "refused the login" in shown["send_error"], shown
    assert "refused the login" in cli("newsletter", "list").stdout

    # The password fixed in the keyring: the next run goes at once, and mails each reader once.
    assert cli("newsletter", "smtp-password", "--password-stdin", input=RIGHT + "\n").exit_code == 0
    worker_tick()
    worker_tick()
    assert sorted(rcpt for rcpt, _ in recorder.messages) == READERS
    assert len(logins.sessions) == 2 and logins.refused == 2  # PLAIN, then LOGIN, in the one failed session
    [shown] = cli("newsletter", "list", "--json").json()
    assert (shown["id"], shown["status"], shown["send_error"]) == (newsletter_id, "sent", None), shown


def test_a_held_send_is_tried_again_after_a_wait_that_doubles_up_to_an_hour(cli, signed_up, server, tmp_path, db):
    from blogster_cli.services.mail_hold import MailHold

    recorder, logins, url = server
    due_newsletter(cli, tmp_path, profile="ada", readers=READERS)
    wrong = newsletters.SmtpSettings(url=url, password="wrong", sender=None, sender_owner=None)
    hold, start = MailHold(), datetime.now(UTC)

    def tick(minute: int, smtp: newsletters.SmtpSettings = wrong) -> EveryAccount[newsletters.SendReport]:
        return newsletters.send_due_for_every_account(
            db, smtp=smtp, timeouts=Timeouts(), now=start + timedelta(minutes=minute), hold=hold
        )

    tried, said = [], []
    for minute in range(0, 200):
        before = len(logins.sessions)
        said += [failure.error for failure in tick(minute).failures]
        if len(logins.sessions) > before:
            tried.append(minute)
    assert tried == [0, 1, 3, 7, 15, 31, 63, 123, 183], tried  # waits 1, 2, 4 ... 60 minutes
    assert len(said) == 1 and "refused the login" in said[0], said  # a retry failing alike says nothing
    assert recorder.messages == []

    right = newsletters.SmtpSettings(url=url, password=RIGHT, sender=None, sender_owner=None)
    assert [report.sent for report in tick(200, right).results] == [2]  # new settings: at once
    assert tick(201, right).results == [] and len(logins.sessions) == len(tried) + 1
    assert sorted(rcpt for rcpt, _ in recorder.messages) == READERS
