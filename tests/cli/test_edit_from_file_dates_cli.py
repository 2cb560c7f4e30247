"""An edit's text reads its status and date as `posts new --from` reads them, and no edit publishes a
post before its time (`post_steps.edited_publication`). A scheduled post exported for Hugo (`draft =
false`, dated at its time) and edited back with `posts edit --from` was published at once: the date
was not read, and `status: published` made it live now (tester 494, 1). Times in warnings are the
timezone setting's (tester 494, 3)."""

from __future__ import annotations

import stat
from datetime import UTC, datetime, timedelta

SCHEDULED_AT = datetime(2031, 6, 1, 10, tzinfo=UTC)
UTC_ZONE = {"BLOGSTER_TIMEZONE": "UTC"}


def stored(superuser, slug):
    return superuser.execute("select status, published_at from public.blogs where slug = %s", (slug,)).fetchone()


def scheduled_later(cli, slug):
    made = cli("posts", "new", slug, "--slug", slug, input="Some words here.\n")
    assert made.exit_code == 0, made.stderr
    assert cli("publish", slug, "--at", "2031-06-01 10:00", env=UTC_ZONE).exit_code == 0


def post_file(tmp_path, slug, *front):
    path = tmp_path / f"{slug}.md"
    path.write_text(
        "---\n" + f"title: {slug.title()}\nslug: {slug}\n" + "".join(f"{line}\n" for line in front) + "---\nNew body.\n"
    )
    return path


def test_a_scheduled_post_exported_for_hugo_and_edited_back_stays_scheduled(cli, signed_up, tmp_path, superuser):
    hugo = tmp_path / "embargo.md"
    hugo.write_text('+++\ntitle = "Embargo"\ndate = 2031-06-01T10:00:00Z\ndraft = false\n+++\nSome words here.\n')
    assert cli("posts", "new", "--from", str(hugo)).exit_code == 0
    assert stored(superuser, "embargo") == ("scheduled", SCHEDULED_AT)
    assert cli("export", str(tmp_path / "ex"), "--format", "hugo", "--status", "scheduled").exit_code == 0
    [exported] = (tmp_path / "ex").rglob("embargo.md")
    text = exported.read_text()
    assert "draft = false" in text and "2031-06-01" in text, text
    exported.write_text(text.replace("Some words here.", "Some better words here."))
    edited = cli("posts", "edit", "embargo", "--from", str(exported), env=UTC_ZONE)
    assert edited.exit_code == 0, edited.stderr
    assert edited.stderr == "Saved 'embargo' (scheduled for 2031-06-01 10:00 UTC, 4 words).\n"
    assert stored(superuser, "embargo") == ("scheduled", SCHEDULED_AT)
    assert cli("posts", "list", "--all-authors", "--json").json() == []  # nothing on the site before June 2031


def test_an_edits_file_reschedules_to_a_time_to_come_but_never_publishes_early(cli, signed_up, tmp_path, superuser):
    scheduled_later(cli, "moved")
    later = post_file(tmp_path, "moved", "status: published", "date: 2031-07-01T08:00:00Z")
    assert cli("posts", "edit", "moved", "--from", str(later)).exit_code == 0
    assert stored(superuser, "moved") == ("scheduled", datetime(2031, 7, 1, 8, tzinfo=UTC))

    scheduled_later(cli, "past")
    past = post_file(tmp_path, "past", "status: published", "date: 2020-01-02T03:04:00Z")
    edited = cli("posts", "edit", "past", "--from", str(past), env={"BLOGSTER_TIMEZONE": "Europe/Berlin"})
    assert edited.exit_code == 0, edited.stderr
    assert stored(superuser, "past") == ("scheduled", SCHEDULED_AT)
    assert edited.stderr.splitlines()[-1] == (
        "warning: 'past' stays scheduled for 2031-06-01 12:00 CEST: the text's date, 2020-01-02 04:04 CET, has"
        " passed, and an edit publishes no post before its time (`blogster publish past` publishes it now)"
    )

    scheduled_later(cli, "undated")
    undated = post_file(tmp_path, "undated", "status: published")
    edited = cli("posts", "edit", "undated", "--from", str(undated), env=UTC_ZONE)
    assert edited.exit_code == 0, edited.stderr
    assert stored(superuser, "undated") == ("scheduled", SCHEDULED_AT)
    assert "warning: 'undated' stays scheduled for 2031-06-01 10:00 UTC: the text states no date" in edited.stderr
    assert cli("posts", "show", "undated", "--raw").stdout.strip() == "New body."  # the rest of the edit is saved

    # The flag is the writer's word, as `posts status` is: live now.
    assert cli("posts", "edit", "undated", "--from", str(undated), "--status", "published").exit_code == 0
    status, published_at = stored(superuser, "undated")
    assert status == "published" and abs(published_at - datetime.now(UTC)) < timedelta(minutes=5)


