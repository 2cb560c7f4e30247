"""SQLModel sessions that exist only inside a unit of work, so RLS decides every row.

`orm_unit_of_work(acting)` is `unit_of_work` for repositories written with SQLModel:
one transaction on a connection from the database's engine, switched to the actor's
role in the message that begins it, committed on success and rolled back on error. The
Session is bound to that connection alone: it flushes, it never commits (the unit of
work does), and it is closed when the unit of work ends, so no Session ever runs on
the login role. `orm_service_unit_of_work(db)` is the same as service_role (the workers'
bookkeeping across accounts); `orm_admin_unit_of_work(db)` stays on the administrative login, for
admin work only, like `admin_unit_of_work`. Deletes go through the database's delete functions, not
`Session.delete`, because user roles hold no table-level DELETE.

`orm_guard_unit_of_work(acting)` is the unit of work of a guard: it holds an item's row lock (FOR NO
KEY UPDATE SKIP LOCKED) across an outside call (an AI provider, a platform, a mail server) and
records the outcome. It sits idle in its transaction for as long as that call takes, so it turns
off, for its own transaction only, the server's limits on that: `idle_in_transaction_session_timeout`
and (PostgreSQL 17+) `transaction_timeout`, which an administrator may have set for the server, the
database or the login, and which would otherwise end the session under the call, after the call
was paid for. Both are user settings: any role may change them for its own transaction.

Importing this module loads SQLAlchemy and SQLModel (~0.3 s), but no model class: each
service imports the model module it uses, which brings the ones its foreign keys name
(`blogster_cli.models`). Only the commands and long-lived processes that use the ORM import it; `blogster --help` and the light
drafting commands never do (tests/cli/test_help.py, bench/bench_orm_cost.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from sqlalchemy import Engine, create_engine
from sqlalchemy.pool import QueuePool
from sqlmodel import Session

from blogster_cli.actors import ActingUser, Timeouts
from blogster_cli.db.acting import ADMIN_LOCK_TIMEOUT_SQL, switch_sql
from blogster_cli.db.errors import translated_errors
from blogster_cli.db.service import SERVICE_ROLE

if TYPE_CHECKING:
    import psycopg

    from blogster_cli.db.connection import Database

_ENGINES: dict[str, Engine] = {}


def engine_for(db: Database) -> Engine:
    """One pooled engine per login, connecting the way `Database.connect` does."""
    engine = _ENGINES.get(db.conninfo)
    if engine is None:
        engine = create_engine(
            "postgresql+psycopg://",
            # Autocommit, so the unit of work sends its own BEGIN in the same message as the role
            # switch: psycopg's implicit BEGIN cost one round trip more per unit of work.
            creator=lambda: db.connect(autocommit=True),
            poolclass=QueuePool,
            # No limit: every thread's connection is kept for its next unit of work, as
            # `Database.connection()` keeps one per thread (with a fixed size, serve-workers'
            # fourth concurrent job reconnected for each unit of work: bench/bench_worker.py).
            pool_size=0,
            pool_pre_ping=False,
        )
        _ENGINES[db.conninfo] = engine
    return engine


@contextmanager
def orm_unit_of_work(acting: ActingUser) -> Iterator[Session]:
    """One transaction as `acting.actor`, as a Session; driver errors translated for the user."""
    with _session(acting.db, "begin; " + switch_sql(acting.actor.role_name, acting.timeouts)) as session:
        yield session


# What a guard's transaction turns off (SET LOCAL: only until it ends). transaction_timeout exists
# from PostgreSQL 17 on; setting it on an older server is an error, so it is sent only to a newer one.
NO_IDLE_LIMIT_SQL = "set local idle_in_transaction_session_timeout = 0"
NO_TRANSACTION_LIMIT_SQL = "set local transaction_timeout = 0"
TRANSACTION_TIMEOUT_SINCE = (17,)


@contextmanager
def orm_guard_unit_of_work(acting: ActingUser) -> Iterator[Session]:
    """`orm_unit_of_work` for a guard: a transaction as `acting.actor` that no server limit on idle
    or long transactions ends while it holds its row lock across an outside call (statement and
    lock timeouts still apply to each of its statements)."""
    with _session(acting.db, "begin; " + switch_sql(acting.actor.role_name, acting.timeouts), held=True) as session:
        yield session


@contextmanager
def orm_service_unit_of_work(
    db: Database, timeouts: Timeouts | None = None, *, guard: bool = False
) -> Iterator[Session]:
    """`db.service.service_unit_of_work` as a Session: one transaction as service_role (the
    workers' bookkeeping across accounts), on `db`'s login (the embedded superuser or a worker login).
    `guard`: it holds a claim across an outside call, as `orm_guard_unit_of_work` does."""
    with _session(db, "begin; " + switch_sql(SERVICE_ROLE, timeouts or Timeouts()), held=guard) as session:
        yield session


@contextmanager
def orm_admin_unit_of_work(db: Database) -> Iterator[Session]:
    """`db.acting.admin_unit_of_work` as a Session: one transaction on `db`'s own login, for
    admin work only (the callers check that the actor may do it first)."""
    with _session(db, "begin; " + ADMIN_LOCK_TIMEOUT_SQL) as session:
        yield session


@contextmanager
def _session(db: Database, begin: str, *, held: bool = False) -> Iterator[Session]:
    with translated_errors(), engine_for(db).connect() as connection:
        if held:  # a guard's: the server's version is known once the engine has connected
            begin += "; " + NO_IDLE_LIMIT_SQL
            if (connection.dialect.server_version_info or ()) >= TRANSACTION_TIMEOUT_SINCE:
                begin += "; " + NO_TRANSACTION_LIMIT_SQL
        with connection.begin():
            connection.exec_driver_sql(begin)
            with Session(bind=connection, join_transaction_mode="rollback_only") as session:
                yield session
                session.flush()


def driver_connection(session: Session) -> psycopg.Connection:
    """The psycopg connection under `session`, for the hand-written queries of hot paths."""
    raw = session.connection().connection.driver_connection
    assert raw is not None
    return raw  # type: ignore[no-any-return]
