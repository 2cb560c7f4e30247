"""Writer's block sessions (db/migrations/0005_extended.sql): the suggestions `unblock` offered, in a
module of their own so a command defines only the tables it uses."""

import datetime as dt
import uuid
from typing import Any

from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from blogster_cli.models import content as _content  # noqa: F401  (blogs, and through it auth.users)
from blogster_cli.models import db_default
from blogster_cli.models.accounts import TIMESTAMPTZ


class WritersBlockSession(SQLModel, table=True):
    __tablename__ = "writers_block_sessions"
    __table_args__ = {"schema": "public"}

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    user_id: uuid.UUID | None = db_default("auth.uid()", foreign_key="auth.users.id", ondelete="CASCADE")
    blog_id: uuid.UUID = Field(foreign_key="public.blogs.id", ondelete="CASCADE")
    initial_content: str | None = None
    content_fragment: str | None = None
    suggestions: list[Any] = Field(default_factory=list, sa_type=JSONB)
    selected_suggestion_id: str | None = None
    tokens_used: int = 0
    created_at: dt.datetime | None = db_default("now()", sa_type=TIMESTAMPTZ)
