"""blogster admin workers add | list | rm: the queue-bookkeeping logins of worker hosts."""

from __future__ import annotations

import os
import subprocess
import sys

import psycopg
import pytest
from psycopg.conninfo import make_conninfo

from tests.cli.conftest import PASSWORD


def test_admin_adds_lists_and_removes_a_worker_login(cli, signed_up, db, superuser):
    added = cli("admin", "workers", "add", "host-1", "--json")
    assert added.exit_code == 0, added.stderr
    login, password = added.json()["login"], added.json()["password"]
    assert login == "blogster_worker_host_1" and len(password) >= 24
    attributes = superuser.execute(
        "select rolcanlogin, rolsuper, rolbypassrls, rolcreaterole, pg_has_role(oid, 'service_role', 'MEMBER'),"
        " rolpassword like 'SCRAM-SHA-256$%%' from pg_authid where rolname = %s",
        (login,),
    ).fetchone()
    assert attributes == (True, False, False, False, True, True)
    assert cli("admin", "workers", "add", "host-1").exit_code == 5
    assert cli("admin", "workers", "add", "Bad Name!").exit_code == 2
    assert cli("admin", "workers", "list", "--format", "ids").stdout == "host-1\n"

    # The login does the queue's bookkeeping: a worker using it delivers the queued email.
    assert cli("admin", "maintenance", "schedule", "--title", "T", "--start", "2030-01-01 00:00",
               "--end", "2030-01-01 01:00").exit_code == 0  # fmt: skip
    worker_url = make_conninfo(db.conninfo, user=login, password=password)
    # Everything the worker does goes through its own login: the administrative one is unusable.
    unusable = make_conninfo(db.conninfo, user="postgres", dbname="no_such_database", password="wrong")
    env = dict(os.environ, BLOGSTER_DATABASE_URL=unusable, BLOGSTER_WORKER_DATABASE_URL=worker_url)
    env.pop("BLOGSTER_SMTP_URL", None)
    (ada_id, ada_role) = superuser.execute(
        "select id, role_name from auth.users where email = %s", (signed_up,)
    ).fetchone()
    with psycopg.connect(worker_url, autocommit=True) as worker_conn:
        # On its own login it reads no account's rows: it switches to the job's account (RLS applies).
        assert worker_conn.execute("select count(*) from blogs").fetchone()[0] == 0
        with worker_conn.transaction():
            worker_conn.execute(f'set local role "{ada_role}"')
            assert worker_conn.execute("select auth.uid()").fetchone()[0] == ada_id
        for attempt in (
            "set role postgres",
            "set role blogster_owner",
            "set role blogster_definer",
            "create role sneaky",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                worker_conn.execute(attempt)
    ran = subprocess.run(
        [sys.executable, "-m", "blogster_cli", "serve-workers", "--once"], env=env, capture_output=True, text=True
    )
    assert ran.returncode == 0, ran.stderr
    assert superuser.execute("select count(*) from internal.email_deliveries").fetchone()[0] == 1

    assert cli("admin", "workers", "rm", "host-1").exit_code == 0
    assert superuser.execute("select count(*) from pg_roles where rolname = %s", (login,)).fetchone()[0] == 0
    assert cli("admin", "workers", "rm", "host-1").exit_code == 3

    assert cli("auth", "signup", "--email", "bob@example.com", "--password-stdin", input=PASSWORD + "\n").exit_code == 0
    assert cli("admin", "workers", "add", "sneaky").exit_code == 4
