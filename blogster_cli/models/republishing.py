"""Cross-posted copies (db/migrations/0005_extended.sql): where each post was copied, in a module of
its own so `crosspost` commands define only its table (and the blogs it copies)."""

import datetime as dt
import uuid
from typing import Any

from sqlmodel import Field, SQLModel

from blogster_cli.models import blog_author_key, db_default, filled_by_trigger, pg_enum
from blogster_cli.models import content as _content  # noqa: F401  (blogs, and through it auth.users)
from blogster_cli.models.accounts import TIMESTAMPTZ, ReadableJson
from blogster_cli.vocabulary import RepublishingPlatform, RepublishingStatus


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
    engagement_metrics: dict[str, Any] = Field(default_factory=dict, sa_type=ReadableJson(empty=dict))
    created_at: dt.datetime | None = db_default("now()", sa_type=TIMESTAMPTZ)
    updated_at: dt.datetime | None = db_default("now()", sa_type=TIMESTAMPTZ)
    last_error: str | None = None
