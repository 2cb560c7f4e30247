"""process_chatbot_message: the worker's answer to one user message.

Read (service_role): the message, its conversation and, when they changed, the intents.
Classify; when unsure and the AI fallback is on, ask the provider to pick an intent (outside
any unit of work). An intent named `oos` holds out-of-scope examples: the classifier learns
them, nobody picks it. A bare answer ("yes", "no", "sure") counts only as one of the follow-ups
the bot's last reply expects; otherwise the bot asks what it means. Documentation hits come
from the same search users run, as the user. A response may name the asker's `timezone` setting
(`{timezone}`), which their front end sends with the message (metadata `timezone`: the setting is
the profile's, not the database's). Store (service_role, one transaction): the reply
as an assistant message with the intent, confidence and tokens used, the user message's intent
and confidence, and the conversation's context (last intent, expected follow-ups, parameters
given so far). A retried job finds the reply already stored (metadata.reply_to) and stops.
One conversation's messages are answered one at a time, in the order sent (0164: the job lock
`chatbot_conversation:<id>`), each from the context the reply before stored. The reply is stored
under a lock on the conversation's row; a message answered after a later one of its conversation
(a job queued before 0164, a failed job retried by hand) leaves the context to that later turn.
That lock is never waited for: an account can hold its own conversation's row in a transaction it
leaves open, and a job waiting for it (lock_timeout, per attempt) kept a worker from every other
account's replies and scheduled jobs. A row found locked, before the reply is worked out or when
it is to be stored, is ConversationBusy: the job gives its worker back and is tried again later
(workers/chatbot.py), still ahead of its conversation's later messages (procrastinate's job lock
keeps a retried job's place).
An intent's parameter patterns (the owner's regular expressions, run on the visitor's message) are
bounded in time (replies.PATTERN_TIMEOUT_S for all of them together): one given up finds nothing,
and is said once in the log; so is a stored pattern `chatbot/patterns.problem` refuses (never
compiled: the regex package's compile is not bounded).

Training never holds a reply up for long (_Training): the classifier is trained on a background
thread of the worker process, when the intents change (a large set takes minutes), and kept for
the process. A change queues a `learn_chatbot_intents` job (0158: `learn`), so the worker that
takes it starts learning at once; a message that finds the intents changed starts it too (in
another worker process) and waits up to LEARN_WAIT_S for the new model, which a set of a few
hundred phrases takes well under a second to learn. Past that, messages are answered with the
model the process has, with today's intents (an intent since removed is no answer), and what it
cannot answer gets "I'm still learning ..." rather than "not sure". An intent the classifier
picks that has no responses (a CSV import carries phrases only) gets "I don't have an answer
for that yet" with the documentation hits, never an empty or made-up reply; the log names it
once (at --log-level info). A worker with no model yet (just started)
waits for its first: at most WAIT_FOR_FIRST_MODEL_S for a message sent since it started (its
asker is waiting: `chat ask` waits 15 s by default), however long it takes for one sent before
(queued while no worker ran: nobody waits for it), and never past a stop request; then it says it
is still learning. While a message waits, it is marked (metadata `waiting_for: training`) so that
a `chat ask` that gives up says why. Nothing of the training is stored: a worker stopped or
killed (SIGKILL) while training keeps nothing, its jobs go to another worker as any job does,
and each worker process trains its own.
"""

from __future__ import annotations

import json
import logging
import math
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from blogster_cli.actors import ActingUser, Actor
from blogster_cli.chatbot import replies
from blogster_cli.chatbot.intents import OUT_OF_SCOPE_LABEL
from blogster_cli.db.connection import Database
from blogster_cli.db.orm import orm_service_unit_of_work
from blogster_cli.errors import BlogsterError, Conflict
from blogster_cli.repositories import chatbot as repo

if TYPE_CHECKING:
    from blogster_cli.ai.provider import ProviderConfig
    from blogster_cli.chatbot.classifier import IntentClassifier, Prediction

DOC_HITS = 3
AI_SCHEMA = "chatbot_intent"
WAIT_FOR_FIRST_MODEL_S = 10.0
"""How long a message sent since the worker started waits for the process's first model."""
LEARN_WAIT_S = 3.0
"""How long a message that finds the intents changed waits for the model of the new ones (the
process has one of older intents to answer with meanwhile)."""
WAIT_STEP_S = 0.25  # how often a waiting job looks at the stop request
STARTED_AT = datetime.now(UTC)  # a message sent before was queued while no worker of this process ran
log = logging.getLogger("blogster.chatbot")


