"""Red team 42 (F1): the workers mailed any account's newsletter to as many made-up addresses as it
imported, through the operator's SMTP server (2,000 mails in 35 s). Each account now mails at most
its daily sending limit in any 24 hours (db/migrations/0175): an administrator's to set, 1,000 by
default, none for an administrator's own account. The rest stays due and goes as the window allows."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

import pytest

from tests.cli.test_newsletter_worker_red_team_cli import due_newsletter, sign_up_bob

BOB = ("--profile", "bob")


def readers(count: int) -> list[str]:
    return [f"reader{n}@example.com" for n in range(count)]


def counted(superuser, email: str = "bob@example.com") -> int:
    """The mails counted against the account's limit (internal.newsletter_sends)."""
    return superuser.execute(
        "select count(*) from internal.newsletter_sends s join auth.users u on u.id = s.user_id where u.email = %s",
        (email,),
    ).fetchone()[0]


def a_day_passes(superuser) -> None:
    """The counted mails leave the 24-hour window, as the clock would move them out."""
    superuser.execute("update internal.newsletter_sends set sent_at = sent_at - interval '24 hours 1 minute'")


def limit_bob(cli, limit: str) -> None:
    changed = cli("admin", "newsletters", "set-limit", "bob@example.com", limit, "--json")
    assert changed.exit_code == 0, changed.stderr


def test_the_workers_stop_at_an_accounts_limit_and_mail_the_rest_a_day_later(cli, signed_up, smtp, tmp_path, superuser):
    recorder, url = smtp
    sign_up_bob(cli)
    limit_bob(cli, "3")
    newsletter_id = due_newsletter(cli, tmp_path, profile="bob", readers=readers(5))
    env = {"BLOGSTER_SMTP_URL": url}

    first = cli("workers", "send-newsletters", "--json", env=env)
    assert first.exit_code == 0, first.stderr
    [report] = first.json()["newsletters"]
    assert (first.json()["sent"], first.json()["held"]) == (0, 1)
    assert (report["sent"], report["held_by_limit"], report["status"]) == (3, 2, "scheduled")
    held_until = datetime.fromisoformat(report["held_until"])
    assert timedelta(hours=23, minutes=59) < held_until - datetime.now(UTC) <= timedelta(hours=24)
    assert len(recorder.messages) == 3 and counted(superuser) == 3
    text = cli("workers", "send-newsletters", env=env)
    assert text.exit_code == 0 and "0 newsletters sent, 1 held by a daily sending limit, 0 failed" in text.stderr

    [shown] = cli(*BOB, "newsletter", "list", "--json").json()
    assert (shown["status"], shown["recipient_count"], shown["held_by_limit"]) == ("scheduled", 3, 2)
    assert datetime.fromisoformat(shown["held_until"]) == held_until
    assert "held_by_limit" in cli(*BOB, "newsletter", "list", "--format", "csv").stdout.splitlines()[0]
    allowance = cli(*BOB, "newsletter", "limit", "--json").json()
    assert (allowance["daily_limit"], allowance["sent_last_24h"], allowance["left"]) == (3, 3, 0)
    assert datetime.fromisoformat(allowance["next_at"]) == held_until
    assert "3 sent in the last 24 hours, 0 left; the next can go at" in cli(*BOB, "newsletter", "limit").stderr

    # Each minute meanwhile mails nobody, and does not even connect to the server.
    greeted: list[str] = []

    async def ehlo(server, session, envelope, hostname, responses):  # type: ignore[no-untyped-def]
        greeted.append(hostname)
        session.host_name = hostname
        return responses

    recorder.handle_EHLO = ehlo  # type: ignore[attr-defined]
    again = cli("workers", "send-newsletters", "--json", env=env)
    assert again.exit_code == 0 and again.json()["newsletters"][0]["held_by_limit"] == 2
    assert greeted == [] and len(recorder.messages) == 3

    a_day_passes(superuser)
    later = cli("workers", "send-newsletters", "--json", env=env)
    assert later.exit_code == 0, later.stderr
    [report] = later.json()["newsletters"]
    assert (report["sent"], report["held_by_limit"], report["status"]) == (2, 0, "sent")
    assert greeted  # with room again, the server is asked
    assert sorted(rcpt for rcpt, _ in recorder.messages) == readers(5)  # each once
    [shown] = cli(*BOB, "newsletter", "list", "--json").json()
    assert (shown["status"], shown["held_by_limit"], shown["held_until"]) == ("sent", 0, None)
    assert newsletter_id == shown["id"]


