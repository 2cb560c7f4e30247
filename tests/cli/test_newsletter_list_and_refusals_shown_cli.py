"""`newsletter` lows of the new-user walk (h310 L3-L5): a newsletter whose every reader was refused
keeps the reason, and a re-send says the refusals are an earlier run's and final; `newsletter list`
shows when a scheduled one goes; unsubscribing an address not on the list says so (exit 3)."""

from __future__ import annotations

from tests.cli.test_newsletter_cli import readers_csv


def test_every_reader_refused_keeps_the_reason_and_a_resend_says_it_is_final(cli, newsletter, smtp, tmp_path):
    recorder, url = smtp
    env = {"BLOGSTER_SMTP_URL": url}
    recorder.refuse.update({f"reader{n}@example.com" for n in range(3)})
    first = cli("newsletter", "send", newsletter, "--to", readers_csv(tmp_path, 3), env=env)
    assert first.exit_code == 1, first.stderr
    assert "none of its 3 readers was reached: the server refused every address for good" in first.stderr
    [shown] = cli("newsletter", "list", "--json").json()
    assert shown["status"] == "failed"
    assert shown["send_error"].startswith("the server refused every address for good; the last: reader")
    assert "550 5.1.1 no such mailbox" in shown["send_error"] and shown["send_error_at"]
    table = cli("newsletter", "list", "--format", "csv")
    assert "550 5.1.1 no such mailbox" in table.stdout

    recorder.refuse.clear()  # the server fixed: the ledger's refusals are final all the same
    again = cli("newsletter", "send", newsletter, env=env)
    assert again.exit_code == 1 and recorder.messages == []
    assert "refused every address in an earlier run (" in again.stderr, again.stderr
    assert "for good (a 5xx reply), so nobody was tried again" in again.stderr
    assert "make a new newsletter (`blogster newsletter create`)" in again.stderr
    [kept] = cli("newsletter", "list", "--json").json()
    assert "550 5.1.1 no such mailbox" in kept["send_error"]


def test_newsletter_list_shows_the_scheduled_time_in_table_and_csv(cli, newsletter):
    assert cli("newsletter", "send", newsletter, "--at", "2999-01-02 10:30").exit_code == 0
    csv = cli("newsletter", "list", "--format", "csv")
    header, row = csv.stdout.strip().splitlines()
    assert "scheduled_time" in header.split(","), header
    assert "2999-01-02" in row and "10:30" in row, row
    table = cli("newsletter", "list")
    assert "scheduled_time" in table.stdout and "2999-01-02" in table.stdout, table.stdout


def test_unsubscribing_an_address_not_on_the_list_says_so(cli, newsletter, tmp_path):
    assert cli("newsletter", "subscribers", "import", readers_csv(tmp_path, 2)).exit_code == 0
    typo = cli("newsletter", "unsubscribe", "nobody@example.com")
    assert typo.exit_code == 3, typo.stderr
    assert typo.stderr.strip() == "error: 'nobody@example.com' is not on your subscribers list" + (
        " (`blogster newsletter subscribers list` shows it)"
    )
    mixed = cli("newsletter", "unsubscribe", "Reader0@example.com", "nobody@example.com")
    assert mixed.exit_code == 3 and "nobody was unsubscribed" in mixed.stderr, mixed.stderr
    assert all(s["subscribed"] for s in cli("newsletter", "subscribers", "list", "--json").json())

    done = cli("newsletter", "unsubscribe", "Reader0@example.com")
    assert done.exit_code == 0 and done.stderr.strip() == "1 unsubscribed", done.stderr
    twice = cli("newsletter", "unsubscribe", "reader0@example.com", "reader1@example.com", "--json")
    assert twice.exit_code == 0 and twice.json() == {"unsubscribed": 1, "already_unsubscribed": 1}
