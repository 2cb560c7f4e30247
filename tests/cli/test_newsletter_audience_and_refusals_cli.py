"""`newsletter send`: a send's audience is fixed when it starts, a re-run resumes it and a newsletter
once sent mails nobody more; 4xx refusals are deferred (retried), every address refused is a
failure, and a --to CSV's lines that are not addresses are listed (fault-injection findings)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from blogster_cli.errors import DatabaseUnavailable
from blogster_cli.repositories import newsletters as newsletter_rows
from tests.cli.test_newsletter_cli import readers_csv


def csv_of(tmp_path, name: str, addresses: list[str]) -> str:
    path = tmp_path / name
    path.write_text("email\n" + "".join(f"{a}\n" for a in addresses))
    return str(path)


def mailed(recorder) -> set[str]:
    return {rcpt for rcpt, _ in recorder.messages}


@pytest.fixture
def others(cli, tmp_path) -> list[str]:
    """Subscribers outside any --to list."""
    people = [f"other{n}@example.com" for n in range(3)]
    assert cli("newsletter", "subscribers", "import", csv_of(tmp_path, "others.csv", people)).exit_code == 0
    return people


def test_a_rerun_without_to_resumes_the_to_list_the_send_started_with(
    cli, newsletter, others, smtp, tmp_path, monkeypatch
):
    """The database died after some mails of a --to send (exit 7, no hint); `newsletter send ID`
    then mailed the whole list. The error says how to resume, and the re-run mails only the rest
    of the --to list."""
    recorder, url = smtp
    env = {"BLOGSTER_SMTP_URL": url}
    readers = readers_csv(tmp_path, 4)
    record, calls = newsletter_rows.claim_delivery, []

    def dying(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise DatabaseUnavailable("lost the database connection: server closed the connection")
        return record(*args, **kwargs)

    monkeypatch.setattr(newsletter_rows, "claim_delivery", dying)
    cut = cli("newsletter", "send", newsletter, "--to", readers, env=env)
    assert cut.exit_code == 7 and len(cut.stderr.strip().splitlines()) == 1, cut.stderr
    assert "run the same command again to resume" in cut.stderr
    monkeypatch.setattr(newsletter_rows, "claim_delivery", record)

    rerun = cli("newsletter", "send", newsletter, "--json", env=env)
    assert rerun.exit_code == 0, rerun.stderr
    [report] = rerun.json()
    assert (report["sent"], report["already_done"], report["status"]) == (2, 2, "sent")
    assert "resuming the 4 address(es) of the --to list" in report["note"]
    assert mailed(recorder) == {f"reader{n}@example.com" for n in range(4)}  # none of the others

    again = cli("newsletter", "send", newsletter, env=env)  # sent: nobody more, not even the others
    assert again.exit_code == 0 and "0 sent" in again.stderr
    assert mailed(recorder).isdisjoint(others)


def test_a_started_send_refuses_another_audience_and_says_how_to_resume(cli, newsletter, others, smtp, tmp_path):
    recorder, url = smtp
    env = {"BLOGSTER_SMTP_URL": url}
    first = csv_of(tmp_path, "first.csv", [f"a{n}@example.com" for n in range(4)])
    recorder.fail_after = 2  # an outage after two mails
    assert cli("newsletter", "send", newsletter, "--to", first, env=env).exit_code == 1
    recorder.fail_after = None

    second = csv_of(tmp_path, "second.csv", ["b0@example.com", "a0@example.com"])
    for extra in ([], ["--at", "2999-01-01 10:00"]):
        other = cli("newsletter", "send", newsletter, "--to", second, *extra, env=env)
        assert other.exit_code == 2 and len(other.stderr.strip().splitlines()) == 1, other.stderr
        assert "was started for another --to list" in other.stderr and "to resume it" in other.stderr
    listed = {s["email"] for s in cli("newsletter", "subscribers", "list", "--json").json()}
    assert "b0@example.com" not in listed  # a refused run adds nobody to the list

    same = cli("newsletter", "send", newsletter, "--to", first, "--json", env=env)  # the same command resumes
    assert same.exit_code == 0 and same.json()[0]["sent"] == 2, same.stderr
    assert mailed(recorder) == {f"a{n}@example.com" for n in range(4)}


def test_a_whole_list_send_started_refuses_a_to_list(cli, newsletter, others, smtp, tmp_path):
    recorder, url = smtp
    env = {"BLOGSTER_SMTP_URL": url}
    recorder.fail_after = 1
    assert cli("newsletter", "send", newsletter, env=env).exit_code == 1
    recorder.fail_after = None
    narrowed = cli("newsletter", "send", newsletter, "--to", csv_of(tmp_path, "x.csv", ["x@example.com"]), env=env)
    assert narrowed.exit_code == 2 and "was started for your whole list" in narrowed.stderr
    assert f"blogster newsletter send {newsletter}" in narrowed.stderr


def test_a_sent_to_send_mails_nobody_else_on_a_rerun(cli, newsletter, others, smtp, tmp_path):
    """A completed --to send re-run without --to mailed everyone else on the list."""
    recorder, url = smtp
    env = {"BLOGSTER_SMTP_URL": url}
    odd = csv_of(tmp_path, "odd.csv", ["odd1@example.com", "odd3@example.com"])
    assert cli("newsletter", "send", newsletter, "--to", odd, env=env).exit_code == 0
    rerun = cli("newsletter", "send", newsletter, "--json", env=env)
    assert rerun.exit_code == 0 and rerun.json()[0]["sent"] == 0, rerun.stderr
    assert mailed(recorder) == {"odd1@example.com", "odd3@example.com"}
    elsewhere = cli("newsletter", "send", newsletter, "--to", csv_of(tmp_path, "o.csv", others), env=env)
    assert elsewhere.exit_code == 2 and "already sent" in elsewhere.stderr
    later = cli("newsletter", "send", newsletter, "--at", "2999-01-01 10:00", env=env)
    assert later.exit_code == 2 and "already sent" in later.stderr
    assert mailed(recorder) == {"odd1@example.com", "odd3@example.com"}


def test_a_greylisted_address_is_deferred_and_the_next_run_mails_it(cli, newsletter, smtp, tmp_path):
    """A `451 greylisted` was recorded as refused and never tried again."""
    recorder, url = smtp
    env = {"BLOGSTER_SMTP_URL": url}
    original, greylisted = recorder.handle_RCPT, {"reader1@example.com"}

    async def greylist(server, session, envelope, address, rcpt_options):
        if address in greylisted:
            return "451 4.7.1 greylisted, try again later"
        return await original(server, session, envelope, address, rcpt_options)

    recorder.handle_RCPT = greylist  # type: ignore[method-assign]
    readers = readers_csv(tmp_path, 3)
    first = cli("newsletter", "send", newsletter, "--to", readers, env=env)
    assert first.exit_code == 0, first.stderr
    assert "deferred reader1@example.com: recipient deferred: 451" in first.stderr
    assert "1 deferred for now: run the same command later" in first.stderr
    [shown] = cli("newsletter", "list", "--json").json()
    assert (shown["status"], shown["recipient_count"]) == ("draft", 2)

    greylisted.clear()
    second = cli("newsletter", "send", newsletter, "--to", readers, "--json", env=env)
    assert second.exit_code == 0 and second.json()[0]["sent"] == 1 and second.json()[0]["status"] == "sent"
    assert sorted(mailed(recorder)) == [f"reader{n}@example.com" for n in range(3)]


def test_an_address_still_deferred_days_after_its_first_deferral_is_given_up(
    cli, newsletter, smtp, tmp_path, superuser
):
    """A server answering 4xx for good (a mailbox full) kept the newsletter unsent, and a
    scheduled one due, retried at every run without end."""
    recorder, url = smtp
    env = {"BLOGSTER_SMTP_URL": url}
    original = recorder.handle_RCPT

    async def full(server, session, envelope, address, rcpt_options):
        if address == "reader1@example.com":
            return "452 4.2.2 mailbox full"
        return await original(server, session, envelope, address, rcpt_options)

    recorder.handle_RCPT = full  # type: ignore[method-assign]
    readers = readers_csv(tmp_path, 3)
    assert "1 deferred for now" in cli("newsletter", "send", newsletter, "--to", readers, env=env).stderr
    stored = superuser.execute(
        "select content->>'deferred_since' from public.email_newsletters where id = %s", (newsletter,)
    )
    assert stored.fetchone()[0] is not None  # the first deferral is dated
    superuser.execute(
        "update public.email_newsletters set content = jsonb_set(content, '{deferred_since}', to_jsonb(%s::text))"
        " where id = %s",
        ((datetime.now(UTC) - timedelta(days=6)).isoformat(), newsletter),
    )
    later = cli("newsletter", "send", newsletter, "--json", env=env)
    assert later.exit_code == 0, later.stderr
    [report] = later.json()
    assert report["status"] == "sent" and report["deferred"] == []
    assert report["refused"] == [
        "reader1@example.com: recipient deferred: 452 4.2.2 mailbox full, still 5 days after the first deferral: given up"
    ]


def test_every_address_refused_is_a_failure_and_bad_csv_lines_are_listed(cli, newsletter, smtp, tmp_path):
    recorder, url = smtp
    env = {"BLOGSTER_SMTP_URL": url}
    recorder.refuse.update({"reader0@example.com", "reader1@example.com"})
    readers = readers_csv(tmp_path, 2, extra="not-an-address,\nReader X,also bad\n")
    result = cli("newsletter", "send", newsletter, "--to", readers, env=env)
    assert result.exit_code == 1, result.stderr
    assert "none of its 2 readers was reached" in result.stderr
    assert "line 4: not an email address" in result.stderr
    assert "line 5: not an email address: 'also bad'" in result.stderr
    [shown] = cli("newsletter", "list", "--json").json()
    assert (shown["status"], shown["recipient_count"]) == ("failed", 0)
    again = cli("newsletter", "send", newsletter, "--json", env=env)  # still nobody reached: still a failure
    assert again.exit_code == 1 and again.json()[0]["status"] == "failed"


def test_a_partly_refused_send_counts_the_left_out_lines(cli, newsletter, smtp, tmp_path):
    recorder, url = smtp
    recorder.refuse.add("reader0@example.com")
    readers = readers_csv(tmp_path, 2, extra="not-an-address,\n")
    result = cli("newsletter", "send", newsletter, "--to", readers, env={"BLOGSTER_SMTP_URL": url})
    assert result.exit_code == 0, result.stderr
    assert "1 sent, 1 refused" in result.stderr and "1 left out" in result.stderr
    assert "line 4: not an email address" in result.stderr


def test_a_to_csv_without_one_address_is_refused_and_keeps_no_audience(cli, newsletter, others, smtp, tmp_path):
    recorder, url = smtp
    env = {"BLOGSTER_SMTP_URL": url}
    bad = csv_of(tmp_path, "bad.csv", ["nobody", "at all"])
    refused = cli("newsletter", "send", newsletter, "--to", bad, env=env)
    assert refused.exit_code == 2 and "no email address to send to (2 lines left out)" in refused.stderr
    whole = cli("newsletter", "send", newsletter, "--json", env=env)  # the whole list, as asked
    assert whole.exit_code == 0 and whole.json()[0]["sent"] == len(others), whole.stderr


def test_a_rerun_counts_a_reader_refused_before_apart_from_those_mailed(cli, newsletter, smtp, tmp_path):
    """The second `newsletter send ID --to readers.csv` said "3 already mailed" where one of the
    three had been refused (never mailed): it says "2 already mailed, 1 refused before"."""
    recorder, url = smtp
    env = {"BLOGSTER_SMTP_URL": url}
    recorder.refuse.add("reader0@example.com")
    readers = readers_csv(tmp_path, 3)
    first = cli("newsletter", "send", newsletter, "--to", readers, env=env)
    assert first.exit_code == 0 and "2 sent, 1 refused" in first.stderr, first.stderr
    again = cli("newsletter", "send", newsletter, "--to", readers, env=env)
    assert again.exit_code == 0, again.stderr
    assert "0 sent, 0 refused, 2 already mailed, 1 refused before, 0 unsubscribed" in again.stderr, again.stderr
    [report] = cli("newsletter", "send", newsletter, "--to", readers, "--json", env=env).json()
    assert (report["already_done"], report["refused_before"], report["recipient_count"]) == (3, 1, 2)
