"""The shared tag table (blog_tags), flooded by one account with its own credentials (0112).

Every account adds names to the one tag table, through public.tag_ids or a plain INSERT. A red
team account added 100,000 tags no post used in 0.9 s; since 0112 an account creates at most
10,000 new tags a day, however it sends them, and tagging with existing names is never limited.
"""

from __future__ import annotations

import psycopg
import pytest

from blogster_cli.actors import ActingUser
from blogster_cli.db.acting import acting_transaction
from blogster_cli.errors import BlogsterError
from blogster_cli.services import blogs
from blogster_cli.services.post_steps import NewBlog
from tests.security.test_login_roles import LOGIN_PASSWORD, login_as

CAP = 10_000
REFUSED = "10,000 new tags today"


def tag_count(superuser) -> int:
    return superuser.execute("select count(*) from public.blog_tags").fetchone()[0]


def tag_ids(db, actor, names: list[str]) -> int:
    with db.connect() as conn, acting_transaction(conn, actor.role_name):
        return len(conn.execute("select * from public.tag_ids(%s::text[])", (names,)).fetchall())


def created_today(superuser, actor, created: int) -> None:
    """The account's count of tags created today, as if it had made that many."""
    superuser.execute(
        "insert into internal.tag_creation_rates (account_id, day, created)"
        " values (%s, (now() at time zone 'UTC')::date, %s)"
        " on conflict (account_id) do update set day = excluded.day, created = excluded.created",
        (actor.user_id, created),
    )


def test_an_account_cannot_fill_the_shared_tag_table(db, superuser, make_user):
    """The red team's flood through tag_ids is refused whole; 10,000 new names a day pass, the
    next one is refused, existing names (anyone's) still resolve, other accounts are not
    counted with this one, and the next UTC day starts again."""
    mallory, bob = make_user(), make_user()
    tag_ids(db, bob, ["python", "rust"])
    before = tag_count(superuser)
    with pytest.raises(psycopg.errors.ProgramLimitExceeded, match=REFUSED):
        tag_ids(db, mallory, [f"junk-{n}" for n in range(100_000)])
    assert tag_count(superuser) == before
    assert tag_ids(db, mallory, [f"junk-{n}" for n in range(CAP)]) == CAP
    with pytest.raises(psycopg.errors.ProgramLimitExceeded, match=REFUSED):
        tag_ids(db, mallory, ["one-more"])
    assert tag_ids(db, mallory, ["Python", "rust", "junk-1"]) == 3  # existing names cost nothing
    assert tag_ids(db, bob, ["bobs-own"]) == 1
    assert tag_count(superuser) == before + CAP + 1
    superuser.execute("update internal.tag_creation_rates set day = day - 1 where account_id = %s", (mallory.user_id,))
    assert tag_ids(db, mallory, ["tomorrow"]) == 1


def test_a_transaction_begun_before_midnight_does_not_start_the_count_again(db, superuser, make_user):
    """A red team held transactions open across midnight (UTC): one begun the day before found
    the next day's count stored, took it for a new day and started at zero, so alternating old
    and new transactions multiplied the cap. The count goes into the later day instead."""
    mallory = make_user()
    created_today(superuser, mallory, CAP)
    superuser.execute("update internal.tag_creation_rates set day = day + 1 where account_id = %s", (mallory.user_id,))
    with pytest.raises(psycopg.errors.ProgramLimitExceeded, match=REFUSED):  # "today" is the stored day's eve
        tag_ids(db, mallory, ["after-midnight"])
    assert superuser.execute(
        "select day - (now() at time zone 'UTC')::date, created from internal.tag_creation_rates where account_id = %s",
        (mallory.user_id,),
    ).fetchone() == (1, CAP)


@pytest.mark.parametrize(
    "statement",
    [
        "insert into public.blog_tags (name) values ('a'), ('b')",
        "insert into public.blog_tags (name) select 'flood-' || n from generate_series(1, 5) n",
        "insert into public.blog_tags (name) values ('a') on conflict do nothing",
    ],
)
def test_a_plain_insert_counts_against_the_same_cap(db, superuser, make_user, statement):
    """The policy lets an account INSERT names itself: those count too, on the account's own
    login (a shared server) as under its role; a name that exists already costs nothing."""
    mallory = make_user(login_password=LOGIN_PASSWORD)
    superuser.execute("insert into public.blog_tags (name) values ('taken')")
    created_today(superuser, mallory, CAP)
    before = tag_count(superuser)
    with pytest.raises(psycopg.errors.ProgramLimitExceeded, match=REFUSED):
        with db.connect() as conn, acting_transaction(conn, mallory.role_name):
            conn.execute(statement)
    with login_as(db, mallory.role_name) as conn:
        with pytest.raises(psycopg.errors.ProgramLimitExceeded, match=REFUSED):
            conn.execute(statement)
        conn.execute("insert into public.blog_tags (name) values ('TAKEN') on conflict do nothing")
    assert tag_count(superuser) == before
    created_today(superuser, mallory, CAP - 5)
    with login_as(db, mallory.role_name) as conn:
        conn.execute(statement)
    assert tag_count(superuser) > before


def test_the_administrators_login_and_restores_are_not_counted(db, superuser, make_user):
    """Rows written without an account (a restore, the admin's own login) keep loading."""
    superuser.execute(
        "insert into public.blog_tags (name) select 'restored-' || n from generate_series(1, %s) n", (CAP + 5,)
    )
    assert superuser.execute("select count(*) from internal.tag_creation_rates").fetchone() == (0,)


def test_the_cap_reaches_the_user_as_one_clear_line(db, superuser, make_user):
    """Through the services (what `blogs create --tags` and `blogs tag` run): the error says
    what happened and what to do; the post is not created half-tagged."""
    actor = make_user()
    acting = ActingUser(db, actor)
    created_today(superuser, actor, CAP)
    with pytest.raises(BlogsterError, match=REFUSED) as caught:
        blogs.create(acting, new=NewBlog(title="Tagged", markdown="Words.", tags=["brand-new"]))
    assert "\n" not in str(caught.value) and "try again tomorrow" in str(caught.value)
    assert superuser.execute("select count(*) from public.blogs where author_id = %s", (actor.user_id,)).fetchone() == (
        0,
    )
    tag_ids(db, make_user(), ["existing"])
    post = blogs.create(acting, new=NewBlog(title="Tagged", markdown="Words.", tags=["existing"]))
    assert post.tags == ["existing"]
