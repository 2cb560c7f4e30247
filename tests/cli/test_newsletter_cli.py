"""`blogster newsletter` against a local SMTP server (aiosmtpd): exactly once per reader, resumable."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import pytest

from tests.smtp_server import ehlo_without_smtputf8, smtp_server

READERS = 8


def readers_csv(tmp_path, count: int = READERS, extra: str = "") -> str:
    path = tmp_path / "readers.csv"
    lines = ["name,Email"] + [f"Reader {n},reader{n}@example.com" for n in range(count)]
    path.write_text("\n".join(lines) + "\n" + extra)
    return str(path)


def test_send_mails_each_reader_once_with_html_text_and_unsubscribe(cli, newsletter, smtp, tmp_path):
    recorder, url = smtp
    recorder.refuse.add("reader3@example.com")
    csv_path = readers_csv(tmp_path, extra="not-an-address,\nREADER1@EXAMPLE.COM,\n")
    result = cli("newsletter", "send", newsletter, "--to", csv_path, "--json", env={"BLOGSTER_SMTP_URL": url})
    assert result.exit_code == 0, result.stderr
    [report] = result.json()
    assert report["sent"] == READERS - 1 and report["status"] == "sent" and report["recipient_count"] == READERS - 1
    assert [r.split(":")[0] for r in report["refused"]] == ["reader3@example.com"]
    assert "refused reader3@example.com: recipient refused: 550" in result.stderr
    assert len(recorder.messages) == READERS - 1 and not recorder.to("reader3@example.com")

    message = recorder.to("reader0@example.com")[0]
    assert message["Subject"] == "This week" and message["From"] == "ada@example.com"
    assert message["To"] == "Reader 0 <reader0@example.com>"
    unsubscribe = message["List-Unsubscribe"].strip("<>")
    assert unsubscribe.startswith("https://") and "/unsubscribe/?t=" in unsubscribe
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert unsubscribe in text and unsubscribe in html and "<strong>tmux</strong>" in html
    assert "/ten-terminal-habits/" in text
    others = {m["List-Unsubscribe"] for _, m in recorder.messages}
    assert len(others) == READERS - 1  # each reader their own link

    listed = cli("newsletter", "list", "--json").json()
    assert listed[0]["recipient_count"] == READERS - 1 and listed[0]["status"] == "sent"
    again = cli("newsletter", "send", newsletter, "--json", env={"BLOGSTER_SMTP_URL": url}).json()[0]
    assert again["sent"] == 0 and again["already_done"] == READERS and len(recorder.messages) == READERS - 1


def test_one_readers_odd_name_or_address_does_not_stop_the_send(cli, newsletter, smtp, tmp_path):
    """A subscriber imported with a line break in their name, or an address outside ASCII (which
    plain SMTP cannot carry), stopped the send with "unexpected failure" at that reader, and every
    re-run stopped there again: the name becomes one line, the address is a refusal, and the
    readers after them are mailed. (A server that takes SMTPUTF8 is mailed such an address.)"""
    recorder, url = smtp
    recorder.handle_EHLO = ehlo_without_smtputf8  # type: ignore[attr-defined]  # plain SMTP
    path = tmp_path / "odd.csv"
    path.write_text(
        'name,email\n"Ann\nBcc: z@evil.example",ann@example.com\nUli,\u00fcli@ex\u00e4mple.com\nZoe,zoe@example.com\n'
    )
    imported = cli("newsletter", "subscribers", "import", str(path))
    assert imported.exit_code == 0, imported.stderr
    result = cli("newsletter", "send", newsletter, "--json", env={"BLOGSTER_SMTP_URL": url})
    assert result.exit_code == 0, result.stderr
    [report] = result.json()
    assert report["status"] == "sent" and report["sent"] == 2, result.stderr
    # Stored with its domain in ASCII (one spelling of a mailbox), the local part still needs SMTPUTF8.
    assert [r.split(":")[0] for r in report["refused"]] == ["\u00fcli@xn--exmple-cua.com"]
    assert recorder.to("ann@example.com")[0]["To"] == '"Ann Bcc: z@evil.example" <ann@example.com>'  # one quoted name
    assert recorder.to("zoe@example.com") and not recorder.to("z@evil.example")


def test_unsubscribes_are_honoured_by_later_sends(cli, newsletter, smtp, tmp_path):
    recorder, url = smtp
    assert cli("newsletter", "subscribers", "import", readers_csv(tmp_path, 3)).exit_code == 0
    assert cli("newsletter", "unsubscribe", "reader0@example.com").exit_code == 0
    # A reader who clicked the link: the site's access log shows the request with their token.
    first = cli("newsletter", "send", newsletter, "--json", env={"BLOGSTER_SMTP_URL": url}).json()[0]
    assert first["sent"] == 2 and first["unsubscribed"] == 1
    link = recorder.to("reader1@example.com")[0]["List-Unsubscribe"].strip("<>")
    path = link.split("://", 1)[1].split("/", 1)[1]
    log = tmp_path / "access.log"
    log.write_text(f'203.0.113.9 - - [01/Dec/2026:10:00:00 +0000] "GET /{path} HTTP/1.1" 200 12 "-" "Mail"\n')
    assert cli("newsletter", "unsubscribe", "--from-log", str(log), "--json").json() == {"unsubscribed": 1}
    listed = {s["email"]: s["subscribed"] for s in cli("newsletter", "subscribers", "list", "--json").json()}
    assert listed == {"reader0@example.com": False, "reader1@example.com": False, "reader2@example.com": True}

    second = cli("newsletter", "create", "--blogs", "ten-terminal-habits", "--subject", "Next week", "--json").json()
    report = cli("newsletter", "send", second["id"], "--json", env={"BLOGSTER_SMTP_URL": url}).json()[0]
    assert report["sent"] == 1 and report["unsubscribed"] == 2
    assert [m["Subject"] for m in recorder.to("reader2@example.com")] == ["This week", "Next week"]


def test_only_a_readers_own_request_of_the_link_unsubscribes(cli, newsletter, smtp, tmp_path):
    """Mail link scanners and crawlers fetch every link of a mail they pass; a HEAD, an error or the
    link as another page's referrer is no reader asking to leave (red team 27)."""
    recorder, url = smtp
    assert cli("newsletter", "subscribers", "import", readers_csv(tmp_path, 3)).exit_code == 0
    assert cli("newsletter", "send", newsletter, "--json", env={"BLOGSTER_SMTP_URL": url}).json()[0]["sent"] == 3
    path = recorder.to("reader1@example.com")[0]["List-Unsubscribe"].strip("<>").split("://", 1)[1].split("/", 1)[1]
    at = "203.0.113.9 - - [01/Dec/2026:10:00:00 +0000]"
    browser = "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0"
    not_readers = [
        f'{at} "HEAD /{path} HTTP/1.1" 200 0 "-" "{browser}"',
        f'{at} "GET /{path} HTTP/1.1" 404 0 "-" "{browser}"',
        f'{at} "GET /{path} HTTP/1.1" 200 12 "-" "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"',
        f'{at} "GET /posts/x/ HTTP/1.1" 200 12 "https://mail.example/{path}" "{browser}"',
    ]
    log = tmp_path / "access.log"
    log.write_text("\n".join(not_readers) + "\n")
    assert cli("newsletter", "unsubscribe", "--from-log", str(log), "--json").json() == {"unsubscribed": 0}
    log.write_text(f'{at} "GET /{path} HTTP/1.1" 200 12 "-" "{browser}"\n')
    assert cli("newsletter", "unsubscribe", "--from-log", str(log), "--json").json() == {"unsubscribed": 1}


