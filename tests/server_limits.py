"""A limit an administrator sets on the test database's sessions (`idle_session_timeout`,
`idle_in_transaction_session_timeout`, ...): the sessions opened after it take it, as on a shared
server whose administrator set it for the database."""

from __future__ import annotations

from psycopg import sql


def limit_database_sessions(superuser, db, setting: str, value: str) -> None:
    superuser.execute(
        sql.SQL("alter database {} set {} = {}").format(
            sql.Identifier(db.database_name), sql.Identifier(setting), sql.Literal(value)
        )
    )
