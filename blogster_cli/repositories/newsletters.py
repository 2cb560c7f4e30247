"""My newsletters, my subscribers list, the per-recipient send ledger and my daily sending allowance."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal
from uuid import UUID

from sqlalchemy import ColumnElement, String, Text, and_, bindparam, cast, func, or_, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import SessionTransaction
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
    """The subscriber's address (ignoring case) is one of `emails`: one array parameter, joined as a set.
    Both sides lowercased by PostgreSQL, as the unique indexes are: Python's str.lower differs (a
    final Σ becomes ς, not σ), and mixing the two lost `ΝΙΚΟΣ@example.gr` from a --to list."""
    listed = bindparam("listed_emails", sorted(set(emails)), type_=ARRAY(Text))
    return func.lower(NewsletterSubscriber.email).in_(select(func.lower(func.unnest(listed))))


def lowered(session: Session, *, emails: list[str]) -> dict[str, str]:
    """Each of `emails` lowercased as PostgreSQL does: the one rule the list and the ledger go by."""
    statement = text("select e, lower(e) from unnest(cast(:emails as text[])) as e")
    return {str(e): str(low) for e, low in session.connection().execute(statement, {"emails": emails}).all()}


def subscribers(session: Session, *, emails: list[str] | None = None) -> Sequence[NewsletterSubscriber]:
    """My subscribers (all, or those with these addresses, ignoring case), oldest first."""
    query = select(NewsletterSubscriber)
    if emails is not None:
        query = query.where(_lowered_in(emails))
    return session.exec(query.order_by(col(NewsletterSubscriber.created_at), NewsletterSubscriber.email)).all()


def spelled_otherwise(session: Session) -> Sequence[NewsletterSubscriber]:
    """My subscribers whose address a list may hold in another spelling too (stored before addresses
    had one: with a trailing dot, or a character outside printable ASCII, in the domain or not).
    Nearly every list has none: one scan of my rows, read so that only those are told by mailbox."""
    email = col(NewsletterSubscriber.email)
    return session.exec(
        select(NewsletterSubscriber).where(or_(email.endswith("."), ~email.regexp_match("^[ -~]*$")))
    ).all()


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


def delete_newsletter(session: Session, *, newsletter_id: UUID) -> bool:
    """The one place a newsletter is deleted: through public.delete_rows (users hold no DELETE), its
    owner's DELETE policy deciding. Its deliveries go with it (ON DELETE CASCADE); the mails they
    counted against the daily limit stay counted (internal.newsletter_sends, 0175), and its id and how
    many it mailed are kept for a restore of an earlier backup (internal.deleted_newsletters, 0181, 0190)."""
    statement = text("select public.delete_rows('public.email_newsletters', array[cast(:id as uuid)])")
    return session.connection().execute(statement, {"id": newsletter_id}).first() is not None


def delivered(session: Session, *, newsletter_id: UUID) -> bool:
    """Whether this newsletter was already accepted or refused for anyone (its send started)."""
    query = select(NewsletterDelivery.id).where(NewsletterDelivery.newsletter_id == newsletter_id).limit(1)
    return session.exec(query).first() is not None


def audience(
    session: Session, *, newsletter_id: UUID, emails: list[str] | None
) -> list[tuple[NewsletterSubscriber, str | None]]:
    """My subscribers (all, or those with these addresses), oldest first, each with this newsletter's
    outcome for them (None: not recorded). Matched in SQL, lower() on both sides as the ledger's
    unique index is, so a reader the ledger holds is never taken for one it does not."""
    recorded = and_(
        col(NewsletterDelivery.newsletter_id) == newsletter_id,
        func.lower(NewsletterDelivery.email) == func.lower(NewsletterSubscriber.email),
    )
    query = select(NewsletterSubscriber, col(NewsletterDelivery.outcome)).outerjoin(NewsletterDelivery, recorded)
    if emails is not None:
        query = query.where(_lowered_in(emails))
    query = query.order_by(col(NewsletterSubscriber.created_at), NewsletterSubscriber.email)
    return [(subscriber, outcome) for subscriber, outcome in session.exec(query).all()]


CLAIM_WAIT = "200ms"
"""How long claim_delivery waits for another transaction holding the reader's ledger row."""
NO_WAIT = "1ms"
"""claim_delivery's wait once a run met a held row (lock_timeout 0 would mean no limit at all)."""


