"""Per-account tables (db/migrations/0002_accounts.sql): profiles, subscriptions, subdomains, notification preferences;
and the column types every model module shares (TIMESTAMPTZ, ReadableJson), since each imports this one."""

import datetime as dt
import uuid
from collections.abc import Callable
from typing import Any

from sqlalchemy import Column, DateTime, Table, Text, TypeDecorator, Uuid, case, cast, func, type_coerce
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from blogster_cli import stored_json
from blogster_cli.models import db_default, pg_enum
from blogster_cli.vocabulary import SubscriptionTier

TIMESTAMPTZ = DateTime(timezone=True)


class ReadableJson(TypeDecorator[Any]):
    """jsonb an account may fill with any JSON by its own SQL, where one row's value must not end a query
    of many: psycopg decoded a number of 5,000 digits or nesting 5,000 deep inside the query (Python's
    json refuses both), failing every row with it (`newsletter list`, the due sends, `social list`, the
    chatbot's history, interactive content). Read as text and decoded by `stored_json`: each value Python
    cannot read left out (`readable`), or with `whole` the whole value None where any is (`decoded`: an
    interactive structure is checked as a save checks it, never used in part); `empty()` where the value
    read is None (or JSON null), for a NOT NULL column read as an object. `max_bytes`: a longer value is
    read as None (`octet_length` in the query: an interactive structure, `stored_json.MAX_BYTES`); the
    other columns were read whole before, at any size, and are not capped."""

    impl = JSONB
    cache_ok = True

    def __init__(
        self, empty: Callable[[], Any] | None = None, max_bytes: int | None = None, whole: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        # Named as the arguments, which are not keyword-only: what SQLAlchemy's cache key of the type is made of.
        self.empty, self.max_bytes, self.whole = empty, max_bytes, whole

    def column_expression(self, colexpr):  # type: ignore[no-untyped-def]
        text = cast(colexpr, Text)
        if self.max_bytes is None:
            return type_coerce(text, self)  # decoded below
        return type_coerce(case((func.octet_length(text) <= self.max_bytes, text)), self)

    def process_result_value(self, value: Any, dialect: Any) -> Any:
        if value is None:  # NULL, or longer than max_bytes
            return None
        if self.whole:
            try:
                decoded = stored_json.decoded(value)
            except stored_json.UnreadableJson:
                decoded = None
        else:
            decoded, _ = stored_json.readable(value)
        return self.empty() if decoded is None and self.empty is not None else decoded


# auth.users is never read through the ORM (user roles hold no grant on it); its key
# is declared so that the foreign keys pointing at it resolve when a Session flushes.
AUTH_USERS = Table("users", SQLModel.metadata, Column("id", Uuid, primary_key=True), schema="auth")


class Profile(SQLModel, table=True):
    __tablename__ = "profiles"
    __table_args__ = {"schema": "public"}

    id: uuid.UUID = Field(primary_key=True, foreign_key="auth.users.id", ondelete="CASCADE")
    username: str | None = None
    full_name: str | None = None
    avatar_url: str | None = None
    website: str | None = None
    company: str | None = None
    bio: str | None = None
    created_at: dt.datetime | None = db_default("now()", sa_type=TIMESTAMPTZ)
    updated_at: dt.datetime | None = db_default("now()", sa_type=TIMESTAMPTZ)


class UserSubscription(SQLModel, table=True):
    __tablename__ = "user_subscriptions"
    __table_args__ = {"schema": "public"}

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    user_id: uuid.UUID = Field(foreign_key="auth.users.id", ondelete="CASCADE")
    subscription_tier: SubscriptionTier = Field(
        default=SubscriptionTier.FREE, sa_type=pg_enum(SubscriptionTier, "subscription_tier")
    )
    start_date: dt.datetime | None = db_default("now()", sa_type=TIMESTAMPTZ)
    end_date: dt.datetime | None = Field(default=None, sa_type=TIMESTAMPTZ)
    is_active: bool = True
    credits_remaining: int = 3
    credits_used: int = 0
    stripe_customer_id: str | None = None
    stripe_subscription_id: str | None = None
    stripe_price_id: str | None = None
    created_at: dt.datetime | None = db_default("now()", sa_type=TIMESTAMPTZ)
    updated_at: dt.datetime | None = db_default("now()", sa_type=TIMESTAMPTZ)


class SubdomainSettings(SQLModel, table=True):
    __tablename__ = "subdomain_settings"
    __table_args__ = {"schema": "public"}

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    user_id: uuid.UUID = Field(foreign_key="auth.users.id", ondelete="CASCADE")
    subdomain: str
    theme: str = "default"
    custom_domain: str | None = None
    is_custom_domain_verified: bool = False
    site_title: str | None = None
    site_description: str | None = None
    created_at: dt.datetime | None = db_default("now()", sa_type=TIMESTAMPTZ)
    updated_at: dt.datetime | None = db_default("now()", sa_type=TIMESTAMPTZ)
    site_url: str | None = None
    permalink: str = "/posts/{slug}/"
    posts_per_page: int = 10


class UserNotificationPreferences(SQLModel, table=True):
    __tablename__ = "user_notification_preferences"
    __table_args__ = {"schema": "public"}

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    user_id: uuid.UUID = Field(foreign_key="auth.users.id", ondelete="CASCADE")
    maintenance_notifications: bool = True
    blog_interaction_notifications: bool = True
    marketing_notifications: bool = True
    security_notifications: bool = True
    email_notifications: bool = True
    in_app_notifications: bool = True
    quiet_hours_start: dt.time | None = None
    quiet_hours_end: dt.time | None = None
    timezone: str = "UTC"
    timezone_follows_setting: bool = True
    """`timezone` is the account's `timezone` setting, written by the client, until it chooses its own (0162)."""
    created_at: dt.datetime | None = db_default("now()", sa_type=TIMESTAMPTZ)
    updated_at: dt.datetime | None = db_default("now()", sa_type=TIMESTAMPTZ)
