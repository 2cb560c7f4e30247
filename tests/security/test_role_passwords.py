"""Issue 8.12: login passwords never travel to the server; a SCRAM verifier does.

A password in `CREATE/ALTER ROLE ... PASSWORD 'text'` lands in the server log under
`log_statement = ddl`. Every path that sets a login password (signup of a shared-server
account, admin reset, the user's own `auth passwd`) goes through the repository
functions below; the protocol trace of the connection shows what was sent.
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
