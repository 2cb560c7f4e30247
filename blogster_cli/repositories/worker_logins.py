"""Worker hosts' database logins: members of service_role, for the queue's bookkeeping."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import psycopg

ROLE_PREFIX = "blogster_worker_"


def create_login(conn: psycopg.Connection, *, role_name: str, password: str) -> None:
    """LOGIN in role service_role; only the password's SCRAM verifier is sent (db/scram.py)."""
    from psycopg import sql

    from blogster_cli.db.scram import scram_verifier

    conn.execute(
        sql.SQL("create role {} login password {} in role service_role").format(
            sql.Identifier(role_name), sql.Literal(scram_verifier(password))
        )
    )


def list_logins(conn: psycopg.Connection) -> list[str]:
    return [
        name
        for (name,) in conn.execute(
            "select rolname from pg_catalog.pg_roles where starts_with(rolname, %s)"
            " and pg_catalog.pg_has_role(oid, 'service_role', 'MEMBER') order by rolname",
            (ROLE_PREFIX,),
        )
    ]
