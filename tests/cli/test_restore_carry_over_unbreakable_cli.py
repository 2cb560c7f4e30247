"""Red team 48 (F1, High): one account stopped every later `db restore` from carrying over anyone's
mails and posts. The restore read each kind of record for every account as one jsonb array, which
PostgreSQL refuses past 256 MB; carol, by SQL as her own role, pushed the cross-posts' past it
(URLs of 100 MB, `updated_at` 9999-01-01 so they always counted as "since the backup", then deleted
them into 0183's records, which she cannot delete). The restore then carried over nothing: ada's
newsletter mailed since the backup came back due and mailed her readers again.

Now the rows stream (none is gathered into one value), only the columns the carry-over writes;
the columns are bounded and no time is set ahead (0186); and a row that cannot be read loses only
its account's records, which the warning names."""

from __future__ import annotations

from datetime import UTC, datetime

import psycopg
import pytest

from tests.cli.test_newsletter_cli import readers_csv
from tests.cli.test_restore_carries_outside_work_cli import restored

pytestmark = pytest.mark.usefixtures("restores_copy_the_template")  # what it carries, not its schema's build

JSONB_LIMIT = 268_435_455  # bytes: PostgreSQL's largest jsonb value


def mailed_after_the_backup(cli, newsletter, smtp, tmp_path):
    """Ada's newsletter to 3 readers, the backup (made before it went), then the send: the backup."""
    recorder, url = smtp
    assert cli("newsletter", "subscribers", "import", readers_csv(tmp_path, 3)).exit_code == 0
    backup = tmp_path / "team.bak"
    assert cli("db", "backup", str(backup)).exit_code == 0
    assert cli("newsletter", "send", newsletter, env={"BLOGSTER_SMTP_URL": url}).exit_code == 0
    assert len(recorder.messages) == 3
    return backup


def carols_post(conn, carol) -> str:
    (post,) = conn.execute(
        "insert into public.blogs (title, slug, author_id, status, published_at)"
        " values ('Mine', 'mine', %s, 'published', now()) returning id::text",
        (carol.user_id,),
    ).fetchone()
    return post


def assert_adas_newsletter_carried_over(cli, result, smtp, *, carols: int = 0) -> None:
    """Ada's 3 mails came over (and `carols` of carol's), and are not mailed again."""
    recorder, url = smtp
    assert result["carried_over"]["newsletter_mails"] == 3 + carols, result
    assert cli("newsletter", "send-due", env={"BLOGSTER_SMTP_URL": url}).exit_code == 0
    assert len(recorder.messages) == 3
    [listed] = cli("newsletter", "list", "--json").json()
    assert (listed["status"], listed["recipient_count"]) == ("sent", 3)


def test_carols_copies_cannot_be_oversized_or_dated_ahead_and_adas_mails_come_over(
    cli, newsletter, smtp, make_user, tmp_path, db
):
    """The red team's steps, as carol's own role: a URL past its limit is refused (insert and
    update), `updated_at` 9999 is kept at now, and so are the records her deletion leaves. Ada's
    mails come over; so do carol's records."""
    carol = make_user("carol@example.com")
    backup = mailed_after_the_backup(cli, newsletter, smtp, tmp_path)
    with psycopg.connect(db.conninfo, autocommit=True) as conn:
        post = carols_post(conn, carol)
        conn.execute(f"set role {carol.role_name}")
        for column, limit in (("platform_url", 2048), ("canonical_url", 8192), ("platform_post_id", 200)):
            with pytest.raises(psycopg.errors.CheckViolation):
                conn.execute(
                    f"insert into public.platform_republishing (blog_id, platform, {column})"
                    " values (%s, 'medium', repeat('A', %s))",
                    (post, limit + 1),
                )
        conn.execute(
            "insert into public.platform_republishing (blog_id, platform, platform_post_id, platform_url,"
            " canonical_url, created_at, updated_at)"
            " select %s, p::public.republishing_platform, 'x', repeat('A', 2048), repeat('A', 8192),"
            " '9999-01-01', '9999-01-01' from unnest(array['medium', 'hashnode', 'wordpress']) p",
            (post,),
        )
        with pytest.raises(psycopg.errors.CheckViolation):
            conn.execute("update public.platform_republishing set platform_url = repeat('A', 2049)")
        conn.execute("update public.platform_republishing set created_at = '9999-01-01'")
        dated = conn.execute("select max(created_at), max(updated_at) from public.platform_republishing").fetchone()
        conn.execute(
            "select public.delete_rows('public.platform_republishing',"
            " array(select id from public.platform_republishing where blog_id = %s))",
            (post,),
        )
        conn.execute("reset role")
        (kept,) = conn.execute("select max(copy_updated_at) from internal.deleted_crossposts").fetchone()
    now = datetime.now(UTC)
    assert dated[0] <= now and dated[1] <= now and kept <= now

    result = restored(cli, backup)
    assert result["not_carried_over"] is None, result["not_carried_over"]
    assert_adas_newsletter_carried_over(cli, result, smtp)
    with psycopg.connect(db.conninfo, autocommit=True) as conn:
        records = conn.execute("select author_id from internal.deleted_crossposts").fetchall()
    assert records == [(carol.user_id,)] * 3


