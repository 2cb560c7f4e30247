"""Issue 8.12: login passwords never travel to the server; a SCRAM verifier does.

A password in `CREATE/ALTER ROLE ... PASSWORD 'text'` lands in the server log under
`log_statement = ddl`. Every path that sets a login password (signup of a shared-server
account, admin reset, the user's own `auth passwd`) goes through the repository
functions below; the protocol trace of the connection shows what was sent.

An own login's `auth passwd` sets its email sign-in's argon2 hash in the same transaction, through
auth.set_own_password_hash() (0185; its costs capped by 0187): attacked below as an account's own
login would, it writes the caller's row only, takes only a hash of Blogster's form and costs, and no
other role may call it.
"""

import os
import uuid

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import make_conninfo

from blogster_cli.repositories import accounts

PASSWORD = "tr4vel-never-" + uuid.uuid4().hex[:8]
NEW_PASSWORD = "and-n0t-this-one-" + uuid.uuid4().hex[:8]


@pytest.fixture
def role_name(db):
    name = "u_" + uuid.uuid4().hex
    yield name
    with db.connect() as conn:
        conn.execute(sql.SQL("drop role if exists {}").format(sql.Identifier(name)))


def sent_bytes(conn, tmp_path, action) -> bytes:
    """Everything libpq sent and received on `conn` while `action(conn)` ran."""
    trace = tmp_path / "libpq.trace"
    with trace.open("wb") as handle:
        conn.pgconn.trace(handle.fileno())
        try:
            action(conn)
        finally:
            conn.pgconn.untrace()
    return trace.read_bytes()


def stored_password(conn, role_name):
    return conn.execute("select rolpassword from pg_authid where rolname = %s", (role_name,)).fetchone()[0]


def test_create_and_alter_role_send_a_verifier_not_the_password(db, role_name, tmp_path):
    with db.connect() as conn:
        traffic = sent_bytes(
            conn, tmp_path, lambda c: accounts.create_role(c, role_name=role_name, login_password=PASSWORD)
        )
        assert b"SCRAM-SHA-256$4096:" in traffic
        assert PASSWORD.encode() not in traffic
        assert stored_password(conn, role_name).startswith("SCRAM-SHA-256$4096:")

        traffic = sent_bytes(
            conn, tmp_path, lambda c: accounts.set_login_password(c, role_name=role_name, password=NEW_PASSWORD)
        )
        assert NEW_PASSWORD.encode() not in traffic
        assert stored_password(conn, role_name).startswith("SCRAM-SHA-256$4096:")


@pytest.mark.skipif(
    not os.environ.get("BLOGSTER_TEST_DATABASE_URL"),
    reason="password checks need a TCP server with password auth (BLOGSTER_TEST_DATABASE_URL); "
    "the embedded socket trusts its owner",
)
def test_the_verifier_logs_in_with_the_password_and_only_with_it(db, role_name):
    with db.connect() as conn:
        accounts.create_role(conn, role_name=role_name, login_password=PASSWORD)
    with psycopg.connect(make_conninfo(db.conninfo, user=role_name, password=PASSWORD)) as conn:
        assert conn.execute("select current_user").fetchone()[0] == role_name
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(make_conninfo(db.conninfo, user=role_name, password=PASSWORD + "x"))


# -- auth.set_own_password_hash(): an own login's `auth passwd` sets its email sign-in's hash (0185) ----

SET_OWN_HASH = "select auth.set_own_password_hash(%s)"
HASH_OF = "select id, encrypted_password from auth.users where id in (%s, %s)"


@pytest.fixture
def alice_and_bob(make_user, superuser):
    """Two accounts with their own logins, each with a live email session."""
    from tests.security.test_login_roles import LOGIN_PASSWORD

    pair = make_user(login_password=LOGIN_PASSWORD), make_user(login_password=LOGIN_PASSWORD)
    for account in pair:
        superuser.execute(
            "insert into auth.sessions (user_id, token_hash, expires_at) values (%s, %s, now() + interval '1 day')",
            (account.user_id, os.urandom(32)),
        )
    return pair