def test_analytics_ingest_records_unsubscribes_too(cli, newsletter, smtp, tmp_path):
    """The unsubscribe links an ingested log shows are applied as `newsletter unsubscribe --from-log` applies them."""
    recorder, url = smtp
    assert cli("newsletter", "subscribers", "import", readers_csv(tmp_path, 3)).exit_code == 0
    assert cli("newsletter", "send", newsletter, "--json", env={"BLOGSTER_SMTP_URL": url}).json()[0]["sent"] == 3
    link = recorder.to("reader1@example.com")[0]["List-Unsubscribe"].strip("<>")
    path = link.split("://", 1)[1].split("/", 1)[1]
    forged = path[: path.index("t=") + 2] + "0" * 32
    log = tmp_path / "access.log"
    line = f'203.0.113.9 - - [01/Dec/2026:10:00:00 +0000] "GET /{path} HTTP/1.1" 200 12 "-" "Mail"\n'
    log.write_text(line + line.replace(path, forged))
    ingested = cli("analytics", "ingest", str(log), "--json")
    assert ingested.exit_code == 0, ingested.stderr
    assert ingested.json()["newsletter_unsubscribes"] == 1  # the forged token is nobody's
    listed = {s["email"]: s["subscribed"] for s in cli("newsletter", "subscribers", "list", "--json").json()}
    assert listed == {"reader0@example.com": True, "reader1@example.com": False, "reader2@example.com": True}
    log.write_text(log.read_text() + line)  # the log grows by the same request: nothing changes
    again = cli("analytics", "ingest", str(log), "--json").json()
    assert (again["lines"], again["newsletter_unsubscribes"]) == (1, 0)
    second = cli("newsletter", "create", "--blogs", "ten-terminal-habits", "--subject", "Next week", "--json").json()
    report = cli("newsletter", "send", second["id"], "--json", env={"BLOGSTER_SMTP_URL": url}).json()[0]
    assert report["sent"] == 2 and report["unsubscribed"] == 1
    assert [m["Subject"] for m in recorder.to("reader1@example.com")] == ["This week"]


