"""Social profiles and posts (db/migrations/0005_extended.sql), in a module of their own so a command
defines only the tables it uses."""

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import Text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlmodel import Field, SQLModel

from blogster_cli.models import blog_author_key, db_default, filled_by_trigger, pg_enum
from blogster_cli.models import content as _content  # noqa: F401  (blogs, and through it auth.users)
from blogster_cli.models.accounts import TIMESTAMPTZ, ReadableJson
from blogster_cli.vocabulary import SocialPlatform, SocialPostStatus


class SocialMediaProfile(SQLModel, table=True):
    __tablename__ = "social_media_profiles"
    __table_args__ = {"schema": "public"}

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    user_id: uuid.UUID | None = db_default("auth.uid()", foreign_key="auth.users.id", ondelete="CASCADE")
    platform: SocialPlatform = Field(sa_type=pg_enum(SocialPlatform, "social_platform"))
    profile_id: str | None = None
    profile_name: str | None = None
    access_token: str | None = None
    access_token_expires_at: dt.datetime | None = Field(default=None, sa_type=TIMESTAMPTZ)
    refresh_token: str | None = None
    is_connected: bool = False
    created_at: dt.datetime | None = db_default("now()", sa_type=TIMESTAMPTZ)
    updated_at: dt.datetime | None = db_default("now()", sa_type=TIMESTAMPTZ)


class SocialMediaPost(SQLModel, table=True):
    __tablename__ = "social_media_posts"
    __table_args__ = (blog_author_key(), {"schema": "public"})

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    blog_id: uuid.UUID
    author_id: uuid.UUID | None = filled_by_trigger()
    social_profile_id: uuid.UUID = Field(foreign_key="public.social_media_profiles.id", ondelete="CASCADE")
    content: str | None = None
    image_urls: list[str] = Field(default_factory=list, sa_type=ARRAY(Text))
    hashtags: list[str] = Field(default_factory=list, sa_type=ARRAY(Text))
    scheduled_time: dt.datetime | None = Field(default=None, sa_type=TIMESTAMPTZ)
    post_status: SocialPostStatus = Field(
        default=SocialPostStatus.DRAFT, sa_type=pg_enum(SocialPostStatus, "social_post_status")
    )
    platform_post_id: str | None = None
    engagement_metrics: dict[str, Any] = Field(default_factory=dict, sa_type=ReadableJson(empty=dict))
    created_at: dt.datetime | None = db_default("now()", sa_type=TIMESTAMPTZ)
    updated_at: dt.datetime | None = db_default("now()", sa_type=TIMESTAMPTZ)
    error: str | None = None
    """Why the last try to post it failed, or why it waits (no token where it was tried); None once posted (0131)."""
