"""`db restore` carries over, from the database it replaces, the records of work done outside since
the backup (new-user walk, h384): restoring a backup made before a newsletter went out mailed its
readers again (same Message-IDs) and gave the daily limit its mails back; a cross-post's remote id
and a social post posted since were lost with it, so they would go again. Now those records come
over by their ids, the result says so (`carried_over` in --json), and nothing already done is done
again; a replaced database that cannot be read is said, and the restore goes on."""

from __future__ import annotations

import psycopg
import pytest
import typer.main

from blogster_cli.cli.app import app
from tests.cli.conftest import connect
from tests.cli.test_crosspost_cli import POST, TOKEN, publish_post
from tests.cli.test_newsletter_cli import readers_csv
from tests.cli.test_social_posting_cli import backdate, published_post
from tests.platform_servers import X_TOKEN, FakeForem, FakeSocial

pytestmark = pytest.mark.usefixtures("restores_copy_the_template")  # what it carries, not its schema's build


def restored(cli, backup) -> dict:
    done = cli("db", "restore", str(backup), "--yes", "--json")
    assert done.exit_code == 0, done.stderr
    return done.json()


def test_a_newsletter_sent_since_the_backup_is_not_mailed_again_and_stays_counted(cli, newsletter, smtp, tmp_path):
    recorder, url = smtp
    env = {"BLOGSTER_SMTP_URL": url}
    assert cli("newsletter", "subscribers", "import", readers_csv(tmp_path, 3)).exit_code == 0
    assert cli("newsletter", "send", newsletter, "--at", "2099-01-01 09:00").exit_code == 0
    backup = tmp_path / "team.bak"
    assert cli("db", "backup", str(backup)).exit_code == 0
    backdate("email_newsletters", [newsletter])  # due: the worker's next minute sends it
    sent = cli("workers", "send-newsletters", "--json", env=env)
    assert sent.exit_code == 0 and len(recorder.messages) == 3, sent.stderr
    message_ids = sorted(str(message["Message-ID"]) for _, message in recorder.messages)

    result = restored(cli, backup)
    again = cli("workers", "send-newsletters", "--json", env=env)
    assert again.exit_code == 0, again.stderr
    assert cli("newsletter", "send", newsletter, env=env).exit_code == 0  # "already sent"
    assert sorted(str(message["Message-ID"]) for _, message in recorder.messages) == message_ids
    assert again.json()["newsletters"] == []
    assert cli("newsletter", "limit", "--json").json()["sent_last_24h"] == 3
    [listed] = cli("newsletter", "list", "--json").json()
    assert (listed["status"], listed["recipient_count"]) == ("sent", 3)
    assert result["carried_over"] == {
        "newsletter_mails": 3, "newsletters": 1, "deleted_newsletters": 0, "unscheduled_newsletters": 0,
        "mails_counted": 3, "crossposts": 0, "social_posts": 0, "deleted_social_posts": 0, "notification_emails": 0,
    }  # fmt: skip
    assert result["not_carried_over"] is None

    # Restored again, over the copy that has them: nothing twice (no row, no count).
    assert restored(cli, backup)["carried_over"]["newsletter_mails"] == 3
    assert cli("newsletter", "limit", "--json").json()["sent_last_24h"] == 3
    assert cli("newsletter", "list", "--json").json()[0]["recipient_count"] == 3


def test_a_crosspost_and_a_social_post_made_since_the_backup_are_not_made_again(cli, signed_up, http, tmp_path):
    forem, x = FakeForem(http).install(), FakeSocial(http).install()
    slug = publish_post(cli, tmp_path, POST)
    published_post(cli, slug)
    connect(cli, "devto", TOKEN)
    assert (
        cli("social", "profiles", "connect", "twitter", "--handle", "ada", "--token-stdin", input=X_TOKEN).exit_code
        == 0
    )
    made = cli("social", "new", slug, "--platform", "twitter", "--text", "Habits", "--json")
    post = str(made.json()["id"])
    assert cli("social", "schedule", post, "--at", "2099-01-01 09:00").exit_code == 0
    backup = tmp_path / "team.bak"
    assert cli("db", "backup", str(backup)).exit_code == 0

    env = {"BLOGSTER_DEVTO_URL": forem.url, "BLOGSTER_TWITTER_URL": x.url}
    assert cli("crosspost", slug, "--to", "devto", "--json", env=env).json()[0]["action"] == "created"
    backdate("social_media_posts", [post])
    assert cli("social", "post-due", env=env).exit_code == 0
    assert len(forem.posts) == 1 and len(x.posts) == 1

    result = restored(cli, backup)
    [copy] = cli("crosspost", "status", slug, "--json").json()
    assert (copy["publication_status"], copy["platform_post_id"]) == ("published", "1001")
    assert cli("social", "show", post, "--json").json()["status"] == "published"
    assert cli("social", "post-due", env=env).exit_code == 0
    assert cli("crosspost", slug, "--to", "devto", "--json", env=env).json()[0]["action"] == "updated"
    assert len(forem.posts) == 1 and len(x.posts) == 1
    assert result["not_carried_over"] is None, result["not_carried_over"]
    assert (result["carried_over"]["crossposts"], result["carried_over"]["social_posts"]) == (1, 1)


