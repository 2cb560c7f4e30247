"""Another account's public face: `public.public_profiles(ids, usernames)`.

RLS shows an account only its own profile row, so finding a writer by username
(`blogs show AUTHOR/SLUG`, the labels of `blogs list --all-authors`) goes through this
SECURITY DEFINER function. It must answer with the public fields only (never the email,
the company or dates), only for accounts that have a published post (whose posts the
caller can read anyway), and only for names or ids asked for exactly.
"""

from __future__ import annotations

import psycopg
import pytest

from blogster_cli.actors import ActingUser
from blogster_cli.db.acting import acting_transaction, unit_of_work
from blogster_cli.services import blogs

PUBLIC_COLUMNS = ["id", "username", "full_name", "avatar_url", "website", "bio"]


@pytest.fixture
def writers(db, make_user, superuser):
    """alice (asks), bob (a published post, a full profile), carol (drafts only)."""
    alice, bob, carol = (ActingUser(db, make_user(f"{name}@example.com")) for name in ("alice", "bob", "carol"))
    blogs.create(bob, new=blogs.NewBlog(title="Hello world", markdown="Out.", status="published"))
    blogs.create(bob, new=blogs.NewBlog(title="Bob's secret draft", markdown="Not yet."))
    blogs.create(carol, new=blogs.NewBlog(title="Carol's draft", markdown="Not yet."))
    for acting, name in ((bob, "BobWrites"), (carol, "carol_hidden")):
        superuser.execute(
            "update public.profiles set username = %s, full_name = %s, company = 'Secret Corp',"
            " bio = 'Bio', website = 'https://example.com' where id = %s",
            (name, name.title(), acting.actor.user_id),
        )
    return alice, bob, carol


def call(acting: ActingUser, ids=None, usernames=None) -> list[dict]:
    with unit_of_work(acting) as conn:
        cursor = conn.execute("select * from public.public_profiles(%s::uuid[], %s::text[])", (ids, usernames))
        columns = [column.name for column in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def test_a_published_writer_is_found_by_username_with_public_fields_only(writers):
    alice, bob, _ = writers
    found = call(alice, usernames=["bobwrites"])  # case-insensitive, as usernames are unique
    assert found == [
        {"id": bob.actor.user_id, "username": "BobWrites", "full_name": "Bobwrites", "avatar_url": None,
         "website": "https://example.com", "bio": "Bio"}
    ]  # fmt: skip
    assert call(alice, ids=[bob.actor.user_id]) == found
    assert list(found[0]) == PUBLIC_COLUMNS  # no email, company, created_at, updated_at
    assert "bob@example.com" not in repr(found) and "Secret Corp" not in repr(found)


def test_an_account_without_published_posts_is_not_revealed(writers):
    alice, _, carol = writers
    assert call(alice, usernames=["carol_hidden"]) == []
    assert call(alice, ids=[carol.actor.user_id]) == []
    assert [row["username"] for row in call(carol, usernames=["carol_hidden"])] == ["carol_hidden"]  # yourself


@pytest.mark.parametrize("probe", ["%", "bob%", "_obWrites", "BobWrites' or true --", "", "bob@example.com"])
def test_patterns_and_injections_match_nothing(writers, probe):
    alice, _, _ = writers
    assert call(alice, usernames=[probe]) == []


def test_the_function_does_not_open_the_table_itself(writers, db):
    """Callers still read only their own profile row directly; anon cannot call the function."""
    alice, bob, _ = writers
    with unit_of_work(alice) as conn:
        assert conn.execute("select count(*) from public.profiles").fetchone()[0] == 1
    with db.connect() as conn, pytest.raises(psycopg.errors.InsufficientPrivilege, match="public_profiles"):
        with acting_transaction(conn, "anon"):
            conn.execute("select * from public.public_profiles(null, array['BobWrites'])")


def test_show_author_slug_finds_another_writers_post_by_username(writers):
    alice, bob, carol = writers
    post = blogs.get(alice, ref="bobwrites/hello-world")
    assert post.title == "Hello world" and post.author == "BobWrites"
    listed = blogs.list_blogs(alice, all_authors=True)
    assert {row.author for row in listed} == {"BobWrites"}
    with pytest.raises(Exception, match="no post"):
        blogs.get(alice, ref="carol_hidden/carol-s-draft")
