"""Blog ideas (db/migrations/0005_extended.sql), in a module of their own so `ideas` commands define
only their table (and the blogs an idea starts)."""

import datetime as dt
import uuid

from sqlalchemy import Text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlmodel import Field, SQLModel

from blogster_cli.models import content as _content  # noqa: F401  (blogs, and through it auth.users)
from blogster_cli.models import db_default, pg_enum
from blogster_cli.models.accounts import TIMESTAMPTZ
from blogster_cli.vocabulary import BlogIdeaDifficulty, BlogIdeaStatus


class BlogIdea(SQLModel, table=True):
    __tablename__ = "blog_ideas"
    __table_args__ = {"schema": "public"}

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    user_id: uuid.UUID | None = db_default("auth.uid()", foreign_key="auth.users.id", ondelete="CASCADE")
    title: str
    description: str | None = None
    keywords: list[str] = Field(default_factory=list, sa_type=ARRAY(Text))
    industry_category: str | None = None
    trending_score: float | None = None
    engagement_potential: float | None = None
    difficulty_level: BlogIdeaDifficulty | None = Field(
        default=None, sa_type=pg_enum(BlogIdeaDifficulty, "blog_idea_difficulty")
    )
    estimated_word_count: int | None = None
    status: BlogIdeaStatus = Field(default=BlogIdeaStatus.NEW, sa_type=pg_enum(BlogIdeaStatus, "blog_idea_status"))
    blog_id: uuid.UUID | None = Field(default=None, foreign_key="public.blogs.id", ondelete="SET NULL")
    created_at: dt.datetime | None = db_default("now()", sa_type=TIMESTAMPTZ)
    updated_at: dt.datetime | None = db_default("now()", sa_type=TIMESTAMPTZ)