def test_text_output_says_what_came_over_and_an_unreadable_database_is_said(cli, newsletter, smtp, tmp_path, db):
    recorder, url = smtp
    assert cli("newsletter", "subscribers", "import", readers_csv(tmp_path, 2)).exit_code == 0
    backup = tmp_path / "team.bak"
    assert cli("db", "backup", str(backup)).exit_code == 0
    assert cli("newsletter", "send", newsletter, env={"BLOGSTER_SMTP_URL": url}).exit_code == 0
    done = cli("db", "restore", str(backup), "--yes")
    assert done.exit_code == 0, done.stderr
    assert (
        "Carried over from the database it replaced what was done outside since the backup, so none of it"
        " is done again: 2 newsletter mails (1 newsletter), 2 mails counted towards the daily limit." in done.stderr
    ), done.stderr

    # The replaced database cannot be read (here: its connections switched off): the restore goes
    # on and says what may be done again.
    name = db.database_name
    with psycopg.connect(db.conninfo, dbname="postgres", autocommit=True) as conn:
        conn.execute(f'alter database "{name}" with allow_connections false')
    broken = cli("db", "restore", str(backup), "--yes", "--json")
    assert broken.exit_code == 0, broken.stderr
    assert broken.json()["carried_over"]["newsletter_mails"] == 0
    assert "not currently accepting connections" in broken.json()["not_carried_over"]
    assert (
        "warning: the database it replaced could not be read (" in broken.stderr
        and "): mails, cross-posts and social posts done since the backup may be done again" in broken.stderr
    ), broken.stderr
    assert cli("newsletter", "list", "--json").json()[0]["status"] == "draft"  # the backup's, as it was


@pytest.mark.parametrize("answer", ["n"])
def test_the_question_says_what_happens_to_work_done_since_the_backup(cli, signed_up, tmp_path, monkeypatch, answer):
    from blogster_cli.cli import ask

    backup = tmp_path / "team.bak"
    assert cli("db", "backup", str(backup)).exit_code == 0
    monkeypatch.setattr(ask, "on_terminal", lambda: True)
    declined = cli("db", "restore", str(backup), input=f"{answer}\n")
    assert declined.exit_code == 1
    assert (
        "Mails, cross-posts and social posts done since the backup are carried over from the database it"
        " replaces and not done again." in declined.stderr
    ), declined.stderr


def test_a_newsletter_mailed_and_deleted_since_the_backup_comes_back_sent(cli, newsletter, smtp, tmp_path, db):
    """Red team 47 (F2): `newsletter rm` deleted the deliveries a restore carries over, so the
    backup's copy came back due and the next run mailed every reader again (the same Message-IDs).
    The database keeps how many a deleted newsletter mailed (0181): it comes back sent, and the
    result says so; the record comes over too, for a later restore of that backup."""
    recorder, url = smtp
    env = {"BLOGSTER_SMTP_URL": url}
    assert cli("newsletter", "subscribers", "import", readers_csv(tmp_path, 3)).exit_code == 0
    assert cli("newsletter", "send", newsletter, "--at", "2099-01-01 09:00").exit_code == 0
    backdate("email_newsletters", [newsletter])  # due in the backup
    backup = tmp_path / "team.bak"
    assert cli("db", "backup", str(backup)).exit_code == 0
    assert cli("newsletter", "send-due", env=env).exit_code == 0 and len(recorder.messages) == 3
    assert cli("newsletter", "rm", newsletter, "--yes").exit_code == 0

    done = cli("db", "restore", str(backup), "--yes")
    assert done.exit_code == 0, done.stderr
    assert cli("newsletter", "send-due", env=env).exit_code == 0
    assert cli("newsletter", "send", newsletter, env=env).exit_code == 0  # "already sent"
    assert len(recorder.messages) == 3
    [listed] = cli("newsletter", "list", "--json").json()
    assert (listed["id"], listed["status"], listed["recipient_count"]) == (newsletter, "sent", 3)
    assert (
        " is done again: 1 newsletter mailed and then deleted (back as sent, mailing nobody more; whom it mailed"
        " was deleted with it), 3 mails counted towards the daily limit." in done.stderr
    ), done.stderr
    with psycopg.connect(db.conninfo, autocommit=True) as conn:
        kept = conn.execute("select id::text, mailed from internal.deleted_newsletters").fetchall()
    assert kept == [(newsletter, 3)]