def test_a_plain_account_has_1000_a_day_and_an_administrator_none(cli, signed_up, superuser):
    sign_up_bob(cli)
    assert cli(*BOB, "newsletter", "limit", "--json").json() == {
        "daily_limit": 1000, "sent_last_24h": 0, "left": 1000, "next_at": None,
    }  # fmt: skip
    assert cli("newsletter", "limit", "--json").json()["daily_limit"] is None
    assert cli("newsletter", "limit").stderr.startswith("No daily sending limit")
    listed = cli("admin", "newsletters", "limits", "--json").json()
    assert listed["default_limit"] == 1000
    assert [(a["email"], a["daily_limit"], a["limit_from"]) for a in listed["accounts"]] == [
        ("ada@example.com", None, "administrator"), ("bob@example.com", 1000, "default"),
    ]  # fmt: skip
    table = cli("admin", "newsletters", "limits")
    assert table.exit_code == 0 and "1000 mails a day" in table.stdout and "unlimited" in table.stdout

    changed = cli("admin", "newsletters", "set-default", "2,000", "--json")
    assert changed.exit_code == 0 and changed.json() == {"default_limit": 2000}
    assert cli(*BOB, "newsletter", "limit", "--json").json()["daily_limit"] == 2000
    limit_bob(cli, "unlimited")
    assert cli(*BOB, "newsletter", "limit", "--json").json()["daily_limit"] is None
    limit_bob(cli, "0")
    assert cli(*BOB, "newsletter", "limit", "--json").json() == {
        "daily_limit": 0, "sent_last_24h": 0, "left": 0, "next_at": None,
    }  # fmt: skip
    assert "none can go until an administrator raises it" in cli(*BOB, "newsletter", "limit").stderr
    back = cli("admin", "newsletters", "set-limit", "BOB@example.com", "default", "--json")
    assert back.exit_code == 0 and (back.json()["daily_limit"], back.json()["limit_from"]) == (2000, "default")
    own_admin = cli("admin", "newsletters", "set-limit", "ada@example.com", "50000", "--json").json()
    assert (own_admin["daily_limit"], own_admin["limit_from"]) == (50000, "own")


@pytest.mark.parametrize(
    ("args", "code", "said"),
    [
        (("set-limit", "bob@example.com", "lots"), 2, "the limit must be a number of mails"),
        (("set-limit", "bob@example.com", "1.5"), 2, "the limit must be"),
        (("set-limit", "bob@example.com", "10000001"), 2, "from 0 to 10,000,000"),
        (("set-default", "default"), 2, "the limit must be"),
        (("set-limit", "nobody@example.com", "5"), 3, "no account with email"),
    ],
)
def test_bad_limits_are_one_line_and_change_nothing(cli, signed_up, args, code, said):
    sign_up_bob(cli)
    refused = cli("admin", "newsletters", *args)
    assert refused.exit_code == code and refused.stderr.count("\n") == 1 and said in refused.stderr, refused.stderr
    assert cli(*BOB, "newsletter", "limit", "--json").json()["daily_limit"] == 1000


def test_a_plain_account_cannot_read_or_change_limits(cli, signed_up):
    sign_up_bob(cli)
    for args in (("limits",), ("set-limit", "bob@example.com", "unlimited"), ("set-default", "unlimited")):
        refused = cli(*BOB, "admin", "newsletters", *args)
        assert refused.exit_code == 4 and refused.stderr.count("\n") == 1, refused.stderr
    assert cli(*BOB, "newsletter", "limit", "--json").json()["daily_limit"] == 1000


def test_a_direct_send_at_the_limit_stays_due_and_send_due_mails_the_rest(cli, signed_up, smtp, tmp_path, superuser):
    recorder, url = smtp
    sign_up_bob(cli)
    limit_bob(cli, "2")
    path = tmp_path / "post.md"
    path.write_text("---\ntitle: Week\n---\nText.\n")
    assert cli(*BOB, "blogs", "new", "--from", str(path), "--status", "published", "--slug", "week").exit_code == 0
    newsletter_id = cli(*BOB, "newsletter", "create", "--blogs", "week", "--subject", "Week", "--json").json()["id"]
    listed = tmp_path / "readers.csv"
    listed.write_text("email\n" + "".join(f"{r}\n" for r in readers(3)))
    env = {"BLOGSTER_SMTP_URL": url}

    sent = cli(*BOB, "newsletter", "send", newsletter_id, "--to", str(listed), env=env)
    assert sent.exit_code == 0, sent.stderr
    assert "1 reader held by your daily sending limit (the next can go at" in sent.stderr
    [shown] = cli(*BOB, "newsletter", "list", "--json").json()
    assert (shown["status"], shown["recipient_count"], shown["held_by_limit"]) == ("scheduled", 2, 1)
    assert datetime.fromisoformat(shown["scheduled_time"]) <= datetime.now(UTC)  # due now: the workers' to mail

    same = cli(*BOB, "newsletter", "send", newsletter_id, "--json", env=env)  # the same command, too early
    assert same.exit_code == 0 and (same.json()[0]["sent"], same.json()[0]["held_by_limit"]) == (0, 1)
    a_day_passes(superuser)
    due = cli(*BOB, "newsletter", "send-due", "--json", env=env)
    assert due.exit_code == 0 and (due.json()[0]["sent"], due.json()[0]["status"]) == (1, "sent")
    assert sorted(rcpt for rcpt, _ in recorder.messages) == readers(3)


