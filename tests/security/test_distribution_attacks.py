"""A second user attacks cross-post copies, newsletters, subscribers and the send ledger, by raw SQL
as their role and through the CLI; tokens never reach the database."""

from __future__ import annotations

import psycopg
import pytest

from blogster_cli.db.acting import acting_transaction
from tests.cli import conftest as cli_fixtures
from tests.cli.conftest import PASSWORD
from tests.smtp_server import smtp_server

cli = cli_fixtures.cli  # the CLI runner fixture, as tests/cli uses it


@pytest.fixture
def alices_distribution(make_user, superuser):
    alice, bob = make_user(), make_user()
    (blog_id,) = superuser.execute(
        "insert into public.blogs (title, slug, author_id, status, published_at)"
        " values ('A post', 'a-post', %s, 'published', now()) returning id",
        (alice.user_id,),
    ).fetchone()
    (copy_id,) = superuser.execute(
        "insert into public.platform_republishing (blog_id, platform, platform_post_id, canonical_url)"
        " values (%s, 'dev_to', '1001', 'https://alice.example/a-post/') returning id",
        (blog_id,),
    ).fetchone()
    (newsletter_id,) = superuser.execute(
        "insert into public.email_newsletters (user_id, title, blog_ids) values (%s, 'Secret letter', array[%s]::uuid[])"
        " returning id",
        (alice.user_id, blog_id),
    ).fetchone()
    (subscriber_id, token) = superuser.execute(
        "insert into public.newsletter_subscribers (user_id, email) values (%s, 'fan@example.com')"
        " returning id, unsubscribe_token",
        (alice.user_id,),
    ).fetchone()
    superuser.execute(
        "insert into public.newsletter_deliveries (user_id, newsletter_id, email, outcome, message_id)"
        " values (%s, %s, 'fan@example.com', 'sent', '<m@x>')",
        (alice.user_id, newsletter_id),
    )
    return alice, bob, blog_id, copy_id, newsletter_id, subscriber_id, token


def snapshot(superuser):
    return [
        superuser.execute(f"select to_jsonb(t)::text from public.{table} t order by 1").fetchall()
        for table in (
            "platform_republishing",
            "email_newsletters",
            "newsletter_subscribers",
            "newsletter_deliveries",
            "social_media_posts",
            "interactive_content",
        )
    ]


def bob_id(superuser):
    return superuser.execute("select id from auth.users where email = 'bob@example.com'").fetchone()[0]


def as_role(db, actor, statement, params=()):
    with db.connect() as conn, acting_transaction(conn, actor.role_name):
        cursor = conn.execute(statement, params)
        return cursor.fetchall() if cursor.description else cursor.rowcount