def own_login(db, account):
    from tests.security.test_login_roles import login_as

    return login_as(db, account.role_name)


def live_sessions(superuser, account) -> int:
    return superuser.execute(
        "select count(*) from auth.sessions where user_id = %s and revoked_at is null", (account.user_id,)
    ).fetchone()[0]


def argon2id(password: str, **costs: int) -> str:
    from argon2 import PasswordHasher

    return PasswordHasher(**{"time_cost": 1, "memory_cost": 8, "parallelism": 1, **costs}).hash(password)


def test_an_own_login_sets_its_own_email_password_and_nobody_elses(db, alice_and_bob, superuser):
    """It takes no id: the one row it writes is the caller's (auth.uid()). Its email sessions end with
    it; another account's hash and sessions are untouched, and auth.users stays closed to it."""
    alice, bob = alice_and_bob
    before = dict(superuser.execute(HASH_OF, (alice.user_id, bob.user_id)).fetchall())
    new_hash = argon2id(NEW_PASSWORD)
    with own_login(db, alice) as conn:
        conn.execute(SET_OWN_HASH, (new_hash,))
        with pytest.raises(psycopg.errors.UndefinedFunction):  # no way to name another account
            conn.execute("select auth.set_own_password_hash(%s, %s)", (new_hash, bob.user_id))
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("update auth.users set encrypted_password = %s where id = %s", (new_hash, bob.user_id))
    after = dict(superuser.execute(HASH_OF, (alice.user_id, bob.user_id)).fetchall())
    assert after == {alice.user_id: new_hash, bob.user_id: before[bob.user_id]}
    assert (live_sessions(superuser, alice), live_sessions(superuser, bob)) == (0, 1)


@pytest.mark.parametrize("costs", ["m=65536,t=3,p=4", "m=102400,t=2,p=8", "m=262144,t=8,p=8"])
def test_the_costs_blogster_makes_are_taken(db, alice_and_bob, superuser, costs):
    """RFC 9106's low-memory profile (argon2-cffi's default, what Blogster hashes with), argon2-cffi's
    defaults before 21.2, and the largest costs taken (0187: 256 MiB, 8 passes, 8 lanes), spelled on a
    cheap hash: the function does not check it. The tests' own cheap costs are taken by every test here."""
    alice, _ = alice_and_bob
    spelled = argon2id(NEW_PASSWORD).replace("m=8,t=1,p=1", costs)
    with own_login(db, alice) as conn:
        conn.execute(SET_OWN_HASH, (spelled,))
    stored = superuser.execute("select encrypted_password from auth.users where id = %s", (alice.user_id,))
    assert stored.fetchone() == (spelled,)


# What an account might store as its hash, made from a valid one (argon2id at the tests' cost).
REFUSED_HASHES = {
    "null": lambda valid: None,
    "empty": lambda valid: "",
    "the password itself": lambda valid: NEW_PASSWORD,
    "huge": lambda valid: valid + "A" * 1_000_000,  # refused by its length, never matched
    "bcrypt": lambda valid: "$2b$12$" + "a" * 53,
    "argon2i": lambda valid: valid.replace("$argon2id$", "$argon2i$"),
    "argon2d": lambda valid: valid.replace("$argon2id$", "$argon2d$"),
    "another version": lambda valid: valid.replace("$v=19$", "$v=16$"),
    "a second line": lambda valid: valid + "\n",
    "a quote and more": lambda valid: valid + "' or true --",
    "4 GiB per check": lambda valid: valid.replace("m=8,", "m=4194304,"),  # every later sign-in would pay it
    # RFC 9106's high-memory profile: 2 GiB and about a minute per sign-in at 0185's 16 passes (0187).
    "argon2's high-memory profile": lambda valid: valid.replace("m=8,t=1,p=1", "m=2097152,t=1,p=4"),
    "a KiB past 256 MiB": lambda valid: valid.replace("m=8,t=1,p=1", "m=262145,t=8,p=8"),
    "a ninth pass": lambda valid: valid.replace("m=8,t=1,p=1", "m=262144,t=9,p=8"),
    "a ninth lane": lambda valid: valid.replace("m=8,t=1,p=1", "m=262144,t=8,p=9"),
    "100 passes": lambda valid: valid.replace("t=1,", "t=100,"),
    "64 lanes": lambda valid: valid.replace("p=1$", "p=64$"),
    "no memory": lambda valid: valid.replace("m=8,", "m=0,"),
    "a short salt": lambda valid: "$".join([*valid.split("$")[:4], "c2FsdA", valid.split("$")[5]]),
    "a long digest": lambda valid: valid + "A" * 90,  # 133 characters, the whole under the length bound
}