HELD = '{"held_by_limit": {"readers": 2, "until": "2000-01-02T09:00:00+00:00"}}'  # newsletters._with_held's


@pytest.mark.parametrize("mailed_before", [0, 1])
def test_a_scheduled_newsletter_deleted_unmailed_since_the_backup_comes_back_a_draft(
    cli, newsletter, smtp, tmp_path, db, mailed_before
):
    """A newsletter due in the backup and deleted before it mailed anyone (`newsletter rm`) came back
    due, and the next `calendar run-due` (or the workers' next minute) mailed every reader. The
    database keeps every deleted newsletter (0190: its id and when, mailed nobody): the backup's
    comes back a draft with no time, nothing mails it, the result says so, and the record comes over
    for a later restore of that backup. So does one that had mailed a reader before the backup (held
    at the daily limit, say) and none since: deleted, it mails nobody more. The draft no longer says
    the daily limit holds its readers (left-over finding: the note stayed in its content, and came
    back in `newsletter list` once it was scheduled again)."""
    recorder, url = smtp
    env = {"BLOGSTER_SMTP_URL": url, "BLOGSTER_SITE_OUT": str(tmp_path / "site")}
    assert cli("newsletter", "subscribers", "import", readers_csv(tmp_path, 3)).exit_code == 0
    assert cli("newsletter", "send", newsletter, "--at", "2099-01-01 09:00").exit_code == 0
    backdate("email_newsletters", [newsletter])  # due in the backup
    with psycopg.connect(db.conninfo, autocommit=True) as conn:
        conn.execute(
            "insert into public.newsletter_deliveries (user_id, newsletter_id, email, outcome, message_id)"
            " select user_id, id, 'reader0@example.com', 'sent', '<m0@example.com>' from public.email_newsletters"
            " where %s = 1",
            (mailed_before,),
        )
        conn.execute("update public.email_newsletters set content = content || %s::jsonb", (HELD,))
    backup = tmp_path / "team.bak"
    assert cli("db", "backup", str(backup)).exit_code == 0
    assert cli("newsletter", "rm", newsletter, "--yes").exit_code == 0

    result = restored(cli, backup)
    assert result["carried_over"]["unscheduled_newsletters"] == 1, result
    assert result["carried_over"]["deleted_newsletters"] == 0, result
    [listed] = cli("newsletter", "list", "--json").json()
    assert (listed["id"], listed["status"], listed["scheduled_time"]) == (newsletter, "draft", None), listed
    with psycopg.connect(db.conninfo, autocommit=True) as conn:
        assert conn.execute("select content ? 'held_by_limit' from public.email_newsletters").fetchone() == (False,)
    due = cli("calendar", "run-due", "--json", env=env)
    assert due.exit_code == 0, due.stderr
    assert cli("workers", "send-newsletters", "--json", env=env).exit_code == 0
    assert recorder.messages == []
    with psycopg.connect(db.conninfo, autocommit=True) as conn:
        kept = conn.execute(
            "select id::text, mailed, last_mailed_at is null from internal.deleted_newsletters"
        ).fetchall()
    assert kept == [(newsletter, mailed_before, not mailed_before)]
    said = cli("db", "restore", str(backup), "--yes")
    assert said.exit_code == 0, said.stderr
    assert " is done again: 1 scheduled newsletter deleted (back as a draft, not sent)." in said.stderr, said.stderr


def test_a_scheduled_newsletter_whose_content_is_no_object_comes_back_a_draft_too(cli, newsletter, tmp_path, db):
    """The held note goes only from a content that is an object: one an account's own SQL made a
    number comes back a draft all the same, as it was (the restore never refuses it for that)."""
    assert cli("newsletter", "send", newsletter, "--at", "2099-01-01 09:00").exit_code == 0
    with psycopg.connect(db.conninfo, autocommit=True) as conn:
        conn.execute("update public.email_newsletters set content = '5'")
        backup = tmp_path / "team.bak"
        assert cli("db", "backup", str(backup)).exit_code == 0
        conn.execute("delete from public.email_newsletters")  # recorded as deleted (0190)
    assert restored(cli, backup)["carried_over"]["unscheduled_newsletters"] == 1
    with psycopg.connect(db.conninfo, autocommit=True) as conn:
        row = conn.execute("select status::text, scheduled_time, content from public.email_newsletters").fetchone()
    assert row == ("draft", None, 5)


