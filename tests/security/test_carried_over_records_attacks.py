"""Red team 48 (F1, High): an account's own copies, social posts and deliveries, written by raw SQL
as its role, stopped every `db restore` carrying over anyone's mails and posts: remote ids and URLs
of 100 MB, times set to 9999 so they always counted as "since the backup" (and 0183's records of
them, once deleted, which it cannot delete). 0186 bounds the columns a restore carries and keeps
those times at most now(), and 0188 a newsletter's content (64 MiB, carried with its deliveries);
no account gets round it by UPDATE, by turning the triggers off or by dropping the constraints
(tests/cli/test_restore_carry_over_unbreakable_cli.py: the restore itself). 0188 also keeps a social
post deleted unposted, and no account makes that record forget one it posted; 0190 a newsletter deleted
unmailed, and no account makes that record forget one that mailed, nor writes another's."""

from __future__ import annotations

from datetime import UTC, datetime

import psycopg
import pytest

from blogster_cli.db.acting import acting_transaction

AHEAD = "9999-01-01"
# (table, column, longest): the lengths 0186 allows in the columns a restore carries over.
BOUNDED = [
    ("platform_republishing", "platform_post_id", 200),
    ("platform_republishing", "platform_url", 2048),
    ("platform_republishing", "canonical_url", 8192),
    ("platform_republishing", "platform_site", 2048),
    ("social_media_posts", "platform_post_id", 200),
]


def as_role(db, actor, statement, params=()):
    with db.connect() as conn, acting_transaction(conn, actor.role_name):
        cursor = conn.execute(statement, params)
        return cursor.fetchall() if cursor.description else cursor.rowcount


@pytest.fixture
def alice(make_user, superuser):
    """Alice, her published post, a copy of it, a social profile and post, a newsletter: (actor, ids)."""
    alice = make_user()
    (post,) = superuser.execute(
        "insert into public.blogs (title, slug, author_id, status, published_at)"
        " values ('A post', 'a-post', %s, 'published', now()) returning id",
        (alice.user_id,),
    ).fetchone()
    (copy,) = superuser.execute(
        "insert into public.platform_republishing (blog_id, platform, platform_post_id) values (%s, 'dev_to', '1')"
        " returning id",
        (post,),
    ).fetchone()
    (profile,) = superuser.execute(
        "insert into public.social_media_profiles (user_id, platform, profile_id, is_connected)"
        " values (%s, 'twitter', 'alice', true) returning id",
        (alice.user_id,),
    ).fetchone()
    (social,) = superuser.execute(
        "insert into public.social_media_posts (blog_id, social_profile_id, post_status, platform_post_id)"
        " values (%s, %s, 'published', '7') returning id",
        (post, profile),
    ).fetchone()
    (newsletter,) = superuser.execute(
        "insert into public.email_newsletters (user_id, title) values (%s, 'Letter') returning id", (alice.user_id,)
    ).fetchone()
    return alice, {"post": post, "copy": copy, "profile": profile, "social": social, "newsletter": newsletter}


CONTENT_BOUND = 64 * 2**20  # 0188: octet_length(content::text), as a post's 4 MiB


def not_ahead(*times: datetime) -> bool:
    now = datetime.now(UTC)
    return all(time <= now for time in times)


@pytest.mark.parametrize(("table", "column", "longest"), BOUNDED)
def test_no_account_stores_a_carried_column_past_its_length(db, superuser, alice, table, column, longest):
    """Neither on a new row nor by updating its own; the longest allowed is taken."""
    actor, ids = alice
    row = ids["copy"] if table == "platform_republishing" else ids["social"]
    as_role(db, actor, f"update public.{table} set {column} = repeat('a', %s) where id = %s", (longest, row))
    with pytest.raises(psycopg.errors.CheckViolation):
        as_role(db, actor, f"update public.{table} set {column} = repeat('a', %s) where id = %s", (longest + 1, row))
    if table == "platform_republishing":
        new = "insert into public.platform_republishing (blog_id, platform, {}) values (%s, 'medium', repeat('a', %s))"
        params: tuple = (ids["post"], longest + 1)
    else:
        new = (
            "insert into public.social_media_posts (blog_id, social_profile_id, post_status, {})"
            " values (%s, %s, 'published', repeat('a', %s))"
        )
        params = (ids["post"], ids["profile"], longest + 1)
    with pytest.raises(psycopg.errors.CheckViolation):
        as_role(db, actor, new.format(column), params)
    (length,) = superuser.execute(f"select length({column}) from public.{table} where id = %s", (row,)).fetchone()
    assert length == longest