def test_carols_records_past_the_largest_jsonb_value_do_not_stop_anyones(
    cli, newsletter, smtp, make_user, tmp_path, db
):
    """Within 0186's limits, many rows still add up: 20,000 records of deleted copies, each at its
    limits (about 14 KB), are some 270 MB, past the largest value PostgreSQL holds. Ada's mails come
    over, and carol's records too (each row streams on its own)."""
    carol = make_user("carol@example.com")
    backup = mailed_after_the_backup(cli, newsletter, smtp, tmp_path)
    count = 20_000
    with psycopg.connect(db.conninfo, autocommit=True) as conn:
        conn.execute(
            "insert into internal.deleted_crossposts (author_id, blog_id, platform, id, platform_post_id,"
            " platform_url, platform_site, canonical_url, publication_status, last_error, created_at,"
            " copy_updated_at) select %s, gen_random_uuid(), 'dev_to', gen_random_uuid(), repeat('7', 200),"
            " repeat('u', 2048), repeat('s', 2048), repeat('c', 8192), 'published', repeat('e', 1000), now(), now()"
            " from generate_series(1, %s)",
            (carol.user_id, count),
        )
        (row,) = conn.execute(
            "select octet_length(to_jsonb(x)::text) from internal.deleted_crossposts x limit 1"
        ).fetchone()
    assert row * count > JSONB_LIMIT

    result = restored(cli, backup)
    assert result["not_carried_over"] is None, result["not_carried_over"]
    assert_adas_newsletter_carried_over(cli, result, smtp)
    with psycopg.connect(db.conninfo, autocommit=True) as conn:
        assert conn.execute("select count(*) from internal.deleted_crossposts").fetchone() == (count,)


def test_a_row_that_cannot_be_read_loses_only_its_accounts_records_and_is_named(
    cli, newsletter, smtp, make_user, tmp_path, db
):
    """A damaged row (here: carol's copy's platform, its label gone from the catalog) is no reason to
    carry over nobody's: ada's mails come over, and the warning names carol."""
    carol = make_user("carol@example.com")
    backup = mailed_after_the_backup(cli, newsletter, smtp, tmp_path)
    with psycopg.connect(db.conninfo, autocommit=True) as conn:
        post = carols_post(conn, carol)
        conn.execute(
            "insert into public.platform_republishing (blog_id, platform, platform_post_id)"
            " values (%s, 'linkedin', 'x')",
            (post,),
        )
        conn.execute(
            "delete from pg_catalog.pg_enum"
            " where enumtypid = 'public.republishing_platform'::regtype and enumlabel = 'linkedin'"
        )
    done = cli("db", "restore", str(backup), "--yes", "--json")
    assert done.exit_code == 0, done.stderr
    result = done.json()
    assert result["not_carried_over"].startswith(
        "the database it replaced could not be read (only the records of carol@example.com: invalid internal value"
    )
    assert "warning: the database it replaced could not be read (only the records of carol@example.com:" in (
        done.stderr
    )
    assert_adas_newsletter_carried_over(cli, result, smtp)


