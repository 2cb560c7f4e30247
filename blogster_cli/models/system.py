"""Platform tables (db/migrations/0004_system.sql): maintenance, notifications, documentation. Feature flags
and the chatbot have modules of their own (`models.flags`, `models.chatbot`), so their commands define only theirs."""

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import Column, DateTime, Text, cast
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, TSVECTOR
from sqlmodel import AutoString, Field, SQLModel

from blogster_cli.models import accounts as _accounts  # noqa: F401  (auth.users, which its foreign keys name)
from blogster_cli.models import db_default, pg_enum
from blogster_cli.vocabulary import (
    DocumentationStatus,
    MaintenanceSeverity,
    MaintenanceStatus,
    NotificationDeliveryStatus,
    NotificationPriority,
    NotificationType,
)

TIMESTAMPTZ = DateTime(timezone=True)


class RegConfig(AutoString):
    """A text search configuration name, sent as regconfig (PostgreSQL casts no varchar to it implicitly)."""

    cache_ok = True

    def bind_expression(self, bindvalue):  # type: ignore[no-untyped-def]
        from sqlalchemy.dialects.postgresql import REGCONFIG

        return cast(bindvalue, REGCONFIG)

    def column_expression(self, colexpr):  # type: ignore[no-untyped-def]
        return cast(colexpr, Text)


class MaintenanceSchedule(SQLModel, table=True):
    __tablename__ = "maintenance_schedules"
    __table_args__ = {"schema": "public"}

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    title: str
    description: str | None = None
    start_time: dt.datetime = Field(sa_type=TIMESTAMPTZ)
    end_time: dt.datetime = Field(sa_type=TIMESTAMPTZ)
    status: MaintenanceStatus = Field(
        default=MaintenanceStatus.SCHEDULED, sa_type=pg_enum(MaintenanceStatus, "maintenance_status")
    )
    severity: MaintenanceSeverity = Field(
        default=MaintenanceSeverity.LOW, sa_type=pg_enum(MaintenanceSeverity, "maintenance_severity")
    )
    affected_services: list[str] = Field(default_factory=list, sa_type=ARRAY(Text))
    notification_sent: bool = False
    created_by: uuid.UUID | None = db_default(
        "auth.uid()", nullable=True, foreign_key="auth.users.id", ondelete="SET NULL"
    )
    created_at: dt.datetime | None = db_default("now()", sa_type=TIMESTAMPTZ)
    updated_at: dt.datetime | None = db_default("now()", sa_type=TIMESTAMPTZ)


class UserNotification(SQLModel, table=True):
    __tablename__ = "user_notifications"
    __table_args__ = {"schema": "public"}

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    user_id: uuid.UUID = Field(foreign_key="auth.users.id", ondelete="CASCADE")
    type: NotificationType = Field(sa_type=pg_enum(NotificationType, "notification_type"))
    title: str
    content: str | None = None
    link: str | None = None
    read: bool = False
    read_at: dt.datetime | None = Field(default=None, sa_type=TIMESTAMPTZ)
    expires_at: dt.datetime | None = Field(default=None, sa_type=TIMESTAMPTZ)
    priority: NotificationPriority = Field(
        default=NotificationPriority.MEDIUM, sa_type=pg_enum(NotificationPriority, "notification_priority")
    )
    delivery_status: NotificationDeliveryStatus = Field(
        default=NotificationDeliveryStatus.PENDING,
        sa_type=pg_enum(NotificationDeliveryStatus, "notification_delivery_status"),
    )
    delivery_error: str | None = None
    """Why the email was not sent (delivery_status failed), as the workers recorded it."""
    in_app: bool = True
    """Shown in the app; false for one written for its email only (in_app_notifications off, 0149)."""
    sender_id: uuid.UUID | None = Field(default=None, foreign_key="auth.users.id", ondelete="SET NULL")
    """Whose step wrote this version of a review notification (0151): its email waits while two
    others from the same sender are mailed and unread."""
    window_start: dt.datetime | None = Field(default=None, sa_type=TIMESTAMPTZ)
    window_end: dt.datetime | None = Field(default=None, sa_type=TIMESTAMPTZ)
    """The window a maintenance notification is about (0164; its content names it in UTC): front
    ends show it in the reader's `timezone` setting. None on other kinds, and on older ones."""
    created_at: dt.datetime | None = db_default("now()", primary_key=True, sa_type=TIMESTAMPTZ)
    updated_at: dt.datetime | None = db_default("now()", sa_type=TIMESTAMPTZ)


class DocumentationCategory(SQLModel, table=True):
    __tablename__ = "documentation_categories"
    __table_args__ = {"schema": "public"}

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    name: str
    slug: str
    description: str | None = None
    parent_id: uuid.UUID | None = Field(
        default=None, foreign_key="public.documentation_categories.id", ondelete="SET NULL"
    )
    order_position: int = 0
    is_visible: bool = True
    created_at: dt.datetime | None = db_default("now()", sa_type=TIMESTAMPTZ)
    updated_at: dt.datetime | None = db_default("now()", sa_type=TIMESTAMPTZ)


class DocumentationPage(SQLModel, table=True):
    __tablename__ = "documentation_pages"
    __table_args__ = {"schema": "public"}

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    category_id: uuid.UUID | None = Field(
        default=None, foreign_key="public.documentation_categories.id", ondelete="SET NULL"
    )
    title: str
    slug: str
    content: dict[str, Any] | None = Field(default=None, sa_type=JSONB(none_as_null=True))
    excerpt: str | None = None
    metadata_: dict[str, Any] = Field(default_factory=dict, sa_column=Column("metadata", JSONB, nullable=False))
    tags: list[str] = Field(default_factory=list, sa_type=ARRAY(Text))
    search_vector: str | None = Field(default=None, sa_type=TSVECTOR)
    search_config: str = Field(default="english", sa_type=RegConfig)
    version: str | None = None
    status: DocumentationStatus = Field(
        default=DocumentationStatus.DRAFT, sa_type=pg_enum(DocumentationStatus, "documentation_status")
    )
    last_reviewed_at: dt.datetime | None = Field(default=None, sa_type=TIMESTAMPTZ)
    last_reviewed_by: uuid.UUID | None = Field(default=None, foreign_key="auth.users.id", ondelete="SET NULL")
    created_by: uuid.UUID | None = db_default(
        "auth.uid()", nullable=True, foreign_key="auth.users.id", ondelete="SET NULL"
    )
    updated_by: uuid.UUID | None = db_default(
        "auth.uid()", nullable=True, foreign_key="auth.users.id", ondelete="SET NULL"
    )
    created_at: dt.datetime | None = db_default("now()", sa_type=TIMESTAMPTZ)
    updated_at: dt.datetime | None = db_default("now()", sa_type=TIMESTAMPTZ)


class DocumentationRevision(SQLModel, table=True):
    __tablename__ = "documentation_revisions"
    __table_args__ = {"schema": "public"}

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    page_id: uuid.UUID = Field(foreign_key="public.documentation_pages.id", ondelete="CASCADE")
    content: dict[str, Any] | None = Field(default=None, sa_type=JSONB(none_as_null=True))
    metadata_: dict[str, Any] | None = Field(default=None, sa_column=Column("metadata", JSONB(none_as_null=True)))
    version: str | None = None
    created_by: uuid.UUID | None = Field(default=None, foreign_key="auth.users.id", ondelete="SET NULL")
    created_at: dt.datetime | None = db_default("now()", sa_type=TIMESTAMPTZ)
