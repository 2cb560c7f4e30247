"""A due newsletter another run is sending (the workers and a cron run at once) mails nobody in this
run: `workers send-newsletters` counted it as sent, while `calendar run-due` left it out of every
count. Both now count it as busy (SendReport.counted_as), apart from the sent, held and failed;
`calendar run-due --json` lists its report under newsletters_busy, not newsletters_sent."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import psycopg

from tests.cli.test_newsletter_worker_red_team_cli import due_newsletter, sign_up_bob

BOB = ("--profile", "bob")


@contextmanager
def sending_elsewhere(superuser: psycopg.Connection, newsletter_id: str) -> Iterator[None]:
    """The newsletter's row lock held by another transaction, as a send in progress holds it."""
    other = psycopg.connect(superuser.info.dsn, password=superuser.info.password, autocommit=False)
    try:
        other.execute("select 1 from public.email_newsletters where id = %s for no key update", (newsletter_id,))
        yield
    finally:
        other.rollback()
        other.close()


def test_workers_send_newsletters_counts_a_send_another_run_holds_as_busy(cli, signed_up, smtp, tmp_path, superuser):
    recorder, url = smtp
    sign_up_bob(cli)
    newsletter_id = due_newsletter(cli, tmp_path, profile="bob", readers=["reader@example.com"])
    env = {"BLOGSTER_SMTP_URL": url}
    with sending_elsewhere(superuser, newsletter_id):
        ran = cli("workers", "send-newsletters", "--json", env=env)
        assert ran.exit_code == 0, ran.stderr
        counts = {key: ran.json().get(key) for key in ("sent", "held", "busy", "failed", "failed_accounts")}
        assert counts == {"sent": 0, "held": 0, "busy": 1, "failed": 0, "failed_accounts": 0}
        [report] = ran.json()["newsletters"]
        assert (report["busy"], report["sent"], report["status"]) == (True, 0, "scheduled")
        text = cli("workers", "send-newsletters", env=env)
        assert text.exit_code == 0, text.stderr
        assert "0 newsletters sent, 1 busy in another run, 0 failed" in text.stderr
    assert recorder.messages == []

    done = cli("workers", "send-newsletters", "--json", env=env)  # the lock gone, it goes
    assert done.exit_code == 0, done.stderr
    assert (done.json()["sent"], done.json()["busy"]) == (1, 0) and len(recorder.messages) == 1


def test_calendar_run_due_counts_a_send_another_run_holds_as_busy(cli, signed_up, smtp, tmp_path, superuser):
    recorder, url = smtp
    sign_up_bob(cli)
    newsletter_id = due_newsletter(cli, tmp_path, profile="bob", readers=["reader@example.com"])
    env = {"BLOGSTER_SMTP_URL": url}
    with sending_elsewhere(superuser, newsletter_id):
        ran = cli(*BOB, "calendar", "run-due", env=env)
        assert ran.exit_code == 0, ran.stderr
        assert "1 newsletter due, 0 posted, 0 sent, 1 busy in another run." in ran.stderr
        as_json = cli(*BOB, "calendar", "run-due", "--json", env=env)
        assert as_json.exit_code == 0, as_json.stderr
        assert as_json.json()["newsletters_sent"] == []  # not listed as sent: apart, under newsletters_busy
        [report] = as_json.json()["newsletters_busy"]
        assert (report["id"], report["busy"], report["sent"]) == (newsletter_id, True, 0)
    assert recorder.messages == []

    done = cli(*BOB, "calendar", "run-due", env=env)
    assert done.exit_code == 0, done.stderr
    assert "1 newsletter due, 0 posted, 1 sent." in done.stderr and len(recorder.messages) == 1
