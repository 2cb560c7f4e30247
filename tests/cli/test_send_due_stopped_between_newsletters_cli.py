"""`newsletter send-due --json` stopped by a signal once one due newsletter was sent and before the
next started: the reports listed only the one sent (nothing "interrupted") though the run exited 143
and another newsletter stayed due. The newsletters the run did not start are reported too, each
interrupted, sent 0 and still due, so a script reading the reports sees what is left."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

from tests.cli.test_social_posting_cli import backdate, due_newsletter
from tests.smtp_server import smtp_server

READERS = 3


def test_send_due_stopped_between_two_newsletters_reports_the_one_not_started(cli, signed_up, tmp_path):
    first = due_newsletter(cli, tmp_path, readers=READERS)
    made = cli("newsletter", "create", "--blogs", "shell-basics", "--subject", "Next week", "--json")
    assert made.exit_code == 0, made.stderr
    second = made.json()["id"]
    sent_later = cli("newsletter", "send", second, "--to", str(tmp_path / "readers.csv"), "--at", "2099-01-02 09:00")
    assert sent_later.exit_code == 0, sent_later.stderr
    backdate("email_newsletters", [second])
    with smtp_server() as (recorder, smtp_url):
        env = {**os.environ, "BLOGSTER_SMTP_URL": smtp_url}
        command = [sys.executable, "-m", "blogster_cli", "newsletter", "send-due", "--json"]
        sender = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

        def slow_mail(kept: int) -> None:
            if kept == READERS:  # the first newsletter's last mail: the run stops before the second
                sender.send_signal(signal.SIGTERM)
            time.sleep(0.3)

        recorder.on_data = slow_mail
        try:
            stdout, stderr = sender.communicate(timeout=60)
        finally:
            if sender.poll() is None:
                sender.kill()
        recorder.on_data = None

    assert sender.returncode == 143, stderr
    assert len(recorder.messages) == READERS
    reports = {report["id"]: report for report in json.loads(stdout)}
    assert set(reports) == {first, second}, stdout
    assert (reports[first]["sent"], reports[first]["interrupted"]) == (READERS, False)
    left = reports[second]
    assert (left["sent"], left["interrupted"], left["status"]) == (0, True, "scheduled"), left
    [still_due] = [row for row in cli("newsletter", "list", "--json").json() if row["id"] == second]
    assert still_due["status"] == "scheduled"
