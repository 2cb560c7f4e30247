"""Research sources (db/migrations/0005_extended.sql): what posts cite, in a module of their own so a
command defines only the tables it uses."""

import datetime as dt
import uuid
from typing import Any

from sqlmodel import Field, SQLModel

from blogster_cli.models import content as _content  # noqa: F401  (blogs, and through it auth.users)
from blogster_cli.models import db_default, pg_enum
from blogster_cli.models.accounts import TIMESTAMPTZ, ReadableJson
from blogster_cli.vocabulary import ResearchSourceType


class ResearchSource(SQLModel, table=True):
    __tablename__ = "research_sources"
    __table_args__ = {"schema": "public"}

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    user_id: uuid.UUID | None = db_default("auth.uid()", foreign_key="auth.users.id", ondelete="CASCADE")
    blog_id: uuid.UUID | None = Field(default=None, foreign_key="public.blogs.id", ondelete="SET NULL")
    title: str | None = None
    url: str | None = None
    author: str | None = None
    publication_date: dt.date | None = None
    content_excerpt: str | None = None
    source_type: ResearchSourceType = Field(
        default=ResearchSourceType.OTHER, sa_type=pg_enum(ResearchSourceType, "research_source_type")
    )
    relevance_score: float | None = None
    validity_score: float | None = None
    citation_format: dict[str, Any] = Field(default_factory=dict, sa_type=ReadableJson(empty=dict))
    created_at: dt.datetime | None = db_default("now()", sa_type=TIMESTAMPTZ)
