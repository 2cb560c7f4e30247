"""The periodic jobs' use cases, shared by the workers' schedule and the one-shot cron commands.

Each is idempotent, so a worker and a cron entry (or two workers) running it at once do
the work once: partitions are created if missing. Publishing due posts is due_work's.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from blogster_cli.ai.plans import MONTHLY_CREDITS
from blogster_cli.db.connection import Database
from blogster_cli.db.orm import orm_admin_unit_of_work, orm_service_unit_of_work
from blogster_cli.errors import InvalidInput
from blogster_cli.repositories import generation as generation_rows
from blogster_cli.repositories import scheduled_jobs
from blogster_cli.vocabulary import SubscriptionTier

IDLE_CHAT_MINUTES = 30
PARTITION_MONTHS_AHEAD = 3
MAX_PARTITION_MONTHS_AHEAD = 120


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


def refill_credits(db: Database, *, today: date | None = None) -> int | None:
    """The month's AI credit refill (every active plan up to its tier's monthly credits), once
    per calendar month (UTC) however often it runs; returns how many plans rose, or None
    when this month's refill was already done."""
    today = today or datetime.now(UTC).date()
    period = today.replace(day=1)
    with orm_service_unit_of_work(db) as session:
        if not scheduled_jobs.claim_credit_refill(session, period=period):
            return None
        topped_up = generation_rows.refill_subscriptions(
            session, monthly={SubscriptionTier(tier): credits for tier, credits in MONTHLY_CREDITS.items()}
        )
        scheduled_jobs.record_credit_refill(session, period=period, topped_up=topped_up)
        return topped_up
