"""An edit's text reads its status and date as `posts new --from` reads them, and no edit publishes a
post before its time (`post_steps.edited_publication`). A scheduled post exported for Hugo (`draft =
false`, dated at its time) and edited back with `posts edit --from` was published at once: the date
was not read, and `status: published` made it live now (tester 494, 1). Times in warnings are the
timezone setting's (tester 494, 3). A published post is re-dated to another past date its text states,
as import re-dates it, but never by what the text cannot show (seconds, a zone)."""

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


def test_a_published_post_is_re_dated_to_a_past_date_its_text_states_never_to_one_to_come(
    cli, signed_up, tmp_path, superuser
):
    """One rule with import and sync: another past date is the writer's correction (the post stays on
    the site, its old address kept, 0203); a date to come takes no post down and is warned of. Before,
    `posts edit --from` and the editor kept the post's date, silently, while import followed it."""
    assert cli("posts", "new", "Live", "--slug", "live", "--status", "published", input="Words.\n").exit_code == 0
    _, first = stored(superuser, "live")
    earlier = post_file(tmp_path, "live", "status: published", "date: 2019-05-05T05:05:00Z")
    edited = cli("posts", "edit", "live", "--from", str(earlier), env=UTC_ZONE)
    assert edited.exit_code == 0, edited.stderr
    assert "warning:" not in edited.stderr
    assert stored(superuser, "live") == ("published", datetime(2019, 5, 5, 5, 5, tzinfo=UTC))
    [(former,)] = superuser.execute("select former_addresses from public.blogs where slug = 'live'").fetchall()
    assert [datetime.fromisoformat(a["published_at"]) for a in former] == [first]  # its old address redirects

    editor = tmp_path / "fake-editor"  # the editor's text: a `date:` line typed, to the minute
    editor.write_text("#!/bin/sh\nsed -i 's/^status: .*/status: published\\ndate: 2018-04-04 06:04/' \"$1\"\n")
    editor.chmod(editor.stat().st_mode | stat.S_IEXEC)
    berlin = {"EDITOR": str(editor), "VISUAL": "", "BLOGSTER_TIMEZONE": "Europe/Berlin"}
    edited = cli("posts", "edit", "live", env=berlin)
    assert edited.exit_code == 0, edited.stderr
    assert stored(superuser, "live") == ("published", datetime(2018, 4, 4, 4, 4, tzinfo=UTC))

    ahead = post_file(tmp_path, "live", "status: published", "date: 2031-06-01T10:00:00Z")
    edited = cli("posts", "edit", "live", "--from", str(ahead), env=UTC_ZONE)
    assert edited.exit_code == 0, edited.stderr
    assert stored(superuser, "live") == ("published", datetime(2018, 4, 4, 4, 4, tzinfo=UTC))
    assert edited.stderr.splitlines()[-1] == (
        "warning: 'live' stays published dated 2018-04-04 04:04 UTC: the text's date, 2031-06-01 10:00 UTC, is to"
        " come, but an edit takes no post down (`blogster unpublish live`, then `blogster publish live --at ...`,"
        " schedules it)"
    )


EXACT = datetime(2020, 1, 2, 3, 4, 5, 123456, tzinfo=UTC)


def test_a_text_showing_the_posts_own_date_keeps_it_to_the_microsecond(cli, signed_up, tmp_path, superuser):
    """A date the text writes to the minute (as `posts show` shows it, typed in the editor) or to the
    second, or as export writes it, is the post's own: an edit re-dates nothing by what its text
    cannot show. The old rule re-dated no published post; the one rule, without this, would have
    moved it to 03:04:00 or 03:04:05."""
    assert cli("posts", "new", "Live", "--slug", "live", "--status", "published", input="Words.\n").exit_code == 0
    superuser.execute("update public.blogs set published_at = %s where slug = 'live'", (EXACT,))
    editor = tmp_path / "fake-editor"

    def in_the_editor(script: str, zone: str = "UTC") -> str:
        editor.write_text(f'#!/bin/sh\n{script} "$1"\n')
        editor.chmod(editor.stat().st_mode | stat.S_IEXEC)
        edited = cli("posts", "edit", "live", env={"EDITOR": str(editor), "VISUAL": "", "BLOGSTER_TIMEZONE": zone})
        assert edited.exit_code == 0, edited.stderr
        return edited.stderr

    assert "Saved 'live'" in in_the_editor("sed -i 's/Words/More words/'")  # the editor's text states no date
    assert stored(superuser, "live") == ("published", EXACT)
    shown = cli("posts", "show", "live", env={"BLOGSTER_TIMEZONE": "Europe/Berlin"}).stdout
    assert "published 2020-01-02 04:04 CET" in shown
    typed = in_the_editor("sed -i 's/^status: .*/status: published\\ndate: 2020-01-02 04:04/'", "Europe/Berlin")
    assert typed == "No changes.\n"  # the post's own date: nothing to save, no warning
    assert stored(superuser, "live") == ("published", EXACT)

    to_the_second = post_file(tmp_path, "live", "status: published", "date: 2020-01-02T03:04:05Z")
    assert cli("posts", "edit", "live", "--from", str(to_the_second)).exit_code == 0
    assert stored(superuser, "live") == ("published", EXACT)

    assert cli("export", str(tmp_path / "ex"), "--format", "hugo").exit_code == 0
    [exported] = (tmp_path / "ex").rglob("live.md")
    exported.write_text(exported.read_text().replace("New body.", "A newer body."))
    tokyo = {"BLOGSTER_TIMEZONE": "Asia/Tokyo"}
    assert cli("posts", "edit", "live", "--from", str(exported), env=tokyo).exit_code == 0
    assert stored(superuser, "live") == ("published", EXACT)
    assert cli("posts", "show", "live", "--raw").stdout.strip() == "A newer body."


