"""LISTEN on a channel, on a connection of its own, for front ends that wait for changes."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from blogster_cli.actors import ActingUser

if TYPE_CHECKING:
    import psycopg
    from psycopg import sql


@contextmanager
def notifications(acting: ActingUser, channel: str) -> Iterator[Callable[[float], bool]]:
    """A function that waits up to `timeout` seconds for a NOTIFY on `channel` (True when one
    came). Payloads are ignored: any role may NOTIFY any channel, so a notification only
    says "look again".

    The connection sits idle between notifications, for as long as nothing changes: a server
    that ends idle sessions (an administrator's `idle_session_timeout`, a restart) ends it. The
    wait that finds it ended listens again on a new connection and returns True, since a
    notification may have come meanwhile; a server that cannot be reached then fails it
    (DatabaseUnavailable), as before.
    """
    import psycopg
    from psycopg import sql

    from blogster_cli.db.errors import translated_errors

    listen = sql.SQL("listen {}").format(sql.Identifier(channel))
    held = [_listening(acting, listen)]

    def wait(timeout: float) -> bool:
        with translated_errors():
            try:
                return any(True for _ in held[0].notifies(timeout=timeout, stop_after=1))
            except psycopg.OperationalError:
                if not held[0].broken:  # not the connection lost: an error to report
                    raise
            held[0].close()
            held[0] = _listening(acting, listen)
            return True

    try:
        yield wait
    finally:
        held[0].close()


def _listening(acting: ActingUser, listen: sql.Composed) -> psycopg.Connection:
    """A new connection LISTENing (`listen`), driver errors translated."""
    from blogster_cli.db.errors import translated_errors

    with translated_errors():
        conn = acting.db.connect()
    try:
        with translated_errors():
            conn.execute(listen)
    except BaseException:
        conn.close()
        raise
    return conn
