"""Job kinds `process_chatbot_message`: the bot's reply to one user message (enqueued by the 0080
trigger on chatbot_messages, in the user's transaction), and `learn_chatbot_intents`: the worker
starts learning changed intents (enqueued by the 0158 trigger on chatbot_intents, at most one
waiting)."""

from __future__ import annotations

import copy
import os
from datetime import datetime
from typing import TYPE_CHECKING, Any, NamedTuple
from uuid import UUID

if TYPE_CHECKING:
    import procrastinate

    from blogster_cli.ai.provider import ProviderConfig
    from blogster_cli.config import Settings
    from blogster_cli.context import AppContext

TASK_NAME = "process_chatbot_message"
LEARN_TASK_NAME = "learn_chatbot_intents"
QUEUE = "chatbot"
MAX_ATTEMPTS = 3
"""Runs of a reply that failed (2 s, then 4 s apart); runs that found the conversation busy count too."""
BUSY_ATTEMPTS = 19
"""Retries of a reply whose conversation another transaction holds (its account's own, left open):
1, 2, 4 ... 256 s apart, then every BUSY_WAIT_MAX_S, about an hour in all (58.5 min, 20 runs); each
run gives its worker back. Only a conversation's first waiting reply is run (0164's job lock)."""
BUSY_WAIT_MAX_S = 300
"""Five minutes: an account sending at its limit (20 a minute) into conversations it holds keeps
about 1,200 replies waiting; a minute apart they took some 20 job runs a second from the others."""
AI_FALLBACK_ENV = "BLOGSTER_CHATBOT_AI_FALLBACK"


class _BuiltFrom(NamedTuple):
    """What a provider was built from, as far as it can be known without reading the key."""

    settings: Settings
    """The settings object read (the context reads a new one each time the config file changed:
    `ai setup` rewrites it, whatever it changed, the key included)."""
    values: Settings  # a copy: the same object changed in place is a change too
    credentials_file: tuple[int, ...] | None
    """The credentials file's state (the key's store where no OS keyring is; None: no file)."""
    environment: int
    """The process's environment (BLOGSTER_AI_*, OPENAI_API_KEY among it), as a hash: no key kept here."""


_built: tuple[_BuiltFrom, ProviderConfig] | None = None  # the provider last built, and from what


def _file_state(path: os.PathLike[str]) -> tuple[int, ...] | None:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return (stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)


def _built_from(context: AppContext) -> _BuiltFrom:
    from blogster_cli.credentials import credentials_file

    settings = context.settings
    return _BuiltFrom(
        settings, copy.copy(settings), _file_state(credentials_file()), hash(frozenset(os.environ.items()))
    )


def _same(a: _BuiltFrom, b: _BuiltFrom) -> bool:
    return a.settings is b.settings and a[1:] == b[1:]


def _fallback_provider(context: AppContext) -> ProviderConfig | None:
    """The configured AI provider when BLOGSTER_CHATBOT_AI_FALLBACK=1, else None (classifier only).
    Built again only when what it is built from changed (a keyring read each message otherwise):
    the settings read (a new read after each change of the config file, which `ai setup` always
    writes, so a new setup reaches the running worker at its next message), the credentials file,
    the environment. A provider that could not be built is not kept: the next message tries again."""
    global _built
    if os.environ.get(AI_FALLBACK_ENV, "").strip().lower() not in ("1", "true", "yes", "on"):
        return None
    from blogster_cli.services import ai_settings

    now = _built_from(context)
    built = _built
    if built is not None and _same(built[0], now):
        return built[1]
    provider = ai_settings.provider_config(context)
    _built = (now, provider)
    return provider


def busy_retry_in_s(attempts: int) -> int | None:
    """Seconds until a reply found busy is run again, after `attempts` earlier runs (procrastinate's
    count: 0 at the first run); None: it has waited about an hour, it fails (`workers retry`)."""
    if attempts >= BUSY_ATTEMPTS:
        return None
    return min(BUSY_WAIT_MAX_S, int(2**attempts))


def register(app: procrastinate.App, context: AppContext) -> None:
    from procrastinate import JobContext, RetryStrategy
    from procrastinate.jobs import Job
    from procrastinate.retry import RetryDecision

    from blogster_cli.services import chatbot_replies, workers
    from blogster_cli.workers import stopping

    _fallback_provider(context)  # a provider set up wrong stops the worker at its start

    class RetryLaterWhenBusy(RetryStrategy):
        """RetryStrategy, except that a busy conversation is tried again later and for longer: the
        job keeps its id, so its conversation's later messages still wait for it (0164's job lock)."""

        def get_retry_decision(self, *, exception: BaseException, job: Job) -> RetryDecision | None:
            if isinstance(exception, chatbot_replies.ConversationBusy):
                wait_s = busy_retry_in_s(job.attempts)
                return None if wait_s is None else RetryDecision(retry_in={"seconds": wait_s})
            return super().get_retry_decision(exception=exception, job=job)

    @app.task(
        name=TASK_NAME,
        queue=QUEUE,
        pass_context=True,
        retry=RetryLaterWhenBusy(max_attempts=MAX_ATTEMPTS, exponential_wait=2),
    )
    def process_chatbot_message(job_context: JobContext, /, **args: Any) -> None:
        job = job_context.job
        assert job.id is not None
        try:
            chatbot_replies.process_message(
                context.database,
                message_id=UUID(args["message_id"]),
                created_at=datetime.fromisoformat(args["created_at"]),
                provider=_fallback_provider(context),  # as set now (`ai setup` since the start): see there
                should_stop=stopping.should_stop(job_context),  # ends a wait for the worker's first model
            )
        except Exception as exc:
            workers.record_failure(context.database, job_id=job.id, task_name=TASK_NAME, error=str(exc))
            raise

    @app.task(name=LEARN_TASK_NAME, queue=QUEUE, queueing_lock=LEARN_TASK_NAME)
    def learn_chatbot_intents() -> None:
        """Starts learning the stored intents on this process's training thread and returns: the
        messages after a change are answered with the new model as soon as it is learnt."""
        chatbot_replies.learn(context.database)