def test_another_accounts_rows_on_a_deleted_posts_ids_are_not_carried_onto_it(cli, signed_up, make_user, tmp_path, db):
    """Red team 47 (F4): on a shared server, after ada's post was deleted since the backup, carol
    (by SQL as her own role) made a post with its id and, on it, a cross-post and a social post with
    the id of ada's deleted social post, remote ids of her choosing. The restore carried both onto
    ada's restored post as hers. A row comes over only onto a row of the same account; so do the
    records of those carol made first and purged (0183: kept as hers)."""
    carol = make_user("carol@example.com")
    slug, post = _post_with_devto_and_a_scheduled_social_post(cli, tmp_path)
    backup = tmp_path / "team.bak"
    assert cli("db", "backup", str(backup)).exit_code == 0

    with psycopg.connect(db.conninfo, autocommit=True) as conn:
        (blog,) = conn.execute("delete from public.blogs where slug = %s returning id", (slug,)).fetchone()
        conn.execute(f"set role {carol.role_name}")
        (profile,) = conn.execute(
            "insert into public.social_media_profiles (platform, profile_id, is_connected)"
            " values ('twitter', 'carol', true) returning id"
        ).fetchone()
        for remote in ("4141", "4242"):  # the first purged (its records kept, as hers), the second kept
            conn.execute("insert into public.blogs (id, title, slug) values (%s, 'Mine', 'mine')", (blog,))
            conn.execute(
                "insert into public.social_media_posts (id, blog_id, social_profile_id, content, post_status,"
                " platform_post_id) values (%s, %s, %s, 'Mine', 'published', %s)",
                (post, blog, profile, remote),
            )
            conn.execute(
                "insert into public.platform_republishing (blog_id, platform, platform_post_id, platform_url,"
                " publication_status) values (%s, 'dev_to', %s, 'https://dev.to/carol/x', 'published')",
                (blog, remote),
            )
            if remote == "4141":
                conn.execute("select public.delete_rows('public.blogs', array[%s]::uuid[])", (blog,))
        conn.execute("reset role")
        kept = conn.execute(
            "select author_id, platform_post_id from internal.deleted_crossposts union all"
            " select author_id, platform_post_id from internal.deleted_social_posts order by 2 nulls last"
        ).fetchall()
    assert kept[:2] == [(carol.user_id, "4141")] * 2
    assert kept[2:] == [(kept[2][0], None)] and kept[2][0] != carol.user_id  # ada's, deleted unposted (0188)

    result = restored(cli, backup)
    assert (result["carried_over"]["crossposts"], result["carried_over"]["social_posts"]) == (0, 0)
    assert cli("crosspost", "status", slug, "--json").json() == []
    shown = cli("social", "show", post, "--json").json()
    assert shown["status"] == "draft", shown  # not carol's "published": ada's own deletion, unposted (0188)


def test_a_post_cross_posted_social_posted_and_purged_since_the_backup_keeps_its_copies(
    cli, signed_up, http, tmp_path, db
):
    """Red team 47's F2 for copies and social posts: `posts purge` deleted the post's copies and
    social posts (ON DELETE CASCADE), so the backup's post came back without the dev.to article made
    since, and the next crosspost made a second one; its scheduled social post was posted again. The
    database keeps their remote ids (0183): the backup's post comes back knowing both, and the
    records come over too, for a later restore of that backup."""
    forem, x = FakeForem(http).install(), FakeSocial(http).install()
    slug, post = _post_with_devto_and_a_scheduled_social_post(cli, tmp_path)
    backdate("social_media_posts", [post])  # due in the backup
    backup = tmp_path / "team.bak"
    assert cli("db", "backup", str(backup)).exit_code == 0
    env = {"BLOGSTER_DEVTO_URL": forem.url, "BLOGSTER_TWITTER_URL": x.url}
    assert cli("crosspost", slug, "--to", "devto", "--json", env=env).json()[0]["action"] == "created"
    assert cli("social", "post-due", env=env).exit_code == 0
    assert cli("blogs", "purge", slug, "--yes").exit_code == 0

    result = restored(cli, backup)
    assert (result["carried_over"]["crossposts"], result["carried_over"]["social_posts"]) == (1, 1)
    [copy] = cli("crosspost", "status", slug, "--json").json()
    assert (copy["publication_status"], copy["platform_post_id"]) == ("published", "1001")
    assert cli("social", "show", post, "--json").json()["status"] == "published"
    assert cli("social", "post-due", env=env).exit_code == 0
    assert cli("crosspost", slug, "--to", "devto", "--json", env=env).json()[0]["action"] == "updated"
    assert len(forem.posts) == 1 and len(x.posts) == 1
    with psycopg.connect(db.conninfo, autocommit=True) as conn:
        kept = conn.execute(
            "select (select count(*) from internal.deleted_crossposts),"
            " (select count(*) from internal.deleted_social_posts)"
        ).fetchone()
    assert kept == (1, 1)


