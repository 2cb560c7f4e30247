"""Units of work as the acting user: one transaction under that user's database role.

The transaction starts on an idle autocommit connection, so `transaction()` is a
real BEGIN and never a savepoint inside someone else's transaction (where a SET
LOCAL ROLE would outlive our block). The role and timeouts are set with
set_config(..., is_local => true), pipelined with the BEGIN: the switch costs no
round trip of its own. COMMIT or ROLLBACK ends them, and the connection is back to
its login role.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING
from uuid import UUID

if TYPE_CHECKING:
    import psycopg

    from blogster_cli.db.connection import Database

# set_config('role', ...) performs the same membership check as SET ROLE.
ACT_AS_SQL = (
    "select pg_catalog.set_config('role', %(role)s, true),"
    " pg_catalog.set_config('statement_timeout', %(statement_timeout)s, true),"
    " pg_catalog.set_config('lock_timeout', %(lock_timeout)s, true)"
)


@dataclass(frozen=True)
class Actor:
    """Who is acting: resolved once by the front end and passed to every service call."""

    user_id: UUID
    email: str
    is_admin: bool = False

    @property
    def role_name(self) -> str:
        return "u_" + self.user_id.hex


@dataclass(frozen=True)
class Timeouts:
    statement_ms: int = 30000
    lock_ms: int = 5000


@contextmanager
def acting_transaction(
    conn: psycopg.Connection, role_name: str, timeouts: Timeouts = Timeouts()
) -> Iterator[psycopg.Connection]:
    """One transaction on `conn` as `role_name`; commits on success, rolls back on error."""
    from psycopg import Transaction
    from psycopg.pq import TransactionStatus

    if not conn.autocommit or conn.info.transaction_status != TransactionStatus.IDLE:
        raise RuntimeError("a unit of work must start on an idle autocommit connection")
    with ExitStack() as transaction:
        # BEGIN and the settings leave together; the pipeline ends (and reports an
        # error, such as a role that does not exist) before the caller's first statement.
        # Transaction() directly: conn.transaction() inside a pipeline syncs after BEGIN.
        with conn.pipeline():
            transaction.enter_context(Transaction(conn))
            conn.execute(
                ACT_AS_SQL,
                {
                    "role": role_name,
                    "statement_timeout": f"{timeouts.statement_ms}ms",
                    "lock_timeout": f"{timeouts.lock_ms}ms",
                },
            )
        yield conn


@dataclass(frozen=True)
class ActingUser:
    """Everything a service needs to act for someone: where, who, and the limits."""

    db: Database
    actor: Actor
    timeouts: Timeouts = Timeouts()


@contextmanager
def unit_of_work(acting: ActingUser) -> Iterator[psycopg.Connection]:
    """One transaction as `acting.actor`, with driver errors translated for the user."""
    from blogster_cli.db.errors import translated_errors

    conn = acting.db.connection()
    with translated_errors(), acting_transaction(conn, acting.actor.role_name, acting.timeouts):
        yield conn