@dataclass
class DeliveryClaim:
    """A reader's ledger row taken before their mail goes (claim_delivery)."""

    state: Literal["claimed", "recorded", "in use", "at limit", "turn held"]
    """claimed: this transaction holds the row, as accepted (counted against the daily limit), and
    commits it once the server accepted the mail (a kill before that rolls it back: the re-run mails
    that one reader again); recorded: an earlier run's outcome (skip them); in use: another
    transaction holds it (skip them this run); at limit: the account's daily limit leaves no room
    (nothing recorded); turn held: another transaction kept the account's sending turn past
    lock_timeout (nothing recorded)."""
    savepoint: SessionTransaction | None = None
    allowance: SendingAllowance | None = None
    """The account's allowance as counted with its turn taken (claimed, at limit)."""

    def keep(self) -> None:
        """Keeps the row (the server accepted the mail): it commits with the unit of work."""
        if self.savepoint is not None and self.savepoint.is_active:
            self.savepoint.commit()

    def undo(self) -> None:
        """Gives the row up (the server refused or deferred the mail): nothing recorded, nothing counted."""
        if self.savepoint is not None and self.savepoint.is_active:
            self.savepoint.rollback()


def claim_delivery(
    session: Session, *, newsletter_id: UUID, email: str, message_id: str, wait: str = CLAIM_WAIT
) -> DeliveryClaim:
    """Records `email` as accepted ahead of the mail, in a savepoint the caller undoes if it is not,
    once the account's daily limit leaves room for it.

    The limit is checked with the account's sending turn taken (public.newsletter_take_sending_turn,
    0180), held until the unit of work commits the record or the savepoint is undone: another send
    of the account waits for it, then counts this mail, so sends running at once never pass the
    limit together. Past lock_timeout waiting for the turn it answers 'turn held'.

    Waits at most `wait` (CLAIM_WAIT; NO_WAIT once the run met one) for a row another transaction
    holds (an account's own open transaction may hold one of its readers' as long as it likes), then
    answers 'in use' rather than waiting out lock_timeout and failing the account's whole send."""
    savepoint = session.begin_nested()
    connection = session.connection()
    try:
        with session.begin_nested():
            turn = "select daily_limit, sent, frees_at from public.newsletter_take_sending_turn()"
            daily_limit, sent, frees_at = connection.execute(text(turn)).one()
    except OperationalError as exc:
        if getattr(exc.orig, "sqlstate", None) != LOCK_NOT_AVAILABLE:
            raise
        savepoint.rollback()
        return DeliveryClaim("turn held")
    allowance = SendingAllowance(daily_limit, int(sent), frees_at)
    if allowance.left == 0:
        savepoint.rollback()  # the turn with it
        return DeliveryClaim("at limit", allowance=allowance)
    try:
        with session.begin_nested():
            before = connection.execute(
                text("select current_setting('lock_timeout'), set_config('lock_timeout', :wait, true)"),
                {"wait": wait},
            ).scalar_one()
            taken = connection.execute(
                text(
                    "insert into public.newsletter_deliveries (newsletter_id, email, outcome, message_id)"
                    " values (:newsletter_id, :email, 'sent', :message_id) on conflict do nothing returning id"
                ),
                {"newsletter_id": newsletter_id, "email": email, "message_id": message_id},
            ).first()
            connection.execute(text("select set_config('lock_timeout', :before, true)"), {"before": before})
    except OperationalError as exc:
        if getattr(exc.orig, "sqlstate", None) != LOCK_NOT_AVAILABLE:
            raise
        savepoint.rollback()
        return DeliveryClaim("in use")
    if taken is None:
        savepoint.rollback()
        return DeliveryClaim("recorded")
    return DeliveryClaim("claimed", savepoint, allowance)


LOCK_NOT_AVAILABLE = "55P03"


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