class ConversationBusy(Conflict):
    """Another transaction holds the conversation's row: the message is answered once it is free."""

    def __init__(self, conversation_id: UUID) -> None:
        super().__init__(f"conversation {conversation_id} is held by another transaction; its reply is tried later")


@dataclass(frozen=True)
class _Trained:
    fingerprint: str  # of the intents it learnt
    classifier: IntentClassifier | None  # None: fewer than 2 intents to tell apart


@dataclass(frozen=True)
class _Answering:
    """What a message is answered with: a classifier (None: none yet, or nothing to tell apart),
    the stored intents by name, and whether the classifier learnt other intents than these (or
    none yet) and the ones stored are being learnt."""

    classifier: IntentClassifier | None
    intents: dict[str, dict[str, Any]]
    learning: bool = False


def _train(rows: Iterable[dict[str, Any]]) -> IntentClassifier | None:
    from blogster_cli.chatbot.classifier import MIN_INTENTS, IntentClassifier

    rows = list(rows)
    phrases = [p for r in rows for p in r["training_phrases"]]
    labels = [r["name"] for r in rows for _ in r["training_phrases"]]
    return IntentClassifier.train(phrases, labels) if len(set(labels)) >= MIN_INTENTS else None


class _Training:
    """The process's classifier and its training, one background thread at a time (that thread
    trains whatever was asked last, until the model matches it)."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._trained: _Trained | None = None
        self._intents: tuple[str, dict[str, dict[str, Any]]] | None = None  # the last read, with its fingerprint
        self._wanted: tuple[str, dict[str, dict[str, Any]]] | None = None
        self._failed: tuple[str, Exception] | None = None
        self._thread: threading.Thread | None = None

    def intents(self, db: Database) -> tuple[str, dict[str, dict[str, Any]]]:
        """The stored intents' fingerprint and the intents by name (read again only once it changed)."""
        with orm_service_unit_of_work(db) as session:
            fingerprint = repo.intents_fingerprint(session)
            known = self._intents
            if known is not None and known[0] == fingerprint:
                return known
            rows = repo.all_intents(session)
        self._intents = (fingerprint, {row["name"]: row for row in rows})
        return self._intents

    def model(
        self, db: Database, *, wait_s: float, on_wait: Callable[[], None] = lambda: None,
        should_stop: Callable[[], bool] = lambda: False, wait_for_change_s: float = 0.0,
    ) -> _Answering:  # fmt: skip
        """The model for the stored intents, or while they are being learnt the one there is;
        with none yet, waits up to `wait_s` for the first (calling `on_wait` first), with one of
        other intents up to `wait_for_change_s` for the new one, never past `should_stop`. A
        training that failed on these intents is raised here when there is no model to answer
        with (the next call trains again)."""
        fingerprint, intents = self.intents(db)
        with self._changed:
            trained = self._trained
            if trained is not None and trained.fingerprint == fingerprint:
                return _Answering(trained.classifier, intents)
            if self._failed is None or self._failed[0] != fingerprint:
                self._wanted = (fingerprint, intents)
                if self._thread is None:
                    self._thread = threading.Thread(target=self._train_wanted, name="chatbot-training", daemon=True)
                    self._thread.start()
        if trained is None:
            on_wait()
            deadline = time.monotonic() + wait_s
            with self._changed:
                while self._trained is None and not self._failed_on(fingerprint) and not should_stop():
                    left = deadline - time.monotonic()
                    if left <= 0:
                        break
                    self._changed.wait(min(WAIT_STEP_S, left))
                trained = self._trained
        elif wait_for_change_s > 0:
            deadline = time.monotonic() + wait_for_change_s
            with self._changed:
                while not self._learnt(fingerprint) and not self._failed_on(fingerprint) and not should_stop():
                    left = deadline - time.monotonic()
                    if left <= 0:
                        break
                    self._changed.wait(min(WAIT_STEP_S, left))
                trained = self._trained
        with self._changed:
            failed = self._failed
            if failed is not None and failed[0] == fingerprint:
                if trained is None:
                    self._failed = None  # so that the job's retry trains again
                    raise failed[1]
                return _Answering(trained.classifier, intents)  # what there is, for good: said in the log once
        if trained is None:
            return _Answering(None, intents, learning=True)
        return _Answering(trained.classifier, intents, learning=trained.fingerprint != fingerprint)

    def _learnt(self, fingerprint: str) -> bool:
        return self._trained is not None and self._trained.fingerprint == fingerprint

    def _failed_on(self, fingerprint: str) -> bool:
        return self._failed is not None and self._failed[0] == fingerprint

    def _train_wanted(self) -> None:
        while True:
            with self._changed:
                wanted, self._wanted = self._wanted, None
                done = self._trained is not None and wanted is not None and self._trained.fingerprint == wanted[0]
                if wanted is None or done:
                    self._thread = None
                    self._changed.notify_all()
                    return
            fingerprint, intents = wanted
            began = time.perf_counter()
            try:
                classifier = _train(intents.values())
            except Exception as exc:
                log.warning("training the chatbot on its %d intents failed: %s", len(intents), exc)
                with self._changed:
                    self._failed = (fingerprint, exc)
                    self._changed.notify_all()
                continue
            with self._changed:
                self._trained = _Trained(fingerprint, classifier)
                if self._failed_on(fingerprint):
                    self._failed = None
                self._changed.notify_all()
            log.info("chatbot trained on its %d intents in %.1f s", len(intents), time.perf_counter() - began)


