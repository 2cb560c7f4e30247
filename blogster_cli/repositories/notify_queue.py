"""The server's NOTIFY queue: how full it is, and the account sessions holding it back (0195).

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


def end_sessions_holding(session: Session, *, started_before: dt.datetime) -> list[dict[str, Any]]:
    """Ends the account sessions whose transaction began before `started_before` while the queue
    holds notifications not yet read; each ended one (pid, database, role_name, email, xact_start)."""
    ended = func.internal.end_sessions_holding_notify_queue(started_before).table_valued(
        "pid", "database", "role_name", "email", "xact_start"
    )
    return [dict(row._mapping) for row in session.execute(select(ended))]
