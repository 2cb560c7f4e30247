"""Extended writer tools (db/migrations/0005_extended.sql): ideas, research, social, newsletters, SEO, calendar, collaboration, monetization."""

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import DateTime, Text, Uuid
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlmodel import Field, SQLModel

from blogster_cli.models import blog_author_key, db_default, filled_by_trigger, pg_enum
from blogster_cli.models import content as _content  # noqa: F401  (blogs, and through it auth.users)
from blogster_cli.models.calendar import CalendarEntryPublic as CalendarEntryPublic
from blogster_cli.models.calendar import ContentCalendar as ContentCalendar
from blogster_cli.vocabulary import (
    BlogIdeaDifficulty,
    BlogIdeaStatus,
    CollaborationRole,
    CollaborationStatus,
    ContentUpdatePriority,
    DeviceType,
    InteractiveContentType,
    KeywordIntent,
    MonetizationType,
    NewsletterStatus,
    RepublishingPlatform,
    RepublishingStatus,
    ResearchSourceType,
    SearchEngine,
    SocialPlatform,
    SocialPostStatus,
    TranscriptionStatus,
)

TIMESTAMPTZ = DateTime(timezone=True)


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
    citation_format: dict[str, Any] = Field(default_factory=dict, sa_type=JSONB)
    created_at: dt.datetime | None = db_default("now()", sa_type=TIMESTAMPTZ)


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
    engagement_metrics: dict[str, Any] = Field(default_factory=dict, sa_type=JSONB)
    created_at: dt.datetime | None = db_default("now()", sa_type=TIMESTAMPTZ)
    updated_at: dt.datetime | None = db_default("now()", sa_type=TIMESTAMPTZ)
    error: str | None = None
    """Why the last try to post it failed, or why it waits (no token where it was tried); None once posted (0131)."""


class EmailNewsletter(SQLModel, table=True):
    __tablename__ = "email_newsletters"
    __table_args__ = {"schema": "public"}

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    user_id: uuid.UUID | None = db_default("auth.uid()", foreign_key="auth.users.id", ondelete="CASCADE")
    title: str | None = None
    subject_line: str | None = None
    content: dict[str, Any] | None = Field(default=None, sa_type=JSONB(none_as_null=True))
    blog_ids: list[uuid.UUID] = Field(default_factory=list, sa_type=ARRAY(Uuid))
    template_id: str | None = None
    scheduled_time: dt.datetime | None = Field(default=None, sa_type=TIMESTAMPTZ)
    status: NewsletterStatus = Field(
        default=NewsletterStatus.DRAFT, sa_type=pg_enum(NewsletterStatus, "newsletter_status")
    )
    recipient_count: int = 0
    open_rate: float | None = None
    click_rate: float | None = None
    created_at: dt.datetime | None = db_default("now()", sa_type=TIMESTAMPTZ)
    updated_at: dt.datetime | None = db_default("now()", sa_type=TIMESTAMPTZ)


class PlatformRepublishing(SQLModel, table=True):
    __tablename__ = "platform_republishing"
    __table_args__ = (blog_author_key(), {"schema": "public"})

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    blog_id: uuid.UUID
    author_id: uuid.UUID | None = filled_by_trigger()
    platform: RepublishingPlatform = Field(sa_type=pg_enum(RepublishingPlatform, "republishing_platform"))
    platform_post_id: str | None = None
    platform_site: str | None = None
    """The site (API base URL) platform_post_id belongs to (0126); None: made before 0126 on a site not
    recorded, so the id is used only once the configured site shows it is our copy (0127)."""
    platform_url: str | None = None
    canonical_url: str | None = None
    publication_status: RepublishingStatus = Field(
        default=RepublishingStatus.DRAFT, sa_type=pg_enum(RepublishingStatus, "republishing_status")
    )
    view_count: int = 0
    engagement_metrics: dict[str, Any] = Field(default_factory=dict, sa_type=JSONB)
    created_at: dt.datetime | None = db_default("now()", sa_type=TIMESTAMPTZ)
    updated_at: dt.datetime | None = db_default("now()", sa_type=TIMESTAMPTZ)
    last_error: str | None = None


