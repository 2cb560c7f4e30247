"""The domain's vocabularies: the schema's enum types as StrEnums, plus the activity types.

Importable from every layer (no SQLModel, no psycopg), so front ends can validate
input against the same values the database enforces.
"""

from __future__ import annotations

import enum


class BlogIdeaDifficulty(enum.StrEnum):
    BEGINNER = "beginner"
    INTERMEDIATE = "intermediate"
    ADVANCED = "advanced"


class BlogIdeaStatus(enum.StrEnum):
    NEW = "new"
    SAVED = "saved"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    DISCARDED = "discarded"


class BlogStatus(enum.StrEnum):
    DRAFT = "draft"
    SCHEDULED = "scheduled"
    PUBLISHED = "published"
    ARCHIVED = "archived"


class CalendarContentType(enum.StrEnum):
    BLOG = "blog"
    NEWSLETTER = "newsletter"
    SOCIAL = "social"


class CalendarStatus(enum.StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    READY = "ready"
    PUBLISHED = "published"


class ChatbotConversationStatus(enum.StrEnum):
    ACTIVE = "active"
    COMPLETED = "completed"
    ABANDONED = "abandoned"


class ChatbotIntentCategory(enum.StrEnum):
    SUPPORT = "support"
    SALES = "sales"
    ONBOARDING = "onboarding"
    TECHNICAL = "technical"


class ChatbotMessageRole(enum.StrEnum):
    USER = "user"
    ASSISTANT = "assistant"
    SYSTEM = "system"


class CollaborationRole(enum.StrEnum):
    AUTHOR = "author"
    EDITOR = "editor"
    REVIEWER = "reviewer"
    APPROVER = "approver"


class CollaborationStatus(enum.StrEnum):
    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    AWAITING_REVIEW = "awaiting_review"
    REVIEWED = "reviewed"
    APPROVED = "approved"
    REJECTED = "rejected"


class ContentUpdatePriority(enum.StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


class DeviceType(enum.StrEnum):
    DESKTOP = "desktop"
    MOBILE = "mobile"


class DocumentationStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    ARCHIVED = "archived"


class FeatureFlagAction(enum.StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    DELETED = "deleted"


class FeatureFlagStrategy(enum.StrEnum):
    ALL = "all"
    PERCENTAGE = "percentage"
    USER_IDS = "user_ids"
    SUBSCRIPTION_TIER = "subscription_tier"


class InteractiveContentType(enum.StrEnum):
    QUIZ = "quiz"
    POLL = "poll"
    SURVEY = "survey"
    CALCULATOR = "calculator"


class KeywordIntent(enum.StrEnum):
    INFORMATIONAL = "informational"
    NAVIGATIONAL = "navigational"
    COMMERCIAL = "commercial"
    TRANSACTIONAL = "transactional"


class MaintenanceSeverity(enum.StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


class MaintenanceStatus(enum.StrEnum):
    SCHEDULED = "scheduled"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class MonetizationType(enum.StrEnum):
    AFFILIATE = "affiliate"
    SPONSORED = "sponsored"
    PAYWALL = "paywall"
    ADVERTISEMENT = "advertisement"


class NewsletterStatus(enum.StrEnum):
    DRAFT = "draft"
    SCHEDULED = "scheduled"
    SENT = "sent"
    FAILED = "failed"


class NewsletterDeliveryOutcome(enum.StrEnum):
    """newsletter_deliveries.outcome (a CHECK, not an enum type)."""

    SENT = "sent"
    REFUSED = "refused"


class NotificationDeliveryStatus(enum.StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class NotificationPriority(enum.StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


class NotificationType(enum.StrEnum):
    MAINTENANCE = "maintenance"
    BLOG_INTERACTION = "blog_interaction"
    SECURITY = "security"
    MARKETING = "marketing"


class RepublishingPlatform(enum.StrEnum):
    MEDIUM = "medium"
    LINKEDIN = "linkedin"
    DEV_TO = "dev_to"
    HASHNODE = "hashnode"
    WORDPRESS = "wordpress"


class RepublishingStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    FAILED = "failed"


class ResearchSourceType(enum.StrEnum):
    ARTICLE = "article"
    STUDY = "study"
    BOOK = "book"
    STATISTICS = "statistics"
    VIDEO = "video"
    PODCAST = "podcast"
    OTHER = "other"


class SearchEngine(enum.StrEnum):
    GOOGLE = "google"
    BING = "bing"
    DUCKDUCKGO = "duckduckgo"


class SocialPlatform(enum.StrEnum):
    TWITTER = "twitter"
    LINKEDIN = "linkedin"
    FACEBOOK = "facebook"
    INSTAGRAM = "instagram"
    TIKTOK = "tiktok"
    PINTEREST = "pinterest"
    YOUTUBE = "youtube"


class SocialPostStatus(enum.StrEnum):
    DRAFT = "draft"
    SCHEDULED = "scheduled"
    PUBLISHED = "published"
    FAILED = "failed"


class SubscriptionTier(enum.StrEnum):
    FREE = "free"
    PRO = "pro"
    TEAM = "team"


class TranscriptionStatus(enum.StrEnum):
    PENDING = "pending"
    PROCESSING = "processing"
    COMPLETED = "completed"
    FAILED = "failed"


class ActivityType(enum.StrEnum):
    """What an activities row records; free text in the schema, one closed list here."""

    CREATED = "created"
    EDITED = "edited"
    IMPORTED = "imported"
    PUBLISHED = "published"
    SCHEDULED = "scheduled"
    GENERATED = "generated"
    DELETED = "deleted"
    RESTORED = "restored"
    PURGED = "purged"
    STATUS = "status"
    TAGGED = "tagged"
