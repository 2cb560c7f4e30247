"""`blogster newsletter`: bad input is a usage error, every command answers --json, a time past is
refused for --at (newsletters and social posts), and the Message-IDs and reader keys are keyed by
each newsletter's own secret, not hashes anyone who knows an address can compute."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest
from psycopg.types.json import Jsonb

from tests.cli.conftest import NEWSLETTER_POST, make_newsletter
from tests.cli.test_social_posting_cli import published_post

PICTURE = "ab" * 32 + ".png"


@pytest.fixture
def newsletter(cli, signed_up, tmp_path) -> str:
    return make_newsletter(cli, tmp_path, NEWSLETTER_POST + f"\n![A shell](media/{PICTURE})\n")


def readers_csv(tmp_path, count: int) -> str:
    path = tmp_path / "readers.csv"
    path.write_text("email\n" + "".join(f"reader{n}@example.com\n" for n in range(count)))
    return str(path)


def one_line_error(result, code: int, *fragments: str) -> None:
    assert result.exit_code == code, (result.exit_code, result.stderr)
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in result.stderr, result.stderr


# -- bad input ------------------------------------------------------------------------------


def test_an_empty_or_malformed_newsletter_id_is_a_usage_error(cli, newsletter, smtp):
    _, url = smtp
    env = {"BLOGSTER_SMTP_URL": url}
    for ref in ("", "   ", "ab", "not-an-id!", "\x1b[2J1234"):
        one_line_error(cli("newsletter", "send", ref, env=env), 2)
        one_line_error(cli("newsletter", "preview", ref), 2)
    one_line_error(cli("newsletter", "send", "", "--at", "2999-01-01 09:00"), 2, "name a newsletter")
    # Well formed but nobody's: not found, as before.
    one_line_error(cli("newsletter", "send", "ffffffff", env=env), 3, "no newsletter")
    assert cli("newsletter", "preview", newsletter[:8]).exit_code == 0


def test_blank_addresses_are_usage_errors(cli, newsletter):
    one_line_error(cli("newsletter", "subscribers", "rm", ""), 2)
    one_line_error(cli("newsletter", "subscribers", "rm", "  "), 2)
    one_line_error(cli("newsletter", "unsubscribe", ""), 2)
    one_line_error(cli("newsletter", "subscribers", "rm", "nobody@example.com"), 3)


# -- --json everywhere ------------------------------------------------------------------------


def test_subscribers_rm_and_smtp_password_answer_json(cli, newsletter, tmp_path):
    assert cli("newsletter", "subscribers", "import", readers_csv(tmp_path, 2)).exit_code == 0
    removed = cli("newsletter", "subscribers", "rm", " Reader0@example.com ", "--json")
    assert removed.exit_code == 0, removed.stderr
    assert removed.json() == {"email": "reader0@example.com", "removed": True}
    assert [s["email"] for s in cli("newsletter", "subscribers", "list", "--json").json()] == ["reader1@example.com"]
    plain = cli("newsletter", "subscribers", "rm", "reader1@example.com")
    assert plain.exit_code == 0 and plain.stdout + plain.stderr == "reader1@example.com removed\n"

    secret = "smtp-pass-word-7731"
    stored = cli("newsletter", "smtp-password", "--password-stdin", "--json", input=secret + "\n")
    assert stored.exit_code == 0, stored.stderr
    assert stored.json() == {"stored": True, "source": "credentials_file"}  # no OS keyring here
    assert secret not in stored.stdout + stored.stderr
    overridden = cli(
        "newsletter", "smtp-password", "--password-stdin", "--json", input=secret + "\n",
        env={"BLOGSTER_SMTP_PASSWORD": "from-the-environment"},
    )  # fmt: skip
    assert overridden.json() == {"stored": True, "source": "environment"}
    assert secret not in overridden.stdout and "from-the-environment" not in overridden.stdout
    one_line_error(cli("newsletter", "smtp-password", "--password-stdin", "--json", input="\n"), 2)


# -- --at in the past ---------------------------------------------------------------------------


def test_a_newsletter_send_at_a_time_past_is_refused(cli, newsletter, smtp, tmp_path):
    recorder, url = smtp
    env = {"BLOGSTER_SMTP_URL": url}
    readers = readers_csv(tmp_path, 2)
    past = cli("newsletter", "send", newsletter, "--to", readers, "--at", "2020-01-01 09:00", "--json", env=env)
    one_line_error(past, 2, "2020-01-01 09:00 is in the past; leave out --at to send now")
    assert past.stdout == ""
    [shown] = cli("newsletter", "list", "--json").json()
    assert shown["status"] == "draft"  # nothing scheduled
    assert cli("newsletter", "subscribers", "list", "--json").json() == []  # and the CSV not imported
    due = cli("newsletter", "send-due", "--json", env=env)
    assert due.exit_code == 0 and due.json() == [] and recorder.messages == []

    # A minute ago, in the user's own timezone, is past too.
    minute_ago = (datetime.now(UTC) - timedelta(minutes=1)).strftime("%Y-%m-%d %H:%M")
    one_line_error(
        cli("newsletter", "send", newsletter, "--at", minute_ago, env={"BLOGSTER_TIMEZONE": "UTC"}), 2, "in the past"
    )
    later = cli("newsletter", "send", newsletter, "--to", readers, "--at", "2099-01-01 09:00", "--json", env=env)
    assert later.exit_code == 0 and later.json()["status"] == "scheduled", later.stderr
    assert cli("newsletter", "send-due", "--json", env=env).json() == [] and recorder.messages == []


def test_a_social_post_scheduled_at_a_time_past_is_refused(cli, signed_up):
    published_post(cli)
    made = cli("social", "new", "ten-terminal-habits", "--platform", "twitter", "--text", "Habits", "--json").json()
    one_line_error(
        cli("social", "schedule", made["id"], "--at", "2020-01-01 09:00"), 2, "2020-01-01 09:00 is in the past"
    )
    [post] = cli("social", "list", "--json").json()
    assert post["status"] == "draft"
    scheduled = cli("social", "schedule", made["id"], "--at", "2099-01-01 09:00", "--json")
    assert scheduled.exit_code == 0 and scheduled.json()["status"] == "scheduled", scheduled.stderr
    assert cli("social", "schedule", made["id"], "--clear").exit_code == 0  # no --at, nothing to check


def test_newsletter_and_social_at_read_a_repeated_wall_time_as_publish_does(cli, newsletter, superuser):
    """The night the clocks go back, 02:30 happens twice: `newsletter send --at` and `social
    schedule --at` take the first, as `publish --at` does, and say so with both instants and how to
    write the second (its offset), which then names it; a wall time the clocks skip is refused."""
    berlin = {"BLOGSTER_TIMEZONE": "Europe/Berlin"}
    made = cli("social", "new", "ten-terminal-habits", "--platform", "twitter", "--text", "Habits", "--json").json()
    commands = {
        "email_newsletters": ("newsletter", "send", newsletter, "--at"),
        "social_media_posts": ("social", "schedule", made["id"], "--at"),
    }
    for table, command in commands.items():
        one_line_error(cli(*command, "2030-03-31 02:30", env=berlin), 2, "does not exist in Europe/Berlin")
        first = cli(*command, "2030-10-27 02:30", "--json", env=berlin)
        assert first.exit_code == 0, first.stderr
        assert first.json()["status"] == "scheduled"
        assert first.stderr == (
            "note: 2030-10-27 02:30 happens twice in Europe/Berlin (the clocks go back): taken as the first,"
            " 02:30 CEST (00:30 UTC); for the second, 02:30 CET (01:30 UTC), give --at '2030-10-27 02:30+01:00'\n"
        )
        stored = f"select scheduled_time from public.{table}"
        assert superuser.execute(stored).fetchone() == (datetime(2030, 10, 27, 0, 30, tzinfo=UTC),)
        second = cli(*command, "2030-10-27 02:30+01:00", env=berlin)
        assert second.exit_code == 0 and "happens twice" not in second.stderr, second.stderr
        assert superuser.execute(stored).fetchone() == (datetime(2030, 10, 27, 1, 30, tzinfo=UTC),)


# -- keyed Message-IDs and reader keys --------------------------------------------------------------


def unkeyed_message_id(newsletter_id: str, email: str) -> str:
    """What every Message-ID was before secrets: anyone knowing the address could compute it."""
    return f"<{newsletter_id}.{hashlib.sha256(email.lower().encode()).hexdigest()[:24]}@newsletter.blogster>"


def unkeyed_reader_key(newsletter_id: str, email: str) -> str:
    return hashlib.sha256(f"{newsletter_id}:{email.lower()}".encode()).hexdigest()[:16]


def pixel_key(message) -> str:
    page = message.get_body(("html",)).get_content()
    [pixel] = re.findall(r'<img src="([^"]+_n/open\.gif[^"]+)"', page)
    return pixel.replace("&amp;", "&").rsplit("r=", 1)[1]


def log_line(newsletter_id: str, key: str) -> str:
    return f'203.0.113.9 - - [01/Dec/2026:10:00:00 +0000] "GET /_n/open.gif?nl={newsletter_id}&r={key} HTTP/1.1" 200 43 "-" "M"\n'


def test_message_ids_and_reader_keys_are_keyed_by_the_newsletters_secret(cli, newsletter, smtp, tmp_path, superuser):
    recorder, url = smtp
    env = {"BLOGSTER_SMTP_URL": url}
    readers = readers_csv(tmp_path, 2)
    assert cli("newsletter", "send", newsletter, "--to", readers, env=env).exit_code == 0
    [first] = recorder.to("reader0@example.com")
    message_id, key = first["Message-ID"], pixel_key(first)
    assert message_id != unkeyed_message_id(newsletter, "reader0@example.com")
    assert key != unkeyed_reader_key(newsletter, "reader0@example.com")
    assert re.fullmatch(rf"<{newsletter}\.[0-9a-f]{{32}}@newsletter\.blogster>", message_id)
    # Nothing an address alone gives: neither its plain hash nor the address is in either.
    plain = hashlib.sha256(b"reader0@example.com").hexdigest()
    assert plain[:16] not in message_id + key and "reader0" not in message_id + key

    # The message caught between the server's acceptance and the commit (its ledger row lost):
    # the re-run mails it again with the same Message-ID and the same keys, so it can be dropped.
    # (A send cut off there never got as far as `sent`: a newsletter once sent mails nobody more.)
    superuser.execute("delete from public.newsletter_deliveries where email = 'reader0@example.com'")
    superuser.execute("update public.email_newsletters set status = 'draft'")
    again = cli("newsletter", "send", newsletter, "--json", env=env)
    assert again.exit_code == 0 and again.json()[0]["sent"] == 1, again.stderr
    [_, repeat] = recorder.to("reader0@example.com")
    assert repeat["Message-ID"] == message_id and pixel_key(repeat) == key
    assert superuser.execute(
        "select message_id from public.newsletter_deliveries where email = 'reader0@example.com'"
    ).fetchone() == (message_id,)

    # The keyed key counts; the unkeyed one anyone could compute counts for nobody.
    log = tmp_path / "access.log"
    log.write_text(
        log_line(newsletter, unkeyed_reader_key(newsletter, "reader1@example.com")) + log_line(newsletter, key)
    )
    [stats] = cli("newsletter", "stats", "--from-log", str(log), "--json").json()
    assert (stats["opened"], stats["recipient_count"]) == (1, 2)

    # Another newsletter to the same reader has its own secret: other ids, other keys.
    second = cli("newsletter", "create", "--blogs", "ten-terminal-habits", "--subject", "Next week", "--json").json()
    assert cli("newsletter", "send", second["id"], env=env).exit_code == 0
    other = [m for m in recorder.to("reader0@example.com") if m["Subject"] == "Next week"][0]
    assert other["Message-ID"].split(".", 1)[1] != message_id.split(".", 1)[1] and pixel_key(other) != key


def test_the_secret_is_never_shown(cli, newsletter, superuser):
    (secret,) = superuser.execute(
        "select content->>'reader_secret' from public.email_newsletters where id = %s", (newsletter,)
    ).fetchone()
    assert re.fullmatch(r"[0-9a-f]{64}", secret)
    shown = "".join(
        cli(*args).stdout
        for args in (
            ("newsletter", "list", "--json"),
            ("newsletter", "preview", newsletter, "--json"),
            ("newsletter", "preview", newsletter, "--html"),
            ("newsletter", "list", "--format", "csv"),
        )
    )
    assert "reader_secret" not in shown and secret not in shown


def test_a_newsletter_from_before_secrets_keeps_the_keys_it_was_mailed_with(cli, newsletter, smtp, tmp_path, superuser):
    """One made and partly mailed by an earlier version: the rest of its send, a repeat of the message
    in flight, and its open tracking use the unkeyed form its first messages carried."""
    recorder, url = smtp
    env = {"BLOGSTER_SMTP_URL": url}
    assert cli("newsletter", "subscribers", "import", readers_csv(tmp_path, 3)).exit_code == 0
    superuser.execute(
        "update public.email_newsletters set content = content - 'reader_secret' where id = %s", (newsletter,)
    )
    superuser.execute(
        "insert into public.newsletter_deliveries (user_id, newsletter_id, email, outcome, message_id)"
        " select user_id, id, 'reader0@example.com', 'sent', %s from public.email_newsletters where id = %s",
        (unkeyed_message_id(newsletter, "reader0@example.com"), newsletter),
    )
    sent = cli("newsletter", "send", newsletter, "--json", env=env)
    assert sent.exit_code == 0 and sent.json()[0]["sent"] == 2, sent.stderr
    [message] = recorder.to("reader1@example.com")
    assert message["Message-ID"] == unkeyed_message_id(newsletter, "reader1@example.com")
    assert pixel_key(message) == unkeyed_reader_key(newsletter, "reader1@example.com")
    assert superuser.execute(
        "select content ? 'reader_secret' from public.email_newsletters where id = %s", (newsletter,)
    ).fetchone() == (False,)
    log = tmp_path / "access.log"
    log.write_text(log_line(newsletter, unkeyed_reader_key(newsletter, "reader0@example.com")))
    [stats] = cli("newsletter", "stats", "--from-log", str(log), "--json").json()
    assert (stats["opened"], stats["recipient_count"]) == (1, 3)


def test_a_newsletter_from_before_secrets_not_yet_mailed_gets_one_at_its_first_send(
    cli, newsletter, smtp, tmp_path, superuser
):
    recorder, url = smtp
    superuser.execute(
        "update public.email_newsletters set content = content - 'reader_secret' where id = %s", (newsletter,)
    )
    sent = cli("newsletter", "send", newsletter, "--to", readers_csv(tmp_path, 1), env={"BLOGSTER_SMTP_URL": url})
    assert sent.exit_code == 0, sent.stderr
    (secret,) = superuser.execute(
        "select content->>'reader_secret' from public.email_newsletters where id = %s", (newsletter,)
    ).fetchone()
    assert secret and re.fullmatch(r"[0-9a-f]{64}", secret)
    [message] = recorder.to("reader0@example.com")
    assert message["Message-ID"] != unkeyed_message_id(newsletter, "reader0@example.com")
    assert pixel_key(message) != unkeyed_reader_key(newsletter, "reader0@example.com")


def test_a_hand_edited_secret_of_another_type_is_replaced_not_a_crash(cli, newsletter, smtp, tmp_path, superuser):
    """A secret edited by hand into a number counts as none: the send gives the newsletter a new one."""
    recorder, url = smtp
    superuser.execute(
        "update public.email_newsletters set content = jsonb_set(content, '{reader_secret}', %s) where id = %s",
        (Jsonb(123), newsletter),
    )
    sent = cli("newsletter", "send", newsletter, "--to", readers_csv(tmp_path, 1), env={"BLOGSTER_SMTP_URL": url})
    assert sent.exit_code == 0, sent.stderr
    assert len(recorder.to("reader0@example.com")) == 1


# -- pictures ----------------------------------------------------------------------------------------


def test_pictures_from_the_media_store_are_absolute_in_the_mail(cli, newsletter, smtp, tmp_path):
    recorder, url = smtp
    page = cli("newsletter", "preview", newsletter, "--html").stdout
    site = re.search(r'<header><p><a href="([^"]+)"', page).group(1)  # the site's base URL
    assert site.startswith("https://") and f'src="{site}media/{PICTURE}"' in page
    assert f'src="media/{PICTURE}"' not in page
    sent = cli("newsletter", "send", newsletter, "--to", readers_csv(tmp_path, 1), env={"BLOGSTER_SMTP_URL": url})
    assert sent.exit_code == 0, sent.stderr
    [message] = recorder.to("reader0@example.com")
    assert f'src="{site}media/{PICTURE}"' in message.get_body(("html",)).get_content()


def test_a_mail_has_a_usable_unsubscribe_header_a_date_and_the_whole_post_in_plain_text(
    cli, newsletter, smtp, tmp_path
):
    """List-Unsubscribe was folded into RFC 2047 encoded words (no client reads that as a URL), the
    mail had no Date, and its plain-text part held only the post's first paragraph."""
    recorder, url = smtp
    sent = cli("newsletter", "send", newsletter, "--to", readers_csv(tmp_path, 1), env={"BLOGSTER_SMTP_URL": url})
    assert sent.exit_code == 0, sent.stderr
    [message] = recorder.to("reader0@example.com")
    [raw] = [content.decode() for rcpt, content in recorder.raw if rcpt == "reader0@example.com"]
    header = re.search(r"^List-Unsubscribe: (.*)$", raw, re.MULTILINE).group(1)
    assert re.fullmatch(r"<https://[^\s>]+/unsubscribe/\?t=[0-9a-f]+>\r?", header), header
    assert message["Date"] is not None and parsedate_to_datetime(message["Date"]).tzinfo is not None
    text = message.get_body(("plain",)).get_content()
    assert "Use **tmux** every day." in text  # the whole post, pictures and all, as its markdown
    assert re.search(rf"!\[A shell\]\(https://[^)]+/media/{PICTURE}\)", text), text
