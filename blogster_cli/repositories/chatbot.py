"""The chatbot's tables: intents (admins write under RLS), conversations and messages (users
under RLS), and the worker's reads and writes as service_role."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Text, case, cast, exists, func, insert, literal, update
from sqlalchemy import select as sa_select
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select, text

from blogster_cli import id_prefixes
from blogster_cli.models.chatbot import ChatbotAnalytics, ChatbotConversation, ChatbotIntent, ChatbotMessage
from blogster_cli.vocabulary import ChatbotConversationStatus, ChatbotMessageRole

WAITING_FOR, TRAINING = "waiting_for", "training"  # a user message's metadata while the worker learns the intents

# ---- intents (admins, ORM) ------------------------------------------------------------


def intents(session: Session) -> list[ChatbotIntent]:
    return list(session.exec(select(ChatbotIntent).order_by(ChatbotIntent.name)))


def intent_by_name(session: Session, *, name: str) -> ChatbotIntent | None:
    return session.exec(select(ChatbotIntent).where(ChatbotIntent.name == name)).first()


def save_intent(session: Session, *, intent: ChatbotIntent) -> ChatbotIntent:
    session.add(intent)
    session.flush()
    return intent


def delete_intents(session: Session, *, ids: list[UUID]) -> int:
    """The one place intents are deleted: public.delete_rows applies the table's DELETE policies."""
    if not ids:
        return 0
    rows = session.execute(
        text("select public.delete_rows('public.chatbot_intents', cast(:ids as uuid[]))"), {"ids": ids}
    ).all()
    return len(rows)


# ---- conversations (the user, ORM) ----------------------------------------------------


def conversation(session: Session, *, conversation_id: UUID) -> ChatbotConversation | None:
    return session.get(ChatbotConversation, conversation_id)


def conversations_starting(session: Session, *, prefix: str) -> list[ChatbotConversation]:
    """My conversations whose id starts with `prefix` (id_prefixes: one is a match, two ambiguous)."""
    statement = select(ChatbotConversation).where(
        cast(ChatbotConversation.id, Text).startswith(prefix, autoescape=True)
    )
    return list(session.exec(statement.limit(id_prefixes.ROWS_NEEDED)))


def latest_active_conversation(session: Session, *, user_id: UUID) -> ChatbotConversation | None:
    """The user's most recent active conversation (user_id filters for meaning; RLS decides)."""
    return session.exec(
        select(ChatbotConversation)
        .where(ChatbotConversation.user_id == user_id, ChatbotConversation.status == "active")
        .order_by(col(ChatbotConversation.started_at).desc())
        .limit(1)
    ).first()


def conversations(session: Session, *, limit: int | None) -> list[ChatbotConversation]:
    """Newest first; all of them when `limit` is None."""
    return list(
        session.exec(select(ChatbotConversation).order_by(col(ChatbotConversation.started_at).desc()).limit(limit))
    )


def start_conversation(session: Session, *, user_id: UUID) -> ChatbotConversation:
    """Names only the columns users may insert (the rest are the database's defaults)."""
    new_id = session.execute(
        insert(ChatbotConversation).values(user_id=user_id).returning(col(ChatbotConversation.id))
    ).scalar_one()
    row = session.get(ChatbotConversation, new_id)
    assert row is not None
    return row


def add_user_message(
    session: Session, *, conversation_id: UUID, content: str, metadata: dict[str, Any] | None = None
) -> tuple[UUID, datetime]:
    """(id, created_at) of the stored message; the database may have cleaned its content."""
    row = session.execute(
        insert(ChatbotMessage)
        .values(conversation_id=conversation_id, role="user", content=content, metadata_=metadata or {})
        .returning(col(ChatbotMessage.id), col(ChatbotMessage.created_at))
    ).one()
    return row[0], row[1]


def messages(session: Session, *, conversation_id: UUID) -> list[ChatbotMessage]:
    """Oldest first (services/chat puts each reply after the message it answers)."""
    return list(
        session.exec(
            select(ChatbotMessage)
            .where(ChatbotMessage.conversation_id == conversation_id)
            .order_by(col(ChatbotMessage.created_at), ChatbotMessage.role)
        )
    )


def messages_of(session: Session, *, conversation_ids: list[UUID]) -> dict[UUID, list[ChatbotMessage]]:
    """The messages of several conversations in one statement, each conversation's in order."""
    found: dict[UUID, list[ChatbotMessage]] = {conversation_id: [] for conversation_id in conversation_ids}
    for message in session.exec(
        select(ChatbotMessage)
        .where(col(ChatbotMessage.conversation_id).in_(conversation_ids))
        .order_by(col(ChatbotMessage.created_at), ChatbotMessage.role)
    ):
        found[message.conversation_id].append(message)
    return found