def test_bob_cannot_read_change_or_delete_alices_distribution_by_sql(db, superuser, alices_distribution):
    alice, bob, blog_id, copy_id, newsletter_id, subscriber_id, token = alices_distribution
    before = snapshot(superuser)
    for table in ("platform_republishing", "email_newsletters", "newsletter_subscribers", "newsletter_deliveries"):
        assert as_role(db, bob, f"select * from public.{table}") == [], table
    # Unsubscribing Alice's reader with a token Bob learnt (e.g. from a forwarded mail) changes nothing.
    assert (
        as_role(
            db,
            bob,
            "update public.newsletter_subscribers set unsubscribed_at = now() where unsubscribe_token = %s",
            (token,),
        )
        == 0
    )
    assert as_role(db, bob, "update public.platform_republishing set platform_post_id = '666'") == 0
    assert as_role(db, bob, "update public.email_newsletters set status = 'sent'") == 0
    for table, row_id in (
        ("platform_republishing", copy_id),
        ("email_newsletters", newsletter_id),
        ("newsletter_subscribers", subscriber_id),
    ):
        assert (
            as_role(db, bob, "select public.delete_rows(%s::regclass, array[%s]::uuid[])", (f"public.{table}", row_id))
            == []
        )
    for statement, params in [
        ("delete from public.newsletter_subscribers", ()),  # no table-level DELETE
        ("delete from public.newsletter_deliveries", ()),
        ("update public.newsletter_deliveries set outcome = 'refused'", ()),  # the ledger is append-only
        ("update public.newsletter_subscribers set email = 'x@example.com'", ()),  # only name, unsubscribed_at
        ("insert into public.platform_republishing (blog_id, platform) values (%s, 'hashnode')", (blog_id,)),
        (
            "insert into public.newsletter_deliveries (newsletter_id, email, outcome, message_id)"
            " values (%s, 'fan2@example.com', 'sent', '<x>')",
            (newsletter_id,),
        ),
        (
            "insert into public.newsletter_subscribers (user_id, email) values (%s, 'planted@example.com')",
            (alice.user_id,),
        ),
        ("insert into public.email_newsletters (title, blog_ids) values ('x', array[%s]::uuid[])", (blog_id,)),
    ]:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            as_role(db, bob, statement, params)
    as_role(db, bob, "insert into public.newsletter_subscribers (email) values ('mine@example.com')")
    with pytest.raises(psycopg.errors.InsufficientPrivilege):  # moving his row onto Alice's list
        as_role(db, bob, "update public.newsletter_subscribers set user_id = %s", (alice.user_id,))
    after = snapshot(superuser)
    assert after[:2] == before[:2] and after[3] == before[3]
    assert [r for r in after[2] if "planted" in r[0] or str(alice.user_id) in r[0]] == before[2]


