"""The periodic jobs' use cases, shared by the workers' schedule and the one-shot cron commands.

Each is idempotent, so a worker and a cron entry (or two workers) running it at once do
the work once: partitions are created if missing. Publishing due posts is due_work's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from blogster_cli.actors import ActingUser, Timeouts
from blogster_cli.ai.plans import MONTHLY_CREDITS
from blogster_cli.db.connection import Database
from blogster_cli.db.orm import orm_admin_unit_of_work, orm_service_unit_of_work
from blogster_cli.errors import InvalidInput
from blogster_cli.repositories import scheduled_jobs
from blogster_cli.services.every_account import EveryAccount, for_every_account
from blogster_cli.vocabulary import SubscriptionTier

IDLE_CHAT_MINUTES = 30
PARTITION_MONTHS_AHEAD = 3
MAX_PARTITION_MONTHS_AHEAD = 120
MONTHLY = {SubscriptionTier(tier): credits for tier, credits in MONTHLY_CREDITS.items()}


def ensure_partitions(db: Database, *, months_ahead: int = PARTITION_MONTHS_AHEAD) -> int:
    """Creates the partitions of the next `months_ahead` months; returns how many were new."""
    if not 1 <= months_ahead <= MAX_PARTITION_MONTHS_AHEAD:
        raise InvalidInput(f"--months must be between 1 and {MAX_PARTITION_MONTHS_AHEAD}")
    with orm_admin_unit_of_work(db) as session:
        return scheduled_jobs.create_future_partitions(session, months_ahead=months_ahead)


def end_idle_chats(db: Database, *, idle_minutes: int = IDLE_CHAT_MINUTES) -> int:
    """Chatbot conversations silent for `idle_minutes` end as abandoned; returns how many."""
    if idle_minutes < 1:
        raise InvalidInput("--idle-minutes must be at least 1")
    with orm_service_unit_of_work(db) as session:
        return scheduled_jobs.abandon_idle_conversations(session, idle_minutes=idle_minutes)


def refresh_analytics(db: Database, *, today: date | None = None) -> int:
    """Rolls the chatbot figures of yesterday (now complete) and today up; returns the days done."""
    today = today or datetime.now(UTC).date()
    days = (today - timedelta(days=1), today)
    with orm_service_unit_of_work(db) as session:
        for day in days:
            scheduled_jobs.refresh_chatbot_analytics(session, day=day)
    return len(days)


@dataclass
class CreditRefills(EveryAccount[int | None]):
    """Each account's refill in this run, in account order: the credits it added (0: the plan
    already held its tier's monthly credits), or None where another run did it first; and the
    accounts whose refill failed (left for the next run)."""

    @property
    def refilled(self) -> int:
        """Accounts whose refill of the month this run did."""
        return sum(1 for added in self.results if added is not None)

    @property
    def topped_up(self) -> int:
        """Plans this run raised."""
        return sum(1 for added in self.results if added)


def refill_credits(db: Database, *, timeouts: Timeouts | None = None, today: date | None = None) -> CreditRefills:
    """The month's AI credit refill (each active plan up to its tier's monthly credits), once per
    calendar month (UTC) and account however often it runs: each account not yet refilled this
    month, in a transaction of its own (`refill_account`). An account whose subscription another
    session keeps locked past `timeouts.lock_ms` fails alone; the next run does it, and only it."""
    period = (today or datetime.now(UTC).date()).replace(day=1)
    limits = timeouts or Timeouts()
    with orm_service_unit_of_work(db, limits) as session:
        accounts = scheduled_jobs.accounts_due_a_refill(session, period=period)
    done = for_every_account(db, accounts, lambda account: refill_account(account, period=period), timeouts=limits)
    return CreditRefills(done.results, done.failures)


def refill_account(account: ActingUser, *, period: date) -> int | None:
    """`account`'s refill of `period`, as service_role (an account may not change its own
    credits) on `account.db`, in a transaction of its own; the credits added, or None if done."""
    with orm_service_unit_of_work(account.db, account.timeouts) as session:
        return scheduled_jobs.refill_account(session, user_id=account.actor.user_id, period=period, monthly=MONTHLY)