_training = _Training()


def learn(db: Database) -> None:
    """Starts learning the stored intents on the process's background thread, unless its model is
    of them already (the `learn_chatbot_intents` job a change of the intents queues); returns at
    once: messages meanwhile are answered as the module says."""
    _training.model(db, wait_s=0)


def wait_until_trained(db: Database, *, wait_s: float) -> bool:
    """Starts learning the stored intents if this process has not, and waits up to `wait_s` for
    it; whether the model now matches them (tests answer with it; a worker never waits so)."""
    deadline = time.monotonic() + wait_s
    while True:
        if not _training.model(db, wait_s=0).learning:
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(WAIT_STEP_S)


def _waited_for(created_at: datetime) -> float:
    """How long a message waits for the process's first model: one sent before this process
    started was queued while no worker ran, and nobody waits for its answer."""
    return math.inf if created_at < STARTED_AT else WAIT_FOR_FIRST_MODEL_S


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
        result = documentation.search(
            ActingUser(db, Actor(user_id=user_id, email="")), query=query, limit=DOC_HITS, suggest=False
        )
    except BlogsterError as exc:
        log.warning("documentation search failed: %s", exc)
        return []
    return [replies.DocLink(h.title, h.slug, h.snippet) for h in result.hits]


_reported: set[tuple[str, ...]] = set()  # what this process has said in the log, by its key
_reported_lock = threading.Lock()


def _first_report(*key: str) -> bool:
    """Whether this process has not said `key` in the log yet; from now on it has."""
    with _reported_lock:
        if key in _reported:
            return False
        _reported.add(key)
        return True


def _report_timed_out(intent: dict[str, Any], names: Iterable[str], refused: Iterable[tuple[str, str]] = ()) -> None:
    """Says in the log, once per process for each intent's parameter and pattern, that its pattern
    was given up on a message (replies.PATTERN_TIMEOUT_S) or is not used (why): the owner's to fix;
    never the message."""
    reasons = dict(refused)
    for name in [*names, *reasons]:
        rule = (intent["parameters"] or {}).get(name)
        pattern = str(rule.get("pattern")) if isinstance(rule, dict) else ""
        if not _first_report("pattern", str(intent["id"]), name, pattern):
            continue
        if name in reasons:
            log.warning(
                "chatbot intent %r: the pattern of its parameter %r is not used: %s; fix it and import the"
                " intents again (blogster chatbot intents import)",
                intent["name"], name, reasons[name],
            )  # fmt: skip
            continue
        log.warning(
            "chatbot intent %r: the pattern of its parameter %r took longer than its share of the %g s its"
            " parameters' patterns have on a message, and was given up (the reply went without a value"
            " from it); a pattern with nested or overlapping repetition such as (a+)+ or"
            " (a|a)+ can backtrack without end: simplify it (blogster chatbot intents import)",
            intent["name"], name, replies.PATTERN_TIMEOUT_S,
        )  # fmt: skip


def _report_no_responses(intent: dict[str, Any]) -> None:
    """Says in the log, once per process for each intent, that it was picked but has no responses."""
    if not _first_report("no responses", str(intent["id"])):
        return
    log.info(
        "chatbot intent %r has no responses: its questions get the help pages instead; add one"
        " (blogster chatbot intents add NAME -r TEXT, or import a YAML file with responses)",
        intent["name"],
    )


