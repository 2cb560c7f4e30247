"""Writing tables (db/migrations/0003_content.sql): blogs, personas, templates, tags, revisions, analytics, AI logs, images, activities."""

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, Column, DateTime, Integer, Numeric, Text
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlmodel import Field, SQLModel

from blogster_cli.models import accounts as _accounts  # noqa: F401  (profiles, auth.users: its foreign keys)
from blogster_cli.models import blog_author_key, db_default, filled_by_trigger, pg_enum
from blogster_cli.models.accounts import ReadableJson
from blogster_cli.vocabulary import BlogStatus

TIMESTAMPTZ = DateTime(timezone=True)


class PersonaBase(SQLModel):
    """The audience description a writer edits."""

    name: str
    description: str | None = None
    age_range: str | None = None
    gender: str | None = None
    interests: list[str] = Field(default_factory=list, sa_type=ARRAY(Text))
    pain_points: list[str] = Field(default_factory=list, sa_type=ARRAY(Text))
    goals: list[str] = Field(default_factory=list, sa_type=ARRAY(Text))
    education_level: str | None = None
    income_level: str | None = None
    occupation: str | None = None
    location: str | None = None
    avatar_url: str | None = None


class Persona(PersonaBase, table=True):
    """A target audience; template rows are system personas (owner_id NULL) that users copy."""

    __tablename__ = "personas"
    __table_args__ = {"schema": "public"}

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    template: bool = False
    owner_id: uuid.UUID | None = db_default(
        "auth.uid()", nullable=True, foreign_key="public.profiles.id", ondelete="CASCADE"
    )
    created_at: dt.datetime | None = db_default("now()", sa_type=TIMESTAMPTZ)
    updated_at: dt.datetime | None = db_default("now()", sa_type=TIMESTAMPTZ)


class PersonaPublic(PersonaBase):
    id: uuid.UUID
    template: bool
    owner_id: uuid.UUID | None
    created_at: dt.datetime
    updated_at: dt.datetime


class BlogTemplateBase(SQLModel):
    """A layout: structure is an array of sections {type, heading, placeholder, target_words}."""

    name: str
    description: str | None = None
    structure: list[Any] = Field(default_factory=list, sa_type=JSONB)
    image_count: int = 0


class BlogTemplate(BlogTemplateBase, table=True):
    __tablename__ = "blog_templates"
    __table_args__ = {"schema": "public"}

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    is_system: bool = False
    created_at: dt.datetime | None = db_default("now()", sa_type=TIMESTAMPTZ)
    updated_at: dt.datetime | None = db_default("now()", sa_type=TIMESTAMPTZ)


class BlogTemplatePublic(BlogTemplateBase):
    id: uuid.UUID
    is_system: bool
    created_at: dt.datetime
    updated_at: dt.datetime


class BlogBase(SQLModel):
    """What a writer edits; content is the versioned JSONB document of db/README.md, read without the
    values Python cannot read (`ReadableJson`: an assignee's `review show` of a post its author filled
    by SQL; the CLI's reads of posts are `repositories.blogs`', which say what they left out)."""

    title: str
    slug: str
    content: dict[str, Any] | None = Field(default=None, sa_type=ReadableJson(none_as_null=True))
    status: BlogStatus = Field(default=BlogStatus.DRAFT, sa_type=pg_enum(BlogStatus, "blog_status"))
    meta_description: str | None = None
    meta_keywords: list[str] | None = Field(default=None, sa_type=ARRAY(Text))
    featured_image: str | None = None
    persona_id: uuid.UUID | None = Field(default=None, foreign_key="public.personas.id", ondelete="SET NULL")
    template_id: uuid.UUID | None = Field(default=None, foreign_key="public.blog_templates.id", ondelete="SET NULL")
    published_at: dt.datetime | None = Field(default=None, sa_type=TIMESTAMPTZ)


