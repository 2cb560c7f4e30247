"""SIGTERM to `serve-workers` in the middle of a newsletter send: the send stops between two mails
(after recording the last one), the worker exits 0 at once without a traceback and says so in one
line, `newsletter list` shows what went out, and the next run mails the rest, each reader once."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

from tests.cli.test_social_posting_cli import due_newsletter
from tests.smtp_server import smtp_server

READERS = 30
SIGNAL_AT = 4  # the message the server holds when the worker is told to stop
MAIL_S = 0.3  # each message takes this long: the whole send would outlast the worker's grace period


def _defer_send(db) -> None:
    from blogster_cli.context import AppContext
    from blogster_cli.workers.app import build_app

    app = build_app(AppContext(database_url=db.conninfo), pool_size=1)
    with app.open():
        app.tasks["send_newsletters"].defer(timestamp=0)


def test_sigterm_stops_a_send_between_mails_records_it_and_the_next_run_mails_the_rest(cli, signed_up, db, tmp_path):
    newsletter_id = due_newsletter(cli, tmp_path, readers=READERS)
    _defer_send(db)
    with smtp_server() as (recorder, smtp_url):
        env = {**os.environ, "BLOGSTER_SMTP_URL": smtp_url}
        worker = subprocess.Popen(
            [sys.executable, "-m", "blogster_cli", "serve-workers", "--queue", "maintenance", "--log-level", "info"],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        signalled: list[float] = []

        def slow_mail(kept: int) -> None:
            if kept == SIGNAL_AT:
                worker.send_signal(signal.SIGTERM)
                signalled.append(time.monotonic())
            time.sleep(MAIL_S)

        recorder.on_data = slow_mail
        try:
            _, stderr = worker.communicate(timeout=60)
        finally:
            if worker.poll() is None:
                worker.kill()
        recorder.on_data = None
        stopped_after = time.monotonic() - signalled[0]

        assert worker.returncode == 0, stderr
        # Stopped at the next safe point (the message in flight answered and recorded), not after
        # the grace period and an abort: nothing was cut off mid-message.
        assert stopped_after < 4, (stopped_after, stderr)
        assert "Traceback" not in stderr and "CancelledError" not in stderr, stderr
        said = [line for line in stderr.splitlines() if newsletter_id in line and "interrupted" in line]
        assert len(said) == 1 and "next run" in said[0], stderr
        mailed = len(recorder.messages)
        assert mailed == SIGNAL_AT, stderr

        # What went out is on record: still due (to be resumed), and counting the mails sent.
        [shown] = cli("newsletter", "list", "--json").json()
        assert (shown["status"], shown["recipient_count"]) == ("scheduled", mailed)

        _defer_send(db)
        rerun = subprocess.run(
            [sys.executable, "-m", "blogster_cli", "serve-workers", "--once", "--queue", "maintenance"],
            env=env, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert rerun.returncode == 0, rerun.stderr
        assert sorted(r for r, _ in recorder.messages) == sorted(f"reader{n}@example.com" for n in range(READERS))
    [done] = cli("newsletter", "list", "--json").json()
    assert (done["status"], done["recipient_count"]) == ("sent", READERS)


def test_sigterm_stops_newsletter_send_json_between_mails_and_prints_what_it_sent(cli, signed_up, tmp_path):
    """SIGTERM to `newsletter send --json` ended it with "error: terminated" and nothing on stdout: a
    script reading the report got nothing, though some readers had been mailed. The send now stops
    between two mails (the one in flight answered and recorded), prints the report with
    "interrupted": true and the mails this run sent, then exits 143; the same command mails the rest."""
    newsletter_id = due_newsletter(cli, tmp_path, readers=READERS)
    with smtp_server() as (recorder, smtp_url):
        env = {**os.environ, "BLOGSTER_SMTP_URL": smtp_url}
        command = [sys.executable, "-m", "blogster_cli", "newsletter", "send", newsletter_id, "--json"]
        sender = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

        def slow_mail(kept: int) -> None:
            if kept == SIGNAL_AT:
                sender.send_signal(signal.SIGTERM)
            time.sleep(MAIL_S)

        recorder.on_data = slow_mail
        try:
            stdout, stderr = sender.communicate(timeout=60)
        finally:
            if sender.poll() is None:
                sender.kill()
        recorder.on_data = None

        assert sender.returncode == 143, stderr
        [report] = json.loads(stdout)
        assert (report["id"], report["interrupted"], report["sent"]) == (newsletter_id, True, SIGNAL_AT), stderr
        assert (report["status"], report["recipient_count"]) == ("scheduled", SIGNAL_AT)
        assert len(recorder.messages) == SIGNAL_AT and "Traceback" not in stderr
        assert stderr.splitlines()[-1] == "error: terminated", stderr
        assert "run the same command again to mail the rest" in stderr

        rerun = cli("newsletter", "send", newsletter_id, "--json", env={"BLOGSTER_SMTP_URL": smtp_url})
        assert rerun.exit_code == 0, rerun.stderr
        assert [(r["sent"], r["interrupted"]) for r in rerun.json()] == [(READERS - SIGNAL_AT, False)]
    assert sorted(r for r, _ in recorder.messages) == sorted(f"reader{n}@example.com" for n in range(READERS))


def test_sigterm_stops_send_due_json_between_mails_and_the_next_run_mails_the_rest(cli, signed_up, tmp_path):
    """`newsletter send-due` (cron's command) ended on SIGTERM with "error: terminated" and nothing on
    stdout, as `newsletter send` did: it now stops between two mails as that command does, prints the
    reports (--json: "interrupted": true), exits 143, and the next run mails the rest, each reader once."""
    newsletter_id = due_newsletter(cli, tmp_path, readers=READERS)
    with smtp_server() as (recorder, smtp_url):
        env = {**os.environ, "BLOGSTER_SMTP_URL": smtp_url}
        command = [sys.executable, "-m", "blogster_cli", "newsletter", "send-due", "--json"]
        sender = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

        def slow_mail(kept: int) -> None:
            if kept == SIGNAL_AT:
                sender.send_signal(signal.SIGTERM)
            time.sleep(MAIL_S)

        recorder.on_data = slow_mail
        try:
            stdout, stderr = sender.communicate(timeout=60)
        finally:
            if sender.poll() is None:
                sender.kill()
        recorder.on_data = None

        assert sender.returncode == 143, stderr
        [report] = json.loads(stdout)
        assert (report["id"], report["interrupted"], report["sent"]) == (newsletter_id, True, SIGNAL_AT), stderr
        assert len(recorder.messages) == SIGNAL_AT and "Traceback" not in stderr
        assert f"send-due stopped after {SIGNAL_AT} mails; the next run mails the rest" in stderr
        assert stderr.splitlines()[-1] == "error: terminated", stderr

        rerun = cli("newsletter", "send-due", "--json", env={"BLOGSTER_SMTP_URL": smtp_url})
        assert rerun.exit_code == 0, rerun.stderr
        assert [(r["sent"], r["interrupted"]) for r in rerun.json()] == [(READERS - SIGNAL_AT, False)]
    assert sorted(r for r, _ in recorder.messages) == sorted(f"reader{n}@example.com" for n in range(READERS))
