"""Red team 57: one mailbox under two spellings of its domain (`ada@example.com.`, `bo@exämple.com`
and `bo@xn--exmple-cua.com`) was two readers, mailed twice, and unsubscribing one spelling left the
other (F4); a subject or name that is not ASCII went out as encoded words past 75 characters (F5)."""

from __future__ import annotations

import re

from tests.cli.conftest import make_newsletter

FOUR_SPELLINGS = "email\nada@example.com\nada@example.com.\nbo@xn--exmple-cua.com\nbo@exämple.com\n"


def subscribed(cli) -> dict[str, bool]:
    return {s["email"]: s["subscribed"] for s in cli("newsletter", "subscribers", "list", "--json").json()}


def test_one_mailbox_under_two_spellings_is_one_reader(cli, newsletter, smtp, tmp_path):
    recorder, url = smtp
    readers = tmp_path / "readers.csv"
    readers.write_text(FOUR_SPELLINGS)
    sent = cli("newsletter", "send", newsletter, "--to", str(readers), "--json", env={"BLOGSTER_SMTP_URL": url})
    assert sent.exit_code == 0, sent.stderr
    assert sorted(rcpt for rcpt, _ in recorder.messages) == ["ada@example.com", "bo@xn--exmple-cua.com"]
    assert subscribed(cli) == {"ada@example.com": True, "bo@xn--exmple-cua.com": True}
    gone = cli("newsletter", "unsubscribe", "bo@EXÄMPLE.com.", "--json")
    assert gone.exit_code == 0 and gone.json() == {"unsubscribed": 1}, gone.stderr
    assert subscribed(cli) == {"ada@example.com": True, "bo@xn--exmple-cua.com": False}


def test_a_list_stored_before_one_spelling_mails_and_unsubscribes_each_mailbox_once(
    cli, signed_up, smtp, tmp_path, superuser
):
    """Rows stored under the spellings the list took before (a trailing dot, a Unicode domain) stay as
    they are; the send, the import, unsubscribe and rm treat them as one mailbox each."""
    recorder, url = smtp
    superuser.execute(
        "insert into public.newsletter_subscribers (user_id, email, created_at)"
        " select id, e, now() - (n || ' minutes')::interval from auth.users,"
        " unnest(array['ada@example.com', 'ada@example.com.', 'bo@exämple.com']) with ordinality as t(e, n)"
    )
    readers = tmp_path / "readers.csv"
    readers.write_text("email\nbo@xn--exmple-cua.com\nada@example.com\n")
    imported = cli("newsletter", "subscribers", "import", str(readers), "--json").json()
    assert (imported["added"], imported["already_listed"]) == (0, 2)

    newsletter = make_newsletter(cli, tmp_path)
    sent = cli("newsletter", "send", newsletter, "--json", env={"BLOGSTER_SMTP_URL": url})
    assert sent.exit_code == 0 and sent.json()[0]["sent"] == 2, sent.stdout + sent.stderr
    # Each mailbox once, at its one spelling (the envelope; `bo@exämple.com` would need SMTPUTF8).
    assert sorted(rcpt for rcpt, _ in recorder.messages) == ["ada@example.com", "bo@xn--exmple-cua.com"]

    assert cli("newsletter", "unsubscribe", "ada@example.com", "--json").json() == {"unsubscribed": 2}
    assert subscribed(cli) == {"ada@example.com.": False, "ada@example.com": False, "bo@exämple.com": True}
    removed = cli("newsletter", "subscribers", "rm", "bo@xn--exmple-cua.com")
    assert removed.exit_code == 0, removed.stderr
    assert "bo@exämple.com" not in subscribed(cli)


def stored(superuser, *emails: str) -> None:
    """Rows as a list made before one spelling holds them, the first the oldest."""
    superuser.execute(
        "insert into public.newsletter_subscribers (user_id, email, created_at)"
        " select id, e, now() - (n || ' minutes')::interval from auth.users,"
        " unnest(%s::text[]) with ordinality as t(e, n)",
        (list(emails),),
    )


NFD = "ada@exa\u0308mple.com"  # the ä decomposed, as a macOS export writes it
FULL_WIDTH = "ada@\uff45\uff58\uff41\uff4d\uff50\uff4c\uff45.com"  # ｅｘａｍｐｌｅ


def test_unsubscribe_reaches_a_row_whose_domain_is_decomposed(cli, signed_up, smtp, tmp_path, superuser):
    """Red team 59 F1: the send took `ada@exa\u0308mple.com` as the mailbox `ada@xn--exmple-cua.com`, but
    unsubscribing it matched four fixed spellings only: "not on your subscribers list", and mailed."""
    recorder, url = smtp
    stored(superuser, NFD)
    gone = cli("newsletter", "unsubscribe", "ada@exämple.com", "--json")
    assert gone.exit_code == 0 and gone.json() == {"unsubscribed": 1}, gone.stderr
    assert subscribed(cli) == {NFD: False}
    sent = cli("newsletter", "send", make_newsletter(cli, tmp_path), env={"BLOGSTER_SMTP_URL": url})
    assert recorder.messages == [], sent.stdout + sent.stderr


