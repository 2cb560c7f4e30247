"""The chatbot's tables: intents (admins write under RLS), conversations and messages (users
under RLS), and the worker's reads and writes as service_role on the driver (the hot path)."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from sqlalchemy import insert
from sqlmodel import Session, col, select, text

from blogster_cli.models.system import ChatbotAnalytics, ChatbotConversation, ChatbotIntent, ChatbotMessage

if TYPE_CHECKING:
    import psycopg

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


def latest_active_conversation(session: Session, *, user_id: UUID) -> ChatbotConversation | None:
    """The user's most recent active conversation (user_id filters for meaning; RLS decides)."""
    return session.exec(
        select(ChatbotConversation)
        .where(ChatbotConversation.user_id == user_id, ChatbotConversation.status == "active")
        .order_by(col(ChatbotConversation.started_at).desc())
        .limit(1)
    ).first()


def conversations(session: Session, *, limit: int) -> list[ChatbotConversation]:
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


def add_user_message(session: Session, *, conversation_id: UUID, content: str) -> tuple[UUID, datetime]:
    """(id, created_at) of the stored message; the database may have cleaned its content."""
    row = session.execute(
        insert(ChatbotMessage)
        .values(conversation_id=conversation_id, role="user", content=content)
        .returning(col(ChatbotMessage.id), col(ChatbotMessage.created_at))
    ).one()
    return row[0], row[1]


def messages(session: Session, *, conversation_id: UUID) -> list[ChatbotMessage]:
    return list(
        session.exec(
            select(ChatbotMessage)
            .where(ChatbotMessage.conversation_id == conversation_id)
            .order_by(col(ChatbotMessage.created_at), ChatbotMessage.role)
        )
    )


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


# ---- the worker (service_role, psycopg) -----------------------------------------------


def intents_fingerprint(conn: psycopg.Connection) -> str:
    """Changes whenever an intent is added, changed or removed (the worker retrains then)."""
    row = conn.execute(
        "select count(*)::text || ':' || coalesce(md5(string_agg(id::text || updated_at::text, ',' order by id)), '')"
        " from public.chatbot_intents"
    ).fetchone()
    return str(row[0]) if row else ""


def all_intents(conn: psycopg.Connection) -> list[dict[str, Any]]:
    cursor = conn.execute(
        "select id, name, training_phrases, parameters, responses, follow_up_intents, category::text"
        " from public.chatbot_intents order by name"
    )
    names = [d.name for d in cursor.description or []]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def message_to_answer(conn: psycopg.Connection, *, message_id: UUID, created_at: datetime) -> dict[str, Any] | None:
    """The user's message with its conversation, unless it was already answered."""
    cursor = conn.execute(
        "select m.id, m.content, m.created_at, c.id as conversation_id, c.user_id, c.context, c.status::text,"
        "  c.initial_intent,"
        "  (select count(*) from public.chatbot_messages a where a.conversation_id = c.id"
        "     and a.role = 'assistant') as turns,"
        "  exists (select 1 from public.chatbot_messages a where a.conversation_id = c.id and a.role = 'assistant'"
        "     and a.metadata ->> 'reply_to' = m.id::text) as answered"
        " from public.chatbot_messages m join public.chatbot_conversations c on c.id = m.conversation_id"
        " where m.id = %s and m.created_at = %s and m.role = 'user'",
        (message_id, created_at),
    )
    row = cursor.fetchone()
    if row is None:
        return None
    return dict(zip([d.name for d in cursor.description or []], row, strict=True))


def store_reply(
    conn: psycopg.Connection,
    *,
    conversation_id: UUID,
    content: str,
    intent_id: UUID | None,
    confidence: float,
    tokens_used: int,
    metadata: dict[str, Any],
) -> None:
    from psycopg.types.json import Jsonb

    conn.execute(
        "insert into public.chatbot_messages"
        " (conversation_id, role, content, intent_detected, confidence_score, tokens_used, metadata)"
        " values (%s, 'assistant', %s, %s, %s, %s, %s)",
        (conversation_id, content, intent_id, confidence, tokens_used, Jsonb(metadata)),
    )


def mark_user_message(
    conn: psycopg.Connection, *, message_id: UUID, created_at: datetime, intent_id: UUID | None, confidence: float
) -> None:
    conn.execute(
        "update public.chatbot_messages set intent_detected = %s, confidence_score = %s"
        " where id = %s and created_at = %s",
        (intent_id, confidence, message_id, created_at),
    )


def update_conversation(
    conn: psycopg.Connection, *, conversation_id: UUID, context: dict[str, Any], initial_intent: UUID | None
) -> None:
    from psycopg.types.json import Jsonb

    conn.execute(
        "update public.chatbot_conversations set context = %s, initial_intent = coalesce(initial_intent, %s),"
        " status = case when status = 'abandoned' then 'active' else status end, ended_at = case"
        " when status = 'abandoned' then null else ended_at end where id = %s",
        (Jsonb(context), initial_intent, conversation_id),
    )