def test_deleting_a_newsletter_leaves_its_mails_counted(cli, signed_up, smtp, tmp_path, superuser):
    """Its deliveries go with it; the count is kept apart, so it does not start again."""
    _, url = smtp
    sign_up_bob(cli)
    limit_bob(cli, "2")
    newsletter_id = due_newsletter(cli, tmp_path, profile="bob", readers=readers(2))
    assert cli("workers", "send-newsletters", env={"BLOGSTER_SMTP_URL": url}).exit_code == 0
    superuser.execute("delete from public.email_newsletters where id = %s", (newsletter_id,))
    assert superuser.execute("select count(*) from public.newsletter_deliveries").fetchone()[0] == 0
    assert cli(*BOB, "newsletter", "limit", "--json").json()["sent_last_24h"] == 2 == counted(superuser)


def test_sigkill_mid_send_then_a_rerun_counts_each_recorded_mail_once(cli, signed_up, smtp, tmp_path, superuser):
    """The count is written with each delivery's record, in its commit: the mail a kill caught
    between the server's acceptance and that commit is counted once, when the re-run records it."""
    recorder, url = smtp
    sign_up_bob(cli)
    limit_bob(cli, "4")
    due_newsletter(cli, tmp_path, profile="bob", readers=readers(6))
    env = {**os.environ, "BLOGSTER_SMTP_URL": url}
    process = subprocess.Popen(
        [sys.executable, "-m", "blogster_cli", "workers", "send-newsletters"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    recorder.on_data = lambda kept: os.kill(process.pid, signal.SIGKILL) if kept == 3 else None
    process.communicate(timeout=120)
    recorder.on_data = None
    assert process.returncode == -signal.SIGKILL and len(recorder.messages) == 3
    assert counted(superuser) == 2  # the two recorded
    # The killed run's session ends once the server reads the closed socket: on a loaded machine a
    # re-run at once may still find that session holding the send, which it rightly skips.
    deadline = time.monotonic() + 30
    while superuser.execute(
        "select count(*) from pg_stat_activity where datname = current_database() and state like 'idle in transaction%'"
    ).fetchone()[0]:
        assert time.monotonic() < deadline, "the killed run's session never ended"
        time.sleep(0.05)

    rerun = cli("workers", "send-newsletters", "--json", env={"BLOGSTER_SMTP_URL": url})
    assert rerun.exit_code == 0, rerun.stderr
    [report] = rerun.json()["newsletters"]
    assert (report["sent"], report["held_by_limit"], report["recipient_count"]) == (2, 2, 4)
    recorded = superuser.execute("select count(*) from public.newsletter_deliveries where outcome = 'sent'").fetchone()
    assert counted(superuser) == recorded[0] == 4
    mailed = [rcpt for rcpt, _ in recorder.messages]
    assert len(set(mailed)) == 4 and len(mailed) == 5  # only the one caught by the kill went twice


def test_calendar_run_due_says_a_newsletter_is_held(cli, signed_up, smtp, tmp_path):
    recorder, url = smtp
    sign_up_bob(cli)
    limit_bob(cli, "2")
    due_newsletter(cli, tmp_path, profile="bob", readers=readers(3))
    ran = cli(*BOB, "calendar", "run-due", env={"BLOGSTER_SMTP_URL": url})
    assert ran.exit_code == 0, ran.stderr
    assert "1 newsletter due, 0 posted, 0 sent, 1 held by your daily sending limit." in ran.stderr
    assert len(recorder.messages) == 2


GREEK = "ΝΙΚΟΣ@example.gr"
"""Python's str.lower makes its final Σ a ς, PostgreSQL's lower() a σ (red team 43)."""


def test_a_greek_sigma_reader_is_mailed_once_and_the_list_goes_on(cli, signed_up, smtp, tmp_path, superuser):
    """Red team 43 (F1): the ledger lowercased in SQL, the plan in Python, so the run took the Greek
    reader for one never mailed: mailed again every run, the record refused as a duplicate, the
    account's share rolled back (exit 1), nothing counted and the rest of the list never mailed."""
    recorder, url = smtp
    sign_up_bob(cli)
    limit_bob(cli, "2")
    due_newsletter(cli, tmp_path, profile="bob", readers=[GREEK, *readers(3)])
    env = {"BLOGSTER_SMTP_URL": url}
    sent = []
    for run in range(3):
        if run:
            a_day_passes(superuser)
        ran = cli("workers", "send-newsletters", "--json", env=env)
        assert ran.exit_code == 0, ran.stderr
        sent.append(sum(report["sent"] for report in ran.json()["newsletters"]))
        recorded = superuser.execute("select count(*) from public.newsletter_deliveries").fetchone()[0]
        assert len(recorder.messages) == recorded  # each mail counted as it is recorded
    assert sent == [2, 2, 0]
    mailed = [rcpt for rcpt, _ in recorder.messages]
    assert sorted(mailed) == sorted([GREEK, *readers(3)])  # each once, the Greek reader too
    [shown] = cli(*BOB, "newsletter", "list", "--json").json()
    assert (shown["status"], shown["recipient_count"]) == ("sent", 4)


def test_a_to_list_mails_a_greek_sigma_reader(cli, signed_up, smtp, tmp_path):
    """Red team 43 (F2): the --to list was lowercased in Python and matched against lower(email) in
    SQL, so `ΝΙΚΟΣ@example.gr` was silently left out of the send, which said `sent`."""
    recorder, url = smtp
    post = tmp_path / "post.md"
    post.write_text("---\ntitle: week\n---\nhi\n")
    assert cli("blogs", "new", "--from", str(post), "--status", "published", "--slug", "week").exit_code == 0
    listed = tmp_path / "readers.csv"
    listed.write_text(f"email\n{GREEK}\nplain@example.com\n")
    newsletter_id = cli("newsletter", "create", "--blogs", "week", "--subject", "s", "--json").json()["id"]
    sent = cli("newsletter", "send", newsletter_id, "--to", str(listed), "--json", env={"BLOGSTER_SMTP_URL": url})
    assert sent.exit_code == 0, sent.stderr
    assert sorted(rcpt for rcpt, _ in recorder.messages) == sorted([GREEK, "plain@example.com"])
    assert sent.json()[0]["recipient_count"] == 2


def test_an_open_transaction_holding_a_readers_record_delays_that_reader_only(
    cli, signed_up, smtp, tmp_path, superuser
):
    """Red team 43 (F1b): an account's own open transaction holding one reader's delivery row made
    every run mail that reader, wait lock_timeout to record it, fail the account's share (exit 1) and
    count nothing. The row is now taken before the mail: held elsewhere, that reader waits for a
    later run and the others go, counted."""
    import psycopg

    recorder, url = smtp
    sign_up_bob(cli)
    limit_bob(cli, "10")
    newsletter_id = due_newsletter(cli, tmp_path, profile="bob", readers=readers(4))
    bob = superuser.execute("select id from auth.users where email = 'bob@example.com'").fetchone()[0]
    holder = psycopg.connect(superuser.info.dsn, password=superuser.info.password, autocommit=False)
    try:
        holder.execute(
            "insert into public.newsletter_deliveries (user_id, newsletter_id, email, outcome, message_id)"
            " values (%s, %s, %s, 'refused', 'x')",
            (bob, newsletter_id, readers(4)[0].upper()),
        )
        env = {"BLOGSTER_SMTP_URL": url}
        ran = cli("workers", "send-newsletters", "--json", env=env)
        assert ran.exit_code == 0, ran.stderr
        [report] = ran.json()["newsletters"]
        assert (report["sent"], report["status"]) == (3, "scheduled")
        assert [d.split(":")[0] for d in report["deferred"]] == [readers(4)[0]]
        assert sorted(rcpt for rcpt, _ in recorder.messages) == readers(4)[1:]
        assert counted(superuser) == 3
    finally:
        holder.rollback()
        holder.close()
    later = cli("workers", "send-newsletters", "--json", env={"BLOGSTER_SMTP_URL": url})
    assert later.exit_code == 0, later.stderr
    assert later.json()["newsletters"][0]["status"] == "sent"
    assert sorted(rcpt for rcpt, _ in recorder.messages) == readers(4) and counted(superuser) == 4