@pytest.mark.parametrize("kind", REFUSED_HASHES)
def test_set_own_password_hash_refuses_what_blogster_does_not_make(db, alice_and_bob, superuser, kind):
    alice, bob = alice_and_bob
    value = REFUSED_HASHES[kind](argon2id(NEW_PASSWORD))
    before = dict(superuser.execute(HASH_OF, (alice.user_id, bob.user_id)).fetchall())
    with own_login(db, alice) as conn, pytest.raises(psycopg.errors.InvalidParameterValue):
        conn.execute(SET_OWN_HASH, (value,))
    assert dict(superuser.execute(HASH_OF, (alice.user_id, bob.user_id)).fetchall()) == before
    assert live_sessions(superuser, alice) == 1


def test_the_hash_and_the_logins_password_change_together_or_not_at_all(db, alice_and_bob, superuser):
    """`auth passwd` on an own login alters its role's password and sets the hash in one transaction:
    a hash refused rolls the role's new password back with it."""
    alice, _ = alice_and_bob
    password_before = stored_password(superuser, alice.role_name)
    with own_login(db, alice) as conn:
        with pytest.raises(psycopg.errors.InvalidParameterValue), conn.transaction():
            accounts.set_login_password(conn, role_name=alice.role_name, password=NEW_PASSWORD)
            conn.execute(SET_OWN_HASH, ("not-a-hash",))
        assert stored_password(superuser, alice.role_name) == password_before
        with conn.transaction():
            accounts.set_own_password_hash(conn, password_hash=argon2id(NEW_PASSWORD))
            accounts.set_login_password(conn, role_name=alice.role_name, password=NEW_PASSWORD)
    assert stored_password(superuser, alice.role_name) != password_before


def test_a_deleted_account_sets_no_password(db, alice_and_bob, superuser):
    """One awaiting its purge (`account delete` on its own login) keeps its hash, and its login the
    password nobody knows: the function refuses, so the role's new password in its transaction goes too."""
    alice, _ = alice_and_bob
    superuser.execute("update auth.users set deleted_at = now() where id = %s", (alice.user_id,))
    before = superuser.execute("select encrypted_password from auth.users where id = %s", (alice.user_id,)).fetchone()
    with own_login(db, alice) as conn, pytest.raises(psycopg.errors.NoDataFound):
        conn.execute(SET_OWN_HASH, (argon2id(NEW_PASSWORD),))
    after = superuser.execute("select encrypted_password from auth.users where id = %s", (alice.user_id,)).fetchone()
    assert after == before


@pytest.mark.parametrize("role", ["anon", "service_role", "blogster_admin", "blogster_owner", None])
def test_only_an_account_may_set_its_own_password_hash(db, superuser, role):
    """anon and the other roles hold no EXECUTE; a role that is no account (the superuser itself, None
    here) is refused by the function: it has no own row."""
    if role is not None:
        assert not superuser.execute(
            "select has_function_privilege(%s, 'auth.set_own_password_hash(text)', 'EXECUTE')", (role,)
        ).fetchone()[0]
    with pytest.raises(psycopg.errors.InsufficientPrivilege), superuser.transaction():
        if role is not None:
            superuser.execute(sql.SQL("set local role {}").format(sql.Identifier(role)))
        superuser.execute(SET_OWN_HASH, (argon2id(NEW_PASSWORD),))