def test_a_database_older_than_the_bounds_still_carries_over_cut_and_not_ahead(
    cli, newsletter, smtp, make_user, tmp_path, db
):
    """Replacing a database of an earlier version (a column it lacks, here the deliveries' error;
    0183's records past 0186's lengths and dated 9999): its rows come over, the values cut to the
    restored copy's limits and the times at most now, so none of the checks refuses them all."""
    carol = make_user("carol@example.com")
    backup = mailed_after_the_backup(cli, newsletter, smtp, tmp_path)
    with psycopg.connect(db.conninfo, autocommit=True) as conn:
        conn.execute("alter table public.newsletter_deliveries drop column error")
        for column in ("platform_post_id", "platform_url", "canonical_url"):
            conn.execute(f"alter table internal.deleted_crossposts drop constraint deleted_crossposts_{column}_length")
        conn.execute(
            "insert into internal.deleted_crossposts (author_id, blog_id, platform, id, platform_post_id,"
            " platform_url, canonical_url, publication_status, created_at, copy_updated_at, deleted_at)"
            " values (%s, gen_random_uuid(), 'dev_to', gen_random_uuid(), repeat('7', 300), repeat('u', 3000),"
            " repeat('c', 9000), 'published', '9999-01-01', '9999-01-01', '9999-01-01')",
            (carol.user_id,),
        )

    result = restored(cli, backup)
    assert result["not_carried_over"] is None, result["not_carried_over"]
    assert_adas_newsletter_carried_over(cli, result, smtp)
    with psycopg.connect(db.conninfo, autocommit=True) as conn:
        record = conn.execute(
            "select length(platform_post_id), length(platform_url), length(canonical_url),"
            " greatest(created_at, copy_updated_at, deleted_at) <= now() from internal.deleted_crossposts"
        ).fetchone()
    assert record == (200, 2048, 8192, True)


def test_a_canonical_url_past_its_bound_is_said_in_words(cli, signed_up, tmp_path, http):
    """0186 bounds a copy's canonical URL (the post's address on its site, which the site's url
    and permalink settings make, neither of them bounded): a crosspost past it says which setting
    to shorten (exit 2), and nothing is sent."""
    from tests.cli.conftest import connect
    from tests.cli.test_crosspost_cli import POST, TOKEN, publish_post
    from tests.platform_servers import FakeForem

    forem = FakeForem(http).install()
    slug = publish_post(cli, tmp_path, POST)
    connect(cli, "devto", TOKEN)
    assert cli("site", "settings", "set", "url", "https://blog.example.com/" + "a" * 8200 + "/").exit_code == 0
    refused = cli("crosspost", slug, "--to", "devto", env={"BLOGSTER_DEVTO_URL": forem.url})
    assert refused.exit_code == 2, refused.stderr
    assert "a post's address on its site (a cross-post's canonical URL) has at most 8,192 characters" in (
        refused.stderr
    )
    assert forem.posts == {}