@pytest.mark.parametrize("table", ["platform_republishing", "social_media_posts"])
def test_no_account_dates_a_copy_or_social_post_ahead(db, superuser, alice, table):
    """created_at and updated_at set ahead, on insert or by update, are kept at now."""
    actor, ids = alice
    if table == "platform_republishing":
        new = (
            "insert into public.platform_republishing (blog_id, platform, platform_post_id, created_at, updated_at)"
            " values (%s, 'medium', 'm', %s, %s) returning created_at, updated_at"
        )
        params: tuple = (ids["post"], AHEAD, AHEAD)
    else:
        new = (
            "insert into public.social_media_posts (blog_id, social_profile_id, post_status, platform_post_id,"
            " created_at, updated_at) values (%s, %s, 'published', 's', %s, %s) returning created_at, updated_at"
        )
        params = (ids["post"], ids["profile"], AHEAD, AHEAD)
    [inserted] = as_role(db, actor, new, params)
    updated = as_role(
        db, actor, f"update public.{table} set created_at = %s, updated_at = %s returning created_at, updated_at",
        (AHEAD, AHEAD),
    )  # fmt: skip
    assert len(updated) == 2
    assert not_ahead(*inserted, *(time for row in updated for time in row))
    (latest,) = superuser.execute(f"select max(greatest(created_at, updated_at)) from public.{table}").fetchone()
    assert not_ahead(latest)


def test_no_account_dates_a_delivery_ahead(db, superuser, alice):
    """A delivery's sent_at (what a restore takes as "mailed since the backup") is at most now; one
    dated back stays as written (0175's count takes the server's clock anyway)."""
    actor, ids = alice
    as_role(
        db, actor,
        "insert into public.newsletter_deliveries (newsletter_id, email, outcome, message_id, sent_at)"
        " values (%s, 'a@example.com', 'sent', 'm1', %s), (%s, 'b@example.com', 'sent', 'm2', '2001-01-01')",
        (ids["newsletter"], AHEAD, ids["newsletter"]),
    )  # fmt: skip
    times = dict(superuser.execute("select email, sent_at from public.newsletter_deliveries").fetchall())
    assert not_ahead(times["a@example.com"]) and times["b@example.com"].year == 2001


def test_the_records_of_deleted_rows_are_not_dated_ahead_either(db, superuser, alice):
    """0181's and 0183's triggers keep at most now() in their records (a second layer): a copy, a
    social post or a delivery dated ahead before 0186 (written here with triggers off) is recorded
    at now when its account deletes it."""
    actor, ids = alice
    with superuser.transaction():
        superuser.execute("set local session_replication_role = replica")
        superuser.execute(f"update public.platform_republishing set updated_at = '{AHEAD}'")
        superuser.execute(f"update public.social_media_posts set updated_at = '{AHEAD}'")
        superuser.execute(
            "insert into public.newsletter_deliveries (user_id, newsletter_id, email, outcome, message_id, sent_at)"
            f" values (%s, %s, 'a@example.com', 'sent', 'm1', '{AHEAD}')",
            (actor.user_id, ids["newsletter"]),
        )
    for table, row in (
        ("platform_republishing", "copy"),
        ("social_media_posts", "social"),
        ("email_newsletters", "newsletter"),
    ):
        assert as_role(db, actor, f"select public.delete_rows('public.{table}', array[%s]::uuid[])", (ids[row],))
    kept = superuser.execute(
        "select (select copy_updated_at from internal.deleted_crossposts),"
        " (select post_updated_at from internal.deleted_social_posts),"
        " (select last_mailed_at from internal.deleted_newsletters)"
    ).fetchone()
    assert None not in kept and not_ahead(*kept)


