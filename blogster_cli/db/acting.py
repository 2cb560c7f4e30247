"""Units of work as the acting user: one transaction under that user's database role.

The transaction starts on an idle autocommit connection, so our BEGIN is a real
one and never nested inside someone else's transaction (where a SET LOCAL ROLE
would outlive our block). The role and timeouts are set with SET LOCAL in the same
message as the BEGIN, so the switch costs no round trip of its own (SET LOCAL, not
set_config(): the same effect without a result row to send and read). COMMIT or
ROLLBACK ends them, and the connection is back to its login role. Blocks inside may
still open savepoints with conn.transaction().

That message goes to libpq directly (send_query, psycopg's own wait), not through a
cursor: a cursor's execute spent ~28 us in Python on its four results, more than the
server spends on the switch (bench_rls `role_switch.*`). All four results are read and
checked before the block runs, so no statement of the block can run before the role is
set; an error raises the driver's error for its SQLSTATE, and the block never starts.
Sending the switch in a pipeline with the block's first statement instead was slower
(five extended-protocol commands, and psycopg's pipeline bookkeeping).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any, NamedTuple, TypeAlias

from blogster_cli.actors import ActingUser, Timeouts

if TYPE_CHECKING:
    from types import ModuleType, TracebackType

    import psycopg

    from blogster_cli.db.connection import Database

Connection: TypeAlias = "psycopg.Connection[tuple[Any, ...]]"
"""What a unit of work yields, for annotating the services that pass it on to repositories
(services never import psycopg themselves)."""

# SET ROLE checks membership. Literals, not parameters: only statements without
# parameters may share a message with BEGIN.
SWITCH_SQL = (
    "set local role {role}; set local statement_timeout = {statement_timeout}; set local lock_timeout = {lock_timeout}"
)


@lru_cache(maxsize=256)
def switch_sql(role_name: str, timeouts: Timeouts) -> str:
    """SWITCH_SQL for one role and its limits, quoted once: composing costs more than the round trip."""
    from psycopg import sql

    return (
        sql.SQL(SWITCH_SQL)
        .format(
            role=sql.Identifier(role_name),
            statement_timeout=sql.Literal(f"{timeouts.statement_ms}ms"),
            lock_timeout=sql.Literal(f"{timeouts.lock_ms}ms"),
        )
        .as_string()
    )


# Admin work (bans, purges, grants) waits at most this long for a row lock. An account's own
# login may hold locks on rows of its own for as long as its transaction lasts, some of them
# taken for it by triggers on rows an admin then needs (its auth.users row, when it assigns a
# review): the admin command fails with "try again" instead of hanging.
ADMIN_LOCK_TIMEOUT_SQL = "set local lock_timeout = '5s'"


# What a held transaction (one that keeps a lock across outside calls or other units of work: a guard,
# analytics ingest's run lock) turns off, SET LOCAL: only until it ends. An administrator's limit on
# idle or long transactions (for the server, the database or the login) would otherwise end its
# session under the wait, after the work it protects was done or paid for. Both are user settings: any
# role may change them for its own transaction. transaction_timeout exists from PostgreSQL 17 on;
# naming it on an older server is an error, so it is sent only to a newer one.
NO_IDLE_LIMIT_SQL = "set local idle_in_transaction_session_timeout = 0"
NO_TRANSACTION_LIMIT_SQL = "set local transaction_timeout = 0"
TRANSACTION_TIMEOUT_SINCE = 170000


def held_transaction_sql(server_version: int) -> str:
    """What a held transaction adds to its BEGIN message on a server of this version (as libpq
    gives it: 170002 for 17.2)."""
    if server_version >= TRANSACTION_TIMEOUT_SINCE:
        return f"; {NO_IDLE_LIMIT_SQL}; {NO_TRANSACTION_LIMIT_SQL}"
    return f"; {NO_IDLE_LIMIT_SQL}"


@lru_cache(maxsize=256)
def begin_and_switch(role_name: str, timeouts: Timeouts) -> bytes:
    """BEGIN and SWITCH_SQL as one simple-query message (role names are u_<hex> or ours: ASCII)."""
    return ("begin; " + switch_sql(role_name, timeouts)).encode()


class _Driver(NamedTuple):
    """The psycopg names every unit of work uses, imported once on first use (importing this
    module does not import psycopg: services import it at their own import time)."""

    errors: ModuleType
    generators: ModuleType
    rollback: type[psycopg.Rollback]
    command_ok: int
    idle: int


@cache
def _driver() -> _Driver:
    import psycopg
    from psycopg import errors, generators
    from psycopg.pq import ExecStatus, TransactionStatus

    return _Driver(errors, generators, psycopg.Rollback, ExecStatus.COMMAND_OK, TransactionStatus.IDLE)


def _send_begin_and_switch(conn: psycopg.Connection, command: bytes) -> None:
    """Runs `command` (several statements, no parameters) and raises the first error."""
    driver = _driver()
    with conn.lock:
        conn.pgconn.send_query(command)
        results = conn.wait(driver.generators.execute(conn.pgconn))
    for result in results:
        if result.status != driver.command_ok:
            raise driver.errors.error_from_result(result, encoding=conn.info.encoding)


class ActingTransaction:
    """What `acting_transaction` returns: a context manager written out rather than a generator
    with @contextmanager, and the driver's names looked up once, because the two cost ~15 us of
    every unit of work here (as much as the role switch's server work: bench_rls `*.unit_of_work`)."""

    __slots__ = ("_command", "_conn")

    def __init__(self, conn: psycopg.Connection, role_name: str, timeouts: Timeouts = Timeouts()) -> None:
        self._conn = conn
        self._command = begin_and_switch(role_name, timeouts)

    def __enter__(self) -> psycopg.Connection:
        conn = self._conn
        if not conn.autocommit or conn.pgconn.transaction_status != _driver().idle:
            raise RuntimeError("a unit of work must start on an idle autocommit connection")
        try:
            _send_begin_and_switch(conn, self._command)
        except BaseException:
            self._roll_back()
            raise
        return conn

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> bool | None:  # as contextlib's context managers: it swallows only psycopg.Rollback()
        if error is None:
            self._conn.commit()
            return False
        self._roll_back()
        # psycopg.Rollback() asks for exactly this (the block ends, nothing raised), as in conn.transaction()
        return isinstance(error, _driver().rollback) and error.transaction is None

    def _roll_back(self) -> None:
        if not self._conn.closed and not self._conn.broken:
            self._conn.rollback()


def acting_transaction(conn: psycopg.Connection, role_name: str, timeouts: Timeouts = Timeouts()) -> ActingTransaction:
    """One transaction on `conn` as `role_name`; commits on success, rolls back on error."""
    return ActingTransaction(conn, role_name, timeouts)


def _raise_translated(exc: Exception) -> None:
    """db.errors.raise_translated, imported on the error path only."""
    from blogster_cli.db.errors import raise_translated

    raise_translated(exc)


class UnitOfWork(ActingTransaction):
    """What `unit_of_work` (and the service and separate ones) return: an ActingTransaction whose
    driver errors (from the switch, the block, the commit or rollback) reach the caller translated,
    as `translated_errors()` gives them; written out for the same reason as ActingTransaction
    (every service call opens one).

    On a thread's kept connection (`kept_unit_of_work`: `_db` is set), a first message that the
    server answers by ending the session for its `idle_session_timeout` (the limit ran out as the
    message came: too late for Database.connection to see it) ran nothing, so the unit begins once
    more on a new connection."""

    __slots__ = ("_db",)
    _db: Database  # set by kept_unit_of_work only

    def __enter__(self) -> psycopg.Connection:
        try:
            return super().__enter__()
        except Exception as exc:
            from blogster_cli.db.connection import ended_as_idle  # on the error path only

            db: Database | None = getattr(self, "_db", None)
            if db is None or not ended_as_idle(exc):
                _raise_translated(exc)
                raise
        db.close()
        self._conn = db.connection()
        try:
            return super().__enter__()
        except Exception as exc:
            _raise_translated(exc)
            raise

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> bool | None:
        try:
            swallowed = super().__exit__(kind, error, traceback)
        except Exception as exc:
            _raise_translated(exc)
            raise
        if not swallowed and isinstance(error, Exception):
            _raise_translated(error)
        return swallowed


def unit_of_work(acting: ActingUser) -> UnitOfWork:
    """One transaction as `acting.actor`, with driver errors translated for the user."""
    return kept_unit_of_work(acting.db, acting.actor.role_name, acting.timeouts)


def kept_unit_of_work(db: Database, role_name: str, timeouts: Timeouts) -> UnitOfWork:
    """A UnitOfWork as `role_name` on this thread's kept connection of `db` (Database.connection)."""
    work = UnitOfWork(db.connection(), role_name, timeouts)
    work._db = db
    return work


class _HeldUnitOfWork(UnitOfWork):
    """A UnitOfWork whose BEGIN message also turns off the server's limits on idle and long
    transactions for it (held_transaction_sql)."""

    __slots__ = ()

    def __init__(self, conn: psycopg.Connection, role_name: str, timeouts: Timeouts) -> None:
        super().__init__(conn, role_name, timeouts)
        self._command += held_transaction_sql(conn.info.server_version).encode()


@contextmanager
def separate_unit_of_work(acting: ActingUser) -> Iterator[psycopg.Connection]:
    """A unit of work on a connection of its own, closed afterwards.

    For a transaction held open while other units of work commit on the usual connection,
    such as a row lock kept for a whole run (closing the connection, or the process dying,
    releases it). It sits idle in its transaction for as long as the run takes, so it is a held
    transaction: the server's idle-in-transaction and transaction timeouts are off for it
    (NO_IDLE_LIMIT_SQL); its statement and lock timeouts still apply to each statement.
    """
    conn = acting.db.connect()
    try:
        with _HeldUnitOfWork(conn, acting.actor.role_name, acting.timeouts):
            yield conn
    finally:
        conn.close()


@contextmanager
def admin_unit_of_work(db: Database) -> Iterator[psycopg.Connection]:
    """One transaction on `db`'s own login (the administrator's, or a user's own login for
    their password), with driver errors translated: admin work's twin of unit_of_work."""
    from psycopg.pq import TransactionStatus

    from blogster_cli.db.errors import translated_errors

    with translated_errors():
        conn = db.connection()
        if not conn.autocommit or conn.info.transaction_status != TransactionStatus.IDLE:
            raise RuntimeError("a unit of work must start on an idle autocommit connection")
        with conn.transaction():
            conn.execute(ADMIN_LOCK_TIMEOUT_SQL)
            yield conn


@contextmanager
def admin_connection(db: Database, *, autocommit: bool = True) -> Iterator[psycopg.Connection]:
    """A connection of its own on `db`'s login, closed at the end, with driver errors
    translated: for admin work that cannot be one transaction on the shared connection
    (CREATE DATABASE, a snapshot at its own isolation level, loading a scratch database)."""
    from blogster_cli.db.errors import translated_errors

    with translated_errors(), db.connect(autocommit=autocommit) as conn:
        yield conn
