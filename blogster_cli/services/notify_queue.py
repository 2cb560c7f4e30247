"""The watch `serve-workers` keeps on the server's NOTIFY queue (red team 61 F2, 63 F1 F2).

The queue is one for the whole server (8 GB). A session that LISTENs keeps every notification sent
after its transaction began until that transaction ends; any role may LISTEN and NOTIFY, so an
account's own login can hold a transaction open on one session and fill the queue from another in
well under a minute. Once full, every NOTIFY fails, procrastinate's job-insert trigger among them:
no job is queued for any account (db/errors.NOTIFY_QUEUE_FULL). The queue's tail is the oldest
position a listener has not read past, and a listener reads only outside a transaction: the holder
is a listener in a transaction (kept open, one long statement, or the one it reads the queue in
while its client does not read its socket: idle, waiting on ClientWrite). Which session LISTENs is
known only to that session.

So while the queue is past ACT_AT_USAGE and not falling since the last reading (falling, a holder
let go), a look ends account sessions one at a time, the one whose transaction is oldest first,
asking the usage again after each (the function waits for the session to be gone), and stops as
soon as the queue falls: the last one ended held it. No moment the growth began is relied on (0195
ended what began before it, all at once): the hold can be handed on to a session whose transaction
began later (red team 63 F1), which is then the oldest left and ended at the next look that finds
the queue not falling. Ended before the holder are only account sessions older than the hold (red
team 63 F2: not every one older than the growth), and, as the holder's is older than the look, none
whose transaction began after the look did: so each look ends a finite number. One session a look
would not do: sessions Bob opens before his holder would each cost a look (3 s) and the queue
fills in about 14. Only account logins are ended (0195, 0200), never the administrator's, a
worker's or another program's: when every account session in a transaction was ended and the
queue did not fall, one of those holds it, said once (until the queue falls) for the administrator
to end; until it is ended, each look that finds the queue not falling ends the account sessions
then in a transaction (none of them is the holder, but which one listens cannot be told, and a hold
handed on from that login to an account's would otherwise last). An account's generation keeps an
empty transaction open during its AI call (db.orm.Kept): ended, its reserved credit is freed early
and the run fails; that is the price of a false positive. Each look also trims the queue of what
no session holds any more: `pg_notification_queue_usage()` does, and while the queue is full
nothing else does (PostgreSQL trims it as a notification commits, and none can).
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


@dataclass(frozen=True)
class EndedSession:
    pid: int
    database: str
    role_name: str
    email: str | None
    """None: an account of another database on the server (named by its role)."""
    xact_start: dt.datetime
    held_the_queue: bool
    """Whether the queue fell once it was gone; False: it was older than the holder (or was not gone
    within the wait, and the look stopped)."""


@dataclass(frozen=True)
class Look:
    """What one look at the queue found and did."""

    usage: float
    """As the look found it, before it ended any session."""
    ended: list[EndedSession] = field(default_factory=list)
    held_by_others: bool = False
    """Past ACT_AT_USAGE with no account session left that could hold it: another login does. Said
    once until the queue falls."""


@dataclass
class QueueWatch:
    """The watch's memory between looks: the last usage read, and whether the queue's hold by
    another login was said."""

    act_at: float = ACT_AT_USAGE
    last_usage: float = 0.0
    said_held: bool = False

    def look(self, db: Database) -> Look:
        """One look (one transaction as service_role); past `act_at` and not falling, ends account
        sessions oldest transaction first until the queue falls."""
        with orm_service_unit_of_work(db) as session:
            found, began = notify_queue.usage(session)
            let_go = found < self.last_usage or found < self.act_at  # a holder let go, or none is a threat
            self.last_usage = found
            if let_go:
                self.said_held = False
            if let_go or found <= 0:
                return Look(found)
            ended: list[EndedSession] = []
            while (row := notify_queue.end_oldest_session_holding(session, begun_before=began)) is not None:
                gone = row.pop("gone")
                before, self.last_usage = self.last_usage, notify_queue.usage(session)[0]
                ended.append(EndedSession(**row, held_the_queue=self.last_usage < before))
                if self.last_usage < before or not gone:
                    break
        held_by_others = row is None and not self.said_held
        self.said_held = self.said_held or held_by_others
        return Look(found, ended, held_by_others=held_by_others)
