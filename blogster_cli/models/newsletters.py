"""Newsletters (db/migrations/0005_extended.sql, 0022): the letters, the subscribers and each
message's delivery, in a module of their own so `newsletter` commands define only these tables."""

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import Uuid
from sqlalchemy.dialects.postgresql import ARRAY
from sqlmodel import Field, SQLModel

from blogster_cli.models import accounts as _accounts  # noqa: F401  (auth.users, which its foreign keys name)
from blogster_cli.models import db_default, pg_enum
from blogster_cli.models.accounts import TIMESTAMPTZ, ReadableJson
from blogster_cli.vocabulary import NewsletterStatus


class EmailNewsletter(SQLModel, table=True):
    __tablename__ = "email_newsletters"
    __table_args__ = {"schema": "public"}

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    user_id: uuid.UUID | None = db_default("auth.uid()", foreign_key="auth.users.id", ondelete="CASCADE")
    title: str | None = None
    subject_line: str | None = None
    content: dict[str, Any] | None = Field(default=None, sa_type=ReadableJson(none_as_null=True))
    blog_ids: list[uuid.UUID] = Field(default_factory=list, sa_type=ARRAY(Uuid))
    template_id: str | None = None
    scheduled_time: dt.datetime | None = Field(default=None, sa_type=TIMESTAMPTZ)
    status: NewsletterStatus = Field(
        default=NewsletterStatus.DRAFT, sa_type=pg_enum(NewsletterStatus, "newsletter_status")
    )
    recipient_count: int = 0
    open_rate: float | None = None
    click_rate: float | None = None
    created_at: dt.datetime | None = db_default("now()", sa_type=TIMESTAMPTZ)
    updated_at: dt.datetime | None = db_default("now()", sa_type=TIMESTAMPTZ)


class NewsletterSubscriber(SQLModel, table=True):
    """An address on a user's newsletter list (0022); unsubscribed ones stay, so sends skip them."""

    __tablename__ = "newsletter_subscribers"
    __table_args__ = {"schema": "public"}

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    user_id: uuid.UUID | None = db_default("auth.uid()", foreign_key="auth.users.id", ondelete="CASCADE")
    email: str
    name: str | None = None
    unsubscribe_token: str | None = db_default("replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', '')")
    unsubscribed_at: dt.datetime | None = Field(default=None, sa_type=TIMESTAMPTZ)
    created_at: dt.datetime | None = db_default("now()", sa_type=TIMESTAMPTZ)
    updated_at: dt.datetime | None = db_default("now()", sa_type=TIMESTAMPTZ)


class NewsletterDelivery(SQLModel, table=True):
    """One newsletter message accepted or refused by the SMTP server (0022): the resumable send's ledger."""

    __tablename__ = "newsletter_deliveries"
    __table_args__ = {"schema": "public"}

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    user_id: uuid.UUID | None = db_default("auth.uid()", foreign_key="auth.users.id", ondelete="CASCADE")
    newsletter_id: uuid.UUID = Field(foreign_key="public.email_newsletters.id", ondelete="CASCADE")
    email: str
    outcome: str
    message_id: str
    error: str | None = None
    sent_at: dt.datetime | None = db_default("now()", sa_type=TIMESTAMPTZ)
