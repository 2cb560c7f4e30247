"""`doctor` on a shared server names the server's other databases where any login may connect and
watch the server's activity (red team 50): migration 0096 hides pg_stat_activity and pg_locks from
accounts in Blogster's database only, and PostgreSQL lets PUBLIC connect to `postgres` and
`template1`, where they show every session of the server and what it locks. Blogster's other
databases on the server, which hide them too, are not named. There an account's login may also take
advisory locks until the server's lock table is full (red team 61: no login could connect then), or
run translate() or jsonb's ?|, ?& and - text[] past statement_timeout and pg_terminate_backend (red
teams 65 and 68), which 0194, 0204 and 0208 forbid in Blogster's database only: a database that hides the server's activity but not those is
named too, with the statements that take them from PUBLIC there."""

from __future__ import annotations

import uuid

import psycopg
from psycopg import sql
from psycopg.conninfo import make_conninfo

from blogster_cli.db import closed_functions, other_databases

FIX = "REVOKE CONNECT ON DATABASE"


def open_check(cli) -> dict | None:
    result = cli("doctor", "--json")
    assert result.exit_code == 0, result.stdout + result.stderr
    return {check["name"]: check for check in result.json()}.get("other databases")


def test_doctor_names_the_databases_any_login_may_watch_the_server_from(cli, signed_up, db, server_conninfo):
    with psycopg.connect(server_conninfo, autocommit=True) as conn:
        opened = [name for name in other_databases.open_to_public(conn) if name in other_databases.SERVER_DATABASES]
        for name in other_databases.SERVER_DATABASES:  # PostgreSQL's default, whatever earlier runs left
            conn.execute(sql.SQL("grant connect on database {} to public").format(sql.Identifier(name)))
        try:
            check = open_check(cli)
            assert check is not None and check["status"] == "warn", check
            assert "postgres" in check["detail"] and "template1" in check["detail"]
            assert "pg_stat_activity, pg_locks" in check["detail"] and FIX in check["detail"]
            assert "take advisory locks there until the server's lock table is full" in check["detail"]
            assert "run translate() or jsonb's ?|, ?& and - text[] (jsonb_exists_any," in check["detail"]
            assert "jsonb_delete) there on texts or arrays long enough" in check["detail"]
            assert db.database_name not in check["detail"]  # Blogster's own hides them
            text = cli("doctor")
            assert text.exit_code == 0 and "WARN  other databases: any login may connect to" in text.stdout

            for name in other_databases.SERVER_DATABASES:  # what the check says to do
                conn.execute(sql.SQL("revoke connect on database {} from public").format(sql.Identifier(name)))
            check = open_check(cli)
            assert check is None or not {"postgres", "template1"} & set(check["detail"].replace(",", " ").split())
        finally:
            for name in other_databases.SERVER_DATABASES:
                statement = (
                    "grant connect on database {} to public"
                    if name in opened
                    else "revoke connect on database {} from public"
                )
                conn.execute(sql.SQL(statement).format(sql.Identifier(name)))


def test_doctor_names_a_database_where_any_login_may_call_closed_functions_until_they_are_revoked_there(
    cli, signed_up, server_conninfo
):
    name = f"others_{uuid.uuid4().hex[:12]}"
    advisory_locks, uninterruptible = closed_functions.ADVISORY_LOCKS, closed_functions.UNINTERRUPTIBLE
    with psycopg.connect(server_conninfo, autocommit=True) as conn:
        conn.execute(sql.SQL("create database {} template template0").format(sql.Identifier(name)))
        try:
            with psycopg.connect(make_conninfo(server_conninfo, dbname=name), autocommit=True) as other:
                other.execute("revoke select on pg_catalog.pg_stat_activity, pg_catalog.pg_locks from public")
                check = open_check(cli)
                assert check is not None and name in check["detail"], check
                assert "take advisory locks there" in check["detail"] and "lock table" in check["detail"]
                assert "jsonb_delete) there" in check["detail"] and "statement_timeout" in check["detail"]
                assert f"to keep {name} open, a superuser connected to" in check["detail"]
                assert f"runs {advisory_locks.revoke_sql} {uninterruptible.revoke_sql}" in check["detail"]

                other.execute(advisory_locks.revoke_sql)  # what the check says to run there, one of two
                assert closed_functions.open_to_public(other, advisory_locks) == []
                check = open_check(cli)
                assert check is not None and name in check["detail"], check
                assert check["detail"].endswith(f"a superuser connected to it runs {uninterruptible.revoke_sql}")

                other.execute(uninterruptible.revoke_sql)
                assert closed_functions.open_to_public(other, uninterruptible) == []
                check = open_check(cli)
                assert check is None or name not in check["detail"], check
        finally:
            conn.execute(sql.SQL("drop database {} with (force)").format(sql.Identifier(name)))