def process_message(
    db: Database, *, message_id: UUID, created_at: datetime, provider: ProviderConfig | None = None,
    should_stop: Callable[[], bool] = lambda: False,
) -> bool:  # fmt: skip
    """Answers one user message; False if it is gone or already answered. `should_stop`: the
    worker is stopping (a wait for the first model ends then)."""
    began = time.perf_counter()
    with orm_service_unit_of_work(db) as session:
        message = repo.message_to_answer(session, message_id=message_id, created_at=created_at)
        if message is None or message["answered"]:
            return False
        if not repo.lock_conversation(session, conversation_id=message["conversation_id"]):  # before any work
            raise ConversationBusy(message["conversation_id"])  # (an AI provider's call) is done for nothing

    def mark_waiting() -> None:
        with orm_service_unit_of_work(db) as session:
            repo.mark_waiting_for_training(session, message_id=message_id, created_at=message["created_at"])

    model = _training.model(
        db, wait_s=_waited_for(message["created_at"]), on_wait=mark_waiting, should_stop=should_stop,
        wait_for_change_s=LEARN_WAIT_S,
    )  # fmt: skip
    context, reshaped = replies.conversation_context(message["context"])
    if reshaped:
        log.warning(
            "conversation %s: its stored context is not the shape the bot writes; what is not is left out",
            message["conversation_id"],
        )
    text = message["content"] or ""
    prediction: Prediction | None = model.classifier.predict([text])[0] if model.classifier else None
    ranked = [(label, p) for label, p in prediction.ranked if label in model.intents] if prediction else []
    threshold = 0.5  # confidences are centred on the calibrated threshold (classifier.py)
    decision = replies.decide(
        ranked, threshold=threshold, follow_ups=context.get("follow_ups", []),
        bare_answer=replies.is_bare_answer(text),
    )  # fmt: skip
    tokens = 0
    source = "classifier"
    answerable = {name: row for name, row in model.intents.items() if name != OUT_OF_SCOPE_LABEL}
    if decision.intent is None and not decision.needs_context and provider is not None and answerable:
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
    if decision.needs_context:  # the question it may answer is still open, if any
        reply = replies.needs_context()
        source = "needs_context"
    elif intent is None:
        docs = _docs(db, message["user_id"], text)
        if model.learning:
            reply = replies.still_learning(docs)
        else:
            hint = model.classifier.language_hint(text) if model.classifier else None
            reply = replies.out_of_scope(docs, hint=hint)
        source = "learning" if model.learning else "out_of_scope"
        context.pop("follow_ups", None)
    else:
        responses = [dict(r) for r in intent["responses"] or []]
        if not responses:  # phrases only (a CSV import): what the help centre has, and the log says so once
            reply = replies.no_response(_docs(db, message["user_id"], text))
            source = "no_response"
            _report_no_responses(intent)
        else:
            docs = _docs(db, message["user_id"], text) if replies.wants_docs(responses, turn) else []
            reply = replies.compose(
                responses=responses, parameters=dict(intent["parameters"] or {}), message=text,
                remembered=dict(context.get("parameters", {})), turn=turn, docs=docs,
                sender=replies.about_sender(message["metadata"]),
            )  # fmt: skip
            _report_timed_out(intent, reply.timed_out, reply.refused)
        context["last_intent"] = intent["name"]
        context["follow_ups"] = list(intent["follow_up_intents"] or [])
        context["parameters"] = {**context.get("parameters", {}), **reply.parameters}
    intent_id = intent["id"] if intent else None
    metadata = {
        "reply_to": str(message_id),
        "intent": intent["name"] if intent else None,
        "source": source,
        "follow_up": decision.follow_up,
        "processing_ms": round((time.perf_counter() - began) * 1000, 2),
    }
    confidence = round(min(1.0, max(0.0, decision.confidence)), 6)
    with orm_service_unit_of_work(db) as session:
        claimed = repo.claim_conversation(
            session, conversation_id=message["conversation_id"], message_id=message_id, created_at=message["created_at"]
        )  # the conversation's row stays locked until this reply is stored
        if claimed is None:
            raise ConversationBusy(message["conversation_id"])
        answered, answered_later = claimed
        if answered:  # another run of this job stored it meanwhile
            return False
        repo.store_reply(
            session, conversation_id=message["conversation_id"], content=reply.text, intent_id=intent_id,
            confidence=confidence, tokens_used=tokens, metadata=metadata,
        )  # fmt: skip
        repo.mark_user_message(
            session, message_id=message_id, created_at=message["created_at"], intent_id=intent_id, confidence=confidence
        )
        if answered_later:  # the context is a later message's turn, which the next message follows
            log.info(
                "conversation %s: a later message was answered first; its context is kept", message["conversation_id"]
            )
        else:
            repo.update_conversation(
                session, conversation_id=message["conversation_id"], context=context, initial_intent=intent_id
            )
    return True
