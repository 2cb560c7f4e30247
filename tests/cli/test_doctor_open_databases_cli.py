"""`doctor` on a shared server names the server's other databases where any login may connect and
watch the server's activity (red team 50): migration 0096 hides pg_stat_activity and pg_locks from
accounts in Blogster's database only, and PostgreSQL lets PUBLIC connect to `postgres` and
`template1`, where they show every session of the server and what it locks. Blogster's other
databases on the server, which hide them too, are not named."""

from __future__ import annotations

import psycopg
from psycopg import sql

from blogster_cli.db import other_databases

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