def test_bob_cannot_reach_alices_distribution_through_the_cli(cli, superuser, tmp_path):
    signup = ("auth", "signup", "--password-stdin")
    assert cli(*signup, "--email", "alice@example.com", input=PASSWORD + "\n").exit_code == 0
    post = tmp_path / "p.md"
    post.write_text("---\ntitle: Alice secret\n---\nHello.\n")
    assert cli("blogs", "new", "--from", str(post), "--status", "published", "--slug", "alice-secret").exit_code == 0
    letter = cli("newsletter", "create", "--blogs", "alice-secret", "--subject", "Alice letter", "--json").json()
    readers = tmp_path / "readers.csv"
    readers.write_text("email\nfan@example.com\n")
    assert cli("newsletter", "subscribers", "import", str(readers)).exit_code == 0
    assert cli("platforms", "connect", "devto", "--token-stdin", input="alice-devto-token\n").exit_code == 0
    social = cli("social", "new", "alice-secret", "--platform", "twitter", "--text", "Alice teaser", "--json").json()
    poll = tmp_path / "poll.json"
    poll.write_text('{"question": "Alice asks?", "options": ["a", "b"]}')
    assert cli("interactive", "create", "poll", "--title", "Alice poll", "--structure", str(poll)).exit_code == 0
    assert cli("auth", "logout").exit_code == 0
    assert cli(*signup, "--email", "bob@example.com", input=PASSWORD + "\n").exit_code == 0
    superuser.execute(  # Alice's social post is due: Bob's post-due must not post it
        "update public.social_media_posts set post_status = 'scheduled', scheduled_time = now() - interval '1 hour'"
    )
    before = snapshot(superuser)

    with smtp_server() as (recorder, url):
        env = {"BLOGSTER_SMTP_URL": url, "BLOGSTER_DEVTO_URL": "http://127.0.0.1:9"}
        for args in (
            ("newsletter", "send", letter["id"]),
            ("newsletter", "preview", letter["id"]),
            ("crosspost", "alice-secret", "--to", "devto"),
            ("crosspost", "status", "alice-secret"),
            ("newsletter", "subscribers", "rm", "fan@example.com"),
            ("newsletter", "create", "--blogs", "alice-secret", "--subject", "Stolen"),
            ("social", "edit", social["id"], "--text", "Defaced"),
            ("social", "schedule", social["id"], "--at", "2099-01-01 09:00"),
            ("social", "rm", social["id"]),
            ("social", "new", "alice-secret", "--platform", "twitter", "--text", "Mine now"),
            ("interactive", "edit", "alice-poll", "--title", "Defaced"),
            ("interactive", "rm", "alice-poll"),
            ("interactive", "create", "poll", "--title", "x", "--structure", str(poll), "--blog", "alice-secret"),
        ):
            result = cli(*args, env=env)
            assert result.exit_code == 3, (args, result.stderr)
            assert "Alice letter" not in result.stderr and "fan@example.com" not in result.stderr.replace(args[-1], "")
        assert recorder.messages == []
        # Alice's newsletter's tracking requests in Bob's log, and Bob's due-work runs, touch nothing of hers.
        from blogster_cli.distribution.newsletter import reader_key

        log = tmp_path / "access.log"
        key = reader_key(letter["id"], "fan@example.com")
        log.write_text(f'1.2.3.4 - - [x] "GET /_n/open.gif?nl={letter["id"]}&r={key} HTTP/1.1" 404 0 "-" "M"\n')
        assert cli("newsletter", "stats", "--from-log", str(log), "--json").json() == []
        twitter = {"BLOGSTER_TWITTER_URL": "http://127.0.0.1:9", "BLOGSTER_TWITTER_TOKEN": "bobs-token"}
        assert cli("social", "post-due", "--json", env=twitter).json() == []
        ran = cli("calendar", "run-due", "--json", env={**env, **twitter}).json()
        assert ran["social_due"] == [] and ran["newsletters_due"] == [] and ran["errors"] == []
    assert cli("newsletter", "list", "--json").json() == []
    assert cli("newsletter", "subscribers", "list", "--json").json() == []
    assert cli("crosspost", "status", "--json").json() == []
    assert cli("social", "list", "--json").json() == []
    assert cli("interactive", "list", "--json").json() == []
    # Tracking ids are unique per owner: Bob may use the same one, and hers is untouched.
    assert cli("interactive", "create", "poll", "--title", "Alice poll", "--structure", str(poll)).exit_code == 0
    # Her reader's address is not on his list: refused like any address not on it (nothing changes).
    refused = cli("newsletter", "unsubscribe", "fan@example.com", "--json")
    assert refused.exit_code == 3 and "not on your subscribers list" in refused.stderr
    after = snapshot(superuser)
    assert (
        after[:5] == before[:5]
        and [r for r in after[5] if "Alice poll" in r[0] and str(bob_id(superuser)) not in r[0]] == before[5]
    )
    # Tokens live in the keyring (here the 0600 file), never in a table.
    for table in ("platform_republishing", "social_media_profiles", "email_newsletters", "newsletter_subscribers"):
        (count,) = superuser.execute(
            f"select count(*) from public.{table} t where to_jsonb(t)::text like '%%alice-devto-token%%'"
        ).fetchone()
        assert count == 0


DELETED_COPIES, DELETED_SOCIAL = "internal.deleted_crossposts", "internal.deleted_social_posts"


@pytest.fixture
def alices_records(db, superuser, alices_distribution):
    """Alice's post purged after its copy (remote id 1001) and a social post (remote id 7) were made:
    0183 keeps both remote ids, for a restore of an earlier backup."""
    alice, _, blog_id, *_ = alices_distribution
    (profile,) = superuser.execute(
        "insert into public.social_media_profiles (user_id, platform, profile_id, is_connected)"
        " values (%s, 'twitter', 'alice', true) returning id",
        (alice.user_id,),
    ).fetchone()
    superuser.execute(
        "insert into public.social_media_posts (blog_id, social_profile_id, post_status, platform_post_id)"
        " values (%s, %s, 'published', '7'), (%s, %s, 'scheduled', null)",
        (blog_id, profile, blog_id, profile),
    )
    assert as_role(db, alice, "select public.delete_rows('public.blogs', array[%s]::uuid[])", (blog_id,)) != []
    return alice, records(superuser)