@pytest.mark.parametrize("separator", ["\u2028", "\x85", "\x0c", "\r", "\x1e"], ids=repr)
def test_an_unsubscribe_forged_inside_a_user_agent_is_no_reader_leaving(cli, newsletter, smtp, tmp_path, separator):
    """Red team 28: str.splitlines cuts at U+2028, \\x85, \\x0c and more, the log parser at newlines only: a user
    agent holding one of them ahead of a forged `GET /unsubscribe/?t=TOKEN ... 200` was a reader leaving."""
    recorder, url = smtp
    assert cli("newsletter", "subscribers", "import", readers_csv(tmp_path, 2)).exit_code == 0
    assert cli("newsletter", "send", newsletter, "--json", env={"BLOGSTER_SMTP_URL": url}).json()[0]["sent"] == 2
    path = recorder.to("reader1@example.com")[0]["List-Unsubscribe"].strip("<>").split("://", 1)[1].split("/", 1)[1]
    at = "198.51.100.7 - - [01/Dec/2026:10:00:00 +0000]"
    log = tmp_path / "access.log"
    log.write_text(
        f'{at} "HEAD /x HTTP/1.1" 404 0 "-" "Mozilla{separator}{at} "GET /{path} HTTP/1.1" 200 12 "-" "Mail"\n'
    )
    ingested = cli("analytics", "ingest", str(log), "--json")
    assert ingested.exit_code == 0, ingested.stderr
    assert ingested.json()["newsletter_unsubscribes"] == 0
    assert cli("newsletter", "unsubscribe", "--from-log", str(log), "--json").json() == {"unsubscribed": 0}
    listed = {s["email"]: s["subscribed"] for s in cli("newsletter", "subscribers", "list", "--json").json()}
    assert listed == {"reader0@example.com": True, "reader1@example.com": True}