class Blog(BlogBase, table=True):
    """A post; deleted_at set means it is in the owner's trash."""

    __tablename__ = "blogs"
    __table_args__ = {"schema": "public"}

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    author_id: uuid.UUID | None = db_default("auth.uid()", foreign_key="public.profiles.id", ondelete="CASCADE")
    ai_generated: bool = False
    # Computed from content by trigger; not insertable by writers.
    word_count: int | None = db_default("0")
    reading_time: int | None = db_default("0")
    created_at: dt.datetime | None = db_default("now()", sa_type=TIMESTAMPTZ)
    updated_at: dt.datetime | None = db_default("now()", sa_type=TIMESTAMPTZ)
    deleted_at: dt.datetime | None = Field(default=None, sa_type=TIMESTAMPTZ)
    # Each slug and publication time the post had while published, oldest first; kept by trigger (0203).
    former_addresses: list[dict[str, Any]] | None = db_default("'[]'::jsonb", sa_type=JSONB(none_as_null=True))


class BlogPublic(BlogBase):
    id: uuid.UUID
    author_id: uuid.UUID
    ai_generated: bool
    word_count: int
    reading_time: int
    created_at: dt.datetime
    updated_at: dt.datetime
    deleted_at: dt.datetime | None


class BlogTag(SQLModel, table=True):
    __tablename__ = "blog_tags"
    __table_args__ = {"schema": "public"}

    # Writers may insert only the name; the id comes from the database.
    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    name: str
    created_at: dt.datetime | None = db_default("now()", sa_type=TIMESTAMPTZ)


class BlogsToTags(SQLModel, table=True):
    __tablename__ = "blogs_to_tags"
    __table_args__ = (blog_author_key(), {"schema": "public"})

    blog_id: uuid.UUID = Field(primary_key=True)
    tag_id: uuid.UUID = Field(primary_key=True, foreign_key="public.blog_tags.id", ondelete="CASCADE")
    author_id: uuid.UUID | None = filled_by_trigger()
    # The post is published and not trashed: set from the post by triggers (0024), read by the policies.
    blog_public: bool | None = filled_by_trigger()
    # How the post's author spells the tag: the writer's spelling when it matches the tag case-insensitively, one per
    # author and tag, else the tag's name (trigger, 0117); rewritten on a rename (0094); read for a post's tags.
    tag_name: str | None = filled_by_trigger()


class BlogRevision(SQLModel, table=True):
    __tablename__ = "blog_revisions"
    __table_args__ = (blog_author_key(), {"schema": "public"})

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    blog_id: uuid.UUID
    content: dict[str, Any] | None = Field(default=None, sa_type=JSONB(none_as_null=True))
    revision_number: int
    created_by: uuid.UUID | None = Field(default=None, foreign_key="auth.users.id", ondelete="SET NULL")
    created_at: dt.datetime | None = db_default("now()", sa_type=TIMESTAMPTZ)
    author_id: uuid.UUID | None = filled_by_trigger()  # the blog's author (0025), read by the policy


class BlogAnalytics(SQLModel, table=True):
    __tablename__ = "blog_analytics"
    __table_args__ = (blog_author_key(), {"schema": "public"})

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    blog_id: uuid.UUID
    author_id: uuid.UUID | None = filled_by_trigger()
    views: int = 0
    unique_visitors: int = 0
    avg_time_on_page: float | None = None
    bounce_rate: float | None = None
    referrers: dict[str, Any] = Field(default_factory=dict, sa_type=JSONB)
    date: dt.date
    created_at: dt.datetime | None = db_default("now()", sa_type=TIMESTAMPTZ)
    updated_at: dt.datetime | None = db_default("now()", sa_type=TIMESTAMPTZ)
    views_by_hour: list[int] | None = Field(default=None, sa_type=ARRAY(Integer))


