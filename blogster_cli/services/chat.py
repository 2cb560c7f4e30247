"""Chatting with the support bot as a user: ask (and wait for the worker's reply), history, end and rate.

A user reaches only their own conversations and messages (RLS). The message is
sanitised here and checked again by the database (0080: control characters, length,
the per-account rate limit), whose insert also queues the worker's reply.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from blogster_cli import id_prefixes
from blogster_cli.actors import ActingUser
from blogster_cli.chatbot.sanitize import sanitise_message
from blogster_cli.errors import InvalidInput, NotFound, NoWorker

DEFAULT_WAIT_S = 15.0
MAX_FEEDBACK_LENGTH = 5000  # the database refuses longer feedback too (chatbot_conversations_feedback_length, 0004)


@dataclass(frozen=True)
class ChatMessage:
    role: str
    content: str
    created_at: datetime
    intent: str | None = None
    confidence: float | None = None


@dataclass(frozen=True)
class ChatReply:
    conversation_id: UUID
    question: str
    answer: str
    intent: str | None
    confidence: float | None
    out_of_scope: bool
    response_ms: float


@dataclass(frozen=True)
class ConversationInfo:
    id: UUID
    status: str
    started_at: datetime | None
    ended_at: datetime | None
    satisfaction_score: int | None
    messages: list[ChatMessage] = field(default_factory=list)


@dataclass(frozen=True)
class ConversationSummary:
    """A conversation with the number of its messages instead of their text (`chat list`'s table)."""

    id: UUID
    status: str
    started_at: datetime | None
    ended_at: datetime | None
    satisfaction_score: int | None
    messages: int


def _message(row: Any) -> ChatMessage:
    """The message as shown: a confidence is the reply's (the worker marks the question with it too,
    for the figures), so a question shows none, as it shows no intent."""
    meta = row.metadata_ or {}
    confidence = None if row.role == "user" else row.confidence_score
    return ChatMessage(str(row.role), row.content or "", row.created_at, meta.get("intent"), confidence)


def _in_reply_order(rows: list[Any]) -> list[ChatMessage]:
    """The messages oldest first, but each reply right after the message it answers (its metadata's
    `reply_to`), after earlier replies to it. Messages sent while no worker ran are answered later,
    all together and in the order the worker finished them: in time order they would read as every
    question, then every answer. A reply whose message is not among `rows` keeps its time."""
    asked = {str(row.id) for row in rows if str(row.role) == "user"}
    answers: dict[str, list[Any]] = {}
    rest: list[Any] = []
    for row in rows:
        meta = row.metadata_ if isinstance(row.metadata_, dict) else {}
        answered = meta.get("reply_to") if str(row.role) == "assistant" else None
        if isinstance(answered, str) and answered in asked:
            answers.setdefault(answered, []).append(row)
        else:
            rest.append(row)
    ordered: list[ChatMessage] = []
    for row in rest:
        ordered.append(_message(row))
        if str(row.role) == "user":
            ordered.extend(_message(answer) for answer in answers.get(str(row.id), []))
    return ordered


def _info(row: Any, messages: list[ChatMessage] | None = None) -> ConversationInfo:
    return ConversationInfo(
        row.id, str(row.status), row.started_at, row.ended_at, row.satisfaction_score, messages or []
    )


CONVERSATION = id_prefixes.Named("conversation", "conversations", "blogster chat list")


def _conversation(session: Any, acting: ActingUser, conversation_id: UUID | str | None, *, new: bool = False) -> Any:
    """The conversation `conversation_id` names (an id, or as text the first characters of one),
    else my current one (a new one with `new`, or when none is active)."""
    from blogster_cli.repositories import chatbot as repo

    if isinstance(conversation_id, str):
        found = repo.conversations_starting(session, prefix=id_prefixes.prefix(conversation_id, CONVERSATION))
        return id_prefixes.only(found, conversation_id, CONVERSATION)
    if conversation_id is not None:
        row = repo.conversation(session, conversation_id=conversation_id)
        if row is None:
            raise NotFound(f"no conversation {conversation_id}")
        return row
    row = None if new else repo.latest_active_conversation(session, user_id=acting.actor.user_id)
    return row or repo.start_conversation(session, user_id=acting.actor.user_id)


def ask(
    acting: ActingUser, *, text: str, conversation_id: UUID | str | None = None, new: bool = False,
    wait_s: float = DEFAULT_WAIT_S, timezone: str | None = None,
) -> ChatReply:  # fmt: skip
    """Stores the message in the current conversation (or a new one, or the one `conversation_id`
    names: its id, or its first characters) and waits for the reply. `timezone`: the asker's
    `timezone` setting (a profile's, which the database does not hold), stored with the message
    so that the bot's answer can name it (chatbot/replies.about_sender)."""
    from blogster_cli.db.orm import orm_unit_of_work
    from blogster_cli.repositories import chatbot as repo

    content = sanitise_message(text)
    with orm_unit_of_work(acting) as session:
        conversation = _conversation(session, acting, conversation_id, new=new)
        if str(conversation.status) != "active" and conversation_id is not None:
            raise InvalidInput("that conversation has ended; start a new one with --new")
        asked_id, asked_at = repo.add_user_message(
            session, conversation_id=conversation.id, content=content,
            metadata={"timezone": timezone} if timezone else None,
        )  # fmt: skip
        alive = repo.worker_alive(session)
        asked_in: UUID = conversation.id
    began = time.perf_counter()
    if not alive:
        raise NoWorker(
            "no worker is running to answer: your message is saved and will be answered once"
            " `blogster serve-workers` runs (then see: blogster chat history)"
        )
    reply = _wait_for_reply(acting, conversation_id=asked_in, message_id=asked_id, after=asked_at, wait_s=wait_s)
    meta = reply.metadata_ or {}
    return ChatReply(
        conversation_id=asked_in,
        question=content,
        answer=reply.content or "",
        intent=meta.get("intent"),
        confidence=reply.confidence_score,
        out_of_scope=meta.get("intent") is None,
        response_ms=(time.perf_counter() - began) * 1000,
    )


def _wait_for_reply(
    acting: ActingUser, *, conversation_id: UUID, message_id: UUID, after: datetime, wait_s: float
) -> Any:
    from blogster_cli.db.orm import orm_unit_of_work
    from blogster_cli.repositories import chatbot as repo

    deadline = time.monotonic() + wait_s
    pause = 0.005
    while True:
        with orm_unit_of_work(acting) as session:
            reply = repo.reply_to(session, conversation_id=conversation_id, message_id=message_id, after=after)
        if reply is not None:
            return reply
        if time.monotonic() > deadline:
            with orm_unit_of_work(acting) as session:
                learning = repo.waits_for_training(session, message_id=message_id, created_at=after)
            if learning:
                raise NoWorker(
                    f"no reply within {wait_s:g} s: the worker is still learning the chatbot's intents (retraining"
                    " after they changed, or it just started); your message will be answered, see it later with:"
                    " blogster chat history"
                )
            raise NoWorker(
                f"no reply within {wait_s:g} s: the workers may be busy; see the answer later with: blogster chat history"
            )
        time.sleep(pause)
        pause = min(pause * 2, 0.1)


def history(acting: ActingUser, *, conversation_id: UUID | str | None = None) -> ConversationInfo:
    """A conversation with its messages, each reply after the message it answers (the latest
    conversation by default; `conversation_id` as `ask` takes it)."""
    from blogster_cli.db.orm import orm_unit_of_work
    from blogster_cli.repositories import chatbot as repo

    with orm_unit_of_work(acting) as session:
        if conversation_id is None:
            rows = repo.conversations(session, limit=1)
            if not rows:
                raise NotFound('you have no conversations yet: blogster chat ask "..."')
            row = rows[0]
        else:
            row = _conversation(session, acting, conversation_id)
        return _info(row, _in_reply_order(repo.messages(session, conversation_id=row.id)))


def conversations(acting: ActingUser, *, limit: int | None = None) -> list[ConversationInfo]:
    """My conversations, newest first (all, or the newest `limit`), each with its messages."""
    from blogster_cli.db.orm import orm_unit_of_work
    from blogster_cli.repositories import chatbot as repo

    with orm_unit_of_work(acting) as session:
        rows = repo.conversations(session, limit=limit or None)
        messages = repo.messages_of(session, conversation_ids=[row.id for row in rows])
        return [_info(row, _in_reply_order(messages[row.id])) for row in rows]


def conversation_summaries(acting: ActingUser, *, limit: int | None = None) -> list[ConversationSummary]:
    """My conversations, newest first, each with its number of messages (none of them loaded)."""
    from blogster_cli.db.orm import orm_unit_of_work
    from blogster_cli.repositories import chatbot as repo

    with orm_unit_of_work(acting) as session:
        rows = repo.conversations(session, limit=limit or None)
        counts = repo.message_counts(session, conversation_ids=[row.id for row in rows])
        return [
            ConversationSummary(
                row.id, str(row.status), row.started_at, row.ended_at, row.satisfaction_score, counts[row.id]
            )
            for row in rows
        ]


def end(
    acting: ActingUser, *, conversation_id: UUID | str | None = None, satisfaction: int | None = None,
    feedback: str | None = None,
) -> ConversationInfo:  # fmt: skip
    """Completes a conversation (the current one by default; `conversation_id` as `ask` takes it),
    with an optional 1-5 score and feedback."""
    from blogster_cli.chatbot.sanitize import strip_markup
    from blogster_cli.db.orm import orm_unit_of_work
    from blogster_cli.repositories import chatbot as repo

    if satisfaction is not None and not 1 <= satisfaction <= 5:
        raise InvalidInput("the satisfaction score is 1 to 5")
    if feedback is not None:
        feedback = sanitise_message(strip_markup(feedback), max_length=MAX_FEEDBACK_LENGTH)
    with orm_unit_of_work(acting) as session:
        if conversation_id is None:
            row = repo.latest_active_conversation(session, user_id=acting.actor.user_id)
            if row is None:
                raise NotFound("you have no active conversation")
        else:
            row = _conversation(session, acting, conversation_id)
        return _info(repo.close_conversation(session, row=row, satisfaction=satisfaction, feedback=feedback))
