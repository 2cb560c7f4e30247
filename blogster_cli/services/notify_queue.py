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
at most; each waited for up to a second); no fixed cap per look, which an attacker would only need
more sessions than to outlast. A session not gone within the wait (red team 65 F1: a statement
that never checks for interrupts, translate() until 0204, strpos or replace on huge texts, which
neither pg_terminate_backend nor statement_timeout ends) does not stop the look: it goes on to the
next oldest, and every later look goes past it too, without waiting on it again, until it is gone
(its pid and start are kept, and asked after at each look); it is said once, for the
administrator, who alone can end it sooner (docs/scaling.md). Only account logins
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
    caught up meanwhile, red team 64 F2); False: it held nothing the queue kept."""


@dataclass(frozen=True)
class NotEnding:
    """An account session told to end that was still there after the wait (red team 65 F1)."""

    pid: int
    database: str
    role_name: str
    email: str | None
    xact_start: dt.datetime
    open_for: dt.timedelta
    """How long its transaction had been open when the look told it to end."""


@dataclass(frozen=True)
class Look:
    """What one look at the queue found and did."""

    usage: float
    """As the look found it, before it ended any session."""
    ended: list[EndedSession] = field(default_factory=list)
    not_ending: list[NotEnding] = field(default_factory=list)
    """Told to end in this look and not gone within the wait; later looks go past them unsaid."""
    held_by_others: bool = False
    """Past ACT_AT_USAGE with no account session left that could hold it but those not ending: one of
    those or another login does. Said once until the queue falls."""
    passed: int = 0
    """How many sessions told to end and not gone are still there (the look went past them)."""


@dataclass
class QueueWatch:
    """The watch's memory between looks: the last usage read, whether the queue's hold by another
    login was said, and the sessions told to end that have not (gone past, said once)."""

    act_at: float = ACT_AT_USAGE
    last_usage: float = 0.0
    said_held: bool = False
    not_ended: set[notify_queue.Backend] = field(default_factory=set)

    def look(self, db: Database) -> Look:
        """One look (one transaction as service_role); past `act_at` and not falling, ends account
        sessions oldest transaction first until the queue is below `act_at`, going past those that
        do not end."""
        with orm_service_unit_of_work(db) as session:
            found, began = notify_queue.usage(session)
            if self.not_ended:
                self.not_ended = notify_queue.not_ended(session, self.not_ended)
            let_go = found < self.last_usage or not self.past_act_at(found)  # a holder let go, or no threat
            self.last_usage = found
            if let_go:
                self.said_held = False
                return Look(found, passed=len(self.not_ended))
            ended: list[EndedSession] = []
            not_ending: list[NotEnding] = []
            while (
                row := notify_queue.end_oldest_session_holding(session, begun_before=began, passing=self.not_ended)
            ) is not None:
                gone, started = row.pop("gone"), row.pop("backend_start")
                before, self.last_usage = self.last_usage, notify_queue.usage(session)[0]
                if gone:
                    ended.append(EndedSession(**row, queue_fell=self.last_usage < before))
                else:
                    self.not_ended.add((row["pid"], started))
                    not_ending.append(NotEnding(**row, open_for=began - row["xact_start"]))
                if not self.past_act_at(self.last_usage):
                    break
        held_by_others = row is None and not self.said_held
        self.said_held = self.said_held or held_by_others
        return Look(found, ended, not_ending, held_by_others=held_by_others, passed=len(self.not_ended))

    def past_act_at(self, usage: float) -> bool:
        """Whether `usage` is a threat: at or past `act_at`, and holding something back (an `act_at`
        of 0 acts on any notification held)."""
        return usage > 0 and usage >= self.act_at
