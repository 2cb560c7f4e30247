"""Who holds the locks a session waits on, named for the administrator who may end them.

A session waiting on a lock says nothing about who holds it once its lock_timeout ends the wait,
so the sessions blocking it (pg_blocking_pids) are looked at from a connection of their own while
it waits. Each is named by its process id, its role, the account's email when the role is an
account's, and its application_name: never the text of its query, which is someone else's.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import TYPE_CHECKING

from blogster_cli.errors import BlogsterError

if TYPE_CHECKING:
    from collections.abc import Iterator

    from blogster_cli.db.connection import Database

BLOCKERS_SQL = """
select a.pid, a.usename::text, u.email, a.application_name
from pg_catalog.pg_stat_activity a left join auth.users u on u.role_name = a.usename
where a.pid = any(pg_catalog.pg_blocking_pids(%s))
order by a.pid
"""


def _described(pid: int, role: str | None, email: str | None, application: str | None) -> str:
    who = ", ".join(part for part in (role, email) if part) or "an unknown role"
    return f"pid {pid} ({who}, application {application or ''!r})"


@contextmanager
def watched(db: Database, pid: int, *, every_seconds: float) -> Iterator[list[str]]:
    """While the block runs, the sessions blocking `pid` as last seen (looked at every `every_seconds`
    from a connection of its own), described; empty if none was seen."""
    import psycopg

    holders: list[str] = []
    stop = threading.Event()

    def look() -> None:
        try:
            with db.connect() as conn:
                while not stop.wait(every_seconds):
                    seen = [_described(*row) for row in conn.execute(BLOCKERS_SQL, (pid,)).fetchall()]
                    if seen:
                        holders[:] = seen
        except (psycopg.Error, BlogsterError):  # naming them is a courtesy: the wait ends as it would without it
            pass

    watcher = threading.Thread(target=look, name="lock-holders", daemon=True)
    watcher.start()
    try:
        yield holders
    finally:
        stop.set()
        watcher.join()