@pytest.mark.parametrize(
    "statement",
    [
        "alter table public.platform_republishing disable trigger keep_platform_republishing_times_not_ahead",
        "drop trigger keep_social_media_posts_times_not_ahead on public.social_media_posts",
        "alter table public.newsletter_deliveries disable trigger keep_newsletter_deliveries_sent_at_not_ahead",
        "alter table public.platform_republishing drop constraint platform_republishing_platform_url_length",
        "alter table public.social_media_posts drop constraint social_media_posts_platform_post_id_length",
        "create or replace function public.keep_times_not_ahead() returns trigger language plpgsql"
        " as $$ begin return new; end $$",
        "set local session_replication_role = replica",
        "alter table public.email_newsletters drop constraint email_newsletters_content_size",
        "select internal.newsletter_content_cut('{}')",
    ],
)
def test_no_account_turns_the_bounds_off(db, alice, statement):
    actor, _ = alice
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        as_role(db, actor, statement)


@pytest.mark.parametrize(
    ("column", "longest"),
    [("platform_post_id", 200), ("platform_url", 2048), ("platform_site", 2048), ("canonical_url", 8192),
     ("last_error", 1000)],
)  # fmt: skip
def test_the_records_of_deleted_copies_are_bounded_too(superuser, alice, column, longest):
    """Whatever writes them (0183's trigger, a restore), the records a restore reads hold no more."""
    actor, _ = alice
    values = {"platform_post_id": "'x'", column: f"repeat('a', {longest + 1})"}
    with pytest.raises(psycopg.errors.CheckViolation):
        superuser.execute(
            f"insert into internal.deleted_crossposts (author_id, blog_id, platform, id, publication_status,"
            f" created_at, copy_updated_at, {', '.join(values)}) values (%s, gen_random_uuid(), 'dev_to',"
            f" gen_random_uuid(), 'published', now(), now(), {', '.join(values.values())})",
            (actor.user_id,),
        )
    with pytest.raises(psycopg.errors.CheckViolation):
        superuser.execute(
            "insert into internal.deleted_social_posts (author_id, id, post_status, platform_post_id, post_updated_at)"
            " values (%s, gen_random_uuid(), 'published', repeat('a', 201), now())",
            (actor.user_id,),
        )


def test_no_account_stores_a_newsletter_content_past_its_bound(db, superuser, alice):
    """A newsletter's content is carried over with its deliveries, and read whole by each send: 64 MiB
    as jsonb's text (0188), the longest taken, neither on a new row nor by updating its own."""
    actor, ids = alice
    html = "jsonb_build_object('html', repeat('a', %s))"  # '{"html": "aaa..."}': 12 bytes more
    as_role(db, actor, f"update public.email_newsletters set content = {html} where id = %s",
            (CONTENT_BOUND - 12, ids["newsletter"]))  # fmt: skip
    with pytest.raises(psycopg.errors.CheckViolation):
        as_role(db, actor, f"update public.email_newsletters set content = {html} where id = %s",
                (CONTENT_BOUND - 11, ids["newsletter"]))  # fmt: skip
    with pytest.raises(psycopg.errors.CheckViolation):
        as_role(db, actor, f"insert into public.email_newsletters (title, content) values ('Big', {html})",
                (CONTENT_BOUND - 11,))  # fmt: skip
    (length,) = superuser.execute(
        "select octet_length(content::text) from public.email_newsletters where id = %s", (ids["newsletter"],)
    ).fetchone()
    assert length == CONTENT_BOUND