@pytest.mark.parametrize("deletion", [("social", "rm"), ("blogs", "purge")])
def test_a_scheduled_social_post_deleted_unposted_since_the_backup_comes_back_a_draft(
    cli, signed_up, http, tmp_path, db, deletion
):
    """A social post scheduled in the backup and deleted before it was posted (`social rm`, or its
    post purged) came back scheduled, and `post-due` posted it. The database keeps the deleted ones
    unposted too (0188, no remote id): the backup's comes back a draft, nothing posts it, the result
    says so, and the record comes over for a later restore of that backup. The post was last changed
    long before the backup: what counts is that it was deleted since."""
    x = FakeSocial(http).install()
    slug, post = _post_with_devto_and_a_scheduled_social_post(cli, tmp_path)
    backdate("social_media_posts", [post])  # due in the backup
    with psycopg.connect(db.conninfo, autocommit=True) as conn, conn.transaction():
        conn.execute("set local session_replication_role = replica")  # its updated_at as it was a week ago
        conn.execute("update public.social_media_posts set updated_at = now() - interval '7 days'")
    backup = tmp_path / "team.bak"
    assert cli("db", "backup", str(backup)).exit_code == 0
    target = post if deletion == ("social", "rm") else slug
    assert cli(*deletion, target, *(["--yes"] if deletion[1] == "purge" else [])).exit_code == 0

    done = cli("db", "restore", str(backup), "--yes", "--json")
    assert done.exit_code == 0, done.stderr
    result = done.json()
    assert (result["carried_over"]["deleted_social_posts"], result["carried_over"]["social_posts"]) == (1, 0), result
    shown = cli("social", "show", post, "--json").json()
    assert (shown["status"], shown["scheduled_time"]) == ("draft", None), shown
    assert cli("social", "post-due", env={"BLOGSTER_TWITTER_URL": x.url}).exit_code == 0
    assert x.posts == []
    with psycopg.connect(db.conninfo, autocommit=True) as conn:
        kept = conn.execute("select id::text, platform_post_id from internal.deleted_social_posts").fetchall()
    assert kept == [(post, None)]
    said = cli("db", "restore", str(backup), "--yes")
    assert said.exit_code == 0, said.stderr
    assert "1 social post deleted unposted (back as a draft, not posted)." in said.stderr, said.stderr


def _post_with_devto_and_a_scheduled_social_post(cli, tmp_path) -> tuple[str, str]:
    """Ada's published post, dev.to connected, and a social post of it scheduled: (slug, its id)."""
    slug = publish_post(cli, tmp_path, POST)
    connect(cli, "devto", TOKEN)
    assert (
        cli("social", "profiles", "connect", "twitter", "--handle", "ada", "--token-stdin", input=X_TOKEN).exit_code
        == 0
    )
    post = str(cli("social", "new", slug, "--platform", "twitter", "--text", "Habits", "--json").json()["id"])
    assert cli("social", "schedule", post, "--at", "2099-01-01 09:00").exit_code == 0
    return slug, post


@pytest.mark.parametrize("path", [("posts", "purge"), ("social", "rm")])
def test_the_deleting_commands_help_says_the_remote_ids_are_kept(path):
    """What 0183 keeps is said where the deletion is asked for, not only under `db restore`."""
    command = typer.main.get_command(app)
    for name in path:
        command = command.get_command(None, name)
    shown = " ".join(command.help.split())
    assert "remote id" in shown and "until your account is deleted" in shown and "earlier backup" in shown


def test_newsletter_rm_help_says_what_is_kept_and_what_a_restore_does_with_it():
    """What 0181 and 0190 keep of a deleted newsletter is said where the deletion is asked for."""
    command = typer.main.get_command(app).get_command(None, "newsletter").get_command(None, "rm")
    shown = " ".join(command.help.split())
    assert "how many it mailed and when (not to whom)" in shown and "until your account is deleted" in shown
    assert "earlier backup" in shown and "comes back a draft" in shown
