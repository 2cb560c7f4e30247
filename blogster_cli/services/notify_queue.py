"""The watch `serve-workers` keeps on the server's NOTIFY queue (red team 61 F2).

The queue is one for the whole server (8 GB). A session that LISTENs keeps every notification sent
after its transaction began until that transaction ends; any role may LISTEN and NOTIFY, so an
account's own login can hold a transaction open on one session and fill the queue from another in
well under a minute. Once full, every NOTIFY fails, procrastinate's job-insert trigger among them:
no job is queued for any account (db/errors.NOTIFY_QUEUE_FULL). Which session LISTENs is known only
to that session, so the watch ends, once the queue passes ACT_AT_USAGE, the account sessions whose
transaction began before the queue started to grow (the first look that found it past
GROWING_ABOVE): the one holding it back is among them. Only account logins are ended (0195), never
the administrator's, a worker's or another program's: a queue held by one of those is said, once a
growth, for the administrator to end it. An account's generation keeps an empty transaction open
during its AI call (db.orm.Kept): ended under an attack, its reserved credit is freed early and the
run fails; that is the price of a false positive. Each look also trims the queue of what no
session holds any more: `pg_notification_queue_usage()` does, and while the queue is full nothing
else does (PostgreSQL trims it as a notification commits, and none can).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from blogster_cli.db.connection import Database
from blogster_cli.db.orm import orm_service_unit_of_work
from blogster_cli.repositories import notify_queue

WATCH_EVERY_S = 3.0
"""One `pg_notification_queue_usage()` a look: the attack measured on PostgreSQL 15 filled the
queue in about 42 s, 2.4 % of it a second."""
ACT_AT_USAGE = 0.05
"""5 % (about 400 MB): reached within about 2 s of a full-speed fill, with some 35 s left to end
the session holding it back; the queue holds next to nothing while every listener keeps up."""
GROWING_ABOVE = 0.0001
"""Past this (about 100 of its pages) the queue is growing: a listener is not reading. Below it,
what lags is the server's lazy trimming of pages every listener has read."""


@dataclass(frozen=True)
class EndedSession:
    pid: int
    database: str
    role_name: str
    email: str | None
    """None: an account of another database on the server (named by its role)."""
    xact_start: dt.datetime


@dataclass(frozen=True)
class Look:
    """What one look at the queue found and did."""

    usage: float
    ended: list[EndedSession] = field(default_factory=list)
    held_by_others: bool = False
    """Past ACT_AT_USAGE with no account session to end, said once a growth: another login holds it."""


@dataclass
class QueueWatch:
    """The watch's memory between looks: when the queue's current growth was first seen."""

    act_at: float = ACT_AT_USAGE
    growing_above: float = GROWING_ABOVE
    growing_since: dt.datetime | None = None
    said_held: bool = False
    """Whether this growth was said to be held by another login already (once a growth)."""

    def look(self, db: Database) -> Look:
        """One look (one transaction as service_role); past `act_at`, the account sessions whose
        transaction began before the growth was first seen are ended."""
        with orm_service_unit_of_work(db) as session:
            usage, now = notify_queue.usage(session)
            if usage <= self.growing_above:
                self.growing_since, self.said_held = None, False
                return Look(usage)
            if self.growing_since is None:
                self.growing_since = now
            if usage < self.act_at:
                return Look(usage)
            rows = notify_queue.end_sessions_holding(session, started_before=self.growing_since)
        ended = [EndedSession(**row) for row in rows]
        held_by_others = not ended and not self.said_held
        self.said_held = self.said_held or held_by_others
        return Look(usage, ended, held_by_others=held_by_others)