def test_one_accounts_copy_id_used_twice_does_not_stop_anyones_copies(cli, make_user, tmp_path, db):
    """Red team 49 (F1, High): alice, by SQL as her own role, gave a copy on each of two of her posts
    one id, deleting it each time: 0183 keeps both records (keyed by post and platform), and the
    restore wrote both as copies in one statement, which broke the copies' primary key, so nobody's
    records came over (bob's copy made since the backup was lost, and warned of as a database that
    "could not be read"). Now the newer record of an id comes back; bob's copy comes over."""
    alice, bob = make_user("alice@example.com"), make_user("bob@example.com")
    reused = "11111111-2222-3333-4444-555555555555"
    with psycopg.connect(db.conninfo, autocommit=True) as conn:
        first, second, bobs = (
            conn.execute(
                "insert into public.blogs (title, slug, author_id, status, published_at)"
                " values (%s, %s, %s, 'published', now()) returning id::text",
                (slug, slug, author.user_id),
            ).fetchone()[0]
            for slug, author in (("one", alice), ("two", alice), ("bobs", bob))
        )
    backup = tmp_path / "team.bak"
    assert cli("db", "backup", str(backup)).exit_code == 0
    with psycopg.connect(db.conninfo, autocommit=True) as conn:
        conn.execute(f"set role {alice.role_name}")
        for post, remote in ((first, "a1"), (second, "a2")):
            conn.execute(
                "insert into public.platform_republishing (id, blog_id, platform, platform_post_id,"
                " publication_status) values (%s, %s, 'hashnode', %s, 'published')",
                (reused, post, remote),
            )
            conn.execute("select public.delete_rows('public.platform_republishing', array[%s]::uuid[])", (reused,))
        conn.execute(f"set role {bob.role_name}")
        conn.execute(
            "insert into public.platform_republishing (blog_id, platform, platform_post_id, publication_status)"
            " values (%s, 'dev_to', 'b1', 'published')",
            (bobs,),
        )
        conn.execute("reset role")
        assert conn.execute("select count(*) from internal.deleted_crossposts where id = %s", (reused,)).fetchone() == (
            2,
        )

    result = restored(cli, backup)
    assert result["not_carried_over"] is None, result["not_carried_over"]
    assert result["carried_over"]["crossposts"] == 2
    with psycopg.connect(db.conninfo, autocommit=True) as conn:
        copies = conn.execute(
            "select id::text, blog_id::text, platform::text, platform_post_id from public.platform_republishing"
            " order by platform_post_id"
        ).fetchall()
        (records,) = conn.execute("select count(*) from internal.deleted_crossposts").fetchone()
    assert copies == [(reused, second, "hashnode", "a2"), (copies[1][0], bobs, "dev_to", "b1")]
    assert records == 2


def test_a_record_the_restored_copy_refuses_loses_only_its_accounts_and_is_named(
    cli, newsletter, smtp, make_user, tmp_path, db
):
    """Red team 49 (F1): a record that reads well but that the restored copy refuses (here: carol's
    delivery whose outcome the replaced database, its check dropped, let in) was written with
    everyone's in one statement, and its failure lost them all. A kind whose write fails is written
    again account by account: only carol's deliveries are lost, ada's mails come over, and the
    warning names carol as not carried over (not as a database that could not be read)."""
    carol = make_user("carol@example.com")
    with psycopg.connect(db.conninfo, autocommit=True) as conn:
        (letter,) = conn.execute(
            "insert into public.email_newsletters (user_id, title) values (%s, 'Mine') returning id",
            (carol.user_id,),
        ).fetchone()
    backup = mailed_after_the_backup(cli, newsletter, smtp, tmp_path)
    with psycopg.connect(db.conninfo, autocommit=True) as conn:
        conn.execute("alter table public.newsletter_deliveries drop constraint newsletter_deliveries_outcome")
        conn.execute(
            "insert into public.newsletter_deliveries (user_id, newsletter_id, email, outcome, message_id)"
            " values (%s, %s, 'reader@example.com', 'bounced', '<1@example.com>')",
            (carol.user_id, letter),
        )

    done = cli("db", "restore", str(backup), "--yes", "--json")
    assert done.exit_code == 0, done.stderr
    result = done.json()
    assert result["not_carried_over"].startswith(
        "the records of carol@example.com could not be carried over (newsletter mails: new row for relation"
    ), result["not_carried_over"]
    assert "warning: the records of carol@example.com could not be carried over (" in done.stderr, done.stderr
    assert "could not be read" not in done.stderr
    assert_adas_newsletter_carried_over(cli, result, smtp)
    with psycopg.connect(db.conninfo, autocommit=True) as conn:
        assert conn.execute(
            "select count(*) from public.newsletter_deliveries where user_id = %s", (carol.user_id,)
        ).fetchone() == (0,)


def carols_newsletter_and_adas_mails(cli, newsletter, smtp, make_user, tmp_path, db):
    """Carol's newsletter (in the backup), then ada's mails since the backup: (carol, her newsletter, backup)."""
    carol = make_user("carol@example.com")
    with psycopg.connect(db.conninfo, autocommit=True) as conn:
        (letter,) = conn.execute(
            "insert into public.email_newsletters (user_id, title, content) values (%s, 'Mine', %s) returning id",
            (carol.user_id, '{"html": "<p>Hi</p>", "text": "Hi"}'),
        ).fetchone()
    return carol, letter, mailed_after_the_backup(cli, newsletter, smtp, tmp_path)


