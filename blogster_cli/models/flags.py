"""Feature flags (db/migrations/0004_system.sql): the flags and their change log, in a module of its own
so a command defines only the tables it uses."""

import datetime as dt
import uuid
from typing import Any

from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from blogster_cli.models import accounts as _accounts  # noqa: F401  (auth.users, which its foreign keys name)
from blogster_cli.models import db_default, pg_enum
from blogster_cli.models.accounts import TIMESTAMPTZ
from blogster_cli.vocabulary import FeatureFlagAction, FeatureFlagStrategy


class FeatureFlag(SQLModel, table=True):
    __tablename__ = "feature_flags"
    __table_args__ = {"schema": "public"}

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    name: str
    description: str | None = None
    enabled: bool = False
    rollout_percentage: int = 0
    conditions: dict[str, Any] = Field(default_factory=dict, sa_type=JSONB)
    strategy: FeatureFlagStrategy = Field(
        default=FeatureFlagStrategy.ALL, sa_type=pg_enum(FeatureFlagStrategy, "feature_flag_strategy")
    )
    created_by: uuid.UUID | None = db_default(
        "auth.uid()", nullable=True, foreign_key="auth.users.id", ondelete="SET NULL"
    )
    created_at: dt.datetime | None = db_default("now()", sa_type=TIMESTAMPTZ)
    updated_at: dt.datetime | None = db_default("now()", sa_type=TIMESTAMPTZ)


class FeatureFlagLog(SQLModel, table=True):
    __tablename__ = "feature_flag_logs"
    __table_args__ = {"schema": "public"}

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    flag_id: uuid.UUID | None = Field(default=None, foreign_key="public.feature_flags.id", ondelete="SET NULL")
    action: FeatureFlagAction = Field(sa_type=pg_enum(FeatureFlagAction, "feature_flag_action"))
    previous_state: dict[str, Any] | None = Field(default=None, sa_type=JSONB(none_as_null=True))
    new_state: dict[str, Any] | None = Field(default=None, sa_type=JSONB(none_as_null=True))
    changed_by: uuid.UUID | None = Field(default=None, foreign_key="auth.users.id", ondelete="SET NULL")
    created_at: dt.datetime | None = db_default("now()", sa_type=TIMESTAMPTZ)
    reason: str | None = None  # 'account deleted': the change an account's deletion made (0159)
