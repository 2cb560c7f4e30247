"""One rule of a post's date as it goes live, on every path (`post_steps.publication`): a date to come
stated with the status published schedules the post for it (an embargo is not published at once), a
past one with the status scheduled publishes it then; a post made published by a status change goes
live now, so a scheduled post is dated now, not at its date to come (red team 60, F2 and F3). An edit's
text goes by the same rule but publishes no post early (`tests/cli/test_edit_from_file_dates_cli.py`), and so
does a file imported or synced onto a post that exists (`tests/cli/test_import_sync_edit_dates_cli.py`)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

EMBARGO = datetime(2031, 3, 1, 9, tzinfo=UTC)


def stored(superuser, slug):
    return superuser.execute("select status, published_at from public.blogs where slug = %s", (slug,)).fetchone()


def dated_now(superuser, slug):
    status, published_at = stored(superuser, slug)
    return status == "published" and abs(published_at - datetime.now(UTC)) < timedelta(minutes=5)


def post_file(tmp_path, slug, *front):
    path = tmp_path / f"{slug}.md"
    path.write_text(
        "---\n" + f"title: {slug.title()}\nslug: {slug}\n" + "".join(f"{line}\n" for line in front) + "---\nThe body.\n"
    )
    return path


def scheduled_later(cli, slug):
    made = cli("posts", "new", slug, "--slug", slug, input="Some words here.\n")
    assert made.exit_code == 0, made.stderr
    assert cli("publish", slug, "--at", "2031-06-01 10:00", env={"BLOGSTER_TIMEZONE": "UTC"}).exit_code == 0


def test_new_from_a_file_dated_to_come_is_scheduled_not_published(cli, signed_up, tmp_path, superuser):
    emb = post_file(tmp_path, "emb", "status: published", "date: 2031-03-01T09:00:00Z")
    made = cli("posts", "new", "--from", str(emb), env={"BLOGSTER_TIMEZONE": "UTC"})
    assert made.exit_code == 0, made.stderr
    assert stored(superuser, "emb") == ("scheduled", EMBARGO)
    assert "Created 'Emb' (emb, scheduled, 2 words)." in made.stderr
    assert (
        "'emb' is scheduled for 2031-03-01 09:00 UTC, not published: its date is in the future"
        " (`blogster publish emb` publishes it now)"
    ) in made.stderr
    flagged = post_file(tmp_path, "flagged", "status: draft", "date: 2031-03-01T09:00:00Z")
    made = cli("posts", "new", "--from", str(flagged), "--status", "published", "--json")
    assert made.exit_code == 0 and made.json()["status"] == "scheduled", made.stderr
    assert stored(superuser, "flagged") == ("scheduled", EMBARGO)
    assert cli("schedule", "list", "--json").json()[0]["slug"] in ("emb", "flagged")
    published = cli("posts", "list", "--all-authors", "--json").json()
    assert published == []  # nothing of them on the site, in feeds or in others' lists before March 2031


def test_new_from_a_file_scheduled_for_a_past_date_is_published_then(cli, signed_up, tmp_path, superuser):
    late = post_file(tmp_path, "late", "status: published", "date: 2020-01-02T03:04:00Z")
    assert cli("posts", "new", "--from", str(late)).exit_code == 0
    assert stored(superuser, "late") == ("published", datetime(2020, 1, 2, 3, 4, tzinfo=UTC))
    past = post_file(tmp_path, "past", "date: 2020-01-02T03:04:00Z")
    made = cli("posts", "new", "--from", str(past), "--status", "scheduled", env={"BLOGSTER_TIMEZONE": "UTC"})
    assert made.exit_code == 0, made.stderr
    assert stored(superuser, "past") == ("published", datetime(2020, 1, 2, 3, 4, tzinfo=UTC))
    assert "'past' is published, not scheduled: its date, 2020-01-02 03:04 UTC, has passed" in made.stderr


def test_a_status_change_publishes_a_scheduled_post_now(cli, signed_up, tmp_path, superuser):
    scheduled_later(cli, "later")
    changed = cli("posts", "status", "later", "published")
    assert changed.exit_code == 0 and changed.stderr == "'later' is now published.\n", changed.stderr
    assert dated_now(superuser, "later")
    scheduled_later(cli, "edited")
    assert cli("posts", "edit", "edited", "--status", "published").exit_code == 0
    assert dated_now(superuser, "edited")
    scheduled_later(cli, "from-file")  # an edit's file is read as `new --from` reads it: its date (tester 494, 1)
    text = post_file(tmp_path, "from-file", "status: published", "date: 2031-06-01T10:00:00Z")
    assert cli("posts", "edit", "from-file", "--from", str(text)).exit_code == 0
    assert stored(superuser, "from-file") == ("scheduled", datetime(2031, 6, 1, 10, tzinfo=UTC))


def test_a_status_change_keeps_a_past_date(cli, signed_up, tmp_path, superuser):
    old = post_file(tmp_path, "old", "status: published", "date: 2020-01-02T03:04:00Z")
    assert cli("posts", "new", "--from", str(old)).exit_code == 0
    assert cli("posts", "status", "old", "draft").exit_code == 0
    assert cli("posts", "status", "old", "published").exit_code == 0
    assert stored(superuser, "old") == ("published", datetime(2020, 1, 2, 3, 4, tzinfo=UTC))


def test_import_and_sync_follow_the_same_rule(cli, signed_up, tmp_path, superuser):
    folder = tmp_path / "site"
    folder.mkdir()
    post_file(folder, "emb", "status: published", "date: 2031-03-01T09:00:00Z")
    assert cli("import", str(folder)).exit_code == 0
    assert stored(superuser, "emb") == ("scheduled", EMBARGO)
    post_file(folder, "emb", "status: published")  # an edit's text: no date publishes no scheduled post early
    again = cli("import", str(folder))
    assert again.exit_code == 0 and "'emb' stays scheduled" in again.stderr, again.stderr
    assert stored(superuser, "emb") == ("scheduled", EMBARGO)
    plain = tmp_path / "plain"
    plain.mkdir()
    post_file(plain, "kept", "date: 2020-01-02T03:04:00Z")  # no status: a draft, then the post's own status
    assert cli("import", str(plain), "--format", "markdown").exit_code == 0
    assert cli("posts", "status", "kept", "published").exit_code == 0
    post_file(plain, "kept", "date: 2031-03-01T09:00:00Z")  # the post's status, published, dated to come
    again = cli("import", str(plain), "--format", "markdown", "--on-conflict", "overwrite", "--json")
    assert again.exit_code == 0 and again.json()["counts"]["updated"] == 1, again.stdout
    assert stored(superuser, "kept") == ("published", datetime(2020, 1, 2, 3, 4, tzinfo=UTC))  # no edit takes it down
    assert any("'kept' stays published" in warning for warning in again.json()["warnings"]), again.stdout


def test_sync_follows_the_same_rule(cli, signed_up, tmp_path, superuser):
    folder = tmp_path / "linked"
    folder.mkdir()
    post_file(folder, "emb", "status: published", "date: 2031-03-01T09:00:00Z")
    first = cli("sync", str(folder), "--format", "hugo")
    assert first.exit_code == 0, first.stderr
    assert stored(superuser, "emb") == ("scheduled", EMBARGO)
    post_file(folder, "emb", "status: published")  # an edit's text: no date publishes no scheduled post early
    again = cli("sync", str(folder), "--format", "hugo")
    assert again.exit_code == 0 and "'emb' stays scheduled" in again.stderr, again.stderr
    assert stored(superuser, "emb") == ("scheduled", EMBARGO)


def test_a_draft_dated_far_ahead_made_published_is_dated_now(cli, signed_up, tmp_path, superuser):
    folder = tmp_path / "fard"
    folder.mkdir()
    (folder / "far.md").write_text("---\ntitle: farfuture\ndate: 9999-12-31T23:59:00Z\n---\nfar body\n")
    assert cli("import", str(folder), "--format", "markdown").exit_code == 0
    assert stored(superuser, "far")[0] == "draft"
    assert cli("posts", "status", "far", "published").exit_code == 0
    assert dated_now(superuser, "far")  # not /9999/12/31/far/ on the site