def test_deliveries_past_their_lengths_in_the_replaced_database_come_over_cut(
    cli, newsletter, smtp, make_user, tmp_path, db
):
    """A delivery's address, Message-ID and error have been bounded since 0022 (320, 255, 1,000
    characters), but a replaced database whose checks were dropped by hand holds longer ones: they
    came over whole, the restored copy refused them, and carol's mails since the backup were lost
    (her readers mailed again). They come over cut, as 0186's columns are."""
    carol, letter, backup = carols_newsletter_and_adas_mails(cli, newsletter, smtp, make_user, tmp_path, db)
    with psycopg.connect(db.conninfo, autocommit=True) as conn:
        for column in ("email", "message_id", "error"):
            conn.execute(
                f"alter table public.newsletter_deliveries drop constraint newsletter_deliveries_{column}_length"
            )
        conn.execute(
            "insert into public.newsletter_deliveries (user_id, newsletter_id, email, outcome, message_id, error)"
            " values (%s, %s, repeat('r', 400) || '@example.com', 'refused', repeat('m', 300), repeat('e', 1200))",
            (carol.user_id, letter),
        )

    result = restored(cli, backup)
    assert result["not_carried_over"] is None, result["not_carried_over"]
    assert_adas_newsletter_carried_over(cli, result, smtp, carols=1)
    with psycopg.connect(db.conninfo, autocommit=True) as conn:
        kept = conn.execute(
            "select length(email), length(message_id), length(error) from public.newsletter_deliveries"
            " where user_id = %s",
            (carol.user_id,),
        ).fetchall()
    assert kept == [(320, 255, 1000)]


def test_a_newsletter_past_its_bound_in_the_replaced_database_comes_over_cut_with_its_mails(
    cli, newsletter, smtp, make_user, tmp_path, db
):
    """A newsletter's content is bounded since 0188 (64 MiB), and a restore carries it with the
    deliveries since the backup. Replacing a database older than that, one past it would be refused
    by the restored copy, and carol's mails with it (her readers mailed again): it comes over cut as
    0188 cut those it held (its posts' HTML and text taken out, the rest kept, send_error saying why;
    with nothing to mail, a send of it is refused: tests/cli/test_newsletter_cli.py)."""
    carol, letter, backup = carols_newsletter_and_adas_mails(cli, newsletter, smtp, make_user, tmp_path, db)
    with psycopg.connect(db.conninfo, autocommit=True) as conn:
        conn.execute("alter table public.email_newsletters drop constraint email_newsletters_content_size")
        conn.execute(
            "update public.email_newsletters set status = 'scheduled', scheduled_time = now() + interval '1 day',"
            " content = jsonb_build_object('html', repeat('h', 64 * 1024 * 1024), 'text', 'Hi',"
            " 'audience', jsonb_build_array('reader@example.com')) where id = %s",
            (letter,),
        )
        conn.execute(
            "insert into public.newsletter_deliveries (user_id, newsletter_id, email, outcome, message_id)"
            " values (%s, %s, 'reader@example.com', 'sent', '<1@example.com>')",
            (carol.user_id, letter),
        )

    result = restored(cli, backup)
    assert result["not_carried_over"] is None, result["not_carried_over"]
    assert result["carried_over"]["newsletters"] == 2, result
    assert_adas_newsletter_carried_over(cli, result, smtp, carols=1)
    with psycopg.connect(db.conninfo, autocommit=True) as conn:
        status, content = conn.execute(
            "select status::text, content from public.email_newsletters where id = %s", (letter,)
        ).fetchone()
    assert status == "scheduled"
    assert content["audience"] == ["reader@example.com"] and "html" not in content and "text" not in content
    assert content["send_error"]["error"].startswith("its posts' HTML and text were past 64 MiB"), content
