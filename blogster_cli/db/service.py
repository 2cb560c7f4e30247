"""Units of work as service_role: the workers' queue bookkeeping, never a user's own work."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from blogster_cli.actors import Timeouts
from blogster_cli.db.acting import acting_transaction

if TYPE_CHECKING:
    import psycopg

    from blogster_cli.db.connection import Database

SERVICE_ROLE = "service_role"


@contextmanager
def service_unit_of_work(db: Database, timeouts: Timeouts | None = None) -> Iterator[psycopg.Connection]:
    """One transaction as service_role (the embedded superuser or a worker login may switch to it)."""
    from blogster_cli.db.errors import translated_errors

    conn = db.connection()
    with translated_errors(), acting_transaction(conn, SERVICE_ROLE, timeouts or Timeouts()):
        yield conn
