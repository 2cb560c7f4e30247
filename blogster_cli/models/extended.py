"""Extended writer tools (db/migrations/0005_extended.sql): voice notes, SEO, competitors, readers, interactive
content, monetization. The calendar, ideas, writer's block, research, social, newsletters, cross-posting and
review have modules of their own (`models.calendar`, `models.ideas`, ...), so their commands define only theirs."""

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import Text
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlmodel import Field, SQLModel

from blogster_cli import stored_json
from blogster_cli.models import content as _content  # noqa: F401  (blogs, and through it auth.users)
from blogster_cli.models import db_default, pg_enum
from blogster_cli.models.accounts import TIMESTAMPTZ, ReadableJson
from blogster_cli.vocabulary import (
    ContentUpdatePriority,
    DeviceType,
    InteractiveContentType,
    KeywordIntent,
    MonetizationType,
    SearchEngine,
    TranscriptionStatus,
)


class VoiceRecording(SQLModel, table=True):
    __tablename__ = "voice_recordings"
    __table_args__ = {"schema": "public"}

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    user_id: uuid.UUID | None = db_default("auth.uid()", foreign_key="auth.users.id", ondelete="CASCADE")
    file_url: str | None = None
    file_path: str | None = None
    duration_seconds: int | None = None
    file_size_bytes: int | None = None
    transcription_status: TranscriptionStatus = Field(
        default=TranscriptionStatus.PENDING, sa_type=pg_enum(TranscriptionStatus, "transcription_status")
    )
    transcription_text: str | None = None
    blog_id: uuid.UUID | None = Field(default=None, foreign_key="public.blogs.id", ondelete="SET NULL")
    created_at: dt.datetime | None = db_default("now()", sa_type=TIMESTAMPTZ)
    updated_at: dt.datetime | None = db_default("now()", sa_type=TIMESTAMPTZ)


class KeywordResearch(SQLModel, table=True):
    __tablename__ = "keyword_research"
    __table_args__ = {"schema": "public"}

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    user_id: uuid.UUID | None = db_default("auth.uid()", foreign_key="auth.users.id", ondelete="CASCADE")
    keyword: str
    search_volume: int | None = None
    keyword_difficulty: float | None = None
    cpc: float | None = None
    competition: float | None = None
    related_keywords: list[str] = Field(default_factory=list, sa_type=ARRAY(Text))
    serp_features: list[str] = Field(default_factory=list, sa_type=ARRAY(Text))
    intent: KeywordIntent | None = Field(default=None, sa_type=pg_enum(KeywordIntent, "keyword_intent"))
    blog_id: uuid.UUID | None = Field(default=None, foreign_key="public.blogs.id", ondelete="SET NULL")
    created_at: dt.datetime | None = db_default("now()", sa_type=TIMESTAMPTZ)
    updated_at: dt.datetime | None = db_default("now()", sa_type=TIMESTAMPTZ)


class ContentFreshness(SQLModel, table=True):
    __tablename__ = "content_freshness"
    __table_args__ = {"schema": "public"}

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    blog_id: uuid.UUID = Field(foreign_key="public.blogs.id", ondelete="CASCADE")
    last_updated: dt.datetime | None = Field(default=None, sa_type=TIMESTAMPTZ)
    freshness_score: float | None = None
    update_priority: ContentUpdatePriority = Field(
        default=ContentUpdatePriority.LOW, sa_type=pg_enum(ContentUpdatePriority, "content_update_priority")
    )
    recommended_updates: list[Any] = Field(default_factory=list, sa_type=JSONB)
    traffic_trend: float | None = None
    competitive_gap_score: float | None = None
    outdated_information: list[Any] = Field(default_factory=list, sa_type=JSONB)
    checked_at: dt.datetime | None = Field(default=None, sa_type=TIMESTAMPTZ)
    created_at: dt.datetime | None = db_default("now()", sa_type=TIMESTAMPTZ)
    updated_at: dt.datetime | None = db_default("now()", sa_type=TIMESTAMPTZ)


class SerpPosition(SQLModel, table=True):
    __tablename__ = "serp_positions"
    __table_args__ = {"schema": "public"}

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    blog_id: uuid.UUID = Field(foreign_key="public.blogs.id", ondelete="CASCADE")
    keyword_id: uuid.UUID = Field(foreign_key="public.keyword_research.id", ondelete="CASCADE")
    rank_position: int | None = None
    previous_position: int | None = None
    change: int | None = None
    url: str | None = None
    search_engine: SearchEngine = Field(default=SearchEngine.GOOGLE, sa_type=pg_enum(SearchEngine, "search_engine"))
    search_locale: str | None = None
    device_type: DeviceType = Field(default=DeviceType.DESKTOP, sa_type=pg_enum(DeviceType, "device_type"))
    featured_snippet: bool = False
    check_date: dt.date | None = db_default("((now() AT TIME ZONE 'UTC'::text))::date")
    created_at: dt.datetime | None = db_default("now()", sa_type=TIMESTAMPTZ)
    clicks: int | None = None  # the Search Console figures (0045)
    impressions: int | None = None
    ctr: float | None = None


