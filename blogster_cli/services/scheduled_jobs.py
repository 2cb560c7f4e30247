"""The periodic jobs' use cases, shared by the workers' schedule and the one-shot cron commands.

Each is idempotent, so a worker and a cron entry (or two workers) running it at once do
the work once: publishing flips only rows still scheduled, partitions are created if missing.
"""

from __future__ import annotations

from datetime import UTC, datetime

from blogster_cli.db.acting import ActingUser, Actor
from blogster_cli.db.connection import Database
from blogster_cli.db.errors import translated_errors
from blogster_cli.db.service import service_unit_of_work
from blogster_cli.errors import InvalidInput
from blogster_cli.repositories import scheduled_jobs
from blogster_cli.services import publishing

PARTITION_MONTHS_AHEAD = 3
MAX_PARTITION_MONTHS_AHEAD = 120


def publish_due_posts(db: Database, *, now: datetime | None = None) -> int:
    """Every account's scheduled posts whose time has come, each published as its author
    (RLS and the author's own activity row); returns how many."""
    now = now or datetime.now(UTC)
    with service_unit_of_work(db) as conn:
        authors = scheduled_jobs.authors_with_due_posts(conn, now=now)
    return sum(
        len(publishing.publish_due(ActingUser(db, Actor(user_id=author, email="")), now=now)) for author in authors
    )


def ensure_partitions(db: Database, *, months_ahead: int = PARTITION_MONTHS_AHEAD) -> int:
    """Creates the partitions of the next `months_ahead` months; returns how many were new."""
    if not 1 <= months_ahead <= MAX_PARTITION_MONTHS_AHEAD:
        raise InvalidInput(f"--months must be between 1 and {MAX_PARTITION_MONTHS_AHEAD}")
    conn = db.connection()
    with translated_errors(), conn.transaction():
        return scheduled_jobs.create_future_partitions(conn, months_ahead=months_ahead)
