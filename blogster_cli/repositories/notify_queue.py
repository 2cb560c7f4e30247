"""The server's NOTIFY queue: how full it is, and the account session that may hold it back (0200).

SQLModel statements on the Session of `orm_service_unit_of_work` (service_role), for the watch
`serve-workers` keeps on the queue (services/notify_queue.py).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

from blogster_cli.db.rows import checked


def usage(session: Session) -> tuple[float, dt.datetime]:
    """How full the queue is (0 to 1), and the server's clock as it said so: the time that session
    transactions' start (pg_stat_activity's xact_start) is compared with."""
    usage, now = session.execute(select(func.pg_notification_queue_usage(), func.clock_timestamp())).one()
    return checked(usage, float), checked(now, dt.datetime)


def end_oldest_session_holding(session: Session, *, begun_before: dt.datetime) -> dict[str, Any] | None:
    """Ends the account session whose transaction is oldest, if it began before `begun_before`, while
    the queue holds notifications not yet read, and waits up to a second for it to be gone; the
    ended one (pid, database, role_name, email, xact_start, gone), None when there is none."""
    ended = func.internal.end_oldest_session_holding_notify_queue(begun_before).table_valued(
        "pid", "database", "role_name", "email", "xact_start", "gone"
    )
    row = session.execute(select(ended)).one_or_none()
    return None if row is None else dict(row._mapping)