def test_rm_removes_a_row_whose_domain_is_full_width(cli, signed_up, smtp, tmp_path, superuser):
    """Red team 59 F1: `subscribers rm ada@example.com` left the full-width row, mailed at the next send."""
    recorder, url = smtp
    stored(superuser, FULL_WIDTH, "ada@example.com", "bo@example.com")
    removed = cli("newsletter", "subscribers", "rm", "ada@example.com")
    assert removed.exit_code == 0, removed.stderr
    assert subscribed(cli) == {"bo@example.com": True}
    sent = cli("newsletter", "send", make_newsletter(cli, tmp_path), env={"BLOGSTER_SMTP_URL": url})
    assert sent.exit_code == 0, sent.stderr
    assert [rcpt for rcpt, _ in recorder.messages] == ["bo@example.com"]


def test_a_to_list_reaches_readers_listed_only_in_an_older_spelling_at_their_one_spelling(
    cli, signed_up, smtp, tmp_path, superuser
):
    """Red team 59 F2, F3: `--to` naming the one spelling skipped a reader whose only row was older (NFD,
    a trailing dot), neither mailed nor left out; and the send mailed a row's stored spelling
    (`bo@example.com.`, which servers refuse as malformed; a Unicode domain, which needs SMTPUTF8). The
    ledger keeps the row's spelling, as earlier runs recorded it (a re-run skips them)."""
    recorder, url = smtp
    stored(superuser, NFD, "bo@example.com.", "cy@exämple.com", "dee@example.com")
    newsletter = make_newsletter(cli, tmp_path)
    readers = tmp_path / "readers.csv"
    readers.write_text("email\nada@exämple.com\nbo@example.com\ncy@xn--exmple-cua.com\n")
    sent = cli("newsletter", "send", newsletter, "--to", str(readers), "--json", env={"BLOGSTER_SMTP_URL": url})
    assert sent.exit_code == 0, sent.stderr
    assert (sent.json()[0]["sent"], sent.json()[0]["left_out"]) == (3, []), sent.stdout
    mailed = sorted(recorder.messages, key=lambda m: m[0])
    assert [rcpt for rcpt, _ in mailed] == ["ada@xn--exmple-cua.com", "bo@example.com", "cy@xn--exmple-cua.com"]
    assert [message["To"] for _, message in mailed] == [rcpt for rcpt, _ in mailed]
    assert sorted(subscribed(cli)) == sorted([NFD, "bo@example.com.", "cy@exämple.com", "dee@example.com"])
    ledger = superuser.execute("select email from public.newsletter_deliveries order by email").fetchall()
    assert sorted(email for (email,) in ledger) == sorted([NFD, "bo@example.com.", "cy@exämple.com"])
    cli("newsletter", "send", newsletter, env={"BLOGSTER_SMTP_URL": url})
    assert len(recorder.messages) == 3


def test_each_reader_is_mailed_at_the_one_spelling_whatever_spelling_the_list_holds(
    cli, signed_up, smtp, tmp_path, superuser
):
    """Red team 59 F3: the envelope was the row's stored spelling: `bo@example.com.` (refused "553
    malformed"), a Unicode domain (needs SMTPUTF8), NFD or full-width (another address on the wire)."""
    recorder, url = smtp
    stored(superuser, NFD, "bo@example.com.", "cy@exämple.com", FULL_WIDTH.replace("ada", "dee"))
    sent = cli("newsletter", "send", make_newsletter(cli, tmp_path), "--json", env={"BLOGSTER_SMTP_URL": url})
    assert sent.exit_code == 0 and sent.json()[0]["sent"] == 4, sent.stdout + sent.stderr
    envelopes = sorted(rcpt for rcpt, _ in recorder.messages)
    assert envelopes == ["ada@xn--exmple-cua.com", "bo@example.com", "cy@xn--exmple-cua.com", "dee@example.com"]


ENCODED_WORD = re.compile(r"=\?utf-8\?[qb]\?[^?]*\?=", re.IGNORECASE)
SUBJECT = "Wöchentlicher Überblick: neue Beiträge über Datenbanken und Sicherheit im Jänner 2026 – Teil zwei"


def test_encoded_words_in_a_sent_mail_are_at_most_75_characters(cli, signed_up, smtp, tmp_path):
    recorder, url = smtp
    made = cli("blogs", "new", "--from", str(_post(tmp_path)), "--status", "published", "--slug", "nl")
    assert made.exit_code == 0, made.stderr
    created = cli("newsletter", "create", "--blogs", "nl", "--subject", SUBJECT, "--json")
    assert created.exit_code == 0, created.stderr
    readers = tmp_path / "readers.csv"
    readers.write_text("email,name\njm@example.com,Jürgen Müller-Lüdenscheidt von Größenwahnsinnigen\n")
    sent = cli("newsletter", "send", created.json()["id"], "--to", str(readers), env={"BLOGSTER_SMTP_URL": url})
    assert sent.exit_code == 0, sent.stderr
    [(_, raw)] = recorder.raw
    head = raw.split(b"\r\n\r\n", 1)[0].decode("ascii")
    words = ENCODED_WORD.findall(head)
    assert len(words) >= 3 and max(len(word) for word in words) <= 75, words
    assert re.search(r"^List-Unsubscribe: <https://[^\s>]+/unsubscribe/\?t=[0-9a-f]+>\r?$", head, re.MULTILINE)
    [(_, message)] = recorder.messages
    assert message["Subject"] == SUBJECT
    assert re.fullmatch(r"<[0-9a-f-]{36}\.[0-9a-f]{32}@newsletter\.blogster>", message["Message-ID"])


def _post(tmp_path):
    path = tmp_path / "nl.md"
    path.write_text("---\ntitle: NL\n---\nnl body\n")
    return path