def message_counts(session: Session, *, conversation_ids: list[UUID]) -> dict[UUID, int]:
    """How many messages each of several conversations holds, counted by the server (`chat list`'s table)."""
    found = dict.fromkeys(conversation_ids, 0)
    counted = session.exec(
        select(ChatbotMessage.conversation_id, func.count())
        .where(col(ChatbotMessage.conversation_id).in_(conversation_ids))
        .group_by(col(ChatbotMessage.conversation_id))
    )
    found.update({conversation_id: count for conversation_id, count in counted})
    return found


def reply_to(session: Session, *, conversation_id: UUID, message_id: UUID, after: datetime) -> ChatbotMessage | None:
    """The worker's answer to one message (its metadata names the message it replies to)."""
    return session.exec(
        select(ChatbotMessage).where(
            ChatbotMessage.conversation_id == conversation_id,
            ChatbotMessage.role == "assistant",
            col(ChatbotMessage.created_at) >= after,
            col(ChatbotMessage.metadata_)["reply_to"].astext == str(message_id),
        )
    ).first()


def close_conversation(
    session: Session, *, row: ChatbotConversation, satisfaction: int | None, feedback: str | None
) -> ChatbotConversation:
    row.status = "completed"  # type: ignore[assignment]
    row.ended_at = datetime.now().astimezone()
    if satisfaction is not None:
        row.satisfaction_score = satisfaction
    if feedback is not None:
        row.feedback = feedback
    session.add(row)
    session.flush()
    return row


def waits_for_training(session: Session, *, message_id: UUID, created_at: datetime) -> bool:
    """Whether a worker marked my message as waiting for it to learn the intents."""
    marked = col(ChatbotMessage.metadata_)[WAITING_FOR].astext == TRAINING
    return bool(
        session.exec(
            select(func.count()).where(
                col(ChatbotMessage.id) == message_id, col(ChatbotMessage.created_at) == created_at, marked
            )
        ).one()
    )


def worker_alive(session: Session) -> bool:
    return bool(session.execute(text("select public.chatbot_worker_alive()")).scalar())


# ---- analytics (admins) ---------------------------------------------------------------


def analytics(session: Session, *, since: date) -> list[ChatbotAnalytics]:
    return list(
        session.exec(
            select(ChatbotAnalytics).where(col(ChatbotAnalytics.date) >= since).order_by(col(ChatbotAnalytics.date))
        )
    )


def refresh_analytics(session: Session, *, day: date) -> None:
    session.execute(text("select public.refresh_chatbot_analytics(:day)"), {"day": day})


# ---- the worker (service_role, SQLModel: serve-workers pays the import once) ---------------


def intents_fingerprint(session: Session) -> str:
    """Changes whenever an intent is added, changed or removed (the worker retrains then)."""
    each = cast(ChatbotIntent.id, Text) + cast(ChatbotIntent.updated_at, Text)
    digest = func.coalesce(func.md5(func.string_agg(each, aggregate_order_by(literal(","), col(ChatbotIntent.id)))), "")
    value = session.execute(select(cast(func.count(), Text) + ":" + digest)).scalar_one_or_none()
    return str(value) if value is not None else ""


def all_intents(session: Session) -> list[dict[str, Any]]:
    intent = ChatbotIntent
    query = sa_select(
        col(intent.id), col(intent.name), col(intent.description), col(intent.training_phrases),
        col(intent.parameters), col(intent.responses), col(intent.follow_up_intents),
        cast(col(intent.category), Text).label("category"),
    ).order_by(col(intent.name))  # fmt: skip
    return [dict(row) for row in session.execute(query).mappings()]


def message_to_answer(session: Session, *, message_id: UUID, created_at: datetime) -> dict[str, Any] | None:
    """The user's message with its conversation, unless it was already answered."""
    message, chat, answer = ChatbotMessage, ChatbotConversation, aliased(ChatbotMessage)
    a_reply = (col(answer.conversation_id) == col(chat.id)) & (col(answer.role) == ChatbotMessageRole.ASSISTANT)
    this_reply = col(answer.metadata_)["reply_to"].astext == cast(col(message.id), Text)
    query = (
        sa_select(
            col(message.id),
            col(message.content),
            col(message.created_at),
            col(message.metadata_).label("metadata"),
            col(chat.id).label("conversation_id"),
            col(chat.user_id),
            col(chat.context),
            cast(col(chat.status), Text).label("status"),
            col(chat.initial_intent),
            sa_select(func.count()).where(a_reply).scalar_subquery().label("turns"),
            exists().where(a_reply, this_reply).label("answered"),
        )  # fmt: skip
        .join(chat, col(chat.id) == col(message.conversation_id))
        .where(
            col(message.id) == message_id,
            col(message.created_at) == created_at,
            col(message.role) == ChatbotMessageRole.USER,
        )
    )
    row = session.execute(query).mappings().first()
    return dict(row) if row is not None else None