class CompetitorContent(SQLModel, table=True):
    __tablename__ = "competitor_content"
    __table_args__ = {"schema": "public"}

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    user_id: uuid.UUID | None = db_default("auth.uid()", foreign_key="auth.users.id", ondelete="CASCADE")
    competitor_domain: str | None = None
    content_url: str | None = None
    title: str | None = None
    publish_date: dt.date | None = None
    word_count: int | None = None
    keywords: list[str] = Field(default_factory=list, sa_type=ARRAY(Text))
    rank_positions: dict[str, Any] = Field(default_factory=dict, sa_type=ReadableJson(empty=dict))
    estimated_traffic: int | None = None
    topic_category: str | None = None
    content_quality_score: float | None = None
    relevance_to_user: float | None = None
    created_at: dt.datetime | None = db_default("now()", sa_type=TIMESTAMPTZ)
    updated_at: dt.datetime | None = db_default("now()", sa_type=TIMESTAMPTZ)


class ReaderProfile(SQLModel, table=True):
    __tablename__ = "reader_profiles"
    __table_args__ = {"schema": "public"}

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    user_id: uuid.UUID | None = db_default("auth.uid()", foreign_key="auth.users.id", ondelete="CASCADE")
    segment_name: str | None = None
    demographic_data: dict[str, Any] = Field(default_factory=dict, sa_type=JSONB)
    interests: list[str] = Field(default_factory=list, sa_type=ARRAY(Text))
    behavior_patterns: dict[str, Any] = Field(default_factory=dict, sa_type=JSONB)
    engagement_metrics: dict[str, Any] = Field(default_factory=dict, sa_type=JSONB)
    content_preferences: dict[str, Any] = Field(default_factory=dict, sa_type=JSONB)
    segment_size: int | None = None
    created_at: dt.datetime | None = db_default("now()", sa_type=TIMESTAMPTZ)
    updated_at: dt.datetime | None = db_default("now()", sa_type=TIMESTAMPTZ)


_WHOLE_JSON = ReadableJson(max_bytes=stored_json.MAX_BYTES, whole=True)
"""Interactive content's JSON: None where Python cannot read it, or longer than `stored_json.MAX_BYTES`."""


class InteractiveContent(SQLModel, table=True):
    __tablename__ = "interactive_content"
    __table_args__ = {"schema": "public"}

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    user_id: uuid.UUID | None = db_default("auth.uid()", foreign_key="auth.users.id", ondelete="CASCADE")
    blog_id: uuid.UUID | None = Field(default=None, foreign_key="public.blogs.id", ondelete="SET NULL")
    content_type: InteractiveContentType = Field(sa_type=pg_enum(InteractiveContentType, "interactive_content_type"))
    title: str | None = None
    description: str | None = None
    structure: Any = Field(default_factory=dict, sa_type=_WHOLE_JSON, nullable=False)
    """Any JSON (the database does not check its shape: a save does); None where Python cannot read it."""
    style_settings: Any = Field(default_factory=dict, sa_type=_WHOLE_JSON, nullable=False)
    tracking_id: str | None = None
    participation_count: int = 0
    completion_count: int = 0
    """Completions `analytics ingest` counted (0133); completion_rate is completion_count / participation_count."""
    completion_rate: float | None = None
    created_at: dt.datetime | None = db_default("now()", sa_type=TIMESTAMPTZ)
    updated_at: dt.datetime | None = db_default("now()", sa_type=TIMESTAMPTZ)


class ContentMonetization(SQLModel, table=True):
    __tablename__ = "content_monetization"
    __table_args__ = {"schema": "public"}

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    user_id: uuid.UUID | None = db_default("auth.uid()", foreign_key="auth.users.id", ondelete="CASCADE")
    blog_id: uuid.UUID | None = Field(default=None, foreign_key="public.blogs.id", ondelete="SET NULL")
    monetization_type: MonetizationType = Field(sa_type=pg_enum(MonetizationType, "monetization_type"))
    provider: str | None = None
    reference_id: str | None = None
    placement_data: dict[str, Any] = Field(default_factory=dict, sa_type=JSONB)
    revenue: float = 0
    impressions: int = 0
    clicks: int = 0
    conversion_count: int = 0
    conversion_rate: float | None = None
    created_at: dt.datetime | None = db_default("now()", sa_type=TIMESTAMPTZ)
    updated_at: dt.datetime | None = db_default("now()", sa_type=TIMESTAMPTZ)
