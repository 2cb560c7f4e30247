"""The content calendar (db/migrations/0005_extended.sql), in a module of its own so calendar commands
define only its table (and the blogs its entries are for)."""

import datetime as dt
import uuid

from sqlalchemy import Text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlmodel import Field, SQLModel

from blogster_cli.models import content as _content  # noqa: F401  (blogs, and through it auth.users)
from blogster_cli.models import db_default, filled_by_trigger, pg_enum
from blogster_cli.models.accounts import TIMESTAMPTZ
from blogster_cli.vocabulary import CalendarContentType, CalendarStatus


class ContentCalendar(SQLModel, table=True):
    __tablename__ = "content_calendar"
    __table_args__ = {"schema": "public"}

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    user_id: uuid.UUID | None = db_default("auth.uid()", foreign_key="auth.users.id", ondelete="CASCADE")
    title: str | None = None
    description: str | None = None
    scheduled_date: dt.date | None = None
    scheduled_time: dt.time | None = None
    blog_id: uuid.UUID | None = Field(default=None, foreign_key="public.blogs.id", ondelete="SET NULL")
    content_type: CalendarContentType = Field(
        default=CalendarContentType.BLOG, sa_type=pg_enum(CalendarContentType, "calendar_content_type")
    )
    status: CalendarStatus = Field(default=CalendarStatus.PLANNED, sa_type=pg_enum(CalendarStatus, "calendar_status"))
    topic_category: str | None = None
    target_audience: list[str] = Field(default_factory=list, sa_type=ARRAY(Text))
    optimal_time_score: float | None = None
    created_at: dt.datetime | None = db_default("now()", sa_type=TIMESTAMPTZ)
    updated_at: dt.datetime | None = db_default("now()", sa_type=TIMESTAMPTZ)
    timezone: str = "UTC"
    uid: str | None = filled_by_trigger()
    sequence: int = 0


class CalendarEntryPublic(SQLModel):
    """A calendar entry as commands show it; `starts_at` is the instant its local date and time stand for."""

    id: uuid.UUID
    uid: str
    title: str | None
    description: str | None
    scheduled_date: dt.date | None
    scheduled_time: dt.time | None
    timezone: str
    starts_at: dt.datetime | None
    blog_id: uuid.UUID | None
    content_type: CalendarContentType
    status: CalendarStatus
    topic_category: str | None
    target_audience: list[str]
    optimal_time_score: float | None
    sequence: int
    updated_at: dt.datetime | None