class NewsletterSubscriber(SQLModel, table=True):
    """An address on a user's newsletter list (0022); unsubscribed ones stay, so sends skip them."""

    __tablename__ = "newsletter_subscribers"
    __table_args__ = {"schema": "public"}

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    user_id: uuid.UUID | None = db_default("auth.uid()", foreign_key="auth.users.id", ondelete="CASCADE")
    email: str
    name: str | None = None
    unsubscribe_token: str | None = db_default("replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', '')")
    unsubscribed_at: dt.datetime | None = Field(default=None, sa_type=TIMESTAMPTZ)
    created_at: dt.datetime | None = db_default("now()", sa_type=TIMESTAMPTZ)
    updated_at: dt.datetime | None = db_default("now()", sa_type=TIMESTAMPTZ)


class NewsletterDelivery(SQLModel, table=True):
    """One newsletter message accepted or refused by the SMTP server (0022): the resumable send's ledger."""

    __tablename__ = "newsletter_deliveries"
    __table_args__ = {"schema": "public"}

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    user_id: uuid.UUID | None = db_default("auth.uid()", foreign_key="auth.users.id", ondelete="CASCADE")
    newsletter_id: uuid.UUID = Field(foreign_key="public.email_newsletters.id", ondelete="CASCADE")
    email: str
    outcome: str
    message_id: str
    error: str | None = None
    sent_at: dt.datetime | None = db_default("now()", sa_type=TIMESTAMPTZ)


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
    rank_positions: dict[str, Any] = Field(default_factory=dict, sa_type=JSONB)
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


class InteractiveContent(SQLModel, table=True):
    __tablename__ = "interactive_content"
    __table_args__ = {"schema": "public"}

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    user_id: uuid.UUID | None = db_default("auth.uid()", foreign_key="auth.users.id", ondelete="CASCADE")
    blog_id: uuid.UUID | None = Field(default=None, foreign_key="public.blogs.id", ondelete="SET NULL")
    content_type: InteractiveContentType = Field(sa_type=pg_enum(InteractiveContentType, "interactive_content_type"))
    title: str | None = None
    description: str | None = None
    structure: dict[str, Any] = Field(default_factory=dict, sa_type=JSONB)
    style_settings: dict[str, Any] = Field(default_factory=dict, sa_type=JSONB)
    tracking_id: str | None = None
    participation_count: int = 0
    completion_count: int = 0
    """Completions `analytics ingest` counted (0133); completion_rate is completion_count / participation_count."""
    completion_rate: float | None = None
    created_at: dt.datetime | None = db_default("now()", sa_type=TIMESTAMPTZ)
    updated_at: dt.datetime | None = db_default("now()", sa_type=TIMESTAMPTZ)


class TeamCollaboration(SQLModel, table=True):
    __tablename__ = "team_collaboration"
    __table_args__ = (blog_author_key(), {"schema": "public"})

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    organization_id: str | None = None
    blog_id: uuid.UUID
    author_id: uuid.UUID | None = filled_by_trigger()  # the blog's author (0091), read by the policies
    assigned_to: uuid.UUID | None = Field(default=None, foreign_key="auth.users.id", ondelete="SET NULL")
    assigned_by: uuid.UUID | None = db_default(
        "auth.uid()", nullable=True, foreign_key="auth.users.id", ondelete="SET NULL"
    )
    role: CollaborationRole = Field(sa_type=pg_enum(CollaborationRole, "collaboration_role"))
    status: CollaborationStatus = Field(
        default=CollaborationStatus.ASSIGNED, sa_type=pg_enum(CollaborationStatus, "collaboration_status")
    )
    comments: list[Any] = Field(default_factory=list, sa_type=JSONB)
    due_date: dt.datetime | None = Field(default=None, sa_type=TIMESTAMPTZ)
    completed_at: dt.datetime | None = Field(default=None, sa_type=TIMESTAMPTZ)
    created_at: dt.datetime | None = db_default("now()", sa_type=TIMESTAMPTZ)
    updated_at: dt.datetime | None = db_default("now()", sa_type=TIMESTAMPTZ)
    can_publish: bool = False
    assignee_named_by_email: bool = False
    """Assigned by email (review_assign): its author reads the assignee's email (0144); a trigger sets it."""


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