def store_reply(
    session: Session,
    *,
    conversation_id: UUID,
    content: str,
    intent_id: UUID | None,
    confidence: float,
    tokens_used: int,
    metadata: dict[str, Any],
) -> None:
    session.execute(
        insert(ChatbotMessage).values(
            conversation_id=conversation_id,
            role=ChatbotMessageRole.ASSISTANT,
            content=content,
            intent_detected=intent_id,
            confidence_score=confidence,
            tokens_used=tokens_used,
            metadata_=metadata,
        )  # fmt: skip
    )


def mark_user_message(
    session: Session, *, message_id: UUID, created_at: datetime, intent_id: UUID | None, confidence: float
) -> None:
    session.execute(
        update(ChatbotMessage)
        .where(col(ChatbotMessage.id) == message_id, col(ChatbotMessage.created_at) == created_at)
        .values(intent_detected=intent_id, confidence_score=confidence)
    )


def mark_waiting_for_training(session: Session, *, message_id: UUID, created_at: datetime) -> None:
    """The user's message waits for the worker to learn the intents (`chat ask` says so if it gives up)."""
    session.execute(
        update(ChatbotMessage)
        .where(col(ChatbotMessage.id) == message_id, col(ChatbotMessage.created_at) == created_at)
        .values(metadata_=col(ChatbotMessage.metadata_).op("||")(func.jsonb_build_object(WAITING_FOR, TRAINING)))
    )


def lock_conversation(session: Session, *, conversation_id: UUID) -> bool:
    """Locks the conversation's row until the unit of work ends (its replies are stored one at a
    time); False, without waiting, when another transaction holds it (its account's own, left
    open: no worker waits for that) or it is gone. FOR NO KEY UPDATE: a message being sent into
    it (the foreign key's KEY SHARE) is not in the way."""
    locked = sa_select(col(ChatbotConversation.id)).where(col(ChatbotConversation.id) == conversation_id)
    return session.execute(locked.with_for_update(key_share=True, skip_locked=True)).first() is not None


def claim_conversation(
    session: Session, *, conversation_id: UUID, message_id: UUID, created_at: datetime
) -> tuple[bool, bool] | None:
    """The conversation's row locked (lock_conversation), then whether this user message is
    answered already, and whether a later one of the conversation is (its context is then that
    later turn's); None when the row could not be locked."""
    if not lock_conversation(session, conversation_id=conversation_id):
        return None
    reply, asked = ChatbotMessage, aliased(ChatbotMessage)
    replies = (col(reply.conversation_id) == conversation_id) & (col(reply.role) == ChatbotMessageRole.ASSISTANT)
    answered = exists().where(replies, col(reply.metadata_)["reply_to"].astext == str(message_id))
    answered_later = exists().where(
        replies,
        col(reply.created_at) > created_at,
        col(asked.conversation_id) == conversation_id,
        col(asked.role) == ChatbotMessageRole.USER,
        col(asked.created_at) > created_at,
        cast(col(asked.id), Text) == col(reply.metadata_)["reply_to"].astext,
    )
    row = session.execute(sa_select(answered.label("answered"), answered_later.label("later"))).one()
    return bool(row.answered), bool(row.later)


def update_conversation(
    session: Session, *, conversation_id: UUID, context: dict[str, Any], initial_intent: UUID | None
) -> None:
    """The context; the first intent if none yet; an abandoned chat that speaks again is active again."""
    abandoned = col(ChatbotConversation.status) == ChatbotConversationStatus.ABANDONED
    session.execute(
        update(ChatbotConversation)
        .where(col(ChatbotConversation.id) == conversation_id)
        .values(
            context=context,
            initial_intent=func.coalesce(ChatbotConversation.initial_intent, initial_intent),
            status=case((abandoned, ChatbotConversationStatus.ACTIVE), else_=ChatbotConversation.status),
            ended_at=case((abandoned, None), else_=ChatbotConversation.ended_at),
        )
    )