def test_a_social_post_deleted_unposted_is_kept_and_cannot_unpost_a_posted_ones_record(db, superuser, alice):
    """0188: a social post deleted before it was posted is kept (no remote id), so a restore of an
    earlier backup does not post the backup's copy; one posted keeps its remote id (a status other
    than published keeps none). Alice, reusing her posted one's id (ids are insertable) for one she
    deletes unposted, does not make its record say unposted: a restore would post the backup's again."""
    actor, ids = alice
    delete = "select public.delete_rows('public.social_media_posts', array[%s]::uuid[])"
    as_role(db, actor, delete, (ids["social"],))  # posted: remote id 7
    as_role(
        db, actor,
        "insert into public.social_media_posts (id, blog_id, social_profile_id, post_status)"
        " values (%s, %s, %s, 'scheduled')",
        (ids["social"], ids["post"], ids["profile"]),
    )  # fmt: skip
    as_role(db, actor, delete, (ids["social"],))
    [(unposted,)] = as_role(
        db, actor,
        "insert into public.social_media_posts (blog_id, social_profile_id, post_status, platform_post_id)"
        " values (%s, %s, 'failed', '8') returning id",
        (ids["post"], ids["profile"]),
    )  # fmt: skip
    as_role(db, actor, delete, (unposted,))
    kept = superuser.execute(
        "select id, post_status::text, platform_post_id from internal.deleted_social_posts order by 3 nulls last"
    ).fetchall()
    assert kept == [(ids["social"], "published", "7"), (unposted, "failed", None)]


def test_a_newsletter_deleted_unmailed_is_kept_and_cannot_unmail_a_mailed_ones_record(db, superuser, alice, make_user):
    """0190: a newsletter deleted before it mailed anyone is kept (its id and when, 0 mailed), so a
    restore of an earlier backup, where it is scheduled, makes it a draft. Alice, reusing her mailed
    one's id (ids are insertable) for one she deletes unmailed, does not make its record say it
    mailed nobody: a restore would bring the backup's copy back a draft, which `newsletter send`
    mails to everyone again (whom it mailed went with it), instead of sent. Bob writes no record of
    hers: not by a newsletter in her name, nor by deleting hers, nor by one of his with her id."""
    actor, ids = alice
    bob = make_user()
    delete = "select public.delete_rows('public.email_newsletters', array[%s]::uuid[])"
    as_role(
        db, actor,
        "insert into public.newsletter_deliveries (newsletter_id, email, outcome, message_id)"
        " values (%s, 'a@example.com', 'sent', 'm1'), (%s, 'b@example.com', 'sent', 'm2'),"
        " (%s, 'c@example.com', 'refused', 'm3')",
        (ids["newsletter"],) * 3,
    )  # fmt: skip
    [(mine,)] = as_role(db, actor, "insert into public.email_newsletters (title) values ('Mine') returning id")
    assert as_role(db, bob, delete, (mine,)) == []  # not his: nothing deleted, nothing kept
    assert superuser.execute("select count(*) from internal.deleted_newsletters").fetchone() == (0,)
    as_role(db, actor, delete, (ids["newsletter"],))  # mailed 2
    [(mailed_at,)] = superuser.execute("select last_mailed_at from internal.deleted_newsletters").fetchall()
    as_role(db, actor, "insert into public.email_newsletters (id, title) values (%s, 'Again')", (ids["newsletter"],))
    as_role(db, actor, delete, (ids["newsletter"],))
    as_role(db, actor, delete, (mine,))
    with pytest.raises(psycopg.errors.InsufficientPrivilege):  # RLS: not in another's name
        as_role(db, bob, "insert into public.email_newsletters (user_id, title) values (%s, 'Hers')", (actor.user_id,))
    as_role(db, bob, "insert into public.email_newsletters (id, title) values (%s, 'Bob')", (ids["newsletter"],))
    as_role(db, bob, delete, (ids["newsletter"],))
    kept = superuser.execute(
        "select user_id, id, mailed, last_mailed_at from internal.deleted_newsletters order by mailed desc, user_id = %s",
        (bob.user_id,),
    ).fetchall()
    assert kept == [
        (actor.user_id, ids["newsletter"], 2, mailed_at),
        (actor.user_id, mine, 0, None),
        (bob.user_id, ids["newsletter"], 0, None),
    ]
