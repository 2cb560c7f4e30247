"""My newsletters, my subscribers list, the per-recipient send ledger and my daily sending allowance."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from uuid import UUID

from sqlalchemy import ColumnElement, String, Text, bindparam, cast, func, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlmodel import Session, col, select

from blogster_cli import id_prefixes
from blogster_cli.models.newsletters import EmailNewsletter, NewsletterDelivery, NewsletterSubscriber
from blogster_cli.vocabulary import NewsletterDeliveryOutcome, NewsletterStatus


def insert_newsletter(session: Session, *, newsletter: EmailNewsletter) -> EmailNewsletter:
    session.add(newsletter)
    session.flush()
    session.refresh(newsletter)
    return newsletter


def own_newsletters(session: Session) -> Sequence[EmailNewsletter]:
    return session.exec(select(EmailNewsletter).order_by(col(EmailNewsletter.created_at).desc())).all()


def find_newsletter(session: Session, *, prefix: str) -> list[EmailNewsletter]:
    """My newsletters whose id starts with `prefix` (id_prefixes: one is a match, two ambiguous)."""
    query = select(EmailNewsletter).where(cast(EmailNewsletter.id, String).startswith(prefix, autoescape=True))
    return list(session.exec(query.limit(id_prefixes.ROWS_NEEDED)).all())


def lock_newsletter(session: Session, *, newsletter_id: UUID) -> EmailNewsletter | None:
    """The newsletter, locked until the transaction ends, or None when another transaction
    holds it (a send in progress). FOR NO KEY UPDATE, so the deliveries other units of work
    record meanwhile (their foreign key takes FOR KEY SHARE) do not wait on it."""
    query = (
        select(EmailNewsletter)
        .where(EmailNewsletter.id == newsletter_id)
        .with_for_update(skip_locked=True, key_share=True)
        .execution_options(populate_existing=True)
    )
    return session.exec(query).first()


def own_address(session: Session) -> str | None:
    """My account's email address (a worker acting for me knows only my id)."""
    return session.connection().execute(text("select email from auth.me()")).scalar_one_or_none()


def due_newsletters(session: Session, *, now: dt.datetime) -> Sequence[EmailNewsletter]:
    query = select(EmailNewsletter).where(
        EmailNewsletter.status == NewsletterStatus.SCHEDULED, col(EmailNewsletter.scheduled_time) <= now
    )
    return session.exec(query.order_by(col(EmailNewsletter.scheduled_time))).all()


def add_subscribers(session: Session, *, people: list[tuple[str, str | None]]) -> int:
    """Adds (email, name) pairs not on the list yet (ignoring case); returns how many were new.

    One array per column through unnest(): a list of any length binds two parameters (a
    VALUES row per person bound two each, and PostgreSQL takes at most 65,535).
    """
    if not people:
        return 0
    statement = text(
        "insert into public.newsletter_subscribers (email, name)"
        " select t.email, t.name from unnest(cast(:emails as text[]), cast(:names as text[])) as t(email, name)"
        " on conflict do nothing returning id"
    )
    params = {"emails": [email for email, _ in people], "names": [name for _, name in people]}
    return len(session.connection().execute(statement, params).all())


def _lowered_in(emails: list[str]) -> ColumnElement[bool]:
    """The subscriber's address (ignoring case) is one of `emails`: one array parameter, joined as a set."""
    lowered = bindparam("lowered_emails", sorted({e.lower() for e in emails}), type_=ARRAY(Text))
    return func.lower(NewsletterSubscriber.email).in_(select(func.unnest(lowered)))


def subscribers(session: Session, *, emails: list[str] | None = None) -> Sequence[NewsletterSubscriber]:
    """My subscribers (all, or those with these addresses, ignoring case), oldest first."""
    query = select(NewsletterSubscriber)
    if emails is not None:
        query = query.where(_lowered_in(emails))
    return session.exec(query.order_by(col(NewsletterSubscriber.created_at), NewsletterSubscriber.email)).all()


def unsubscribe(session: Session, *, emails: list[str] | None = None, tokens: list[str] | None = None) -> int:
    """Marks subscribers unsubscribed (by address or unsubscribe token); returns how many changed."""
    query = select(NewsletterSubscriber).where(col(NewsletterSubscriber.unsubscribed_at).is_(None))
    if emails is not None:
        query = query.where(_lowered_in(emails))
    if tokens is not None:
        listed = bindparam("tokens", list(tokens), type_=ARRAY(Text))
        query = query.where(col(NewsletterSubscriber.unsubscribe_token).in_(select(func.unnest(listed))))
    changed = session.exec(query.with_for_update()).all()
    for subscriber in changed:
        subscriber.unsubscribed_at = func.now()  # type: ignore[assignment]  # the database's clock
        session.add(subscriber)
    return len(changed)


