"""The watch `serve-workers` keeps on the server's NOTIFY queue (red team 61 F2, 63 F1 F2, 64 F1 F2).

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
asking the usage again after each (the function waits for the session to be gone), until the
queue is below ACT_AT_USAGE again. Falling is not enough (red team 64 F1): holders spaced a few
pages apart in the queue each hold back only what was sent after their own transaction began, so
ending the oldest lowers the queue a little and the next one holds it; stopping there ended one
holder a look while the queue still filled. No moment the growth began is relied on (0195 ended
what began before it, all at once): the hold can be handed on to a session whose transaction began
later (red team 63 F1), which is then the oldest left. Ended besides the holders are only account
sessions older than a hold still past ACT_AT_USAGE (red team 63 F2: not every one older than the
growth); the trade-off is that every account transaction older than the youngest such hold goes,
whoever it belongs to (ending a holder's other sessions at once would spare some, but a fall does
not tell who held the queue: red team 64 F2). None whose transaction began after the look is
ended, so a look ends at most the sessions then in a transaction (an account holds 20 connections
at most; each waited for up to a second, and a session not gone in it stops the look); no fixed cap
per look, which an attacker would only need more sessions than to outlast. Only account logins
are ended (0195, 0200), never the administrator's, a worker's or another program's: when every
account session in a transaction was ended and the queue is still past ACT_AT_USAGE, one of those
holds it, said once (until the queue falls) for the administrator to end; until it is ended, each
look that finds the queue not falling ends the account sessions then in a transaction (none of them
is the holder, but which one listens cannot be told, and a hold handed on from that login to an
account's would otherwise last). An account's generation keeps an empty transaction open during
its AI call (db.orm.Kept): ended, its reserved credit is freed early and the run fails; that is the
price of a false positive. Each look also trims the queue of what no session holds any more:
`pg_notification_queue_usage()` does, and while the queue is full nothing else does (PostgreSQL
trims it as a notification commits, and none can).
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
    queue_fell: bool
    """Whether the queue fell after it was ended: no proof it held it (another listener may have
    caught up meanwhile, red team 64 F2); False: it held nothing the queue kept (or was not gone
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
        sessions oldest transaction first until the queue is below `act_at`."""
        with orm_service_unit_of_work(db) as session:
            found, began = notify_queue.usage(session)
            let_go = found < self.last_usage or not self.past_act_at(found)  # a holder let go, or no threat
            self.last_usage = found
            if let_go:
                self.said_held = False
                return Look(found)
            ended: list[EndedSession] = []
            while (row := notify_queue.end_oldest_session_holding(session, begun_before=began)) is not None:
                gone = row.pop("gone")
                before, self.last_usage = self.last_usage, notify_queue.usage(session)[0]
                ended.append(EndedSession(**row, queue_fell=self.last_usage < before))
                if not self.past_act_at(self.last_usage) or not gone:
                    break
        held_by_others = row is None and not self.said_held
        self.said_held = self.said_held or held_by_others
        return Look(found, ended, held_by_others=held_by_others)

    def past_act_at(self, usage: float) -> bool:
        """Whether `usage` is a threat: at or past `act_at`, and holding something back (an `act_at`
        of 0 acts on any notification held)."""
        return usage > 0 and usage >= self.act_at