class BlogAnalyticsDailyTotal(SQLModel, table=True):
    """Per account and UTC date, blog_analytics of live posts summed (0090): kept by triggers, read-only."""

    __tablename__ = "blog_analytics_daily_totals"
    __table_args__ = {"schema": "public"}

    author_id: uuid.UUID = Field(primary_key=True, foreign_key="auth.users.id", ondelete="CASCADE")
    date: dt.date = Field(primary_key=True)
    views: int = Field(default=0, sa_type=BigInteger)
    bounce_weighted: Decimal = Field(default=Decimal(0), sa_type=Numeric)
    bounce_views: int = Field(default=0, sa_type=BigInteger)


class AnalyticsIngestRange(SQLModel, table=True):
    """Ingest ledger (0040): bytes [start_offset, end_offset) of the log known by file_key were counted."""

    __tablename__ = "analytics_ingest_ranges"
    __table_args__ = {"schema": "public"}

    id: int | None = Field(default=None, primary_key=True, sa_type=BigInteger)
    author_id: uuid.UUID | None = db_default("auth.uid()", foreign_key="public.profiles.id", ondelete="CASCADE")
    file_key: str
    start_offset: int = Field(sa_type=BigInteger)
    end_offset: int = Field(sa_type=BigInteger)
    range_hash: str
    lines: int
    first_view: dt.datetime | None = Field(default=None, sa_type=TIMESTAMPTZ)
    last_view: dt.datetime | None = Field(default=None, sa_type=TIMESTAMPTZ)
    summarised: bool = False
    created_at: dt.datetime | None = db_default("now()", sa_type=TIMESTAMPTZ)
    views: str | None = None  # 0046: the batch's page views, one a line (repositories/analytics.record_batch)
    line_digests: bytes | None = None  # 0128: a CRC-32 of each line (analytics/ledger.line_digests)


class AnalyticsPageView(SQLModel, table=True):
    """One counted page view (0040); blog_id None for a page that is no post."""

    __tablename__ = "analytics_page_views"
    __table_args__ = (blog_author_key(), {"schema": "public"})

    id: int | None = Field(default=None, primary_key=True, sa_type=BigInteger)
    author_id: uuid.UUID | None = db_default("auth.uid()", foreign_key="public.profiles.id", ondelete="CASCADE")
    blog_id: uuid.UUID | None = None
    visitor: int = Field(sa_type=BigInteger)
    viewed_at: dt.datetime = Field(sa_type=TIMESTAMPTZ)
    referrer: str | None = None
    device: str | None = None  # desktop, mobile or tablet (0045); None when not known


class AnalyticsIngestLock(SQLModel, table=True):
    """The row a running ingest keeps locked (0040)."""

    __tablename__ = "analytics_ingest_locks"
    __table_args__ = {"schema": "public"}

    author_id: uuid.UUID | None = db_default(
        "auth.uid()", primary_key=True, foreign_key="public.profiles.id", ondelete="CASCADE"
    )
    locked_at: dt.datetime | None = db_default("now()", sa_type=TIMESTAMPTZ)


class AnalyticsDailyVisitors(SQLModel, table=True):
    """Per account and UTC date: distinct visitors over the views of its posts (0109), by `analytics ingest`."""

    __tablename__ = "analytics_daily_visitors"
    __table_args__ = {"schema": "public"}

    author_id: uuid.UUID | None = db_default(
        "auth.uid()", primary_key=True, foreign_key="public.profiles.id", ondelete="CASCADE"
    )
    date: dt.date = Field(primary_key=True)
    unique_visitors: int


