"""The support chatbot (db/migrations/0004_system.sql): intents, conversations, messages, analytics, in a
module of their own so a command defines only the tables it uses."""

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import Column, Text
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlmodel import Field, SQLModel

from blogster_cli.models import accounts as _accounts  # noqa: F401  (auth.users, which its foreign keys name)
from blogster_cli.models import db_default, pg_enum
from blogster_cli.models.accounts import TIMESTAMPTZ, ReadableJson
from blogster_cli.vocabulary import ChatbotConversationStatus, ChatbotIntentCategory, ChatbotMessageRole


class ChatbotIntent(SQLModel, table=True):
    __tablename__ = "chatbot_intents"
    __table_args__ = {"schema": "public"}

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    name: str
    description: str | None = None
    training_phrases: list[str] = Field(default_factory=list, sa_type=ARRAY(Text))
    parameters: dict[str, Any] = Field(default_factory=dict, sa_type=JSONB)
    responses: list[dict[str, Any]] = Field(default_factory=list, sa_type=ARRAY(JSONB))
    follow_up_intents: list[str] = Field(default_factory=list, sa_type=ARRAY(Text))
    category: ChatbotIntentCategory = Field(
        default=ChatbotIntentCategory.SUPPORT, sa_type=pg_enum(ChatbotIntentCategory, "chatbot_intent_category")
    )
    created_at: dt.datetime | None = db_default("now()", sa_type=TIMESTAMPTZ)
    updated_at: dt.datetime | None = db_default("now()", sa_type=TIMESTAMPTZ)


class ChatbotConversation(SQLModel, table=True):
    __tablename__ = "chatbot_conversations"
    __table_args__ = {"schema": "public"}

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    session_id: uuid.UUID = Field(default_factory=uuid.uuid4)
    user_id: uuid.UUID | None = db_default("auth.uid()", nullable=True, foreign_key="auth.users.id", ondelete="CASCADE")
    initial_intent: uuid.UUID | None = Field(default=None, foreign_key="public.chatbot_intents.id", ondelete="SET NULL")
    context: dict[str, Any] = Field(default_factory=dict, sa_type=ReadableJson(empty=dict))
    metadata_: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column("metadata", ReadableJson(empty=dict), nullable=False)
    )
    # status and tokens_used (below) are not insertable by users: the database sets them.
    status: ChatbotConversationStatus | None = db_default(
        "'active'", sa_type=pg_enum(ChatbotConversationStatus, "chatbot_conversation_status")
    )
    satisfaction_score: int | None = None
    feedback: str | None = None
    started_at: dt.datetime | None = db_default("now()", sa_type=TIMESTAMPTZ)
    ended_at: dt.datetime | None = Field(default=None, sa_type=TIMESTAMPTZ)
    created_at: dt.datetime | None = db_default("now()", sa_type=TIMESTAMPTZ)
    updated_at: dt.datetime | None = db_default("now()", sa_type=TIMESTAMPTZ)


class ChatbotMessage(SQLModel, table=True):
    __tablename__ = "chatbot_messages"
    __table_args__ = {"schema": "public"}

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    conversation_id: uuid.UUID = Field(foreign_key="public.chatbot_conversations.id", ondelete="CASCADE")
    role: ChatbotMessageRole = Field(sa_type=pg_enum(ChatbotMessageRole, "chatbot_message_role"))
    content: str | None = None
    intent_detected: uuid.UUID | None = Field(
        default=None, foreign_key="public.chatbot_intents.id", ondelete="SET NULL"
    )
    confidence_score: float | None = None
    tokens_used: int | None = db_default("0")
    metadata_: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column("metadata", ReadableJson(empty=dict), nullable=False)
    )
    created_at: dt.datetime | None = db_default("now()", primary_key=True, sa_type=TIMESTAMPTZ)


class ChatbotAnalytics(SQLModel, table=True):
    __tablename__ = "chatbot_analytics"
    __table_args__ = {"schema": "public"}

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    date: dt.date
    total_conversations: int = 0
    avg_conversation_length: dt.timedelta | None = None
    avg_response_time: dt.timedelta | None = None
    top_intents: list[Any] = Field(default_factory=list, sa_type=JSONB)
    satisfaction_metrics: dict[str, Any] = Field(default_factory=dict, sa_type=JSONB)
    conversion_metrics: dict[str, Any] = Field(default_factory=dict, sa_type=JSONB)
    error_rates: dict[str, Any] = Field(default_factory=dict, sa_type=JSONB)
    created_at: dt.datetime | None = db_default("now()", sa_type=TIMESTAMPTZ)
    refreshed_at: dt.datetime | None = db_default("now()", sa_type=TIMESTAMPTZ)
    """When the figures were last computed (0143): they count everything up to then."""
