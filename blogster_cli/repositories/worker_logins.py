"""Worker hosts' database logins: service_role for the queue's bookkeeping, account roles for jobs.

psycopg, not SQLModel: CREATE ROLE with a SCRAM verifier and pg_roles have no SQLModel statement or
row class, and `blogster admin workers list` ran in 790 ms and 2778 ms with SQLModel imported
(bench/bench_orm_cost.py, load 4.6-4.9).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from blogster_cli.db.privileged_roles import WORKER_LOGIN_PREFIX

if TYPE_CHECKING:
    import psycopg


def create_login(conn: psycopg.Connection, *, role_name: str, password: str) -> None:
    """LOGIN in role service_role (the queue) and blogster_job_runner (acting as the job's
    account, 0038); only the password's SCRAM verifier is sent (db/scram.py)."""
    from psycopg import sql

    from blogster_cli.db.scram import scram_verifier

    conn.execute(
        sql.SQL("create role {} login password {} in role service_role, blogster_job_runner").format(
            sql.Identifier(role_name), sql.Literal(scram_verifier(password))
        )
    )


def list_logins(conn: psycopg.Connection) -> list[str]:
    return [
        name
        for (name,) in conn.execute(
            "select rolname from pg_catalog.pg_roles where starts_with(rolname, %s)"
            " and pg_catalog.pg_has_role(oid, 'service_role', 'MEMBER') order by rolname",
            (WORKER_LOGIN_PREFIX,),
        )
    ]