class AiGenerationLog(SQLModel, table=True):
    __tablename__ = "ai_generation_logs"
    __table_args__ = {"schema": "public"}

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    request_id: uuid.UUID = Field(default_factory=uuid.uuid4)
    user_id: uuid.UUID | None = db_default("auth.uid()", foreign_key="auth.users.id", ondelete="CASCADE")
    tokens_used: int = 0
    prompt: str | None = None
    completion: str | None = None
    model: str | None = None
    success: bool = False
    blog_id: uuid.UUID | None = Field(default=None, foreign_key="public.blogs.id", ondelete="SET NULL")
    persona_id: uuid.UUID | None = Field(default=None, foreign_key="public.personas.id", ondelete="SET NULL")
    template_id: uuid.UUID | None = Field(default=None, foreign_key="public.blog_templates.id", ondelete="SET NULL")
    created_at: dt.datetime | None = db_default("now()", sa_type=TIMESTAMPTZ)


class ImageAsset(SQLModel, table=True):
    __tablename__ = "image_assets"
    __table_args__ = {"schema": "public"}

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    url: str
    path: str | None = None
    size: int | None = Field(default=None, sa_type=BigInteger)
    file_type: str | None = None
    blog_id: uuid.UUID | None = Field(default=None, foreign_key="public.blogs.id", ondelete="SET NULL")
    ai_generated: bool = False
    ai_prompt: str | None = None
    alt_text: str | None = None
    caption: str | None = None
    created_by: uuid.UUID | None = db_default("auth.uid()", foreign_key="auth.users.id", ondelete="CASCADE")
    created_at: dt.datetime | None = db_default("now()", sa_type=TIMESTAMPTZ)


class Activity(SQLModel, table=True):
    __tablename__ = "activities"
    __table_args__ = {"schema": "public"}

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    user_id: uuid.UUID | None = db_default("auth.uid()", nullable=True, foreign_key="auth.users.id", ondelete="CASCADE")
    type: str
    title: str
    description: str
    blog_id: uuid.UUID | None = Field(default=None, foreign_key="public.blogs.id", ondelete="SET NULL")
    metadata_: dict[str, Any] = Field(default_factory=dict, sa_column=Column("metadata", JSONB, nullable=False))
    created_at: dt.datetime | None = db_default("now()", sa_type=TIMESTAMPTZ)
    updated_at: dt.datetime | None = db_default("now()", sa_type=TIMESTAMPTZ)


class SyncFolder(SQLModel, table=True):
    """A markdown folder linked to an account by `blogster sync` (0051)."""

    __tablename__ = "sync_folders"
    __table_args__ = {"schema": "public"}

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    owner_id: uuid.UUID | None = db_default("auth.uid()", foreign_key="auth.users.id", ondelete="CASCADE")
    folder: str
    dialect: str
    format_given: bool = False
    created_at: dt.datetime | None = db_default("now()", sa_type=TIMESTAMPTZ)
    last_run_at: dt.datetime | None = Field(default=None, sa_type=TIMESTAMPTZ)
    last_summary: dict[str, Any] | None = Field(default=None, sa_type=JSONB(none_as_null=True))


class SyncFile(SQLModel, table=True):
    """One file of a linked folder as the last sync saw it (0051): its hash and its post's version."""

    __tablename__ = "sync_files"
    __table_args__ = {"schema": "public"}

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    folder_id: uuid.UUID = Field(foreign_key="public.sync_folders.id", ondelete="CASCADE")
    owner_id: uuid.UUID | None = db_default("auth.uid()", foreign_key="auth.users.id", ondelete="CASCADE")
    path: str
    blog_id: uuid.UUID | None = Field(default=None, foreign_key="public.blogs.id", ondelete="SET NULL")
    file_sha256: str
    post_version: str
    conflict_file_sha256: str | None = None
    conflict_post_version: str | None = None
    file_size: int | None = Field(default=None, sa_type=BigInteger)
    file_mtime_ns: int | None = Field(default=None, sa_type=BigInteger)
    synced_at: dt.datetime | None = db_default("now()", sa_type=TIMESTAMPTZ)
    post_changed: int = Field(default=0, sa_type=BigInteger)  # 0081: counted by the post's trigger
    post_seen: int = Field(default=-1, sa_type=BigInteger)  # post_changed when its version was recorded
