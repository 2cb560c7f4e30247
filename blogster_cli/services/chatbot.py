"""The chatbot as admins run it: intents (import, export, list, add, remove), evaluation of the
classifier on labelled examples, and the daily analytics.

Intents are readable only by admins and the workers (RLS); each change is one unit of
work, so an import is stored whole or not at all.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from blogster_cli.actors import ActingUser, require_admin
from blogster_cli.chatbot import intents as intent_files
from blogster_cli.chatbot.evaluation import Evaluation
from blogster_cli.chatbot.intents import IntentSpec
from blogster_cli.content.files import read_named_text
from blogster_cli.errors import Conflict, InvalidInput, NotFound
from blogster_cli.vocabulary import ChatbotIntentCategory
from blogster_cli.wording import already_exists

MAX_ANALYTICS_DAYS = 366


@dataclass(frozen=True)
class IntentSummary:
    name: str
    category: str
    training_phrases: int
    responses: int
    follow_up_intents: list[str]
    description: str | None


@dataclass(frozen=True)
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: int = 0
    phrases: int = 0
    without_responses: int = 0
    """How many stored intents (after the import; `oos` aside, it never answers) have no response:
    the bot offers the help pages for their questions (a CSV carries phrases only)."""


def without_responses(specs: list[IntentSpec]) -> list[str]:
    """The intents the bot may answer with that have no response to answer with."""
    return [s.name for s in specs if not s.responses and s.name != intent_files.OUT_OF_SCOPE_LABEL]


@dataclass(frozen=True)
class AnalyticsDay:
    date: date
    conversations: int
    avg_conversation_s: float | None
    avg_response_ms: float | None
    top_intents: list[dict[str, Any]]
    satisfaction: dict[str, Any]
    completion: dict[str, Any]
    errors: dict[str, Any]
    as_of: datetime
    """When these figures were computed: they count everything up to then (today's and yesterday's
    are computed as they are read; an earlier day's once it was over, by the hourly roll-up or a read)."""


def _spec(row: Any) -> IntentSpec:
    return IntentSpec(
        name=row.name,
        description=row.description,
        training_phrases=list(row.training_phrases or []),
        parameters=dict(row.parameters or {}),
        responses=[dict(r) for r in row.responses or []],
        follow_up_intents=list(row.follow_up_intents or []),
        category=ChatbotIntentCategory(row.category),
    )


def _summary(spec: IntentSpec) -> IntentSummary:
    return IntentSummary(
        spec.name, str(spec.category), len(spec.training_phrases), len(spec.responses),
        spec.follow_up_intents, spec.description,
    )  # fmt: skip


def _apply(row: Any, spec: IntentSpec) -> None:
    row.description = spec.description
    row.training_phrases = spec.training_phrases
    row.parameters = spec.parameters
    row.responses = spec.responses
    row.follow_up_intents = spec.follow_up_intents
    row.category = spec.category


def import_intents(acting: ActingUser, *, path: Path, replace: bool = False) -> ImportReport:
    """Merges the file's intents into the stored ones (new phrases added; a YAML/JSON intent's
    other fields replace the stored ones); `replace` removes every intent first."""
    from blogster_cli.db.orm import orm_unit_of_work
    from blogster_cli.models.chatbot import ChatbotIntent
    from blogster_cli.repositories import chatbot as repo

    require_admin(acting)
    incoming, phrases_only = intent_files.read_file(path)
    created: list[str] = []
    updated: list[str] = []
    removed = 0
    with orm_unit_of_work(acting) as session:
        if replace:
            removed = repo.delete_intents(session, ids=[row.id for row in repo.intents(session)])
        for spec in incoming:
            row = repo.intent_by_name(session, name=spec.name)
            if row is None:
                row = ChatbotIntent(name=spec.name)
                _apply(row, spec)
                created.append(spec.name)
            else:
                merged = intent_files.merge(_spec(row), spec, phrases_only=phrases_only)
                if merged == _spec(row):
                    continue
                _apply(row, merged)
                updated.append(spec.name)
            repo.save_intent(session, intent=row)
        silent = len(without_responses([_spec(row) for row in repo.intents(session)]))
    return ImportReport(created, updated, removed, sum(len(s.training_phrases) for s in incoming), silent)


def to_replace(acting: ActingUser, *, path: Path) -> tuple[int, int]:
    """How many stored intents `import_intents(replace=True)` would remove and how many the file
    holds, for a front end to ask about first: a writer is refused and a bad file reported
    rather than asked about."""
    from blogster_cli.db.orm import orm_unit_of_work
    from blogster_cli.repositories import chatbot as repo

    require_admin(acting)
    incoming, _ = intent_files.read_file(path)
    with orm_unit_of_work(acting) as session:
        return len(repo.intents(session)), len(incoming)


def all_intents(acting: ActingUser) -> list[IntentSpec]:
    from blogster_cli.db.orm import orm_unit_of_work
    from blogster_cli.repositories import chatbot as repo

    require_admin(acting)
    with orm_unit_of_work(acting) as session:
        return [_spec(row) for row in repo.intents(session)]


EXPORT_FORMATS = {"yaml": ".yaml", "json": ".json", "csv": ".csv"}


def export_intents(acting: ActingUser, *, path: Path, force: bool) -> int:
    """Writes every intent to `path` (YAML, JSON or CSV by its suffix); returns how many. A file
    there (a link included) is refused (Conflict, as `db backup` refuses it) unless `force`."""
    intent_files.dump([], suffix=path.suffix)  # a suffix it cannot write is refused before the read
    if path.is_dir():  # as `db backup` says it (--force would not help)
        raise InvalidInput(f"{path} is a folder; give a file name")
    specs = all_intents(acting)
    text = intent_files.dump(specs, suffix=path.suffix)
    try:
        with path.open("w" if force else "x", encoding="utf-8") as handle:  # "x": O_EXCL; another OSError: exit 8
            handle.write(text)
    except FileExistsError:
        raise Conflict(already_exists(path)) from None
    return len(specs)


def export_text(acting: ActingUser, *, fmt: str) -> tuple[str, int]:
    """Every intent as `intents import` reads them back, in `fmt` (yaml, json or csv), and how many
    (`intents export -`: standard output)."""
    if fmt not in EXPORT_FORMATS:
        from blogster_cli.wording import not_one_of

        raise InvalidInput(not_one_of("--format", EXPORT_FORMATS, fmt))
    specs = all_intents(acting)
    return intent_files.dump(specs, suffix=EXPORT_FORMATS[fmt]), len(specs)


def list_intents(acting: ActingUser) -> list[IntentSummary]:
    return [_summary(spec) for spec in all_intents(acting)]


def count_without_responses(intents: list[IntentSummary]) -> int:
    """How many of the listed intents have no response (`oos` aside: it never answers)."""
    return sum(1 for i in intents if not i.responses and i.name != intent_files.OUT_OF_SCOPE_LABEL)


def add_intent(
    acting: ActingUser, *, name: str, phrases: list[str], responses: list[str],
    category: ChatbotIntentCategory = ChatbotIntentCategory.SUPPORT, description: str | None = None,
    follow_ups: list[str] | None = None,
) -> IntentSummary:  # fmt: skip
    """Creates an intent, or adds phrases and responses to the one of that name."""
    from blogster_cli.db.orm import orm_unit_of_work
    from blogster_cli.models.chatbot import ChatbotIntent
    from blogster_cli.repositories import chatbot as repo

    require_admin(acting)
    spec = intent_files.intent_from_mapping(
        {"name": name, "training_phrases": phrases, "responses": responses, "category": str(category),
         "description": description, "follow_up_intents": follow_ups or []},
        "intent",
    )  # fmt: skip
    with orm_unit_of_work(acting) as session:
        row = repo.intent_by_name(session, name=spec.name)
        if row is None:
            row = ChatbotIntent(name=spec.name)
            _apply(row, spec)
        else:
            old = _spec(row)
            spec = IntentSpec(
                name=old.name,
                description=description if description is not None else old.description,
                training_phrases=intent_files.unique(old.training_phrases + spec.training_phrases),
                parameters=old.parameters,
                responses=old.responses + [r for r in spec.responses if r not in old.responses],
                follow_up_intents=intent_files.unique(old.follow_up_intents + spec.follow_up_intents),
                category=category if category != ChatbotIntentCategory.SUPPORT else old.category,
            )
            _apply(row, spec)
        repo.save_intent(session, intent=row)
    return _summary(spec)


def to_remove(acting: ActingUser, *, name: str) -> IntentSummary:
    """The intent `remove_intent` would delete, for a front end to ask about first: administrators
    only, so a writer is refused rather than asked, and an unknown intent is not found rather than
    asked about."""
    from blogster_cli.db.orm import orm_unit_of_work
    from blogster_cli.repositories import chatbot as repo

    require_admin(acting)
    with orm_unit_of_work(acting) as session:
        row = repo.intent_by_name(session, name=name)
        if row is None:
            raise NotFound(f"no intent {name!r}")
        return _summary(_spec(row))


def remove_intent(acting: ActingUser, *, name: str) -> None:
    from blogster_cli.db.orm import orm_unit_of_work
    from blogster_cli.repositories import chatbot as repo

    require_admin(acting)
    with orm_unit_of_work(acting) as session:
        row = repo.intent_by_name(session, name=name)
        if row is None or repo.delete_intents(session, ids=[row.id]) != 1:
            raise NotFound(f"no intent {name!r}")


def training_set(specs: list[IntentSpec]) -> tuple[list[str], list[str]]:
    """(phrases, labels) for the classifier: every intent's training phrases."""
    phrases = [p for s in specs for p in s.training_phrases]
    labels = [s.name for s in specs for _ in s.training_phrases]
    return phrases, labels


def evaluate(
    acting: ActingUser, *, path: Path, on_training: Callable[[int, int], None] = lambda examples, intents: None,
    on_classifying: Callable[[int], None] = lambda examples: None, on_classified: Callable[[], None] = lambda: None,
) -> Evaluation:  # fmt: skip
    """Trains the worker's classifier on the stored intents and scores it on a CSV of
    text,intent pairs (`oos`: the bot should say it does not know). Progress, for a front end:
    `on_training(examples, intents)` once the file is read, as the training (seconds to minutes)
    begins; `on_classifying(examples)` once it is trained; `on_classified()` after each example."""
    from blogster_cli.chatbot.classifier import IntentClassifier
    from blogster_cli.chatbot.evaluation import evaluate as score

    require_admin(acting)
    text = read_named_text(path)
    pairs = intent_files.read_pairs(text, source=str(path))
    specs = all_intents(acting)
    phrases, labels = training_set(specs)
    on_training(len(pairs), len(specs))
    began = time.perf_counter()
    classifier = IntentClassifier.train(phrases, labels)
    training_s = time.perf_counter() - began
    predicted: list[str | None] = []
    latencies: list[float] = []
    on_classifying(len(pairs))
    for message, _ in pairs:
        began = time.perf_counter()
        predicted.append(classifier.predict([message])[0].label)
        latencies.append(time.perf_counter() - began)
        on_classified()
    return score(
        [label for _, label in pairs], predicted, known_labels=set(classifier.labels),
        latencies_s=latencies, training_s=training_s, threshold=classifier.threshold,
    )  # fmt: skip


LIVE_DAYS = 2
"""How many days, today included, `analytics` computes as it reads (as the hourly roll-up does): a
day's figures change until it ends (and the roll-up after that, which may be an hour off, is its
last); each `AnalyticsDay.as_of` says when."""


def _computed_early(row: Any) -> bool:
    """A day's figures computed before the day (UTC) was over: what came later that day is missing."""
    over = datetime.combine(row.date + timedelta(days=1), datetime.min.time(), tzinfo=UTC)
    return row.refreshed_at is None or bool(row.refreshed_at < over)


def analytics(acting: ActingUser, *, days: int = 7, refresh: bool = True) -> list[AnalyticsDay]:
    """The daily figures (UTC dates) of the last `days` days; unless `refresh` is off, today's and
    yesterday's are computed first, so they count every conversation up to now, and so is an earlier
    day whose figures were computed before it was over (by a read or roll-up that day, when no worker
    rolled it up after it ended)."""
    from blogster_cli.db.orm import orm_unit_of_work
    from blogster_cli.db.rows import checked
    from blogster_cli.repositories import chatbot as repo

    require_admin(acting)
    if not 1 <= days <= MAX_ANALYTICS_DAYS:
        raise InvalidInput(f"--days must be between 1 and {MAX_ANALYTICS_DAYS}")
    today = datetime.now(UTC).date()
    since = today - timedelta(days=days - 1)
    with orm_unit_of_work(acting) as session:
        if refresh:
            live = {today - timedelta(days=back) for back in range(min(days, LIVE_DAYS))}
            # An earlier day last computed before it was over (no worker ran after it) is computed once
            # more, now that it is: then it is never stale again, and its as_of says so.
            stale = {row.date for row in repo.analytics(session, since=since) if _computed_early(row)}
            for day in sorted(live | stale):
                repo.refresh_analytics(session, day=day)
            session.expire_all()  # the rows read above are computed anew: read them again
        rows = repo.analytics(session, since=since)
    return [
        AnalyticsDay(
            date=row.date,
            conversations=row.total_conversations,
            avg_conversation_s=row.avg_conversation_length.total_seconds() if row.avg_conversation_length else None,
            avg_response_ms=row.avg_response_time.total_seconds() * 1000 if row.avg_response_time else None,
            top_intents=list(row.top_intents),
            satisfaction=dict(row.satisfaction_metrics),
            completion=dict(row.conversion_metrics),
            errors=dict(row.error_rates),
            as_of=checked(row.refreshed_at, datetime),
        )
        for row in rows
    ]
