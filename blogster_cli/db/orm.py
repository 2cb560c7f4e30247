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
was paid for (`db.acting.held_transaction_sql`, shared with `separate_unit_of_work`).

`orm_unit_of_work(acting, kept=Kept(limit))` keeps its connection from the pool after its commit,
until `Kept.let_go`: for what lasts as long as the session that did it (a generation's credit
reservation, migration 0193). Meanwhile the connection waits in a transaction that runs nothing, so
the server's `idle_session_timeout` (and a pooler's idle limit) do not end it under an outside call,
and it holds no lock and no snapshot; its own idle-in-transaction and transaction limits, set to
`limit`, end it should the process hang without ending.

The engine's pool keeps each connection for the next unit of work, also across an outside call or
the TUI waiting for a key; a server may end an idle session meanwhile (`idle_session_timeout`, a
restart). A connection kept unused for over `IDLE_CHECK_AFTER_S` is looked at as it is checked out,
without a round trip (`db.connection.closed_by_server`), and replaced if the server ended it;
back-to-back units of work skip the look.

Importing this module loads SQLAlchemy and SQLModel (~0.3 s), but no model class: each
service imports the model module it uses, which brings the ones its foreign keys name
(`blogster_cli.models`). Only the commands and long-lived processes that use the ORM import it; `blogster --help` and the light
drafting commands never do (tests/cli/test_help.py, bench/bench_orm_cost.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from time import monotonic
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event, exc
from sqlalchemy.pool import QueuePool
from sqlmodel import Session

from blogster_cli.actors import ActingUser, Timeouts
from blogster_cli.db.acting import (
    ADMIN_LOCK_TIMEOUT_SQL,
    TRANSACTION_TIMEOUT_SINCE,
    held_transaction_sql,
    switch_sql,
)
from blogster_cli.db.connection import IDLE_CHECK_AFTER_S, closed_by_server, ended_as_idle
from blogster_cli.db.errors import translated_errors
from blogster_cli.db.service import SERVICE_ROLE

if TYPE_CHECKING:
    import psycopg
    from sqlalchemy.pool import ConnectionPoolEntry, PoolProxiedConnection

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
            # No ping (a round trip per unit of work): `_replace_if_ended` looks without one.
            pool_pre_ping=False,
        )
        event.listen(engine, "checkout", _replace_if_ended)
        _ENGINES[db.conninfo] = engine
    return engine


_HANDED_OUT = "blogster_handed_out"


def _replace_if_ended(dbapi_connection: Any, record: ConnectionPoolEntry, proxy: PoolProxiedConnection) -> None:
    """A pooled connection kept unused for over IDLE_CHECK_AFTER_S (across an AI or platform call,
    the TUI waiting for a key, the worker between jobs) is looked at before it is handed out: if the
    server ended it meanwhile (`idle_session_timeout`, a restart), the pool opens a fresh one (the
    DisconnectionError asks for that) instead of the unit of work failing on it."""
    now = monotonic()
    handed_out = record.info.get(_HANDED_OUT, now)
    record.info[_HANDED_OUT] = now
    if now - handed_out > IDLE_CHECK_AFTER_S and closed_by_server(dbapi_connection):
        raise exc.DisconnectionError("the server ended the pooled connection while it sat unused")


class Kept:
    """A unit of work's connection kept from the pool after its commit (`orm_unit_of_work(kept=...)`),
    waiting in an empty transaction until `let_go`: the server ends neither it as an idle session nor,
    for up to `limit_s` at a time, as an idle or long transaction."""

    def __init__(self, limit_s: float) -> None:
        self._limit = f"'{max(1, round(limit_s * 1000))}ms'"
        self._connection: Connection | None = None

    def hold(self, connection: Connection) -> None:
        """Takes `connection`, just committed, and begins its wait (on the login role: it runs nothing)."""
        raw = _driver(connection)
        wait = f"begin; set local idle_in_transaction_session_timeout = {self._limit}"
        if raw.info.server_version >= TRANSACTION_TIMEOUT_SINCE:
            wait += f"; set local transaction_timeout = {self._limit}"
        try:
            raw.execute(wait.encode())
        except BaseException:
            connection.invalidate()  # the session ends: what it did ends with it
            raise
        self._connection = connection

    def let_go(self, *, end_session: bool = False) -> None:
        """Ends the wait and gives the connection back to the pool, or drops it if the server ended
        its session meanwhile (what it did ended then); with `end_session`, ends the session: what
        lasts as long as it (a credit reservation whose release failed) ends too."""
        import psycopg

        connection, self._connection = self._connection, None
        if connection is None:
            return
        if end_session:
            connection.invalidate()
        else:
            try:
                _driver(connection).execute(b"rollback")
            except psycopg.Error:
                connection.invalidate()
        connection.close()


@contextmanager
def orm_unit_of_work(acting: ActingUser, *, kept: Kept | None = None) -> Iterator[Session]:
    """One transaction as `acting.actor`, as a Session; driver errors translated for the user.
    `kept`: its connection is kept there after the commit, until `kept.let_go()`."""
    begin = "begin; " + switch_sql(acting.actor.role_name, acting.timeouts)
    with _session(acting.db, begin, kept=kept) as session:
        yield session


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
def _session(db: Database, begin: str, *, held: bool = False, kept: Kept | None = None) -> Iterator[Session]:
    with translated_errors(), _begun(db, begin, held=held, kept=kept) as connection:
        with Session(bind=connection, join_transaction_mode="rollback_only") as session:
            yield session
            session.flush()


@contextmanager
def _begun(db: Database, begin: str, *, held: bool, kept: Kept | None) -> Iterator[Connection]:
    """A pooled connection in a transaction begun with `begin`, committed when the block ends (rolled
    back on an error), then back in the pool or, after a commit, `kept`'s. When the server answers
    `begin` by ending the session for its `idle_session_timeout` (the limit ran out as it came: too
    late for `_replace_if_ended` to see), nothing ran: it begins once more on a fresh connection."""
    for last in (False, True):
        connection = engine_for(db).connect()
        taken = False
        try:
            statement = begin
            if held:  # a guard's: the server's version is known once connected (no round trip)
                statement += held_transaction_sql(_driver(connection).info.server_version)
            transaction = connection.begin()
            try:
                connection.exec_driver_sql(statement)
            except exc.DBAPIError as error:
                if last or not ended_as_idle(error):
                    raise
                connection.invalidate()  # the pool opens a fresh one for the next checkout
                continue
            with transaction:
                yield connection
            if kept is not None:
                kept.hold(connection)
                taken = True
            return
        finally:
            if not taken:
                connection.close()


def _driver(connection: Connection) -> psycopg.Connection:
    raw = connection.connection.driver_connection
    assert raw is not None
    return raw  # type: ignore[no-any-return]


def driver_connection(session: Session) -> psycopg.Connection:
    """The psycopg connection under `session`, for the hand-written queries of hot paths."""
    return _driver(session.connection())
