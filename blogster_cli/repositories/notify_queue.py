"""The server's NOTIFY queue: how full it is, and the account session that may hold it back (0200, 0204).

SQLModel statements on the Session of `orm_service_unit_of_work` (service_role), for the watch
`serve-workers` keeps on the queue (services/notify_queue.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Any

from sqlalchemy import DateTime, Integer, cast, func, literal, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlmodel import Session

from blogster_cli.db.rows import checked

Backend = tuple[int, dt.datetime]
"""A session's server process: its pid and when it started (a pid alone may be reused)."""


def usage(session: Session) -> tuple[float, dt.datetime]:
    """How full the queue is (0 to 1), and the server's clock as it said so: the time that session
    transactions' start (pg_stat_activity's xact_start) is compared with."""
    usage, now = session.execute(select(func.pg_notification_queue_usage(), func.clock_timestamp())).one()
    return checked(usage, float), checked(now, dt.datetime)


def end_oldest_session_holding(
    session: Session, *, begun_before: dt.datetime, passing: Collection[Backend]
) -> dict[str, Any] | None:
    """Ends the account session whose transaction is oldest, if it began before `begun_before` and is
    not one of `passing`, while the queue holds notifications not yet read, and waits up to a second
    for it to be gone; the ended one (pid, database, role_name, email, xact_start, backend_start,
    gone), None when there is none."""
    ended = func.internal.end_oldest_session_holding_notify_queue(begun_before, *_arrays(passing)).table_valued(
        "pid", "database", "role_name", "email", "xact_start", "backend_start", "gone"
    )
    row = session.execute(select(ended)).one_or_none()
    return None if row is None else dict(row._mapping)


def not_ended(session: Session, backends: Collection[Backend]) -> set[Backend]:
    """Which of `backends` (told to end, not gone within the wait) are still there."""
    still = func.internal.notify_queue_sessions_not_ended(*_arrays(backends)).table_valued("pid", "backend_start")
    return {(checked(pid, int), checked(started, dt.datetime)) for pid, started in session.execute(select(still))}


def _arrays(backends: Collection[Backend]) -> tuple[Any, Any]:
    """`backends` as the two arrays the functions take: pids, and their start times in the same order."""
    ordered = list(backends)
    return (
        cast(literal([pid for pid, _ in ordered], ARRAY(Integer)), ARRAY(Integer)),
        cast(
            literal([started for _, started in ordered], ARRAY(DateTime(timezone=True))), ARRAY(DateTime(timezone=True))
        ),
    )
