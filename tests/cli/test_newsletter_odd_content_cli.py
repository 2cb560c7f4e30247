"""A newsletter whose content its own account set (with its SQL login, under RLS) to something that
is no JSON object, or whose `posts` or `tracking` is not what Blogster writes: its own commands
broke (`newsletter rm` said "unexpected failure: 'int' object has no attribute 'get'", `list --json`
printed no JSON and exited 1). Now each reads what it can: list, preview, unschedule, stats and rm
work, and a send mails it or is refused with one line (nothing to mail, exit 2)."""

from __future__ import annotations

import pytest

from tests.cli.conftest import error_message, make_newsletter

ODD = [
    "5",
    '"x"',
    "[]",
    "null",
    '{"posts": 5}',
    '{"posts": [1, "x", null, {"slug": 3, "url": 7}, {"slug": "kept", "url": "https://x.test/kept/"}]}',
    '{"tracking": 5, "liquid_left": "x", "audience": "x", "held_by_limit": [], "send_error": 1}',
    '{"tracking": {"opened": 5, "clicked": [1, {}]}, "deferred_since": "2020-01-01T00:00", "site_url": 5}',
]


@pytest.mark.parametrize("content", ODD)
def test_a_newsletter_with_odd_content_still_lists_previews_sends_and_goes(cli, signed_up, smtp, tmp_path, superuser,
                                                                          content):  # fmt: skip
    recorder, url = smtp
    newsletter_id = make_newsletter(cli, tmp_path)
    body_kept = content.startswith("{")  # an object: merged into what create wrote, its body kept

    def spoil() -> None:
        written = "content || %s::jsonb" if body_kept else "%s::jsonb"
        update = f"update public.email_newsletters set content = {written} where id = %s"
        superuser.execute(update, (content, newsletter_id))

    spoil()
    listed = cli("newsletter", "list", "--json")
    assert listed.exit_code == 0, listed.stderr
    [shown] = listed.json()
    assert shown["id"] == newsletter_id and all(isinstance(slug, str) for slug in shown["posts"]), shown
    assert cli("newsletter", "list").exit_code == 0

    previewed = cli("newsletter", "preview", newsletter_id, "--json")
    assert previewed.exit_code == 0, previewed.stderr
    assert ("tmux" in previewed.json()["text"]) is body_kept

    log = tmp_path / "access.log"
    log.write_text(f'203.0.113.9 - - [01/Dec/2026:10:00:00 +0000] "GET /_n/open.gif?nl={newsletter_id}'
                   f'&r=0123456789abcdef HTTP/1.1" 200 43 "-" "M"\n')  # fmt: skip
    stats = cli("newsletter", "stats", "--from-log", str(log), "--json")
    assert stats.exit_code == 0, stats.stderr

    spoil()
    assert cli("newsletter", "send", newsletter_id, "--at", "2099-01-01 09:00").exit_code == 0
    spoil()
    unscheduled = cli("newsletter", "unschedule", newsletter_id, "--json")
    assert unscheduled.exit_code == 0, unscheduled.stderr
    assert unscheduled.json()["status"] == "draft"

    spoil()
    readers = tmp_path / "readers.csv"
    readers.write_text("email\nreader@example.com\n")
    sent = cli("newsletter", "send", newsletter_id, "--to", str(readers), "--json", env={"BLOGSTER_SMTP_URL": url})
    if body_kept:
        assert sent.exit_code == 0, sent.stderr
        assert len(recorder.to("reader@example.com")) == 1
    else:
        assert "has nothing to mail" in error_message(sent, 2)
        assert recorder.messages == []

    spoil()
    removed = cli("newsletter", "rm", newsletter_id, "--yes", "--json")
    assert removed.exit_code == 0, removed.stderr
    gone = "select count(*) from public.email_newsletters where id = %s"
    assert superuser.execute(gone, (newsletter_id,)).fetchone() == (0,)


def test_warnings_its_account_stored_as_other_json_are_shown_as_json(cli, signed_up, tmp_path, superuser):
    """`liquid_left` holds strings as Blogster writes them; other JSON its account's own SQL stored
    there was shown as Python writes it (`{'a': 1}`, `None`, `True`), now as the JSON it is."""
    newsletter_id = make_newsletter(cli, tmp_path)
    odd = '[{"a": 1}, 2, null, true, ["é"], "as written"]'
    update = "update public.email_newsletters set content = content || jsonb_build_object('liquid_left', %s::jsonb)"
    superuser.execute(update + " where id = %s", (odd, newsletter_id))
    shown = ['{"a": 1}', "2", "null", "true", '["é"]', "as written"]
    listed = cli("newsletter", "list", "--json")
    assert listed.exit_code == 0, listed.stderr
    assert listed.json()[0]["warnings"] == shown
    previewed = cli("newsletter", "preview", newsletter_id, "--json")
    assert previewed.exit_code == 0, previewed.stderr
    assert previewed.json()["warnings"] == shown
    text = cli("newsletter", "preview", newsletter_id)
    assert '{"a": 1}' in text.stderr + text.stdout and "{'a': 1}" not in text.stderr + text.stdout