def test_a_date_without_an_offset_is_read_in_the_zone_its_post_was_imported_in(cli, signed_up, tmp_path, superuser):
    """A date alone, imported in UTC, edited back with `posts edit --from` after `config set timezone`:
    still the post's date, as import reads it (`content.post.read_as_imported`), not midnight in
    Berlin, two hours earlier. A date changed since is read in the setting."""
    folder = tmp_path / "site"
    folder.mkdir()
    path = folder / "day.md"
    path.write_text("---\ntitle: Day\nslug: day\ndate: 2014-10-21\n---\nA day.\n")
    assert cli("import", str(folder), "--format", "hugo", env=UTC_ZONE).exit_code == 0
    midnight = datetime(2014, 10, 21, tzinfo=UTC)
    assert stored(superuser, "day") == ("published", midnight)
    berlin = {"BLOGSTER_TIMEZONE": "Europe/Berlin"}
    path.write_text(path.read_text().replace("A day.", "A long day."))
    edited = cli("posts", "edit", "day", "--from", str(path), env=berlin)
    assert edited.exit_code == 0, edited.stderr
    assert stored(superuser, "day") == ("published", midnight)
    path.write_text(path.read_text().replace("date: 2014-10-21", "date: 2014-10-22"))
    assert cli("posts", "edit", "day", "--from", str(path), env=berlin).exit_code == 0
    assert stored(superuser, "day") == ("published", datetime(2014, 10, 21, 22, tzinfo=UTC))  # midnight in Berlin


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


def test_a_post_dated_in_year_one_is_re_dated_without_a_crash(cli, signed_up, tmp_path, superuser):
    """Published at 0001-01-01 00:00 UTC, a text dated in year 1 behind UTC, or any date under a
    timezone setting behind UTC, ended the edit with "date value out of range" (red team 69 F3): the
    stored time has no wall time there."""
    made = cli("posts", "new", "old", "--slug", "old", input="Some words here.\n")
    assert made.exit_code == 0 and cli("posts", "status", "old", "published").exit_code == 0
    first = cli("posts", "edit", "old", "--from", str(post_file(tmp_path, "old", "date: 0001-01-01")), env=UTC_ZONE)
    assert first.exit_code == 0, first.stderr
    assert stored(superuser, "old") == ("published", datetime(1, 1, 1, tzinfo=UTC))
    new_york = {"BLOGSTER_TIMEZONE": "America/New_York"}
    later = cli("posts", "edit", "old", "--from", str(post_file(tmp_path, "old", "date: 2020-01-01")), env=new_york)
    assert later.exit_code == 0, later.stderr
    assert stored(superuser, "old") == ("published", datetime(2020, 1, 1, 5, tzinfo=UTC))
    again = cli("posts", "edit", "old", "--from", str(post_file(tmp_path, "old", "date: 0001-01-01")), env=UTC_ZONE)
    assert again.exit_code == 0 and stored(superuser, "old") == ("published", datetime(1, 1, 1, tzinfo=UTC))
    behind = post_file(tmp_path, "old", "date: 0001-01-01T00:00:00-12:00")
    edited = cli("posts", "edit", "old", "--from", str(behind), env=UTC_ZONE)
    assert edited.exit_code == 0, edited.stderr
    assert stored(superuser, "old") == ("published", datetime(1, 1, 1, 12, tzinfo=UTC))
