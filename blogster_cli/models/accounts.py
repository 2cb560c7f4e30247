"""Per-account tables (db/migrations/0002_accounts.sql): profiles, subscriptions, subdomains, notification preferences."""

import datetime as dt
import uuid

from sqlalchemy import Column, DateTime, Table, Uuid
from sqlmodel import Field, SQLModel

from blogster_cli.models import db_default, pg_enum
from blogster_cli.vocabulary import SubscriptionTier

TIMESTAMPTZ = DateTime(timezone=True)

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