def test_a_draft_edited_from_a_file_dated_to_come_is_scheduled(cli, signed_up, tmp_path, superuser):
    assert cli("posts", "new", "Drafted", "--slug", "drafted", input="Words.\n").exit_code == 0
    dated = post_file(tmp_path, "drafted", "draft: false", "date: 2031-06-01T10:00:00Z")
    assert cli("posts", "edit", "drafted", "--from", str(dated)).exit_code == 0
    assert stored(superuser, "drafted") == ("scheduled", SCHEDULED_AT)
    old = post_file(tmp_path, "drafted", "status: draft", "date: 2031-09-01T10:00:00Z")  # not live: no date read
    assert cli("posts", "edit", "drafted", "--from", str(old)).exit_code == 0
    assert stored(superuser, "drafted") == ("draft", SCHEDULED_AT)


def test_a_published_post_stays_published_whatever_date_its_file_states(cli, signed_up, tmp_path, superuser):
    assert cli("posts", "new", "Live", "--slug", "live", "--status", "published", input="Words.\n").exit_code == 0
    _, published_at = stored(superuser, "live")
    ahead = post_file(tmp_path, "live", "status: published", "date: 2031-06-01T10:00:00Z")
    edited = cli("posts", "edit", "live", "--from", str(ahead), env=UTC_ZONE)
    assert edited.exit_code == 0, edited.stderr
    assert stored(superuser, "live") == ("published", published_at)
    assert "warning: 'live' stays published dated " in edited.stderr
    assert "the text's date, 2031-06-01 10:00 UTC, is to come, but an edit takes no post down" in edited.stderr


def test_the_editors_status_published_keeps_a_scheduled_posts_time(cli, signed_up, tmp_path, superuser):
    scheduled_later(cli, "later")
    editor = tmp_path / "fake-editor"
    editor.write_text("#!/bin/sh\nsed -i 's/^status: .*/status: published/' \"$1\"\n")
    editor.chmod(editor.stat().st_mode | stat.S_IEXEC)
    edited = cli("posts", "edit", "later", env={"EDITOR": str(editor), "VISUAL": "", **UTC_ZONE})
    assert edited.exit_code == 0, edited.stderr
    assert stored(superuser, "later") == ("scheduled", SCHEDULED_AT)
    assert "warning: 'later' stays scheduled for 2031-06-01 10:00 UTC: the text states no date" in edited.stderr
    # A date typed in the editor is read: a time to come reschedules the post.
    editor.write_text("#!/bin/sh\nsed -i 's/^status: .*/status: scheduled\\ndate: 2031-06-02 10:00/' \"$1\"\n")
    edited = cli("posts", "edit", "later", env={"EDITOR": str(editor), "VISUAL": "", **UTC_ZONE})
    assert edited.exit_code == 0, edited.stderr
    assert stored(superuser, "later") == ("scheduled", SCHEDULED_AT + timedelta(days=1))


def test_an_expiry_warning_names_the_time_in_the_timezone_setting(cli, signed_up, tmp_path):
    expired = tmp_path / "sale.md"
    expired.write_text("---\ntitle: Sale\ndate: 2020-06-01\nexpiryDate: 2021-01-01\ndraft: false\n---\nOff.\n")
    berlin = {"BLOGSTER_TIMEZONE": "Europe/Berlin"}
    made = cli("posts", "new", "--from", str(expired), env=berlin)
    assert made.exit_code == 0, made.stderr
    assert made.stderr.splitlines()[-1] == (
        "warning: its expiryDate (2021-01-01 00:00 CET) has passed, so Hugo no longer builds it: created as a draft"
    )
    folder = tmp_path / "site"
    folder.mkdir()
    (folder / "fair.md").write_text(expired.read_text().replace("Sale", "Fair"))
    imported = cli("import", str(folder), "--format", "hugo", env=berlin)
    assert imported.exit_code == 0, imported.stderr
    assert "its expiryDate (2021-01-01 00:00 CET) has passed" in imported.stderr, imported.stderr
