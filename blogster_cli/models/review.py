"""Review assignments (db/migrations/0005_extended.sql): who reviews which post, in a module of its
own so `review` commands define only its table (and the blogs it is about)."""

import datetime as dt
import uuid
from typing import Any

from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from blogster_cli.models import blog_author_key, db_default, filled_by_trigger, pg_enum
from blogster_cli.models import content as _content  # noqa: F401  (blogs, and through it auth.users)
from blogster_cli.models.accounts import TIMESTAMPTZ
from blogster_cli.vocabulary import CollaborationRole, CollaborationStatus


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