def records(superuser):
    return [
        superuser.execute(f"select author_id, platform_post_id from {DELETED_COPIES} order by 2").fetchall(),
        superuser.execute(f"select author_id, platform_post_id from {DELETED_SOCIAL} order by 2").fetchall(),
    ]


@pytest.mark.parametrize(
    "statement",
    [
        f"select count(*) from {DELETED_COPIES}",
        f"select count(*) from {DELETED_SOCIAL}",
        f"delete from {DELETED_COPIES}",
        f"delete from {DELETED_SOCIAL}",
        f"update {DELETED_COPIES} set platform_post_id = '666'",
        f"insert into {DELETED_COPIES} (author_id, blog_id, platform, id, platform_post_id, publication_status,"
        " created_at, copy_updated_at) values (auth.uid(), gen_random_uuid(), 'dev_to', gen_random_uuid(), '666',"
        " 'published', now(), now())",
        f"insert into {DELETED_SOCIAL} (author_id, id, post_status, platform_post_id, post_updated_at)"
        " values (auth.uid(), gen_random_uuid(), 'published', '666', now())",
        "select internal.remember_deleted_crosspost()",
        "alter table public.platform_republishing disable trigger remember_deleted_crosspost",
        "alter table public.social_media_posts disable trigger remember_deleted_social_post",
        "drop trigger remember_deleted_social_post on public.social_media_posts",
        "set local session_replication_role = replica",
    ],
)
@pytest.mark.parametrize("who", ["alice", "admin"])
def test_no_account_reaches_the_records_of_deleted_copies(db, superuser, make_user, alices_records, statement, who):
    """0183's records of deleted copies and social posts decide what a restore does not do again:
    no account (nor an administrator's) reads, forges, changes or deletes them, or skips the trigger
    that writes them (no USAGE on `internal`, no owner's rights on the tables)."""
    alice, before = alices_records
    actor = alice if who == "alice" else make_user("root@example.com", admin=True)
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        as_role(db, actor, statement)
    assert records(superuser) == before


def test_a_deleted_copy_or_posted_social_post_is_kept_as_its_accounts_and_goes_with_it(db, superuser, alices_records):
    """0183: the copy's and the posted social post's remote ids are kept as Alice's, whether her post's
    purge took them or she removed one herself; a social post never posted is kept without one (0188:
    a restore does not post the backup's). Her account's deletion (with another copy and posted social
    post of hers going) removes them and records nothing."""
    alice, before = alices_records
    assert before == [[(alice.user_id, "1001")], [(alice.user_id, "7"), (alice.user_id, None)]]
    (blog_id,) = superuser.execute(
        "insert into public.blogs (title, slug, author_id) values ('B', 'b', %s) returning id", (alice.user_id,)
    ).fetchone()
    (copy_id,) = superuser.execute(
        "insert into public.platform_republishing (blog_id, platform, platform_post_id) values (%s, 'hashnode', 'h1')"
        " returning id",
        (blog_id,),
    ).fetchone()
    assert as_role(
        db, alice, "select public.delete_rows('public.platform_republishing', array[%s]::uuid[])", (copy_id,)
    )
    assert records(superuser)[0] == [(alice.user_id, "1001"), (alice.user_id, "h1")]
    superuser.execute(
        "insert into public.platform_republishing (blog_id, platform, platform_post_id) values (%s, 'dev_to', 'd2')",
        (blog_id,),
    )
    superuser.execute(
        "insert into public.social_media_posts (blog_id, social_profile_id, post_status, platform_post_id)"
        " select %s, p.id, 'published', 's2' from public.social_media_profiles p where p.user_id = %s",
        (blog_id, alice.user_id),
    )
    superuser.execute("delete from auth.users where id = %s", (alice.user_id,))
    assert records(superuser) == [[], []]
