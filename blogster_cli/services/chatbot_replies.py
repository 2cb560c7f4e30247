"""process_chatbot_message: the worker's answer to one user message.

Read (service_role): the message, its conversation and, when they changed, the intents
(the classifier is retrained then and kept for the process). Classify; when unsure and
the AI fallback is on, ask the provider to pick an intent (outside any unit of work). An
intent named `oos` holds out-of-scope examples: the classifier learns them, nobody picks it.
Documentation hits come from the same search users run, as the user. Store
(service_role, one transaction): the reply as an assistant message with the intent,
confidence and tokens used, the user message's intent and confidence, and the
conversation's context (last intent, expected follow-ups, parameters given so far).
A retried job finds the reply already stored (metadata.reply_to) and stops.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from blogster_cli.actors import ActingUser, Actor
from blogster_cli.chatbot import replies
from blogster_cli.chatbot.intents import OUT_OF_SCOPE_LABEL
from blogster_cli.db.connection import Database
from blogster_cli.db.orm import orm_service_unit_of_work
from blogster_cli.errors import BlogsterError
from blogster_cli.repositories import chatbot as repo

if TYPE_CHECKING:
    from blogster_cli.ai.provider import ProviderConfig
    from blogster_cli.chatbot.classifier import IntentClassifier, Prediction

DOC_HITS = 3
AI_SCHEMA = "chatbot_intent"
log = logging.getLogger("blogster.chatbot")


@dataclass
class _Trained:
    fingerprint: str
    classifier: IntentClassifier | None
    intents: dict[str, dict[str, Any]]


_cache: _Trained | None = None
_cache_lock = threading.Lock()


def _classifier(db: Database) -> _Trained:
    """The classifier for the stored intents, retrained only when they changed."""
    global _cache
    from blogster_cli.chatbot.classifier import MIN_INTENTS, IntentClassifier

    with orm_service_unit_of_work(db) as session:
        fingerprint = repo.intents_fingerprint(session)
        if _cache is not None and _cache.fingerprint == fingerprint:
            return _cache
        rows = repo.all_intents(session)
    with _cache_lock:
        if _cache is not None and _cache.fingerprint == fingerprint:
            return _cache
        phrases = [p for r in rows for p in r["training_phrases"]]
        labels = [r["name"] for r in rows for _ in r["training_phrases"]]
        classifier = IntentClassifier.train(phrases, labels) if len(set(labels)) >= MIN_INTENTS else None
        _cache = _Trained(fingerprint, classifier, {r["name"]: r for r in rows})
        return _cache


def _ask_provider(provider: ProviderConfig, message: str, intents: dict[str, dict[str, Any]]) -> tuple[str | None, int]:
    """The provider's pick among the intents (None: none fits) and the tokens it used."""
    from blogster_cli.services import ai_provider

    catalogue = "\n".join(f"- {name}: {row.get('description') or ''}".rstrip() for name, row in intents.items())
    schema = {
        "type": "json_schema",
        "json_schema": {
            "name": AI_SCHEMA,
            "strict": True,
            "schema": {
                "type": "object",
                "properties": {"intent": {"type": "string", "enum": [*intents, "none"]}},
                "required": ["intent"],
                "additionalProperties": False,
            },
        },
    }
    prompt = [
        {"role": "system", "content": "Classify the user's message into one of these intents, or 'none' if no "
         "intent fits. Answer with JSON only.\n" + catalogue},
        {"role": "user", "content": message},
    ]  # fmt: skip
    completion = ai_provider.complete(provider, prompt, response_format=schema)
    try:
        picked = json.loads(completion.text).get("intent")
    except (ValueError, AttributeError):
        picked = None
    known = isinstance(picked, str) and picked in intents  # a list or an object there is no pick
    return (picked if known else None), completion.tokens


def _docs(db: Database, user_id: UUID, query: str) -> list[replies.DocLink]:
    """The top documentation hits for the message, searched as its author (what they may read)."""
    from blogster_cli.services import documentation

    try:
        result = documentation.search(ActingUser(db, Actor(user_id=user_id, email="")), query=query, limit=DOC_HITS)
    except BlogsterError as exc:
        log.warning("documentation search failed: %s", exc)
        return []
    return [replies.DocLink(h.title, h.slug, h.snippet) for h in result.hits]


def process_message(
    db: Database, *, message_id: UUID, created_at: datetime, provider: ProviderConfig | None = None
) -> bool:
    """Answers one user message; False if it is gone or already answered."""
    began = time.perf_counter()
    trained = _classifier(db)
    with orm_service_unit_of_work(db) as session:
        message = repo.message_to_answer(session, message_id=message_id, created_at=created_at)
    if message is None or message["answered"]:
        return False
    context, reshaped = replies.conversation_context(message["context"])
    if reshaped:
        log.warning(
            "conversation %s: its stored context is not the shape the bot writes; what is not is left out",
            message["conversation_id"],
        )
    text = message["content"] or ""
    prediction: Prediction | None = trained.classifier.predict([text])[0] if trained.classifier else None
    threshold = 0.5  # confidences are centred on the calibrated threshold (classifier.py)
    decision = replies.decide(
        prediction.ranked if prediction else [], threshold=threshold, follow_ups=context.get("follow_ups", [])
    )
    tokens = 0
    source = "classifier"
    answerable = {name: row for name, row in trained.intents.items() if name != OUT_OF_SCOPE_LABEL}
    if decision.intent is None and provider is not None and answerable:
        try:
            picked, tokens = _ask_provider(provider, text, answerable)
        except BlogsterError as exc:
            log.warning("AI fallback failed: %s", exc)
            picked = None
        if picked is not None:
            decision = replies.Decision(picked, decision.confidence)
            source = "ai"

    intent = answerable.get(decision.intent) if decision.intent else None  # out-of-scope examples never answer
    turn = int(message["turns"])
    if intent is None:
        reply = replies.out_of_scope(_docs(db, message["user_id"], text))
        context.pop("follow_ups", None)
    else:
        responses = [dict(r) for r in intent["responses"] or []]
        docs = _docs(db, message["user_id"], text) if replies.wants_docs(responses, turn) else []
        reply = replies.compose(
            responses=responses, parameters=dict(intent["parameters"] or {}), message=text,
            remembered=dict(context.get("parameters", {})), turn=turn, docs=docs,
        )  # fmt: skip
        context["last_intent"] = intent["name"]
        context["follow_ups"] = list(intent["follow_up_intents"] or [])
        context["parameters"] = {**context.get("parameters", {}), **reply.parameters}
    intent_id = intent["id"] if intent else None
    metadata = {
        "reply_to": str(message_id),
        "intent": intent["name"] if intent else None,
        "source": source if intent else "out_of_scope",
        "follow_up": decision.follow_up,
        "processing_ms": round((time.perf_counter() - began) * 1000, 2),
    }
    confidence = round(min(1.0, max(0.0, decision.confidence)), 6)
    with orm_service_unit_of_work(db) as session:
        repo.store_reply(
            session, conversation_id=message["conversation_id"], content=reply.text, intent_id=intent_id,
            confidence=confidence, tokens_used=tokens, metadata=metadata,
        )  # fmt: skip
        repo.mark_user_message(
            session, message_id=message_id, created_at=message["created_at"], intent_id=intent_id, confidence=confidence
        )
        repo.update_conversation(
            session, conversation_id=message["conversation_id"], context=context, initial_intent=intent_id
        )
    return True