def test_sigkill_mid_send_then_a_rerun_mails_the_rest_and_nobody_twice(cli, newsletter, smtp, tmp_path):
    recorder, url = smtp
    csv_path = readers_csv(tmp_path)
    env = {**os.environ, "BLOGSTER_SMTP_URL": url}
    process = subprocess.Popen(
        [sys.executable, "-m", "blogster_cli", "newsletter", "send", newsletter, "--to", csv_path],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    # The third message is kept by the server, and the sender killed before it hears 250.
    recorder.on_data = lambda kept: os.kill(process.pid, signal.SIGKILL) if kept == 3 else None
    process.communicate(timeout=120)
    assert process.returncode == -signal.SIGKILL and len(recorder.messages) == 3
    recorder.on_data = None
    # The list shows how far the killed send got: the two mails whose acceptance was committed, and
    # that nothing will finish it but the same command (tester, Low: a draft with no sign of it).
    [shown] = cli("newsletter", "list", "--json").json()
    assert (shown["status"], shown["recipient_count"]) == ("draft", 2)
    assert shown["send_error"].startswith("partly sent: 2 readers got it"), shown
    assert f"`blogster newsletter send {newsletter}` mails the rest" in shown["send_error"], shown
    assert "partly sent" in cli("newsletter", "list").stdout

    rerun = cli("newsletter", "send", newsletter, "--to", csv_path, "--json", env={"BLOGSTER_SMTP_URL": url})
    assert rerun.exit_code == 0, rerun.stderr
    report = rerun.json()[0]
    assert report["already_done"] == 2 and report["sent"] == READERS - 2 and report["recipient_count"] == READERS
    for n in range(READERS):
        ids = {m["Message-ID"] for m in recorder.to(f"reader{n}@example.com")}
        assert len(ids) == 1, n  # one message per reader; a repeat would carry the same Message-ID
    repeated = [n for n in range(READERS) if len(recorder.to(f"reader{n}@example.com")) > 1]
    assert repeated == [2]  # only the one caught between the server's acceptance and the commit
    [shown] = cli("newsletter", "list", "--json").json()
    assert (shown["status"], shown["recipient_count"], shown["send_error"]) == ("sent", READERS, None), shown


def test_smtp_outage_mid_send_is_reported_and_resumable(cli, newsletter, smtp, tmp_path):
    recorder, url = smtp
    assert cli("newsletter", "subscribers", "import", readers_csv(tmp_path, 4)).exit_code == 0
    recorder.fail_after = 2  # the server starts answering 421 after two messages
    down = cli("newsletter", "send", newsletter, env={"BLOGSTER_SMTP_URL": url})
    assert down.exit_code == 1 and down.stderr.count("\n") == 1 and "run the same send again" in down.stderr
    [shown] = cli("newsletter", "list", "--json").json()
    assert shown["status"] == "failed" and shown["recipient_count"] == 2
    recorder.fail_after = None
    up = cli("newsletter", "send", newsletter, "--json", env={"BLOGSTER_SMTP_URL": url})
    assert up.exit_code == 0 and up.json()[0]["sent"] == 2 and up.json()[0]["recipient_count"] == 4
    assert sorted(rcpt for rcpt, _ in recorder.messages) == [f"reader{n}@example.com" for n in range(4)]
    with smtp_server() as (_, gone_url):
        pass  # a server that is no longer there: one line, nothing lost
    gone = cli("newsletter", "send", newsletter, env={"BLOGSTER_SMTP_URL": gone_url})
    assert gone.exit_code == 0 and "0 sent" in gone.stderr  # everyone is mailed: no connection is even needed


def test_a_scheduled_newsletter_stays_due_through_an_smtp_outage(cli, newsletter, smtp, tmp_path, superuser):
    """Red team 17: due while the mail server was down, it was marked failed, and every later
    send-due (the workers' too) passed it over: its readers were never mailed."""
    recorder, url = smtp
    assert cli("newsletter", "subscribers", "import", readers_csv(tmp_path, 3)).exit_code == 0
    assert cli("newsletter", "send", newsletter, "--at", "2099-01-01 09:00").exit_code == 0
    superuser.execute("update public.email_newsletters set scheduled_time = now() - interval '1 minute'")
    with smtp_server() as (_, gone_url):
        pass  # a server that is no longer there
    down = cli("newsletter", "send-due", "--json", env={"BLOGSTER_SMTP_URL": gone_url})
    assert down.exit_code == 1 and down.json()[0]["status"] == "scheduled" and down.json()[0]["error"]
    [shown] = cli("newsletter", "list", "--json").json()
    assert shown["status"] == "scheduled"
    up = cli("newsletter", "send-due", "--json", env={"BLOGSTER_SMTP_URL": url})
    assert up.exit_code == 0 and up.json()[0]["status"] == "sent" and up.json()[0]["sent"] == 3
    assert sorted(rcpt for rcpt, _ in recorder.messages) == [f"reader{n}@example.com" for n in range(3)]
    idle = cli("newsletter", "send-due", env={"BLOGSTER_SMTP_URL": url})  # t541: it printed nothing at all
    assert (idle.exit_code, idle.stdout, idle.stderr) == (0, "", "no newsletter due: nothing sent\n")
    idle_json = cli("newsletter", "send-due", "--json", env={"BLOGSTER_SMTP_URL": url})
    assert (idle_json.exit_code, idle_json.json(), idle_json.stderr) == (0, [], "")


def test_an_unusable_smtp_host_is_the_senders_error_and_no_reader_is_marked(cli, newsletter, smtp, tmp_path):
    """Red team 19: a host that cannot be encoded (a byte 0xff in the URL) failed each message as it
    was sent, and each failure was recorded as that reader's refusal: 20,000 readers marked refused
    for good, and the newsletter failed. It is a configuration error now, before any message."""
    recorder, url = smtp
    assert cli("newsletter", "subscribers", "import", readers_csv(tmp_path, 3)).exit_code == 0
    bad = cli("newsletter", "send", newsletter, "--json", env={"BLOGSTER_SMTP_URL": "smtp://\udcff:25"})
    assert bad.exit_code == 6 and bad.stderr.count("\n") == 1 and "SMTP URL's host" in bad.stderr, bad.stderr
    [shown] = cli("newsletter", "list", "--json").json()
    assert (shown["status"], shown["recipient_count"]) == ("draft", 0)
    good = cli("newsletter", "send", newsletter, "--json", env={"BLOGSTER_SMTP_URL": url})
    assert good.exit_code == 0 and good.json()[0]["sent"] == 3 and good.json()[0]["refused"] == []


def test_plain_smtp_to_another_host_requires_starttls(cli, newsletter, tmp_path):
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.connect(("192.0.2.1", 9))  # no packet is sent: this only picks the outgoing address
        address = probe.getsockname()[0]
    if address.startswith("127."):
        pytest.skip("this machine has no address but loopback")
    with smtp_server(address) as (recorder, url):
        assert cli("newsletter", "subscribers", "import", readers_csv(tmp_path, 2)).exit_code == 0
        result = cli("newsletter", "send", newsletter, env={"BLOGSTER_SMTP_URL": url})
        assert result.exit_code == 6 and "does not offer STARTTLS" in result.stderr
        assert recorder.messages == []


def test_preview_scheduling_and_bad_input(cli, newsletter, smtp, tmp_path, superuser):
    recorder, url = smtp
    shown = cli("newsletter", "preview", newsletter[:8])
    assert shown.exit_code == 0 and "Subject: This week" in shown.stdout
    assert "/unsubscribe/?t=EACH-READERS-OWN-TOKEN" in shown.stdout and "%%UNSUBSCRIBE_URL%%" not in shown.stdout
    assert cli("newsletter", "send", newsletter).exit_code == 6  # no SMTP server configured
    bad = tmp_path / "bad.csv"
    bad.write_text("address\nx@example.com\n")
    result = cli("newsletter", "send", newsletter, "--to", str(bad), env={"BLOGSTER_SMTP_URL": url})
    assert result.exit_code == 2 and "no 'email' column" in result.stderr
    assert cli("newsletter", "create", "--blogs", "nope", "--subject", "x").exit_code == 3
    scheduled = cli(
        "newsletter", "send", newsletter, "--to", readers_csv(tmp_path, 2), "--at", "2099-01-01 09:00", "--json"
    )
    assert scheduled.exit_code == 0 and scheduled.json()["status"] == "scheduled" and recorder.messages == []
    assert cli("newsletter", "send-due", "--json", env={"BLOGSTER_SMTP_URL": url}).json() == []  # not yet
    # The time comes (--at refuses a time past, so the clock is moved instead).
    superuser.execute("update public.email_newsletters set scheduled_time = now() - interval '1 minute'")
    due = cli("newsletter", "send-due", "--json", env={"BLOGSTER_SMTP_URL": url})
    assert due.exit_code == 0 and [r["sent"] for r in due.json()] == [2]
    assert cli("newsletter", "subscribers", "rm", "reader0@example.com").exit_code == 0
    assert [s["email"] for s in cli("newsletter", "subscribers", "list", "--json").json()] == ["reader1@example.com"]
    assert cli("newsletter", "subscribers", "rm", "reader0@example.com").exit_code == 3


def test_two_sends_at_once_mail_each_reader_once(cli, newsletter, smtp, tmp_path):
    """A second send starts while the first is mid-send (a message in the server's hands):
    it must mail nobody, and the first must reach everyone."""
    recorder, url = smtp
    csv_path = readers_csv(tmp_path)
    env = {**os.environ, "BLOGSTER_SMTP_URL": url}
    command = [sys.executable, "-m", "blogster_cli", "newsletter", "send", newsletter, "--to", csv_path, "--json"]
    second: list[tuple[int, str, str]] = []

    def race(kept: int) -> None:
        if kept != 2:
            return
        # The server's loop waits here, so a second sender that tried to mail would hang: give it 30 s.
        process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            out, err = process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            second.append((-1, "", "still mailing after 30 s"))
            return
        second.append((process.returncode, out, err))

    recorder.on_data = race
    first = subprocess.run(command, env=env, capture_output=True, text=True, timeout=180)
    assert first.returncode == 0, first.stderr
    [(code, out, err)] = second
    assert code == 0, err
    late = json.loads(out)[0]
    assert late["busy"] is True and late["sent"] == 0
    assert json.loads(first.stdout)[0]["sent"] == READERS
    assert sorted(rcpt for rcpt, _ in recorder.messages) == sorted(f"reader{n}@example.com" for n in range(READERS))

    again = cli("newsletter", "send", newsletter, "--json", env={"BLOGSTER_SMTP_URL": url}).json()[0]
    assert again["busy"] is False and again["sent"] == 0 and len(recorder.messages) == READERS  # lock released


def _log_line(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return (
        f'203.0.113.9 - - [01/Dec/2026:10:00:00 +0000] "GET {parts.path}?{parts.query} HTTP/1.1" 200 512'
        ' "-" "Mozilla/5.0"\n'
    )


def test_open_and_click_rates_come_from_the_access_log(cli, newsletter, smtp, tmp_path):
    import re

    recorder, url = smtp
    sent = cli("newsletter", "send", newsletter, "--to", readers_csv(tmp_path, 4), env={"BLOGSTER_SMTP_URL": url})
    assert sent.exit_code == 0, sent.stderr
    pixels, links = {}, {}
    for n in range(4):
        [message] = recorder.to(f"reader{n}@example.com")
        page = message.get_body(("html",)).get_content()
        text = message.get_body(("plain",)).get_content()
        [pixel] = re.findall(r'<img src="([^"]+_n/open\.gif[^"]+)"', page)
        pixels[n] = pixel.replace("&amp;", "&")
        tracked = re.findall(r'href="([^"]+ten-terminal-habits[^"]*)"', page)
        assert tracked and all("nl=" + newsletter in t.replace("&amp;", "&") for t in tracked)
        links[n] = tracked[0].replace("&amp;", "&")
        assert links[n] in text  # the plain-text part's link is tracked too
        assert "reader" not in pixels[n] and "unsubscribe" not in pixels[n]  # neither the address nor the token
    assert len(set(pixels.values())) == 4  # one key per reader
    log = tmp_path / "access.log"
    forged = pixels[0][: pixels[0].rindex("r=") + 2] + "0123456789abcdef"
    log.write_text(
        _log_line(pixels[0]) + _log_line(links[0]) + _log_line(links[1])  # reader1 clicked with images off
        + _log_line(pixels[2]) + _log_line(pixels[2]) + _log_line(forged) + _log_line("https://x.test/about/?a=1")
    )  # fmt: skip
    [stats] = cli("newsletter", "stats", "--from-log", str(log), "--json").json()
    assert (stats["opened"], stats["clicked"], stats["recipient_count"]) == (3, 2, 4)
    assert stats["open_rate"] == 0.75 and stats["click_rate"] == 0.5
    assert cli("newsletter", "stats", "--from-log", str(log), "--json").json() == [stats]  # the same log again
    later = tmp_path / "later.log"
    later.write_text(_log_line(pixels[3]))
    [more] = cli("newsletter", "stats", "--from-log", str(later), "--json").json()
    assert more["open_rate"] == 1.0 and more["click_rate"] == 0.5
    quiet = tmp_path / "quiet.log"
    quiet.write_text(_log_line("https://x.test/about/"))
    said = cli("newsletter", "stats", "--from-log", str(quiet))
    assert said.exit_code == 0 and said.stdout == ""
    assert said.stderr == f"{quiet} holds no open or click of your newsletters' readers; their figures are unchanged.\n"
    [listed] = cli("newsletter", "list", "--json").json()
    assert listed["open_rate"] == 1.0 and listed["click_rate"] == 0.5


def test_analytics_ingest_records_opens_and_clicks_too(cli, newsletter, smtp, tmp_path):
    import re

    recorder, url = smtp
    sent = cli("newsletter", "send", newsletter, "--to", readers_csv(tmp_path, 4), env={"BLOGSTER_SMTP_URL": url})
    assert sent.exit_code == 0, sent.stderr
    pixels, links = {}, {}
    for n in range(4):
        page = recorder.to(f"reader{n}@example.com")[0].get_body(("html",)).get_content()
        pixels[n] = re.findall(r'<img src="([^"]+_n/open\.gif[^"]+)"', page)[0].replace("&amp;", "&")
        links[n] = re.findall(r'href="([^"]+ten-terminal-habits[^"]*)"', page)[0].replace("&amp;", "&")
    forged = pixels[0][: pixels[0].rindex("r=") + 2] + "0123456789abcdef"
    log = tmp_path / "access.log"
    log.write_text(
        _log_line(pixels[0]) + _log_line(links[0]) + _log_line(links[1]) + _log_line(pixels[2]) + _log_line(pixels[2])
        + _log_line(forged) + _log_line("https://x.test/about/?a=1") + _log_line("https://x.test/about/?nl=1")
    )  # fmt: skip
    ingested = cli("analytics", "ingest", str(log), "--json")
    assert ingested.exit_code == 0, ingested.stderr
    assert ingested.json()["newsletter_hits"] == 6  # every tracked request; the forged key counts for nobody
    [listed] = cli("newsletter", "list", "--json").json()
    assert listed["open_rate"] == 0.75 and listed["click_rate"] == 0.5
    again = cli("analytics", "ingest", str(log), "--json").json()
    assert again["newsletter_hits"] == 0 and cli("newsletter", "list", "--json").json() == [listed]
    # The same log through `newsletter stats` changes nothing either: each reader counts once.
    [stats] = cli("newsletter", "stats", "--from-log", str(log), "--json").json()
    assert (stats["opened"], stats["clicked"], stats["open_rate"], stats["click_rate"]) == (3, 2, 0.75, 0.5)
    log.write_text(log.read_text() + _log_line(pixels[3]))  # the log grows: only the new line is read
    plain = cli("analytics", "ingest", str(log))
    assert plain.exit_code == 0 and "1 newsletter open/click," in plain.stdout + plain.stderr
    [listed] = cli("newsletter", "list", "--json").json()
    assert listed["open_rate"] == 1.0 and listed["click_rate"] == 0.5


def test_the_html_part_has_the_site_themes_look_inline(cli, newsletter):
    import re

    from blogster_cli.publish.themes import THEMES_DIR

    def theme_rule(theme: str, selector: str) -> str:
        css = (THEMES_DIR / theme / "style.css").read_text()
        return re.search(r"(?:^|})\s*" + selector + r"\s*\{([^}]*)\}", css, re.MULTILINE).group(1)

    page = cli("newsletter", "preview", newsletter, "--html").stdout
    [body] = re.findall(r'<body style="([^"]*)">', page)
    link_colour = re.search(r"color:\s*([^;]+)", theme_rule("default", "a")).group(1).strip()
    assert link_colour in page.split("<main>")[1] and "Georgia" in body  # the default theme's links and font
    assert re.search(r"background:\s*([^;]+)", theme_rule("default", "body")).group(1).strip() in body
    assert re.search(r'<a href="https://[^"]+/unsubscribe/\?t=EACH-READERS-OWN-TOKEN" style="', page)
    assert cli("site", "settings", "set", "theme", "minimal").exit_code == 0
    made = cli("newsletter", "create", "--blogs", "ten-terminal-habits", "--subject", "Minimal", "--json").json()
    minimal = cli("newsletter", "preview", made["id"], "--html").stdout
    [body] = re.findall(r'<body style="([^"]*)">', minimal)
    assert "system-ui" in theme_rule("minimal", "body") and "system-ui" in body and "Georgia" not in body
    assert link_colour not in minimal and '"' not in body  # quotes in font names became single quotes


def test_a_newsletter_with_nobody_to_mail_is_not_sent(cli, newsletter, smtp, superuser):
    """A red team's send to no subscribers said "0 sent" and marked the newsletter sent; it is
    refused now and stays a draft. Due at its time with nobody to mail, it is marked failed
    with the reason, and the send-due run goes on."""
    recorder, url = smtp
    refused = cli("newsletter", "send", newsletter, env={"BLOGSTER_SMTP_URL": url})
    assert refused.exit_code == 2 and "nobody to send it to" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
    (listed,) = cli("newsletter", "list", "--json").json()
    assert listed["status"] == "draft"
    superuser.execute(
        "update public.email_newsletters set status = 'scheduled', scheduled_time = now() - interval '1 minute'"
    )
    due = cli("newsletter", "send-due", "--json", env={"BLOGSTER_SMTP_URL": url})
    assert due.json()[0]["status"] == "failed" and "nobody to send it to" in due.json()[0]["error"]
    (listed,) = cli("newsletter", "list", "--json").json()
    assert listed["status"] == "failed" and recorder.messages == []


def test_a_newsletter_past_64_mib_is_refused_in_one_line(cli, signed_up, superuser):
    """A newsletter's content is bounded (0188: 64 MiB, sixteen times a post's 4 MiB): one of nine
    posts near their limit (each one's HTML and text, 8 MB) is refused in one line, exit 2, and none
    is made. One of eight is made."""
    body = ("word " * 199 + "word\n\n") * 4150  # 4,150,000 bytes: stored, under 4 MiB
    superuser.execute(
        "insert into public.blogs (title, slug, author_id, status, published_at, content)"
        " select 'Big ' || n, 'big-' || n, u.id, 'published', now(),"
        " jsonb_build_object('version', 1, 'markdown', %s::text)"
        " from auth.users u, generate_series(1, 9) n where u.email = 'ada@example.com'",
        (body,),
    )
    slugs = [f"big-{n}" for n in range(1, 10)]
    refused = cli("newsletter", "create", "--blogs", ",".join(slugs), "--subject", "All of it")
    assert refused.exit_code == 2, refused.stderr
    assert refused.stderr == (
        "error: a newsletter (its posts' HTML and text) holds at most 64 MiB: make it from fewer posts\n"
    )
    assert cli("newsletter", "list", "--json").json() == []
    made = cli("newsletter", "create", "--blogs", ",".join(slugs[:8]), "--subject", "Most of it")
    assert made.exit_code == 0, made.stderr


def test_a_newsletter_with_nothing_to_mail_is_not_sent(cli, newsletter, smtp, tmp_path, superuser):
    """0188 takes the posts' HTML and text out of a newsletter past 64 MiB (at the upgrade, or
    carried over by a restore from an older database): sent, it mailed each reader an empty message.
    Refused now in one line (exit 2); due, it is marked failed with the reason, and nobody is mailed."""
    recorder, url = smtp
    assert cli("newsletter", "subscribers", "import", readers_csv(tmp_path, 2)).exit_code == 0
    superuser.execute("update public.email_newsletters set content = content - 'html' - 'text'")
    refused = cli("newsletter", "send", newsletter, env={"BLOGSTER_SMTP_URL": url})
    assert refused.exit_code == 2 and f"newsletter {newsletter} has nothing to mail" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
    superuser.execute(
        "update public.email_newsletters set status = 'scheduled', scheduled_time = now() - interval '1 minute'"
    )
    due = cli("newsletter", "send-due", "--json", env={"BLOGSTER_SMTP_URL": url})
    assert due.json()[0]["status"] == "failed" and "has nothing to mail" in due.json()[0]["error"]
    assert recorder.messages == []


def test_an_id_prefix_naming_two_newsletters_is_a_usage_error(cli, newsletter, superuser):
    """As for calendar entries and ideas: exit 2 and "type more" (it was exit 3, "not found")."""
    superuser.execute(
        "insert into public.email_newsletters (id, user_id, title, blog_ids)"
        " select (left(id::text, 4) || substr(gen_random_uuid()::text, 5))::uuid, user_id, 'Twin', blog_ids"
        " from public.email_newsletters"
    )
    shown = cli("newsletter", "preview", newsletter[:4])
    assert (shown.exit_code, shown.stderr) == (
        2,
        f"error: '{newsletter[:4]}' names several newsletters; type more of the id\n",
    )
    assert cli("newsletter", "preview", newsletter).exit_code == 0
