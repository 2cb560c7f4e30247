"""0122: internal.accounts_in_good_standing(uuid[]) tells the workers (service_role) which of the
accounts with due work are neither banned nor awaiting their purge. What an account (with its
own login, or as its role), an administrator and anon try, to learn another account's ban
through it or around it, and must not get (becoming service_role: test_login_roles)."""

from __future__ import annotations

import psycopg
import pytest

from blogster_cli.db.acting import acting_transaction
from tests.security.test_login_roles import LOGIN_PASSWORD, login_as

STANDING = "select * from internal.accounts_in_good_standing(array[%s::uuid])"
ATTACKS = [
    STANDING,
    "select internal.accounts_in_good_standing(array[%s::uuid])",
    "select banned_until from auth.users where id = %s::uuid",
    "select count(*) from auth.users where id = %s::uuid and banned_until > now()",
]


@pytest.fixture
def alice_and_banned_bob(make_user, superuser):
    alice, bob = make_user(login_password=LOGIN_PASSWORD), make_user(login_password=LOGIN_PASSWORD)
    superuser.execute("update auth.users set banned_until = now() + interval '3 days' where id = %s", (bob.user_id,))
    return alice, bob


@pytest.mark.parametrize("statement", ATTACKS)
def test_an_account_with_its_own_login_learns_no_ban(db, alice_and_banned_bob, statement):
    alice, bob = alice_and_banned_bob
    with login_as(db, alice.role_name) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute(statement, (str(bob.user_id),))


@pytest.mark.parametrize("statement", ATTACKS)
@pytest.mark.parametrize("who", ["author", "admin", "anon"])
def test_no_user_role_calls_it_or_reads_bans(db, make_user, alice_and_banned_bob, statement, who):
    _, bob = alice_and_banned_bob
    role = "anon" if who == "anon" else make_user(admin=who == "admin").role_name
    with db.connect() as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        with acting_transaction(conn, role):
            conn.execute(statement, (str(bob.user_id),))


def test_the_worker_learns_only_which_of_the_accounts_it_names_may_act(db, alice_and_banned_bob, make_user, superuser):
    """service_role gets ids back, only of accounts it named, never a ban's end or an email."""
    alice, bob = alice_and_banned_bob
    carol = make_user()
    superuser.execute("update auth.users set deleted_at = now() where id = %s", (carol.user_id,))
    with db.connect() as conn, acting_transaction(conn, "service_role"):
        named = [alice.user_id, bob.user_id, carol.user_id]
        assert conn.execute("select * from internal.accounts_in_good_standing(%s::uuid[])", (named,)).fetchall() == [
            (alice.user_id,)
        ]
        assert conn.execute("select * from internal.accounts_in_good_standing('{}'::uuid[])").fetchall() == []
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("select banned_until from auth.users")