def delete_subscriber(session: Session, *, subscriber_id: UUID) -> bool:
    """The one place a subscriber is deleted: through public.delete_rows (users hold no DELETE)."""
    statement = text("select public.delete_rows('public.newsletter_subscribers', array[cast(:id as uuid)])")
    return session.connection().execute(statement, {"id": subscriber_id}).first() is not None


def delivered(session: Session, *, newsletter_id: UUID) -> set[str]:
    """The addresses (lowercased) this newsletter was already accepted or refused for."""
    query = select(func.lower(NewsletterDelivery.email)).where(NewsletterDelivery.newsletter_id == newsletter_id)
    return set(session.exec(query).all())


def refused_before(session: Session, *, newsletter_id: UUID) -> set[str]:
    """The addresses (lowercased) this newsletter was refused for, for good, in an earlier run."""
    query = select(func.lower(NewsletterDelivery.email)).where(
        NewsletterDelivery.newsletter_id == newsletter_id,
        NewsletterDelivery.outcome == NewsletterDeliveryOutcome.REFUSED,
    )
    return set(session.exec(query).all())


def last_refusal(session: Session, *, newsletter_id: UUID) -> NewsletterDelivery | None:
    """The newsletter's latest refusal for good in the ledger (its address, the server's reply, when)."""
    query = select(NewsletterDelivery).where(
        NewsletterDelivery.newsletter_id == newsletter_id,
        NewsletterDelivery.outcome == NewsletterDeliveryOutcome.REFUSED,
    )
    return session.exec(query.order_by(col(NewsletterDelivery.sent_at).desc()).limit(1)).first()


def record_delivery(
    session: Session, *, newsletter_id: UUID, email: str, outcome: NewsletterDeliveryOutcome, message_id: str,
    error: str | None = None,
) -> None:  # fmt: skip
    session.add(
        NewsletterDelivery(
            newsletter_id=newsletter_id,
            email=email,
            outcome=outcome,
            message_id=message_id,
            error=error[:1000] if error else None,
        )  # fmt: skip
    )


def by_ids(session: Session, *, ids: list[UUID]) -> Sequence[EmailNewsletter]:
    """My newsletters among these ids (others' are not visible), locked for the change."""
    return session.exec(select(EmailNewsletter).where(col(EmailNewsletter.id).in_(ids)).with_for_update()).all()


def sent_addresses(session: Session, *, newsletter_id: UUID) -> list[str]:
    """The addresses this newsletter was accepted for."""
    query = select(NewsletterDelivery.email).where(
        NewsletterDelivery.newsletter_id == newsletter_id, NewsletterDelivery.outcome == NewsletterDeliveryOutcome.SENT
    )
    return list(session.exec(query).all())


def sent_counts(session: Session, *, newsletter_ids: list[UUID]) -> dict[UUID, int]:
    """How many addresses each of these newsletters was accepted for so far (none: absent)."""
    if not newsletter_ids:
        return {}
    query = (
        select(NewsletterDelivery.newsletter_id, func.count())
        .where(
            col(NewsletterDelivery.newsletter_id).in_(newsletter_ids),
            NewsletterDelivery.outcome == NewsletterDeliveryOutcome.SENT,
        )
        .group_by(col(NewsletterDelivery.newsletter_id))
    )
    return {newsletter_id: int(count) for newsletter_id, count in session.exec(query).all()}


def sent_count(session: Session, *, newsletter_id: UUID) -> int:
    query = select(func.count()).where(
        NewsletterDelivery.newsletter_id == newsletter_id, NewsletterDelivery.outcome == NewsletterDeliveryOutcome.SENT
    )
    return int(session.exec(query).one())


@dataclass(frozen=True)
class SendingAllowance:
    """My daily sending limit as public.newsletter_sending_allowance() answers it (0175)."""

    daily_limit: int | None
    """Mails in any 24 hours (None: unlimited)."""
    sent: int
    """Mails of my newsletters the SMTP server accepted in the last 24 hours."""
    frees_at: dt.datetime | None
    """At the limit: when the next mail may go (None: not before an administrator raises a limit of 0)."""

    @property
    def left(self) -> int | None:
        """Mails that may go now (None: any number)."""
        return None if self.daily_limit is None else max(self.daily_limit - self.sent, 0)


def sending_allowance(session: Session) -> SendingAllowance:
    """My allowance, counting what this transaction recorded too (the delivery trigger counts it as
    the pending rows are flushed)."""
    session.flush()
    statement = text("select daily_limit, sent, frees_at from public.newsletter_sending_allowance()")
    daily_limit, sent, frees_at = session.connection().execute(statement).one()
    return SendingAllowance(daily_limit, int(sent), frees_at)
