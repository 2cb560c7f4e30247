"""LISTEN on a channel, on a connection of its own, for front ends that wait for changes."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from blogster_cli.actors import ActingUser


@contextmanager
def notifications(acting: ActingUser, channel: str) -> Iterator[Callable[[float], bool]]:
    """A function that waits up to `timeout` seconds for a NOTIFY on `channel` (True when one
    came). Payloads are ignored: any role may NOTIFY any channel, so a notification only
    says "look again"."""
    from psycopg import sql

    from blogster_cli.db.errors import translated_errors

    with translated_errors():
        conn = acting.db.connect()
    try:
        with translated_errors():
            conn.execute(sql.SQL("listen {}").format(sql.Identifier(channel)))

        def wait(timeout: float) -> bool:
            with translated_errors():
                return any(True for _ in conn.notifies(timeout=timeout, stop_after=1))

        yield wait
    finally:
        conn.close()
