"""A newsletter a mail server outage stopped keeps why (h329 L1): `newsletter list` says the server
was out of reach until a send gets through."""

from __future__ import annotations

from tests.cli.test_newsletter_cli import readers_csv
from tests.smtp_server import free_port


def test_a_send_the_mail_server_outage_stopped_keeps_the_reason(cli, newsletter, smtp, tmp_path):
    recorder, url = smtp
    down = {"BLOGSTER_SMTP_URL": f"smtp://127.0.0.1:{free_port('127.0.0.1')}"}  # nothing listens there
    stopped = cli("newsletter", "send", newsletter, "--to", readers_csv(tmp_path, 2), env=down)
    assert stopped.exit_code == 1 and "SMTP server unavailable" in stopped.stderr, stopped.stderr
    [shown] = cli("newsletter", "list", "--json").json()
    assert shown["status"] == "failed" and shown["send_error"].startswith("SMTP server unavailable: "), shown
    assert "run the same send again" not in shown["send_error"] and shown["send_error_at"], shown
    assert "SMTP server unavailable" in cli("newsletter", "list", "--format", "csv").stdout

    resumed = cli("newsletter", "send", newsletter, env={"BLOGSTER_SMTP_URL": url})
    assert resumed.exit_code == 0 and len(recorder.messages) == 2, resumed.stderr
    [after] = cli("newsletter", "list", "--json").json()
    assert (after["status"], after["send_error"], after["send_error_at"]) == ("sent", None, None), after


def test_a_due_send_the_outage_stopped_reports_it_still_scheduled_with_its_time(cli, signed_up, tmp_path):
    """`send-due --json` says the newsletter stays `scheduled`, and when it was due: not a null time
    beside that status."""
    from tests.cli.test_social_posting_cli import due_newsletter

    newsletter = due_newsletter(cli, tmp_path)
    [listed] = cli("newsletter", "list", "--json").json()
    down = {"BLOGSTER_SMTP_URL": f"smtp://127.0.0.1:{free_port('127.0.0.1')}"}  # nothing listens there
    ran = cli("newsletter", "send-due", "--json", env=down)
    assert ran.exit_code == 1 and "SMTP server unavailable" in ran.stderr, ran.stderr
    [report] = ran.json()
    assert (report["id"], report["status"]) == (newsletter, "scheduled"), report
    assert report["scheduled_time"] == listed["scheduled_time"] is not None, report
